"""The interview's state: JSON-native values only, so any checkpointer can store it."""

from __future__ import annotations

import operator
from typing import Annotated, Any, Literal, TypedDict

Role = Literal["interviewer", "candidate"]
Action = Literal["answer", "next_phase", "end"]

VERDICT_RANK = {"not_addressed": 0, "partial": 1, "met": 2, "not_raised": 0, "raised": 1}


class Turn(TypedDict):
    role: Role
    text: str
    phase: str
    t: float  # seconds since the interview started, on the session's clock


class FlagState(TypedDict):
    verdict: str
    phase: str
    quotes: list[dict[str, str]]  # [{"quote": ..., "where": "turn 3"}]


def merge_flags(old: dict[str, FlagState], new: dict[str, FlagState]) -> dict[str, FlagState]:
    """Keep each flag's best verdict: a green flag once met stays met, a red once raised stays."""
    out = dict(old)
    for fid, fs in new.items():
        cur = out.get(fid)
        if cur is None or VERDICT_RANK[fs["verdict"]] > VERDICT_RANK[cur["verdict"]]:
            out[fid] = fs
        elif VERDICT_RANK[fs["verdict"]] == VERDICT_RANK[cur["verdict"]] and fs["quotes"]:
            seen = {q["quote"] for q in cur["quotes"]}
            extra = [q for q in fs["quotes"] if q["quote"] not in seen]
            out[fid] = {**cur, "quotes": (cur["quotes"] + extra)[:3]}
    return out


def merge_dict(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    return {**old, **new}


class InterviewState(TypedDict, total=False):
    session_id: str
    problem_id: str
    framework: str
    level: str
    started_at: float  # clock reading at the start
    phase_index: int
    phase_started_at: float  # seconds since start when the current phase began
    phase_minutes: Annotated[dict[str, float], merge_dict]
    transcript: Annotated[list[Turn], operator.add]
    action: Action
    intent: str
    flags: Annotated[dict[str, FlagState], merge_flags]
    graded_turns: Annotated[list[int], operator.add]
    probes: Annotated[dict[str, int], merge_dict]
    facts_revealed: Annotated[list[str], operator.add]
    facts_invented: Annotated[list[dict[str, str]], operator.add]
    manipulation: Annotated[list[str], operator.add]
    notes: Annotated[dict[str, str], merge_dict]  # transcript index -> the hidden note sent with it
    bridge_from: str
    last_probe: str
    done: bool
    scorecard: dict[str, Any]
