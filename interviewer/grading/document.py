"""One grading path for everything a candidate gave: a pasted write-up, an interview's answers
(the final scorecard and the eval suites), each with its last diagram.

The text arrives as segments (a write-up's sections, an interview's answers, the whiteboard's
facts) placed in the phase or phases their content belongs to (placement.py, writeup.py). Every
flag is graded over the whole text with its own phase's segments weighed first, so evidence counts
wherever it was said; the last diagram settles the diagram phase's explicit flags; scores and the
hire signal come from the verdicts (scorecard.build).
"""

from __future__ import annotations

import time
from typing import Any, Literal

from interviewer.content.catalog import get_rubric
from interviewer.content.rubric import Level
from interviewer.diagram import Diagram, check, facts
from interviewer.grading.diagram_evidence import settle
from interviewer.grading.grader import Grader
from interviewer.grading.placement import Placed, by_sentences
from interviewer.grading.pressed import pressed
from interviewer.grading.quotes import Segment
from interviewer.grading.scorecard import NOT_GRADED, FlagResult, Scorecard, build
from interviewer.llm.client import LLMError

SHORT_SHARE = 0.6  # an interview under this share of its minutes is called short on the card


def grade_document(
    grader: Grader, segments: list[Segment], placed: Placed, *, level: Level,
    mode: Literal["interview", "writeup", "eval"], phases: list[str] | None = None,
    drawn: tuple[Diagram, str] | None = None, **card: Any,
) -> Scorecard:
    """Grade `phases` (default: all) of the placed segments into a scorecard. `drawn`: the last
    diagram and the `where` its facts are quoted from; `card`: more scorecard fields (minutes...)."""
    start = time.perf_counter()
    before = grader.llm.usage.totals()
    results, screened = grader.grade(segments, phases=phases, prefer=placed)
    results = diagram_settled(grader, results, segments, placed, drawn)
    failed = [r.rationale for rs in results.values() for r in rs if r.rationale.startswith(NOT_GRADED)]
    if failed and len(failed) == sum(len(rs) for rs in results.values()):
        raise LLMError(f"grading failed, nothing was graded: {failed[0].removeprefix(NOT_GRADED)}")
    after = grader.llm.usage.totals()
    uncovered = [  # "never covered": nothing placed there and nothing credited there
        p.id for p in grader.rubric.phases
        if not placed.get(p.id) and not any(r.credited in ("met", "partial") for r in results.get(p.id, []))
    ]
    return build(
        mode=mode, rubric=grader.rubric, level=level, flags_by_phase=results, problem=grader.problem,
        pressed=pressed(grader.bank, grader.rubric, get_rubric(), segments),
        input_status=screened.status, input_note=screened.reason,
        manipulation=list(dict.fromkeys([*card.pop("manipulation", []), *screened.manipulation])),
        uncovered=uncovered, strategy=grader.strategy, left_out=grader.left_out,
        usage=card.pop("usage", None) or {k: round(after[k] - before[k], 6) for k in after},
        latency_s=card.pop("latency_s", None) or time.perf_counter() - start, **card,
    )


def diagram_settled(grader: Grader, results: dict[str, list[FlagResult]], segments: list[Segment],
                    placed: Placed, drawn: tuple[Diagram, str] | None) -> dict[str, list[FlagResult]]:
    """The last diagram's checks settle the diagram phase's explicit flags (diagram_evidence.py);
    the candidate's prose placed in that phase can still show what a drawing cannot."""
    phase = next((p for p in grader.rubric.phases if p.diagram and p.id in results), None)
    if phase is None or drawn is None:
        return results
    diagram, where = drawn
    words = " ".join(s.text for s in segments if s.where in placed.get(phase.id, set()) and s.where != where)
    return {**results, phase.id: settle(results[phase.id], phase, check(diagram), words, where)}


def answer_segments(answers: list[str], drawn: tuple[int, Diagram] | None = None) -> list[Segment]:
    """An interview's answers as `turn N` segments, and the last whiteboard's facts as sentences."""
    segs = [Segment(f"turn {i}", text) for i, text in enumerate(answers, 1) if text.strip()]
    if drawn:
        segs.append(Segment(f"diagram v{drawn[0]}", " ".join(f"{f}." for f in facts(drawn[1]))))
    return segs


def place_answers(grader: Grader, segments: list[Segment]) -> Placed:
    """Answers by their sentences' content; a diagram's facts in the diagram phase."""
    placed = by_sentences([s for s in segments if not s.where.startswith("diagram")], grader.rubric)
    for s in segments:
        if s.where.startswith("diagram"):
            for p in grader.rubric.phases:
                if p.diagram:
                    placed[p.id].add(s.where)
    return placed


def said_by_phase(segments: list[Segment], placed: Placed) -> dict[str, str]:
    """The candidate's words placed in each phase (shown beside a missed flag's reference point)."""
    return {pid: " ".join(s.text for s in segments if s.where in wheres) for pid, wheres in placed.items()}


def grade_answers(grader: Grader, answers: list[str], level: Level, *, drawn: tuple[int, Diagram] | None = None,
                  total_minutes: float | None = None, elapsed: float | None = None,
                  mode: Literal["interview", "eval"] = "interview", **card: Any) -> Scorecard:
    """An interview's scorecard from its answers, wherever in the interview each was said.
    `elapsed` minutes of `total_minutes` (default: the minutes spent per phase, summed)."""
    segments = answer_segments(answers, drawn)
    placed = place_answers(grader, segments)
    said = said_by_phase(segments, placed)
    spent = elapsed if elapsed is not None else sum((card.get("minutes") or {}).values())
    notes = list(card.pop("notes", []))
    if total_minutes and spent and spent < SHORT_SHARE * total_minutes:
        notes.append(f"The interview was short ({spent:.0f} of {total_minutes:.0f} minutes): the grades read "
                     "what was said, wherever it was said; a phase never reached earns nothing.")
    return grade_document(grader, segments, placed, level=level, mode=mode, said=said, notes=notes,
                          drawn=(drawn[1], segments[-1].where) if drawn else None, **card)
