"""The graph's nodes and routers: top-level functions of (state, runtime).

The candidate node only interrupts and records the turn: LangGraph re-runs an interrupted node
from its top on resume, so no reply is generated there. The interviewer node starts grading the
new answer in the background and streams its reply meanwhile: a turn costs one LLM call of
latency. The rubric and problem come from the ids in the state, through the runtime context.
"""

from __future__ import annotations

import contextlib
from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from interviewer.content.problems import HiddenFact
from interviewer.content.prompts import render
from interviewer.content.rubric import Level, Phase
from interviewer.grading.document import answer_segments, diagram_settled, place_answers
from interviewer.grading.grader import GRADER_SLOT
from interviewer.grading.placement import phases_of
from interviewer.grading.scorecard import FlagResult
from interviewer.grading.triage import find_injections
from interviewer.interview import asks, bridge, coverage, dont_know, facts, following, intent
from interviewer.interview import reply as reply_words
from interviewer.interview.card import answers_of, scorecard_from
from interviewer.interview.context import Context
from interviewer.interview.planner import (
    messages_for,
    naive_layout,
)
from interviewer.interview.policy import SUBSTANTIVE_WORDS
from interviewer.interview.routing import pushback
from interviewer.interview.state import InterviewState, Turn, merge_flags
from interviewer.interview.timing import (
    drill_index,
    elapsed_min,
    idle_update,
    phase_elapsed_min,
    stamp,
    total_minutes,
)
from interviewer.interview.whiteboard import latest
from interviewer.llm.client import LLMError, NoLogprobs
from interviewer.llm.usage import current_session

# On the embedded server the interviewer keeps slot 0 (and its cached transcript prefix); the
# grader works in the last slot, so a grade never evicts the next reply's prefix.
INTERVIEWER_SLOT = reply_words.INTERVIEWER_SLOT
CONFIRM_END = ("It sounds like you'd like to finish here. Shall I end the interview and put together your "
               "scorecard? Say yes to end it, or just keep going.")


def system_prompt(state: InterviewState, ctx: Context) -> str:
    rubric, problem = ctx.rubric(state), ctx.problem(state)
    level: Level = state["level"]  # type: ignore[assignment]
    # the core challenge and the level bars stay out of every prompt the interviewer's model sees:
    # what it never reads it cannot recite (the authored deeper questions lead there instead)
    return render("interviewer_system", level=level, statement=problem.statement.strip(),
                  minutes=f"{total_minutes(state, ctx):g}",
                  phases=", ".join(p.title for p in rubric.phases if p.id == (state.get("drill") or p.id)))


def judge_for(ctx: Context) -> intent.Judge | None:
    """The one-token check an unsure intent rule asks, through the grader's logprob scoring."""
    if not ctx.judge_intents:
        return None

    def judge(text: str, kind: intent.Intent) -> float:
        prompt = render("intent_check", text=text.strip(), question=intent.QUESTIONS[kind])
        try:
            return ctx.llm.yes_probability([{"role": "user", "content": prompt}], purpose="intent", slot=GRADER_SLOT)
        except (NoLogprobs, LLMError):  # no check available: an unsure request stays an answer
            return 0.0

    return judge


# -- nodes --------------------------------------------------------------------------------


def opening(state: InterviewState, runtime: Runtime[Context]) -> dict[str, Any]:
    ctx = runtime.context
    rubric, problem = ctx.rubric(state), ctx.problem(state)
    first = drill_index(state, ctx)
    if state.get("drill"):
        phase = rubric.phases[first]
        text = (f"This is a {phase.budget.target_minutes:g}-minute drill on {phase.title.lower()}. "
                f"The problem: {problem.statement.strip()} {phase.opener or 'Where would you start?'}")
    else:
        text = (f"Thanks for joining. Here is today's problem: {problem.statement.strip()} "
                "Take a moment, ask me anything you need to clarify, and walk me through how you'd approach it.")
    runtime.stream_writer({"delta": text})
    if ctx.warm_prefix:
        warm = [{"role": "system", "content": system_prompt(state, ctx)}, {"role": "assistant", "content": text}]

        def run() -> None:
            with contextlib.suppress(LLMError):  # only a head start; the turn reports real failures
                ctx.llm.chat(warm, max_tokens=1, purpose="warm", slot=INTERVIEWER_SLOT)

        ctx.warming[state["session_id"]] = ctx.grades.pool.submit(run)
    return {"started_at": ctx.clock.now(), "phase_index": first, "phase_started_at": 0.0, "done": False,
            "transcript": [Turn(role="interviewer", text=text, phase=rubric.phases[first].id, t=0.0)]}


def candidate(state: InterviewState, runtime: Runtime[Context]) -> dict[str, Any]:
    ctx = runtime.context
    phases = ctx.rubric(state).phases
    phase = phases[state["phase_index"]]
    value = interrupt({"awaiting": "candidate", "phase": phase.id})
    action = value.get("action", "answer")
    text = str(value.get("text", "")).strip()
    if not text:
        said = "answer"
    elif state.get("confirm_end"):
        said = "end_confirmed" if intent.confirms(text) else "answer"
    elif dont_know.specific(text):  # "I don't know how I'd handle X": sure, no model call behind the grading
        said = "dont_know"
    else:
        said = intent.classify(text, judge_for(ctx), following.phase_words(phases))
    # Grades this process finished while the candidate typed (others are already in the state).
    update: dict[str, Any] = {"action": action, "intent": said, "confirm_end": False,
                              "flags": ctx.grades.collect(state["session_id"], ctx.grade_wait_s),
                              **idle_update(state, ctx)}
    now: InterviewState = {**state, "paused_s": state.get("paused_s", 0.0) + update.get("paused_s", 0.0)}
    answered_here = any(t["role"] == "candidate" and t["phase"] == phase.id for t in state["transcript"])
    target = None if state.get("drill") else following.jump_target(text, said, ctx.rubric(state), state["phase_index"],
                                                         answered_here)
    if target == state["phase_index"]:  # "let's move on to data" while on data: ask about data
        update["intent"], target = "stay", None
    update["jump_to"] = target
    if text:
        update["transcript"] = [Turn(role="candidate", text=text, phase=phase.id, t=stamp(now, ctx))]
        _, removed = find_injections(text)
        if removed or asks.is_extraction(text):  # noted on the scorecard, never obeyed
            update["manipulation"] = removed or [text[:200]]
    return update


def submit_grade(state: InterviewState, ctx: Context, phase: Phase, turn_no: int) -> None:
    """Grade, in the background, the phases the newest answer's content belongs to (and the phase
    the clock is in) over everything said so far: the live panel and the probes read the same
    placement as the final card, and the final card finds these probes already asked."""
    answers, drawn = answers_of(state), latest(state)
    if not ctx.grade or not (answers or drawn):
        return
    grader = ctx.grader(ctx.rubric(state), ctx.problem(state))
    segs = answer_segments(answers, drawn)
    placed = place_answers(grader, segs)
    wanted = {phase.id} if state.get("drill") else {phase.id, *phases_of(f"turn {len(answers)}", placed)}
    at = (drawn[1], segs[-1].where) if drawn else None

    def work() -> dict[str, FlagResult]:
        results, _ = grader.grade(segs, phases=[p.id for p in grader.rubric.phases if p.id in wanted], prefer=placed)
        return {r.flag_id: r for rs in diagram_settled(grader, results, segs, placed, at).values() for r in rs}

    ctx.grades.submit(state["session_id"], turn_no, work)


def interviewer(state: InterviewState, runtime: Runtime[Context]) -> dict[str, Any]:
    """The interviewer's turn in the current phase: an opener, a confirmation, or a planned reply."""
    ctx = runtime.context
    current_session.set(state["session_id"])  # tags this turn's LLM usage (and its grader's)
    phases = ctx.rubric(state).phases
    phase = phases[state["phase_index"]]
    last = state["transcript"][-1]
    n_candidate = sum(t["role"] == "candidate" for t in state["transcript"])
    update: dict[str, Any] = {"bridge_from": ""}
    grade_now = last["role"] == "candidate" and n_candidate not in state.get("graded_turns", [])
    if grade_now:
        update["graded_turns"] = [n_candidate]
        if not ctx.grade_after_reply:
            submit_grade(state, ctx, phase, n_candidate)
    write = runtime.stream_writer
    # entered where they already are, or back where the interview was before: no "Let's move on to ..."
    there = bool(state.get("bridge_from")) and (already_there(state, ctx, phase) or visited(state, phase))
    if state.get("intent") == "end":  # free text never ends the interview on its own: ask first
        reply = CONFIRM_END
        write({"delta": reply})
        update["confirm_end"] = True
    elif state.get("bridge_from") and (pushed := pushback(state, ctx, phase)):
        # the phase moves on, but the mistake just said is not let pass
        # a challenge to an answer already past this phase needs no "Before we move on to ..." either
        reply = pushed.text if there or already_there(state, ctx, phase, or_past=True) else \
            f"Before we {moving(state, ctx, phase)}: {pushed.text}"
        given = told_now(state, ctx)  # their question is answered first ("Do we know what a false decline costs?")
        if given:
            reply = f"{' '.join(f.fact.strip() for f in given)} {reply}"
            update["facts_revealed"] = [f.id for f in given]
        write({"delta": reply})
        update["probes"] = {pushed.topic: state.get("probes", {}).get(pushed.topic, 0) + 1} if pushed.topic else {}
    elif state.get("bridge_from") and ctx.questions == "authored" and (there or worked_on(state) or (
            phase.opener and (coverage.covered(phase.opener, before := coverage.candidate_sentences(state))
                              or coverage.begun(phase, ctx.rubric(state), before)))):
        # the candidate's answer already moved on (or already answered the phase's opener): ask about
        # what they said there, announcing the move only when their last answer was not there yet
        announce = "" if there else f"Let's {moving(state, ctx, phase)}. "
        reply, more = reply_words.authored(state, ctx, phase, write, entering=True, lead=announce)
        update.update(more)
    elif state.get("bridge_from") and phase.opener:
        # Entering a phase: the rubric's opener (no LLM call, nothing to invent); with a strong
        # backend writing, after an answer the clock moved on, the reply first answers it in one clause.
        reply = f"Let's {moving(state, ctx, phase)}. {phase.opener}"
        given = told_now(state, ctx)
        if given:  # their question is answered before the interview moves on
            reply = f"{' '.join(f.fact.strip() for f in given)} {reply}"
            update["facts_revealed"] = [f.id for f in given]
        elif ctx.questions == "model" and state.get("bridge_why") in ("answer", "followed") and \
                state["phase_index"] > 0:
            layout = naive_layout if ctx.layout == "naive" else messages_for
            ack = bridge.acknowledge(state, ctx.llm, phases[state["phase_index"] - 1],
                                     lambda st, notes: layout(st, system_prompt(st, ctx), notes, ctx.window),
                                     INTERVIEWER_SLOT)
            reply = f"{ack} {reply}" if ack else reply
        write({"delta": reply})
    elif ctx.questions == "model":
        reply, more = reply_words.written_by_model(state, ctx, phase, write, system_prompt(state, ctx))
        update.update(more)
    else:
        reply, more = reply_words.authored(state, ctx, phase, write)
        update.update(more)
    if grade_now and ctx.grade_after_reply:
        submit_grade(state, ctx, phase, n_candidate)
    update["transcript"] = [Turn(role="interviewer", text=reply, phase=phase.id, t=stamp(state, ctx))]
    return update


def moving(state: InterviewState, ctx: Context, phase: Phase) -> str:
    """The move in words: "move on to X", or "go back to X" when X comes before the phase left."""
    titles = [p.title for p in ctx.rubric(state).phases]
    left = state.get("bridge_from", "")
    back = left in titles and titles.index(left) > state["phase_index"]
    return f"{'go back' if back else 'move on'} to {phase.title.lower()}"


def visited(state: InterviewState, phase: Phase) -> bool:
    """The interview was in this phase before (it went back, and now returns): it is not new."""
    return any(t["role"] == "interviewer" and t.get("phase") == phase.id for t in state["transcript"])


def told_now(state: InterviewState, ctx: Context) -> list[HiddenFact]:
    """The facts the candidate's last turn asks for that were not given before (each is told once)."""
    last = state["transcript"][-1]
    if last["role"] != "candidate":
        return []
    asked = facts.facts_for(last["text"], ctx.problem(state), ctx.catalog.fact_topics,
                            frozenset(state.get("facts_revealed", [])))
    return [f for f in asked if f.id not in state.get("facts_revealed", [])]


def worked_on(state: InterviewState) -> bool:
    """The clock moved on right after a substantive answer: the phase's generic opener would ignore
    it (often asking for what it just said); the planned move for the new phase answers it instead."""
    last = state["transcript"][-1]
    return state.get("bridge_why") == "answer" and last["role"] == "candidate" and \
        not last["text"].rstrip().endswith("?") and len(last["text"].split()) >= SUBSTANTIVE_WORDS


def already_there(state: InterviewState, ctx: Context, phase: Phase, or_past: bool = False) -> bool:
    """The candidate took the interview into this phase themselves, or their last answer was
    already about it (`or_past`: or about a later one, the clock lagging an answer piped ahead of
    it): announcing "Let's move on to ..." would read as not listening."""
    if state.get("bridge_why") != "answer":  # they asked to move (say where to) or moved themselves
        return state.get("bridge_why") == "followed"
    ids = [p.id for p in ctx.rubric(state).phases]
    about = coverage.about(ctx.rubric(state), coverage.last_turn(coverage.candidate_sentences(state)))
    return any(pid == phase.id or (or_past and ids.index(pid) > ids.index(phase.id)) for pid in about)


def advance(state: InterviewState, runtime: Runtime[Context]) -> dict[str, Any]:
    ctx = runtime.context
    phases = ctx.rubric(state).phases
    i = state["phase_index"]
    now_s = elapsed_min(state, ctx) * 60
    spent = (now_s - state["phase_started_at"]) / 60.0
    asked = state["action"] == "next_phase" or state.get("intent") in ("move_on", "dont_know")
    target = state.get("jump_to")
    followed = target is not None and state.get("intent") == "answer"
    return {"phase_index": min(i + 1, len(phases)) if target is None or state["action"] == "next_phase" else target,
            "phase_started_at": now_s, "phase_minutes": {phases[i].id: round(spent, 2)},
            "bridge_from": phases[i].title, "jump_to": None,
            "bridge_why": "followed" if followed else "asked" if asked else "answer"}


def end_message(spent: float, total: float) -> str:
    """What happened, said plainly: time ran out, or the candidate ended early (and when)."""
    if spent >= total - 0.5:
        return "Thanks, that's time. Your scorecard is ready below."
    return f"You ended the interview at {spent:.1f} of {total:g} minutes. Your scorecard is ready below."


def wrapup(state: InterviewState, runtime: Runtime[Context]) -> dict[str, Any]:
    ctx = runtime.context
    current_session.set(state["session_id"])  # the final card's grading is this session's usage
    phases = ctx.rubric(state).phases
    if ctx.grade:  # the final card grades everything once: a backlog of turn grades only delays it
        ctx.grades.drop_queued(state["session_id"])
    fresh = ctx.grades.collect(state["session_id"], ctx.final_wait_s)
    i = drill_index(state, ctx) if state.get("drill") else min(state["phase_index"], len(phases) - 1)
    minutes = {**state.get("phase_minutes", {})}
    if state["phase_index"] == i or (not state.get("drill") and state["phase_index"] < len(phases)):
        minutes[phases[i].id] = round(phase_elapsed_min(state, ctx), 2)
    card = scorecard_from(state, merge_flags(state.get("flags", {}), fresh), minutes, ctx, total_minutes(state, ctx))
    text = end_message(elapsed_min(state, ctx), total_minutes(state, ctx))
    runtime.stream_writer({"delta": text})
    return {"flags": fresh, "done": True, "scorecard": card.model_dump(), "phase_minutes": minutes,
            "transcript": [Turn(role="interviewer", text=text, phase=phases[i].id, t=stamp(state, ctx))]}
