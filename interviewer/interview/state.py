"""The interview's state, as checkpointed: the transcript, the clock readings and the grades.

Grades are `FlagResult`s, the grader's own result type, kept all the way to the scorecard.
The checkpointer's serializer is allowed to rebuild exactly that type (see store.py).
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, Literal, NotRequired, TypedDict

from interviewer.grading.scorecard import FlagResult

Role = Literal["interviewer", "candidate"]
Action = Literal["answer", "next_phase", "end"]

# What a verdict is worth when two grades of one flag meet: credited verdicts first, then a
# positive verdict that could not be verified ("not credited" is still worth showing).
CREDIT_RANK = {"not_addressed": 0, "not_raised": 0, "partial": 2, "met": 3, "raised": 3}


class Turn(TypedDict):
    role: Role
    text: str
    phase: str
    t: float  # seconds since the interview started, on the session's clock


def _rank(r: FlagResult) -> tuple[int, int]:
    return CREDIT_RANK[r.credited], CREDIT_RANK[r.verdict]


def merge_flags(old: dict[str, FlagResult], new: dict[str, FlagResult]) -> dict[str, FlagResult]:
    """Keep each flag's best grade: a green flag once met stays met, a red once raised stays;
    equal grades pool their evidence (at most three quotes)."""
    out = dict(old)
    for fid, r in new.items():
        cur = out.get(fid)
        if cur is None or _rank(r) > _rank(cur):
            out[fid] = r
        elif _rank(r) == _rank(cur) and r.evidence:
            seen = {e.quote for e in cur.evidence}
            extra = [e for e in r.evidence if e.quote not in seen]
            out[fid] = cur.model_copy(update={"evidence": (cur.evidence + extra)[:3]})
    return out


def merge_dict(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    return {**old, **new}


class InterviewInput(TypedDict):
    """What starting an interview takes: the rest of the state is the graph's own."""

    session_id: str
    problem_id: str
    framework: str
    level: str
    drill: NotRequired[str]  # a phase id: a drill of that phase only, on its budget
    hints: NotRequired[bool]  # the candidate may ask for hints


class InterviewState(TypedDict, total=False):
    session_id: str
    problem_id: str
    framework: str
    level: str
    drill: str
    hints: bool
    hints_given: Annotated[list[str], operator.add]  # the green flags a hint pointed at
    diagrams: Annotated[list[dict[str, Any]], operator.add]  # every saved whiteboard: {"t", "source"}
    started_at: float  # clock reading at the start
    phase_index: int
    phase_started_at: float  # seconds since start when the current phase began
    paused_s: Annotated[float, operator.add]  # idle time taken off the clock (long gaps between turns)
    phase_minutes: Annotated[dict[str, float], merge_dict]
    transcript: Annotated[list[Turn], operator.add]
    action: Action
    intent: str
    confirm_end: bool  # the interviewer asked "shall we end?" and waits for the answer
    flags: Annotated[dict[str, FlagResult], merge_flags]
    graded_turns: Annotated[list[int], operator.add]
    probes: Annotated[dict[str, int], merge_dict]
    facts_revealed: Annotated[list[str], operator.add]
    facts_invented: Annotated[list[dict[str, str]], operator.add]
    manipulation: Annotated[list[str], operator.add]
    notes: Annotated[dict[str, str], merge_dict]  # transcript index -> the hidden note sent with it
    bridge_from: str
    jump_to: int | None  # the phase the candidate's last turn took the interview to (policy.py)
    bridge_why: str  # "answer": the clock moved on after an answer (the bridge answers it); "asked"
    last_probe: str
    done: bool
    scorecard: dict[str, Any]
