"""The graph's routers: after each candidate turn, end, change phase or reply in this one.

A phase moves on when the candidate asks, when its time is spent (or its share of answers given,
timing.phase_pace_min) or when its green flags are all
met (after its minimum); it waits, within GRACE_MIN, while the candidate is still asking, a
mistake they just showed is not yet challenged, or a green flag of the phase was neither shown nor
asked about.
"""

from __future__ import annotations

from typing import Literal

from langgraph.runtime import Runtime

from interviewer.content.rubric import Phase
from interviewer.interview import intent, policy
from interviewer.interview.challenge import subject
from interviewer.interview.context import Context
from interviewer.interview.moves import Move
from interviewer.interview.planner import after_dont_know, red_flags_shown, verdict_of
from interviewer.interview.state import InterviewState
from interviewer.interview.timing import elapsed_min, phase_pace_min, total_minutes

GRACE_MIN = 2.0  # a phase may overrun its budget this long to challenge a red flag just shown


def pushback(state: InterviewState, ctx: Context, phase: Phase) -> Move | None:
    """The authored challenge to a mistake the last answer shows, if one is due."""
    if ctx.questions != "authored":
        return None
    return policy.pushback(state, ctx.rubric(state), ctx.catalog.rubric(), phase, ctx.catalog.bank(state["problem_id"]),
                           ctx.probe_cap, subject(ctx.problem(state)), ctx.catalog.guide, ctx.problem(state))


def basic_unasked(state: InterviewState, ctx: Context, phase: Phase) -> bool:
    """A green flag of the phase neither shown nor asked about yet (policy.basic_unasked)."""
    return policy.basic_unasked(state, ctx.rubric(state), ctx.catalog.rubric(), phase,
                                ctx.catalog.bank(state["problem_id"]), state.get("flags", {}), ctx.probe_cap)


def route_answer(state: InterviewState, runtime: Runtime[Context]) -> Literal["wrapup", "advance", "interviewer"]:
    """After the candidate's turn: end, change phase, or reply in this one."""
    ctx = runtime.context
    rubric = ctx.rubric(state)
    phases = rubric.phases
    phase = phases[state["phase_index"]]
    if state["action"] == "end" or state.get("intent") == "end_confirmed":
        return "wrapup"
    if elapsed_min(state, ctx) >= total_minutes(state, ctx):
        return "wrapup"
    if state.get("intent") == "end":
        return "interviewer"
    if state["action"] == "next_phase" or state.get("intent") == "move_on" or state.get("jump_to") is not None:
        return "advance"
    if state.get("intent") == "stay":  # "let me go to the high-level design" while on it: the clock waits
        return "interviewer"
    last = phase is phases[-1] or bool(state.get("drill"))
    if state.get("intent") == "dont_know" and not last and state.get("last_probe") and \
            after_dont_know(state, phase, state.get("flags", {}), ctx.probe_cap)[1] is None:
        return "advance"  # nothing left to ask in this phase: "I don't know" moves on
    text = state["transcript"][-1]["text"] if state["transcript"][-1]["role"] == "candidate" else ""
    # A red flag the answer shows is challenged before the phase moves on, within a grace minute.
    due = bool(red_flags_shown(text, phases, state.get("probes", {}), ctx.probe_cap) or pushback(state, ctx, phase))
    # and so is a clarifying question: the candidate is still asking; and a basic of the phase never asked
    due = due or bool(intent.questions(text)) or (not last and basic_unasked(state, ctx, phase))
    pace = phase_pace_min(state, ctx)
    if due and pace < phase.budget.target_minutes + GRACE_MIN:
        return "interviewer"
    if pace >= phase.budget.target_minutes and not last:
        return "advance"
    flags = state.get("flags", {})
    covered = all(verdict_of(flags, f.id) == "met" for f in phase.green_flags)
    # covered early still waits out the phase's minimum: one generous grade must not skip a phase
    if not last and covered and pace >= phase.budget.min_minutes:
        return "advance"
    return "interviewer"


def route_phase(state: InterviewState, runtime: Runtime[Context]) -> Literal["wrapup", "interviewer"]:
    """After a phase change: the next phase's opener, or wrap-up after the last one."""
    if state.get("drill"):
        return "wrapup"  # a drill is one phase: moving on ends it
    return "wrapup" if state["phase_index"] >= len(runtime.context.rubric(state).phases) else "interviewer"
