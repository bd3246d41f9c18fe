"""The interview's clock: minutes spent, in all and in the phase, with idle gaps taken out."""

from __future__ import annotations

from interviewer.interview.context import Context
from interviewer.interview.state import InterviewState

IDLE_CAP_S = 600.0  # the longest pause between two turns that still counts as interview time


def clock_s(state: InterviewState, now: float) -> float:
    """Interview seconds at clock reading `now`: the session clock less the idle time taken out
    (see `idle_update`)."""
    return now - state["started_at"] - state.get("paused_s", 0.0)


def elapsed_min(state: InterviewState, ctx: Context) -> float:
    return clock_s(state, ctx.clock.now()) / 60.0


def idle_update(state: InterviewState, ctx: Context) -> dict[str, float]:
    """A gap between turns longer than IDLE_CAP_S (the app or the model was down, the candidate
    left the tab) counts as IDLE_CAP_S: the rest is taken off the interview's clock."""
    gap = elapsed_min(state, ctx) * 60 - state["transcript"][-1]["t"]
    return {"paused_s": gap - IDLE_CAP_S} if gap > IDLE_CAP_S else {}


def phase_elapsed_min(state: InterviewState, ctx: Context) -> float:
    return elapsed_min(state, ctx) - state["phase_started_at"] / 60.0


def stamp(state: InterviewState, ctx: Context) -> float:
    return round(elapsed_min(state, ctx) * 60, 1)


def drill_index(state: InterviewState, ctx: Context) -> int:
    """The phase a drill practises (0 for a full interview)."""
    drill = state.get("drill")
    return [p.id for p in ctx.rubric(state).phases].index(drill) if drill else 0


def total_minutes(state: InterviewState, ctx: Context) -> float:
    """The session's length: the framework's, or a drilled phase's budget."""
    rubric = ctx.rubric(state)
    return rubric.phase(state["drill"]).budget.target_minutes if state.get("drill") else rubric.total_minutes
