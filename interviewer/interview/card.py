"""The interview's scorecard, from the merged per-turn grades: one phase for a drill, the
candidate's words per phase beside the reference points, hints used, the last whiteboard."""

from __future__ import annotations

from interviewer.grading.scorecard import FlagResult, Scorecard, build, empty_result
from interviewer.interview.context import Context
from interviewer.interview.state import InterviewState
from interviewer.interview.whiteboard import clean_diagram


def scorecard_from(state: InterviewState, flags: dict[str, FlagResult], minutes: dict[str, float],
                   ctx: Context) -> Scorecard:
    """The interview's scorecard: the merged per-turn grades as they are, "not credited" included."""
    rubric, problem = ctx.rubric(state), ctx.problem(state)
    if state.get("drill"):  # graded on the drilled phase's flags only
        rubric = rubric.model_copy(update={"phases": [rubric.phase(state["drill"])]})
    by_phase = {phase.id: [flags.get(f.id) or empty_result(kind, f) for kind, f in phase.flags]
                for phase in rubric.phases}
    covered = {t["phase"] for t in state["transcript"] if t["role"] == "candidate"}
    said = {p.id: " ".join(t["text"] for t in state["transcript"] if t["role"] == "candidate" and t["phase"] == p.id)
            for p in rubric.phases}
    usage = ctx.llm.usage.totals(session=state["session_id"])
    return build(
        mode="drill" if state.get("drill") else "interview", rubric=rubric, level=state["level"],  # type: ignore[arg-type]
        flags_by_phase=by_phase, problem=problem, manipulation=state.get("manipulation", []),
        uncovered=[p.id for p in rubric.phases if p.id not in covered], usage=usage,
        latency_s=usage.get("latency_s", 0.0), strategy=ctx.strategy, minutes=minutes,
        hints_used=len(state.get("hints_given", [])), said=said, diagram=clean_diagram(state),
    )

