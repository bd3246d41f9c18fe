"""The Grade a write-up tab: grading with the button held and progress told phase by phase.

Grading a write-up takes one model call per flag (tens of calls, minutes on a small local model),
so the page must show that it is working and how far it is, and refuse a second press meanwhile.
"""

from __future__ import annotations

import queue
import re
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import gradio as gr  # noqa: E402,I001  (after the offline guards)

from interviewer.app.views import score_chart, scorecard_md
from interviewer.content.rubric import Rubric
from interviewer.grading.grader import Grader
from interviewer.grading.scorecard import Scorecard
from interviewer.grading.writeup import InputError, read_text, writeup_card
from interviewer.llm.client import LLMError

if TYPE_CHECKING:
    from interviewer.content.catalog import Catalog
    from interviewer.interview.sessions import Sessions
    from interviewer.llm.client import LLM
    from interviewer.llm.settings import GraderStrategy


class UI(Protocol):
    """What grading a write-up needs of the page (app/ui.py's UI), named here so the two modules
    do not import each other."""
    sessions: Sessions
    llm: LLM
    catalog: Catalog
    strategy: GraderStrategy
    export_dir: Path

GRADE_LABEL, GRADING_LABEL = "Grade", "Grading…"
_GRADED = re.compile(r"^(?:graded (?:phase )?(\S+)|(\S+): not graded)")


def grade_writeup(ui: UI, text: str, upload: str | None, problem: str, level: str, framework: str,
                  progress: Any = None) -> tuple[str, str, list[str] | None, str]:
    """(chart, scorecard, files, notice); `progress(fraction, desc=...)` hears each graded call."""
    try:
        if upload:
            text = read_text(Path(upload).read_bytes(), Path(upload).name)
        rubric = ui.catalog.rubric(framework)
        prob = ui.catalog.problem(problem) if problem else None

        def tick(done: int, total: int, msg: str) -> None:
            if progress is not None:
                progress(done / total, desc=msg)

        card = writeup_card(text or "", rubric, prob, level,  # type: ignore[arg-type]
                            lambda: Grader(ui.llm, rubric, prob, strategy=ui.strategy, progress=tick))
    except (InputError, LLMError, KeyError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) else str(exc)
        return "", "", None, f"⚠️ {msg}"
    rec = ui.sessions.history.add_writeup(text, card)
    return score_chart(card), scorecard_md(card), export_card(card, ui.export_dir), \
        f"Saved in History as `{rec.id}`."


def export_card(card: Scorecard, export_dir: Path) -> list[str]:
    d = export_dir / f"writeup-{secrets.token_hex(6)}"
    d.mkdir(parents=True, exist_ok=True)
    (d / "scorecard.md").write_text(card.to_markdown(), encoding="utf-8")
    (d / "scorecard.json").write_text(card.to_json(), encoding="utf-8")
    return [str(d / "scorecard.md"), str(d / "scorecard.json")]


class PhaseProgress:
    """How far grading is, per phase of the rubric, from the grader's one line per finished call."""

    def __init__(self, rubric: Rubric | None) -> None:
        phases = rubric.phases if rubric else []
        self.titles = [ph.title for ph in phases]
        self.total = {ph.title: len(ph.flags) for ph in phases}
        self.done = dict.fromkeys(self.titles, 0)
        self.owner = {f.id: ph.title for ph in phases for _, f in ph.flags} | {ph.id: ph.title for ph in phases}
        self.whole = {ph.id for ph in phases}  # the per-phase strategy grades a phase in one call

    def heard(self, msg: str) -> None:
        m = _GRADED.match(msg)
        ref = (m[1] or m[2]) if m else ""
        title = self.owner.get(ref)
        if title is not None:
            self.done[title] = self.total[title] if ref in self.whole else self.done[title] + 1

    def markdown(self) -> str:
        if not self.titles:
            return "Grading…"
        done, total = sum(self.done.values()), sum(self.total.values())
        rows = []
        for t in self.titles:
            n, of = min(self.done[t], self.total[t]), self.total[t]
            mark = "✓ done" if n >= of else f"{n}/{of}" if n else "waiting"
            rows.append(f"- {t}: {mark}")
        return f"**Grading: {done} of {total} checks done**\n\n" + "\n".join(rows)


def grade_steps(ui: UI, text: str, upload: str | None, problem: str, level: str,
                framework: str) -> Iterator[tuple[Any, ...]]:
    """(chart, scorecard, files, notice, progress, button) while grading: the button is held and
    says so, the progress line moves phase by phase, and the last step gives the button back."""
    held = gr.Button(value=GRADING_LABEL, interactive=False)
    skip = gr.skip()
    tracker = PhaseProgress(ui.catalog.rubrics.get(framework))
    heard: queue.Queue[str] = queue.Queue()
    result: list[tuple[str, str, list[str] | None, str]] = []

    def run() -> None:
        try:
            result.append(grade_writeup(ui, text, upload, problem, level, framework,
                                        lambda _f, desc="": heard.put(desc)))
        except Exception as exc:  # noqa: BLE001  (whatever happens, the button must come back)
            result.append(("", "", None, f"⚠️ Grading failed: {exc}"))

    worker = threading.Thread(target=run, daemon=True)
    yield "", "", None, "", tracker.markdown(), held
    worker.start()
    while worker.is_alive() or not heard.empty():
        try:
            tracker.heard(heard.get(timeout=0.2))
        except queue.Empty:
            continue
        while not heard.empty():
            tracker.heard(heard.get_nowait())
        yield skip, skip, skip, skip, tracker.markdown(), skip
    worker.join()
    chart, md, files, notice = result[0]
    yield chart, md, files, notice, "", gr.Button(value=GRADE_LABEL, interactive=True)
