"""The History and Progress tabs' handlers: plain methods over the store, so tests call them directly."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from interviewer.app.views import chat_messages, score_chart
from interviewer.interview.sessions import SessionError, Sessions
from interviewer.practice.history import Record
from interviewer.practice.progress import Point, Progress, drill_problem, progress

COLUMNS = ["date", "kind", "problem", "level", "framework", "minutes", "overall", "signal", "id"]
ALL = "all"


def label(rec: Record) -> str:
    """The picker's line: enough to tell one attempt from another in a store others share too."""
    when = datetime.fromtimestamp(rec.created, UTC).strftime("%Y-%m-%d %H:%M")
    score = f"{rec.overall:.2f}" if rec.overall is not None else rec.status
    return f"{when} · {rec.problem_id or 'write-up'} · {rec.kind} · {rec.level} · {rec.framework} · {score} · {rec.id}"


class HistoryUI:
    def __init__(self, sessions: Sessions, export_dir: Path | None = None) -> None:
        self.sessions = sessions
        self.history = sessions.history
        self.catalog = sessions.context.catalog
        self.export_dir = export_dir or Path(tempfile.mkdtemp(prefix="interviewer-history-"))

    def table(self, level: str = ALL) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
        """Every session and write-up, newest first, and the picker's choices."""
        records = self.history.list(None if level in ("", ALL) else level)
        rows = [[datetime.fromtimestamp(r.created, UTC).strftime("%Y-%m-%d %H:%M"),
                 f"drill: {r.drill_phase}" if r.kind == "drill" else r.kind, r.problem_id or "—", r.level,
                 r.framework, round(r.duration_min, 1), r.overall if r.overall is not None else "—",
                 (r.hire_signal or r.status).replace("_", " "), r.id] for r in records]
        return pd.DataFrame(rows, columns=COLUMNS), [(label(r), r.id) for r in records]

    def open(self, record_id: str) -> tuple[list[dict[str, str]], str, str, str]:
        """A past attempt, read only: (chat, scorecard chart, scorecard or write-up, notice)."""
        rec = self.history.get(record_id) if record_id else None
        if rec is None:
            return [], "", "", "Pick a session first." if not record_id else f"Nothing in History with id {record_id}."
        if rec.kind == "writeup":
            card = rec.card
            text = f"### The write-up\n\n{rec.text}\n\n---\n\n" + (card.to_markdown() if card else "")
            return [], score_chart(card) if card else "", text, ""
        try:
            view = self.sessions.load(rec.id)
        except SessionError as exc:
            return [], "", "", str(exc)
        card = view.scorecard
        note = "" if view.done else "This interview is unfinished: press Resume to continue it."
        return chat_messages(view), score_chart(card) if card else "", card.to_markdown() if card else "", note

    def delete(self, record_id: str) -> str:
        """The page asks the browser to confirm first; an empty id means the user said no."""
        if not record_id:
            return "Nothing deleted."
        try:
            self.sessions.delete(record_id)
        except SessionError as exc:
            return str(exc)
        return f"Deleted {record_id}: it is gone from History and Progress."

    def export(self) -> str:
        path = self.export_dir / f"history-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.history.export(), encoding="utf-8")
        return str(path)

    def progress(self, level: str) -> tuple[pd.DataFrame, str]:
        """The per-phase chart's points and the summary: sessions so far, trend, most-missed flags."""
        prog = progress(self.history.list(), level, self.catalog)
        # one label per attempt: its place in time (so the axis sorts), its date and its problem
        frame = pd.DataFrame([{"session": point_label(p), "score": p.score, "phase": p.phase, "date": p.when,
                               "id": p.record_id} for p in prog.points],
                             columns=["session", "score", "phase", "date", "id"])
        return frame, summary_md(prog)

    def drill_choice(self, level: str, framework: str) -> tuple[str, str]:
        """(problem id, phase id) of the next drill: the weakest phase, on a problem not seen recently."""
        prog = progress(self.history.list(), level, self.catalog)
        phases = [p.id for p in self.catalog.rubric(framework).phases]
        return drill_problem(self.history.list(), self.catalog), prog.weakest(phases)


def summary_md(prog: Progress) -> str:
    lines = [f"**{prog.summary()}**"]
    if prog.means:
        lines += ["", "| phase | mean score | sessions |", "|---|---|---|"]
        counts: dict[str, int] = {}
        titles: dict[str, str] = {}
        for p in prog.points:
            counts[p.phase_id] = counts.get(p.phase_id, 0) + 1
            titles[p.phase_id] = p.phase
        lines += [f"| {titles[k]} | {v:.2f} | {counts[k]} |" for k, v in prog.means.items()]
    if prog.missed:
        lines += ["", "**Strengths most often not shown** (green flags missed / sessions graded):", ""]
        lines += [f"- {k}/{n} — {statement}" for _, statement, k, n in prog.missed]
    if prog.raised:
        lines += ["", "**Concerns most often raised** (red flags raised / sessions graded):", ""]
        lines += [f"- {k}/{n} — {statement}" for _, statement, k, n in prog.raised]
    return "\n".join(lines)


def point_label(p: Point) -> str:
    """An attempt on the chart's axis: "03 · 2025-12-03 · payment_fraud"."""
    return f"{p.n:02d} · {p.when[:10]} · {p.problem or p.kind}"
