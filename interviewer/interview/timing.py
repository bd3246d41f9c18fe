"""The interview's clock: minutes spent, in all and in the phase, with idle gaps taken out."""

from __future__ import annotations

from interviewer.interview.asks import is_extraction
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


def answer_weight(text: str) -> float:
    """How much of an answer a turn is, for pacing: a manipulation attempt or a word or two ("yes",
    "ok") none, a turn that ends on a question half, anything else one."""
    if len(text.split()) < 4 or is_extraction(text):
        return 0.0
    return 0.5 if text.rstrip().endswith("?") else 1.0


def phase_pace_min(state: InterviewState, ctx: Context) -> float:
    """How far the phase has run, for moving on: its minutes on the clock, or ctx.minutes_per_answer
    per answer given in it (answer_weight), whichever is more. An
    interviewer moves on after a few exchanges on a topic even when the candidate answers fast; a
    piped interview would otherwise stay in the first phase, its later answers met by framing
    questions."""
    since, here = state["phase_started_at"], phase_id(state, ctx)
    answers = sum(answer_weight(t["text"]) for t in state["transcript"]
                  if t["role"] == "candidate" and t["phase"] == here and t["t"] >= since)
    return max(phase_elapsed_min(state, ctx), answers * ctx.minutes_per_answer)


def stamp(state: InterviewState, ctx: Context) -> float:
    return round(elapsed_min(state, ctx) * 60, 1)


def drill_index(state: InterviewState, ctx: Context) -> int:
    """The phase a drill practises (0 for a full interview)."""
    drill = state.get("drill")
    return [p.id for p in ctx.rubric(state).phases].index(drill) if drill else 0


def phase_id(state: InterviewState, ctx: Context) -> str:
    phases = ctx.rubric(state).phases
    return phases[min(state["phase_index"], len(phases) - 1)].id


def total_minutes(state: InterviewState, ctx: Context) -> float:
    """The session's length: the framework's, or a drilled phase's budget."""
    rubric = ctx.rubric(state)
    return rubric.phase(state["drill"]).budget.target_minutes if state.get("drill") else rubric.total_minutes
