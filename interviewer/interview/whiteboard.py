"""What the candidate has given the interview in a phase: their answers and, in the diagram
phase, the latest whiteboard as facts the grader can quote; and the whiteboard's note for the
interviewer, so it can ask about what the diagram lacks."""

from __future__ import annotations

from interviewer.content.rubric import Phase
from interviewer.diagram import check, facts, parse, summary
from interviewer.diagram.render import to_mermaid
from interviewer.grading.diagram_evidence import settle
from interviewer.grading.quotes import Segment
from interviewer.grading.scorecard import FlagResult
from interviewer.interview.state import InterviewState


def candidate_segments(state: InterviewState, phase: Phase) -> list[Segment]:
    """The candidate's answers in a phase; in the diagram phase, the latest whiteboard's facts too."""
    segs, n = [], 0
    for turn in state["transcript"]:
        if turn["role"] == "candidate":
            n += 1
            if turn["phase"] == phase.id:
                segs.append(Segment(f"turn {n}", turn["text"]))
    saved = state.get("diagrams", [])
    if phase.diagram and saved:
        segs.append(Segment(f"diagram v{len(saved)}", diagram_text(saved[-1]["source"])))
    return segs


def diagram_text(source: str) -> str:
    """A saved diagram's facts as sentences the grader can quote ("Edge: Events → Feature store.")."""
    return " ".join(f"{f}." for f in facts(parse(source)))


def diagram_note(state: InterviewState) -> str:
    saved = state.get("diagrams", [])
    return f"Their whiteboard now: {summary(parse(saved[-1]['source']))} " if saved else ""


def clean_diagram(state: InterviewState) -> str:
    """The last whiteboard as clean Mermaid source (labels escaped), for the scorecard."""
    saved = state.get("diagrams", [])
    return to_mermaid(parse(saved[-1]["source"])) if saved else ""


def diagram_settled(state: InterviewState, phase: Phase, results: list[FlagResult]) -> list[FlagResult]:
    """In the diagram phase, the latest whiteboard's checks settle the flags that name one."""
    saved = state.get("diagrams", [])
    if not (phase.diagram and saved):
        return results
    words = " ".join(t["text"] for t in state["transcript"] if t["role"] == "candidate" and t["phase"] == phase.id)
    return settle(results, phase, check(parse(saved[-1]["source"])), words, f"diagram v{len(saved)}")
