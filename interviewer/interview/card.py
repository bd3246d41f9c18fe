"""The interview's scorecard: every answer graded wherever it was said, by the same path as a
write-up (grading/document.py), with the session's time, hints, whiteboard and manipulation
attempts. One phase for a drill."""

from __future__ import annotations

import logging
from typing import Any

from interviewer.grading.document import answer_segments, grade_answers, place_answers, said_by_phase
from interviewer.grading.scorecard import FlagResult, Scorecard, build, empty_result
from interviewer.interview.context import Context
from interviewer.interview.state import InterviewState
from interviewer.interview.whiteboard import clean_diagram, latest
from interviewer.llm.client import LLMError

log = logging.getLogger(__name__)


def answers_of(state: InterviewState) -> list[str]:
    return [t["text"] for t in state["transcript"] if t["role"] == "candidate"]


def scorecard_from(state: InterviewState, flags: dict[str, FlagResult], minutes: dict[str, float],
                   ctx: Context, total_minutes: float) -> Scorecard:
    """Grade the whole interview (most probes were already asked while it ran, so they are cached);
    should that fail, or grading be off, the grades gathered turn by turn make the card."""
    rubric, problem = ctx.rubric(state), ctx.problem(state)
    if state.get("drill"):  # graded on the drilled phase's flags only
        rubric = rubric.model_copy(update={"phases": [rubric.phase(state["drill"])]})
    mode = "drill" if state.get("drill") else "interview"
    fields: dict[str, Any] = {"minutes": minutes, "hints_used": len(state.get("hints_given", [])),
                              "diagram": clean_diagram(state), "manipulation": state.get("manipulation", [])}
    if ctx.grade and answers_of(state):
        grader = ctx.grader(rubric, problem, final=True)
        try:
            card = grade_answers(grader, answers_of(state), state["level"], drawn=latest(state),  # type: ignore[arg-type]
                                 total_minutes=total_minutes, mode="interview", **fields)
            return card.model_copy(update={"mode": mode, **session_usage(state, ctx)})
        except LLMError:
            log.exception("final grading failed for session %s; the turn-by-turn grades make the card",
                          state["session_id"])
    by_phase = {phase.id: [flags.get(f.id) or empty_result(kind, f) for kind, f in phase.flags]
                for phase in rubric.phases}
    segments = answer_segments(answers_of(state))
    grader = ctx.grader(rubric, problem)
    placed = place_answers(grader, segments)
    said = said_by_phase(segments, placed)
    return build(
        mode=mode, rubric=rubric, level=state["level"], flags_by_phase=by_phase, problem=problem,  # type: ignore[arg-type]
        uncovered=[pid for pid, wheres in placed.items() if not wheres], strategy=ctx.strategy, said=said,
        **fields, **session_usage(state, ctx),
    )


def session_usage(state: InterviewState, ctx: Context) -> dict[str, Any]:
    usage = ctx.llm.usage.totals(session=state["session_id"])
    return {"usage": usage, "latency_s": usage.get("latency_s", 0.0)}
