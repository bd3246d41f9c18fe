"""The interviewer's words for one turn, once the move is decided.

Authored (the default, and the only way on a small model): the move's words from the question
bank or the rubric, shown at once, with no LLM call. Model (a setting for strong backends): the
model writes the reply from a hidden note, and the whole reply is checked before it is shown. Both
pass the same guards (guards.py): a reply that fails is replaced by an authored question.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from interviewer.content.prompts import render
from interviewer.content.rubric import Phase
from interviewer.interview import asks, conduct, coverage, guards, policy
from interviewer.interview.context import Context
from interviewer.interview.moves import Move, asked_so_far
from interviewer.interview.planner import messages_for, naive_layout, plan_turn, trim_reply
from interviewer.interview.state import InterviewState
from interviewer.interview.whiteboard import diagram_note

Write = Callable[[dict[str, str]], None]
INTERVIEWER_SLOT = 0  # on the embedded server the interviewer keeps slot 0 and its cached prefix


def last_answer(state: InterviewState) -> str:
    last = state["transcript"][-1]
    return last["text"] if last["role"] == "candidate" else ""


def safe(reply: str, state: InterviewState, ctx: Context, phase: Phase, move: Move | None = None,
         challenge: bool = False) -> str:
    """The reply if it passes every guard; else an authored question not asked yet (a pushback
    when one was due)."""
    problem, rubric = ctx.problem(state), ctx.rubric(state)
    # an authored challenge quotes the candidate on purpose; its question is checked on its own
    checked = reply.split('". ', 1)[-1] if move and move.kind == "challenge" else reply
    answer = "" if move and move.kind in ("answer", "decline", "redirect") else last_answer(state)
    if not guards.faults(checked, problem, rubric, answer):
        return reply
    asked = asked_so_far(state)
    if challenge:
        return conduct.fallback_question(asked, challenge=True)
    opener = phase.opener if phase.opener and not conduct.asked_before(phase.opener, asked) else ""
    return opener or conduct.fallback_question(asked, phase_id=phase.id)


def authored(state: InterviewState, ctx: Context, phase: Phase, write: Write,
             entering: bool = False, lead: str = "") -> tuple[str, dict[str, Any]]:
    """The move's own words, shown at once (`entering`: the phase was just entered; `lead`: its
    announcement, said only before a question about that phase: "Let's move on to data." then a
    stock question about what was just described reads as two thoughts)."""
    rubric = ctx.rubric(state)
    move = policy.decide(state, rubric, ctx.catalog.rubric(), phase, ctx.problem(state),
                         ctx.catalog.bank(state["problem_id"]), state.get("flags", {}), ctx.probe_cap,
                         ctx.catalog.guide, entering)
    reply = safe(move.text, state, ctx, phase, move)
    if lead and move.kind == "answer" and not move.topic:
        # their question is answered first, then the move, with the new phase's own question
        opener = policy.fresh_opener(phase, asked_so_far(state), coverage.candidate_sentences(state))
        reply = f"{reply} {lead}{opener}" if opener else reply
    # "Let's move on to evaluation." then "I'd rather hear your own take first" answers nothing of the new phase
    elif not (conduct.is_stock(reply) or move.kind == "turn_back"):
        reply = f"{lead}{reply}"
    write({"delta": reply})
    update: dict[str, Any] = {}
    probes = state.get("probes", {})
    if move.topic:
        update["probes"] = {move.topic: probes.get(move.topic, 0) + 1}
    if move.kind in ("probe", "challenge", "deeper", "engage"):  # a narrowing question stays on the same topic
        update["last_probe"] = move.kind if move.kind in ("deeper", "engage") else (
            move.flag.id if move.flag else move.topic)
    if move.facts:
        update["facts_revealed"] = [f.id for f in move.facts if f.id not in state.get("facts_revealed", [])]
    if move.unanswered:
        update["facts_invented"] = [{"question": q, "answer": reply} for q in move.unanswered]
    return reply, update


def written_by_model(state: InterviewState, ctx: Context, phase: Phase, write: Write,
                     system: str) -> tuple[str, dict[str, Any]]:
    """A strong backend writes the reply from the planner's note; it is shown only once checked."""
    phases = ctx.rubric(state).phases
    if asks.is_extraction(last_answer(state)):  # never hand a manipulation to the model
        return authored(state, ctx, phase, write)
    plan = plan_turn(state, phases, phase, ctx.problem(state), state.get("flags", {}), ctx.probe_cap,
                     ctx.catalog.fact_topics)
    update: dict[str, Any] = plan.update()
    notes = render("interviewer_notes", facts=plan.facts + diagram_note(state), task=plan.task)
    if state["transcript"][-1]["role"] == "candidate":
        update["notes"] = {str(len(state["transcript"]) - 1): notes}
    layout = naive_layout if ctx.layout == "naive" else messages_for
    messages = layout(state, system, notes, ctx.window)
    asked = asked_so_far(state)
    held: list[str] = []  # streamed from the server, shown only once the whole reply passed the guards
    if plan.challenge_with:  # a red flag's pushback: the model's own only if it is one
        said = ctx.llm.chat(messages, max_tokens=ctx.max_tokens, purpose="interviewer", slot=INTERVIEWER_SLOT)
        text: str | None = conduct.checked_challenge(trim_reply(said), asked, plan.challenge_with)
        lead = ""
    else:
        guard = conduct.Guard([t["text"] for t in state["transcript"]], lambda d: held.append(d["delta"]))
        text = guard.run(ctx.llm.stream(messages, max_tokens=ctx.max_tokens, purpose="interviewer",
                                        slot=INTERVIEWER_SLOT))
        lead = guard.lead
    if not text:  # a copy of an earlier turn, or nothing: a question not asked yet
        opener_due = phase.opener and not plan.challenge and not conduct.asked_before(phase.opener, asked)
        text = f"{lead} {phase.opener if opener_due else conduct.fallback_question(asked, plan.challenge)}".strip()
    reply = safe(trim_reply(text) or conduct.fallback_question(asked), state, ctx, phase, challenge=plan.challenge)
    write({"delta": reply})
    if plan.invent_for:
        update["facts_invented"] = [{"question": q, "answer": reply} for q in plan.invent_for]
    return reply, update
