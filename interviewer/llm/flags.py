"""The command-line flags that choose the LLM backend, and `Settings` from any command's flags.

Here, beside `Settings`, so every command (the app's and the evals') reads them one way: flags >
environment > defaults.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import get_args

from interviewer.llm.settings import STRATEGIES, LocalModel, Questions, Settings


def add_backend_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("LLM backend (flags > env > embedded model)")
    g.add_argument("--base-url", help="OpenAI-compatible /v1 URL (env OPENAI_BASE_URL)")
    g.add_argument("--model", help="model name (env INTERVIEWER_MODEL)")
    g.add_argument("--model-path", type=Path, help="your own GGUF for the embedded server")
    g.add_argument("--local-model", choices=get_args(LocalModel), help="embedded model size")
    g.add_argument("--ctx", dest="n_ctx", type=int, help="embedded context size")
    g.add_argument("--threads", type=int, help="embedded server threads")
    g.add_argument("--timeout", type=float, help="seconds per LLM call")
    g.add_argument("--strategy", dest="grader_strategy", choices=STRATEGIES,
                   help="how the grader asks (env INTERVIEWER_GRADER; default auto)")
    g.add_argument("--questions", choices=get_args(Questions),
                   help="who words the interviewer's questions (env INTERVIEWER_QUESTIONS; default authored: the "
                        "question banks; model: a strong backend writes them, under the same guards)")


def settings_from(args: argparse.Namespace) -> Settings:
    """Every Settings field a command's flags name; a flag not given leaves env or default."""
    return Settings.load({k: getattr(args, k, None) for k in Settings.model_fields})
