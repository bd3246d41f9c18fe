"""The `interviewer` command: list content, grade write-ups, chat, serve the app."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import sys
from pathlib import Path
from typing import Any

from .backend import stderr_progress
from .config import Settings
from .datafiles import DataFileError
from .llm import LLMError
from .local_model import ModelError
from .session import SessionError
from .writeup import InputError


def add_backend_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("LLM backend (flags > env > embedded model)")
    g.add_argument("--base-url", help="OpenAI-compatible /v1 URL (env OPENAI_BASE_URL)")
    g.add_argument("--model", help="model name (env INTERVIEWER_MODEL)")
    g.add_argument("--model-path", type=Path, help="your own GGUF for the embedded server")
    g.add_argument("--local-model", choices=["1.5b", "0.5b"], help="embedded model size")
    g.add_argument("--ctx", dest="n_ctx", type=int, help="embedded context size")
    g.add_argument("--threads", type=int, help="embedded server threads")
    g.add_argument("--timeout", type=float, help="seconds per LLM call")


def settings_from(args: argparse.Namespace) -> Settings:
    keys = ["base_url", "model", "model_path", "local_model", "n_ctx", "threads", "timeout"]
    return Settings.load({k: getattr(args, k, None) for k in keys})


def cmd_problems(args: argparse.Namespace) -> int:
    from .problems import load_problems

    for p in load_problems(args.problems_dir).values():
        print(f"{p.id:28} {p.domain:28} {p.title}")
    return 0


def cmd_rubrics(args: argparse.Namespace) -> int:
    from .rubric import load_rubrics

    for r in load_rubrics(args.rubrics_dir).values():
        phases = ", ".join(f"{ph.id} ({ph.budget.target_minutes:g}m)" for ph in r.phases)
        print(f"{r.id:20} {r.title}\n{'':20} {phases}")
    return 0


def deps_for(settings: Settings, llm: Any, problems_dir: Path | None) -> Any:
    """On the embedded 2-core server, grading waits until the reply is out and never blocks a turn."""
    from .graph import Deps

    local = settings.embedded
    return Deps(llm=llm, strategy=settings.grader_strategy, problems_dir=problems_dir,
                grade_after_reply=local, grade_wait_s=0.0 if local else 20.0)


def ui_secret(home: Path) -> str:
    """A stable key for the browser's stored session id, so it survives an app restart."""
    path = home / "ui-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(24), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def cmd_serve(args: argparse.Namespace) -> int:
    from .backend import open_backend
    from .session import Sessions
    from .ui import UI, build_app
    from .views import CSS

    settings = settings_from(args)
    auth_text = args.auth or os.environ.get("INTERVIEWER_AUTH")
    auth = tuple(auth_text.split(":", 1)) if auth_text else None
    if args.host not in ("127.0.0.1", "localhost") and auth is None:
        stderr_progress(f"warning: serving on {args.host} without --auth; anyone who can reach it can use it")
    backend = open_backend(settings)
    try:
        sessions = Sessions(deps_for(settings, backend.llm, args.problems_dir),
                            db_path=args.db or settings.home / "sessions.sqlite")
        app = build_app(UI(sessions, backend.llm), secret=ui_secret(settings.home))
        stderr_progress(f"app on http://{args.host}:{args.port}")
        app.queue(default_concurrency_limit=settings.parallel if settings.embedded else 8).launch(
            server_name=args.host, server_port=args.port, share=False, show_error=True, auth=auth, css=CSS,
        )
    finally:
        backend.close()
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    from .backend import open_backend
    from .grader import Grader
    from .problems import get_problem
    from .rubric import get_rubric
    from .writeup import grade_writeup, read_text, screen_writeup

    name = "standard input" if args.file == "-" else args.file
    if args.file == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            data = Path(args.file).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {args.file}: {exc.strerror}") from exc
    text = read_text(data, name)
    rubric = get_rubric(args.framework, args.rubrics_dir)
    problem = get_problem(args.problem, args.problems_dir) if args.problem else None
    card = screen_writeup(text, rubric, problem, args.level)
    if card is None:
        backend = open_backend(settings_from(args))
        try:
            def progress(done: int, total: int, msg: str) -> None:
                stderr_progress(f"[{done}/{total}] {msg}")

            grader = Grader(backend.llm, rubric, problem, strategy=args.strategy, progress=progress)
            stderr_progress(f"grading {name} ({len(text):,} chars) with {backend.llm.model}, "
                            f"{grader.strategy} strategy ...")
            card = grade_writeup(grader, text, args.level)
        finally:
            backend.close()
    out = card.to_json() if args.format == "json" else card.to_markdown()
    if args.out:
        Path(args.out).write_text(out, encoding="utf-8")
        stderr_progress(f"scorecard written to {args.out}")
    else:
        sys.stdout.write(out)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from .backend import open_backend
    from .evals import EVAL_DIR, run_writeups
    from .grader import Grader
    from .problems import get_problem
    from .rubric import get_rubric
    from .transcripts import load_transcripts, run_transcript, summarize
    from .writeup import grade_writeup, screen_writeup

    suites = args.suite or ["writeups"]
    unknown = [x for x in suites if x not in ("writeups", "variants", "transcripts")]
    if unknown:
        raise InputError(f"unknown eval suite '{unknown[0]}'; available: writeups, variants, transcripts")
    backend = open_backend(settings_from(args))
    out_root = Path(args.out or EVAL_DIR / "results")
    report: dict[str, Any] = {"model": backend.llm.model, "strategy": args.strategy}
    try:
        if "writeups" in suites:
            def grade(text: str, lab: Any) -> Any:
                problem = get_problem(lab.problem) if lab.problem else None
                grader = Grader(backend.llm, get_rubric(lab.framework), problem, strategy=args.strategy)
                return grade_writeup(grader, text, args.level)

            result = run_writeups(grade, out_root / f"writeups-{args.strategy}", args.only,
                                  progress=stderr_progress)
            report["writeups"] = {k: v for k, v in result.items() if k != "per_flag"}
        if "variants" in suites:
            from .variants import run_variants

            def grade_text(text: str, problem_id: str | None) -> Any:
                problem = get_problem(problem_id) if problem_id else None
                grader = Grader(backend.llm, get_rubric("default"), problem, strategy=args.strategy)
                card = screen_writeup(text, grader.rubric, problem, args.level)
                return card or grade_writeup(grader, text, args.level)

            result = run_variants(grade_text, args.only, progress=stderr_progress)
            (out_root / "variants").mkdir(parents=True, exist_ok=True)
            (out_root / "variants" / "results.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
            report["variants"] = {k: v for k, v in result.items() if k != "results"}
        if "transcripts" in suites:
            chosen = [t for n, t in sorted(load_transcripts().items()) if not args.only or n in args.only]
            jobs = [t for t in chosen for _ in range(args.runs)]
            done: list[dict[str, Any]] = []
            with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
                for i, run in enumerate(pool.map(lambda t: run_transcript(backend.llm, t, args.strategy), jobs), 1):
                    done.append(run)
                    ok = sum(c["ok"] for c in run["checks"])
                    stderr_progress(f"[{i}/{len(jobs)}] {run['id']}: {ok}/{len(run['checks'])} checks passed")
            summary = summarize(done)
            (out_root / "transcripts").mkdir(parents=True, exist_ok=True)
            (out_root / "transcripts" / "runs.json").write_text(json.dumps(done, indent=2), encoding="utf-8")
            report["transcripts"] = summary
        report["usage"] = backend.llm.usage.totals()
    finally:
        backend.close()
    out_root.mkdir(parents=True, exist_ok=True)
    (out_root / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps(report, indent=2))
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from .backend import open_backend
    from .session import Sessions

    settings = settings_from(args)
    backend = open_backend(settings)
    out = sys.stdout
    try:
        sessions = Sessions(deps_for(settings, backend.llm, args.problems_dir),
                            db_path=args.db or settings.home / "sessions.sqlite")
        if args.resume:
            sid = args.resume
            view = sessions.load(sid)
            for turn in view.transcript:
                out.write(f"{'interviewer' if turn['role'] == 'interviewer' else 'you'}> {turn['text']}\n")
        else:
            sid, opening = sessions.start(args.problem, args.level, args.framework)
            out.write("interviewer> ")
            for delta in opening:
                out.write(delta)
                out.flush()
            out.write("\n")
        out.write(f"(session {sid}; resume with --resume {sid}; commands: /next /end /retry)\n")
        while not sessions.load(sid).done:
            view = sessions.load(sid)
            out.write(f"[{view.phase_title} {view.phase_index + 1}/{view.phase_count} · "
                      f"{view.phase_elapsed_min:.1f} of {view.phase_budget_min:g} min · "
                      f"total {view.elapsed_min:.1f}/45 min]\n")
            out.flush()
            line = sys.stdin.readline()
            if not line:
                line = "/end"
            text = line.strip()
            if not text:
                continue
            if not sys.stdin.isatty():  # echo piped answers so the transcript reads as a dialogue
                out.write(f"you> {text}\n")
            try:
                if text == "/end":
                    break
                stream = (sessions.next_phase(sid) if text == "/next" else
                          sessions.retry(sid) if text == "/retry" else sessions.send(sid, text))
                out.write("interviewer> ")
                for delta in stream:
                    out.write(delta)
                    out.flush()
                out.write("\n")
            except (SessionError, LLMError) as exc:
                out.write(f"\n[error] {exc}. Your answer is saved; type /retry to try the turn again.\n")
        card = sessions.load(sid).scorecard or sessions.end(sid)
        out.write("\n" + card.to_markdown())
        if args.scorecard_out:
            Path(args.scorecard_out).write_text(card.to_json(), encoding="utf-8")
    finally:
        backend.close()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="interviewer", description=__doc__)
    parser.add_argument("--rubrics-dir", type=Path, help="extra directory of your own rubrics")
    parser.add_argument("--problems-dir", type=Path, help="extra directory of your own problems")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("problems", help="list the problem bank").set_defaults(func=cmd_problems)
    sub.add_parser("rubrics", help="list the frameworks").set_defaults(func=cmd_rubrics)

    grade = sub.add_parser("grade", help="grade a design write-up against the rubric")
    grade.add_argument("file", help="a .md or .txt file, or - for standard input")
    grade.add_argument("--problem", help="problem id the write-up answers (see `interviewer problems`)")
    grade.add_argument("--level", choices=["mid", "senior", "staff"], default="senior")
    grade.add_argument("--framework", default="default", help="rubric id (see `interviewer rubrics`)")
    grade.add_argument("--format", choices=["md", "json"], default="md")
    grade.add_argument("--strategy", choices=["auto", "per_flag", "per_phase"], default="auto")
    grade.add_argument("--out", help="write the scorecard here instead of standard output")
    add_backend_flags(grade)
    grade.set_defaults(func=cmd_grade)

    chat = sub.add_parser("chat", help="a full interview in the terminal")
    chat.add_argument("--problem", help="problem id (default: random)")
    chat.add_argument("--level", choices=["mid", "senior", "staff"], default="senior")
    chat.add_argument("--framework", default="default")
    chat.add_argument("--resume", metavar="SESSION_ID", help="continue a saved session")
    chat.add_argument("--db", type=Path, help="session store (default: ~/.cache/mlsd-interviewer/sessions.sqlite)")
    chat.add_argument("--scorecard-out", type=Path, help="also write the scorecard JSON here")
    add_backend_flags(chat)
    chat.set_defaults(func=cmd_chat)

    ev = sub.add_parser("eval", help="measure the grader against labeled write-ups")
    ev.add_argument("suite", nargs="*", help="writeups, variants, transcripts (default: writeups)")
    ev.add_argument("--runs", type=int, default=1, help="repeat each transcript (rerun stability)")
    ev.add_argument("--concurrency", type=int, default=1, help="transcripts run at once")
    ev.add_argument("--strategy", choices=["auto", "per_flag", "per_phase"], default="auto")
    ev.add_argument("--level", choices=["mid", "senior", "staff"], default="senior")
    ev.add_argument("--only", nargs="*", help="names (label or transcript file stems) to run")
    ev.add_argument("--out", type=Path, help="results directory (default: evals/results)")
    add_backend_flags(ev)
    ev.set_defaults(func=cmd_eval)

    serve = sub.add_parser("serve", help="start the Gradio app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=7860)
    serve.add_argument("--auth", help="user:password required to use the app (env INTERVIEWER_AUTH)")
    serve.add_argument("--db", type=Path, help="session store (default: ~/.cache/mlsd-interviewer/sessions.sqlite)")
    add_backend_flags(serve)
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args: Any = build_parser().parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the embedded server is stopped by the finally blocks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        return int(args.func(args))
    except (DataFileError, ModelError, LLMError, InputError, SessionError, KeyError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
