"""The app's own command-line options (content folders, the session store) and what they build;
the backend flags and `settings_from` are in llm/flags.py."""

from __future__ import annotations

import argparse
from pathlib import Path

from interviewer.content.catalog import Catalog
from interviewer.interview.context import Context
from interviewer.llm.client import LLM
from interviewer.llm.settings import Settings


def add_content_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rubrics-dir", type=Path, help="a folder of your own rubrics (env INTERVIEWER_RUBRICS_DIR)")
    p.add_argument("--problems-dir", type=Path, help="a folder of your own problems (env INTERVIEWER_PROBLEMS_DIR)")


def add_store_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--store", help="session store: a SQLite file, or postgres://user@host/db to let several app "
                                   "processes serve the same sessions (env INTERVIEWER_STORE; default "
                                   "~/.cache/mlsd-interviewer/sessions.sqlite)")
    g.add_argument("--db", dest="store", type=str, help="a SQLite session store file (same as --store PATH)")


def catalog_of(settings: Settings) -> Catalog:
    return Catalog.load(settings.rubrics_dir, settings.problems_dir)


def interview_context(settings: Settings, llm: LLM, catalog: Catalog) -> Context:
    """On the embedded 2-core server, grading waits until the reply is out and never blocks a turn."""
    local = settings.embedded
    return Context(llm=llm, catalog=catalog, strategy=settings.grader_strategy, grade_after_reply=local,
                   grade_wait_s=0.0 if local else 20.0, warm_prefix=local and settings.questions == "model",
                   questions=settings.questions)
