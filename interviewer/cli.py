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
from .store import StoreError
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


def add_store_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--store", help="session store: a SQLite file, or postgres://user@host/db to let several app "
                                   "processes serve the same sessions (env INTERVIEWER_STORE; default "
                                   "~/.cache/mlsd-interviewer/sessions.sqlite)")
    g.add_argument("--db", type=Path, help="a SQLite session store file (same as --store PATH)")


def store_of(args: argparse.Namespace, settings: Settings) -> str | Path:
    return args.store or args.db or os.environ.get("INTERVIEWER_STORE") or settings.home / "sessions.sqlite"


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
                grade_after_reply=local, grade_wait_s=0.0 if local else 20.0, warm_prefix=local)


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
                            db_path=store_of(args, settings))
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
    from .evalrun import SUITES, EvalOptions, run_suite
    from .evals import EVAL_DIR
    from .report import compare_reports, write_report

    if args.compare:
        text, regressions = compare_reports(Path(args.compare[0]), Path(args.compare[1]))
        sys.stdout.write(text)
        return 1 if regressions and args.fail_on_regression else 0
    suites = args.suite or ([] if args.report_only else ["writeups"])
    unknown = [x for x in suites if x not in SUITES]
    if unknown:
        raise InputError(f"unknown eval suite '{unknown[0]}'; available: {', '.join(SUITES)}")
    if args.runs < 1 or args.concurrency < 1:
        raise InputError("--runs and --concurrency must be at least 1")
    out_dir = Path(args.out or EVAL_DIR / "results")
    if suites:
        from .backend import open_backend

        opts = EvalOptions(strategy=args.strategy, level=args.level, runs=args.runs, concurrency=args.concurrency,
                           only=args.only, focused=args.focused,
                           command="interviewer eval " + " ".join(_argv_for_record(args)))
        backend = open_backend(settings_from(args))
        try:
            for name in suites:
                doc = run_suite(name, backend.llm, opts, out_dir, stderr_progress)
                stderr_progress(f"{name}: {json.dumps(doc['summary'], default=str)[:300]}")
        finally:
            backend.close()
    report = write_report(out_dir)
    stderr_progress(f"report written to {report}")
    sys.stdout.write(report.read_text(encoding="utf-8"))
    return 0


def _argv_for_record(args: argparse.Namespace) -> list[str]:
    """The eval's own options, for the report (never keys: backend flags are left out)."""
    out = list(args.suite)
    for flag in ("runs", "concurrency", "strategy", "level", "out"):
        out += [f"--{flag}", str(getattr(args, flag))] if getattr(args, flag) is not None else []
    if args.only:
        out += ["--only", *args.only]
    if args.focused:
        out.append("--focused")
    return out


def cmd_calibrate(args: argparse.Namespace) -> int:
    from .calibration import CALIBRATION_DIR, fit_suite, save

    cal = fit_suite(args.suite_file, args.family)
    path = save(cal, args.out or CALIBRATION_DIR / f"{args.family}.yaml")
    print(f"wrote {path}: green met >= {cal.green.met}, partial >= {cal.green.partial}, "
          f"red raised >= {cal.red.raised}; held out: {json.dumps(cal.held_out)}")
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from .backend import open_backend
    from .session import Sessions

    settings = settings_from(args)
    backend = open_backend(settings)
    out = sys.stdout
    try:
        sessions = Sessions(deps_for(settings, backend.llm, args.problems_dir),
                            db_path=store_of(args, settings))
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
    grade.add_argument("--strategy", choices=["auto", "probe", "per_flag", "per_phase"], default="auto")
    grade.add_argument("--out", help="write the scorecard here instead of standard output")
    add_backend_flags(grade)
    grade.set_defaults(func=cmd_grade)

    chat = sub.add_parser("chat", help="a full interview in the terminal")
    chat.add_argument("--problem", help="problem id (default: random)")
    chat.add_argument("--level", choices=["mid", "senior", "staff"], default="senior")
    chat.add_argument("--framework", default="default")
    chat.add_argument("--resume", metavar="SESSION_ID", help="continue a saved session")
    add_store_flags(chat)
    chat.add_argument("--scorecard-out", type=Path, help="also write the scorecard JSON here")
    add_backend_flags(chat)
    chat.set_defaults(func=cmd_chat)

    ev = sub.add_parser("eval", help="measure the interviewer and the grader; write a report with plots")
    ev.add_argument("suite", nargs="*", help="writeups, variants, transcripts, personas (default: writeups)")
    ev.add_argument("--runs", type=int, default=1, help="repeat each item (rerun flip rate)")
    ev.add_argument("--concurrency", type=int, default=1, help="transcripts/personas run at once")
    ev.add_argument("--strategy", choices=["auto", "probe", "per_flag", "per_phase"], default="auto")
    ev.add_argument("--level", choices=["mid", "senior", "staff"], default="senior")
    ev.add_argument("--only", nargs="*", help="names (label, variant base, transcript or persona ids) to run")
    ev.add_argument("--focused", action="store_true",
                    help="variants: grade only the phases an edit can change (cheaper on a small CPU model)")
    ev.add_argument("--out", type=Path, help="results directory (default: evals/results)")
    ev.add_argument("--report-only", action="store_true", help="rebuild the report from the suite files in --out")
    ev.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"), help="compare two reports (dirs or report.json)")
    ev.add_argument("--fail-on-regression", action="store_true", help="with --compare: exit 1 on any regression")
    add_backend_flags(ev)
    ev.set_defaults(func=cmd_eval)

    cal = sub.add_parser("calibrate", help="fit the grader's thresholds on a writeups eval (held-out report)")
    cal.add_argument("suite_file", type=Path, help="a writeups.json written by `interviewer eval writeups`")
    cal.add_argument("--family", required=True, help="model family the file is for, e.g. qwen2.5-coder-1.5b")
    cal.add_argument("--out", type=Path, help="where to write the YAML (default: the shipped calibration dir)")
    cal.set_defaults(func=cmd_calibrate)

    serve = sub.add_parser("serve", help="start the Gradio app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=7860)
    serve.add_argument("--auth", help="user:password required to use the app (env INTERVIEWER_AUTH)")
    add_store_flags(serve)
    add_backend_flags(serve)
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args: Any = build_parser().parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the embedded server is stopped by the finally blocks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        return int(args.func(args))
    except (DataFileError, ModelError, LLMError, InputError, SessionError, StoreError, KeyError,
            FileNotFoundError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
