"""The `interviewer` command: list content, grade write-ups, chat, serve the app."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .config import Settings
from .datafiles import DataFileError
from .llm import LLMError
from .local_model import ModelError
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


def cmd_serve(args: argparse.Namespace) -> int:
    from .backend import open_backend
    from .ui import build_app

    backend = open_backend(settings_from(args))
    try:
        app = build_app(backend.llm)
        print(f"[interviewer] app on http://{args.host}:{args.port}", file=sys.stderr, flush=True)
        app.queue(default_concurrency_limit=2).launch(
            server_name=args.host, server_port=args.port, share=False, show_error=True
        )
    finally:
        backend.close()
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    from .backend import open_backend, stderr_progress
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
            done = [0]
            total = sum(len(p.flags) for p in rubric.phases)

            def progress(msg: str) -> None:
                done[0] += msg.startswith("graded")
                stderr_progress(f"[{done[0]}/{total if args.strategy != 'per_phase' else len(rubric.phases)}] {msg}")

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
    from .backend import open_backend, stderr_progress
    from .evals import EVAL_DIR, run_writeups
    from .grader import Grader
    from .problems import get_problem
    from .rubric import get_rubric
    from .writeup import grade_writeup

    if args.suite != "writeups":
        raise InputError(f"unknown eval suite '{args.suite}'; available: writeups")
    backend = open_backend(settings_from(args))
    try:
        def grade(text: str, lab: Any) -> Any:
            problem = get_problem(lab.problem) if lab.problem else None
            grader = Grader(backend.llm, get_rubric(lab.framework), problem, strategy=args.strategy)
            return grade_writeup(grader, text, args.level)

        out = args.out or EVAL_DIR / "results" / f"writeups-{args.strategy}"
        result = run_writeups(grade, Path(out), args.only, progress=stderr_progress)
    finally:
        backend.close()
    summary = {k: v for k, v in result.items() if k != "per_flag"}
    print(json.dumps(summary, indent=2))
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

    ev = sub.add_parser("eval", help="measure the grader against labeled write-ups")
    ev.add_argument("suite", nargs="?", default="writeups")
    ev.add_argument("--strategy", choices=["auto", "per_flag", "per_phase"], default="auto")
    ev.add_argument("--level", choices=["mid", "senior", "staff"], default="senior")
    ev.add_argument("--only", nargs="*", help="write-up names (label file stems) to run")
    ev.add_argument("--out", type=Path, help="directory for scorecards and agreement.json")
    add_backend_flags(ev)
    ev.set_defaults(func=cmd_eval)

    serve = sub.add_parser("serve", help="start the Gradio app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=7860)
    add_backend_flags(serve)
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args: Any = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (DataFileError, ModelError, LLMError, InputError, KeyError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
