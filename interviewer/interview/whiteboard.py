"""The interview's whiteboard: the latest saved diagram (its facts are graded with the answers,
grading/document.py), and its note for the interviewer, so it can ask about what it lacks."""

from __future__ import annotations

from functools import lru_cache

from interviewer.diagram import Diagram, parse, summary
from interviewer.diagram.render import to_mermaid
from interviewer.interview.state import InterviewState


@lru_cache(maxsize=64)
def _parsed(source: str) -> Diagram:
    return parse(source)  # saved versions parsed when saved; a turn reads the latest several times


def latest(state: InterviewState) -> tuple[int, Diagram] | None:
    """(its version number, the parsed diagram) of the last saved whiteboard, if any."""
    saved = state.get("diagrams", [])
    return (len(saved), _parsed(saved[-1]["source"])) if saved else None


def diagram_note(state: InterviewState) -> str:
    drawn = latest(state)
    return f"Their whiteboard now: {summary(drawn[1])} " if drawn else ""


def clean_diagram(state: InterviewState) -> str:
    """The last whiteboard as clean Mermaid source (labels escaped), for the scorecard."""
    drawn = latest(state)
    return to_mermaid(drawn[1]) if drawn else ""
