"""The `interviewer` command: list content, grade write-ups, chat, serve the app."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .config import Settings
from .datafiles import DataFileError
from .llm import LLMError
from .local_model import ModelError


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="interviewer", description=__doc__)
    parser.add_argument("--rubrics-dir", type=Path, help="extra directory of your own rubrics")
    parser.add_argument("--problems-dir", type=Path, help="extra directory of your own problems")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("problems", help="list the problem bank").set_defaults(func=cmd_problems)
    sub.add_parser("rubrics", help="list the frameworks").set_defaults(func=cmd_rubrics)

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
    except (DataFileError, ModelError, LLMError, KeyError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
