"""What the candidate has given the interview in a phase: their answers and, in the diagram
phase, the latest whiteboard as facts the grader can quote; and the whiteboard's note for the
interviewer, so it can ask about what the diagram lacks."""

from __future__ import annotations

from functools import lru_cache

from interviewer.content.rubric import Phase
from interviewer.diagram import Diagram, check, facts, parse, summary
from interviewer.diagram.render import to_mermaid
from interviewer.grading.diagram_evidence import settle
from interviewer.grading.quotes import Segment
from interviewer.grading.scorecard import FlagResult
from interviewer.interview.state import InterviewState


@lru_cache(maxsize=64)
def _parsed(source: str) -> Diagram:
    return parse(source)  # saved versions parsed when saved; a turn reads the latest several times


def latest(state: InterviewState) -> tuple[int, Diagram] | None:
    """(its version number, the parsed diagram) of the last saved whiteboard, if any."""
    saved = state.get("diagrams", [])
    return (len(saved), _parsed(saved[-1]["source"])) if saved else None


def candidate_segments(state: InterviewState, phase: Phase) -> list[Segment]:
    """The candidate's answers in a phase; in the diagram phase, the latest whiteboard's facts too."""
    segs, n = [], 0
    for turn in state["transcript"]:
        if turn["role"] == "candidate":
            n += 1
            if turn["phase"] == phase.id:
                segs.append(Segment(f"turn {n}", turn["text"]))
    drawn = latest(state)
    if phase.diagram and drawn:  # its facts as sentences the grader can quote ("Edge: Events → Feature store.")
        segs.append(Segment(f"diagram v{drawn[0]}", " ".join(f"{f}." for f in facts(drawn[1]))))
    return segs


def diagram_note(state: InterviewState) -> str:
    drawn = latest(state)
    return f"Their whiteboard now: {summary(drawn[1])} " if drawn else ""


def clean_diagram(state: InterviewState) -> str:
    """The last whiteboard as clean Mermaid source (labels escaped), for the scorecard."""
    drawn = latest(state)
    return to_mermaid(drawn[1]) if drawn else ""


def diagram_settled(state: InterviewState, phase: Phase, results: list[FlagResult]) -> list[FlagResult]:
    """In the diagram phase, the latest whiteboard's checks settle the flags that name one."""
    drawn = latest(state)
    if not (phase.diagram and drawn):
        return results
    words = " ".join(t["text"] for t in state["transcript"] if t["role"] == "candidate" and t["phase"] == phase.id)
    return settle(results, phase, check(drawn[1]), words, f"diagram v{drawn[0]}")
