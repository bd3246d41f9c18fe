"""Command-line options that become `Settings`: one mechanism, flags > environment > defaults."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from interviewer.content.catalog import Catalog
from interviewer.llm.settings import Settings

STRATEGIES = ["auto", "probe", "per_flag", "per_phase"]


def add_content_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rubrics-dir", type=Path, help="a folder of your own rubrics (env INTERVIEWER_RUBRICS_DIR)")
    p.add_argument("--problems-dir", type=Path, help="a folder of your own problems (env INTERVIEWER_PROBLEMS_DIR)")


def add_backend_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("LLM backend (flags > env > embedded model)")
    g.add_argument("--base-url", help="OpenAI-compatible /v1 URL (env OPENAI_BASE_URL)")
    g.add_argument("--model", help="model name (env INTERVIEWER_MODEL)")
    g.add_argument("--model-path", type=Path, help="your own GGUF for the embedded server")
    g.add_argument("--local-model", choices=["1.5b", "0.5b"], help="embedded model size")
    g.add_argument("--ctx", dest="n_ctx", type=int, help="embedded context size")
    g.add_argument("--threads", type=int, help="embedded server threads")
    g.add_argument("--timeout", type=float, help="seconds per LLM call")
    g.add_argument("--strategy", dest="grader_strategy", choices=STRATEGIES,
                   help="how the grader asks (env INTERVIEWER_GRADER; default auto)")
    g.add_argument("--questions", choices=["authored", "model"],
                   help="who words the interviewer's questions (env INTERVIEWER_QUESTIONS; default authored: the "
                        "question banks; model: a strong backend writes them, under the same guards)")


def add_store_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--store", help="session store: a SQLite file, or postgres://user@host/db to let several app "
                                   "processes serve the same sessions (env INTERVIEWER_STORE; default "
                                   "~/.cache/mlsd-interviewer/sessions.sqlite)")
    g.add_argument("--db", dest="store", type=str, help="a SQLite session store file (same as --store PATH)")


def settings_from(args: argparse.Namespace) -> Settings:
    """Every Settings field a command's flags name; a flag not given leaves env or default."""
    return Settings.load({k: getattr(args, k, None) for k in Settings.model_fields})


def catalog_of(settings: Settings) -> Catalog:
    return Catalog.load(settings.rubrics_dir, settings.problems_dir)


def interview_context(settings: Settings, llm: Any, catalog: Catalog) -> Any:
    """On the embedded 2-core server, grading waits until the reply is out and never blocks a turn."""
    from interviewer.interview.context import Context

    local = settings.embedded
    return Context(llm=llm, catalog=catalog, strategy=settings.grader_strategy, grade_after_reply=local,
                   grade_wait_s=0.0 if local else 20.0, warm_prefix=local and settings.questions == "model",
                   questions=settings.questions)
