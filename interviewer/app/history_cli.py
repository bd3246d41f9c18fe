"""`interviewer history`: list, show, delete and export past sessions and write-ups; progress."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from interviewer.app.options import add_store_flags, catalog_of
from interviewer.content.rubric import LEVELS
from interviewer.grading.scorecard import Scorecard
from interviewer.interview.context import Context
from interviewer.interview.sessions import SessionError, Sessions
from interviewer.llm.client import LLM
from interviewer.llm.flags import settings_from
from interviewer.practice.history import Record
from interviewer.practice.progress import progress

ACTIONS = ["list", "show", "delete", "export", "progress"]


def reader(args: argparse.Namespace) -> Sessions:
    """The store's sessions, read only: History never calls the LLM, so none is started."""
    settings = settings_from(args)
    llm = LLM(settings, base_url=settings.base_url or "http://127.0.0.1:9/v1")
    return Sessions(Context(llm=llm, catalog=catalog_of(settings)), db_path=settings.resolved_store)


def when(rec: Record) -> str:
    return datetime.fromtimestamp(rec.created, UTC).strftime("%Y-%m-%d %H:%M")


def row(rec: Record) -> str:
    overall = f"{rec.overall:.2f}" if rec.overall is not None else "—"
    kind = f"drill:{rec.drill_phase}" if rec.kind == "drill" else rec.kind
    return (f"{rec.id:24} {when(rec):16} {kind:14} {rec.problem_id or '—':26} {rec.level:6} {rec.framework:18} "
            f"{rec.duration_min:5.1f}m {overall:>7} {(rec.hire_signal or rec.status).replace('_', ' ')}")


def show(sessions: Sessions, rec: Record) -> str:
    """A past attempt, read only: its transcript (or write-up text) and its scorecard."""
    lines = [f"{rec.kind} {rec.id} · {when(rec)} · {rec.problem_id or 'write-up'} · {rec.level} · {rec.status}", ""]
    card: Scorecard | None = rec.card
    if rec.kind == "writeup":
        lines += [rec.text.strip(), ""]
    else:
        view = sessions.load(rec.id)
        lines += [f"{'interviewer' if t['role'] == 'interviewer' else 'you'}> {t['text']}" for t in view.transcript]
        lines.append("")
        card = card or view.scorecard
    lines.append(card.to_markdown() if card else "(not graded yet: resume it with `interviewer chat --resume "
                                                  f"{rec.id}`)")
    return "\n".join(lines)


def cmd_history(args: argparse.Namespace) -> int:
    sessions = reader(args)
    history = sessions.history
    if args.action in ("show", "delete") and not args.id:
        raise SessionError(f"history {args.action} needs a session id (see `interviewer history`)")
    if args.action == "list":
        print(f"{'id':24} {'date':16} {'kind':14} {'problem':26} {'level':6} {'framework':18} {'time':>6} "
              f"{'overall':>7} signal")
        for rec in history.list(args.level):
            print(row(rec))
    elif args.action == "show":
        found = history.get(args.id)
        if found is None:
            raise SessionError(f"nothing in History with id '{args.id}'")
        print(show(sessions, found))
    elif args.action == "delete":
        sessions.delete(args.id)
        print(f"deleted {args.id}", file=sys.stderr)
    elif args.action == "export":
        data = history.export()
        if args.out:
            Path(args.out).write_text(data, encoding="utf-8")
            print(f"{len(history.list())} records written to {args.out}", file=sys.stderr)
        else:
            print(data)
    else:
        prog = progress(history.list(), args.level or "senior", sessions.context.catalog)
        print(prog.summary())
        for phase, mean in prog.means.items():
            print(f"  {phase:28} mean {mean:.2f} over {sum(p.phase_id == phase for p in prog.points)}")
        if prog.missed:
            print("Most often missed:")
            for _fid, statement, k, n in prog.missed:
                print(f"  {k}/{n}  {statement}")
    return 0


def add_command(sub: Any) -> None:
    p = sub.add_parser("history", help="past sessions and write-ups: list, show, delete, export, progress")
    p.add_argument("action", nargs="?", choices=ACTIONS, default="list")
    p.add_argument("id", nargs="?", help="a session or write-up id (show, delete)")
    p.add_argument("--level", choices=LEVELS, help="only this level (progress: default senior)")
    p.add_argument("--out", help="export: write the JSON here instead of standard output")
    add_store_flags(p)
    p.set_defaults(func=cmd_history)
