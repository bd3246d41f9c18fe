"""Structured verdicts with free-text quotes (the per_flag and per_phase strategies), checked in code.

For backends that answer in JSON rather than with token probabilities: each verdict carries up
to two quotes, and `to_result` keeps only those found in the candidate's own text (quotes.py).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model

from interviewer.content.rubric import Flag, FlagKind, Phase
from interviewer.grading.lexical import is_question
from interviewer.grading.quotes import Match, Segment, locate
from interviewer.grading.scorecard import Evidence, FlagResult, Verdict

Quote = Annotated[str, StringConstraints(max_length=160)]  # short: generation is the cost


class GreenJudgement(BaseModel):
    model_config = ConfigDict(extra="forbid")
    evidence: list[Quote] = Field(max_length=2)
    rationale: str = Field(max_length=120)
    verdict: Literal["yes", "partly", "no"]


class RedJudgement(BaseModel):
    model_config = ConfigDict(extra="forbid")
    evidence: list[Quote] = Field(max_length=2)
    rationale: str = Field(max_length=120)
    verdict: Literal["yes", "no"]


Judgement = GreenJudgement | RedJudgement
VERDICTS: dict[tuple[FlagKind, str], Verdict] = {
    ("green", "yes"): "met", ("green", "partly"): "partial", ("green", "no"): "not_addressed",
    ("red", "yes"): "raised", ("red", "no"): "not_raised",
}
NOT_AN_ACT = "Not raised: no quote shows the act itself (a gap is shown as the green flag not met). "
SHOWN = "Raised: the rubric's cues show the act in the quote. "
GREEN_CHOICES = '"yes" if fully met, "partly" if partly met, "no" if the text does not address it.'
RED_CHOICES = '"yes" if the text shows this failure, "no" if it does not.'


def phase_schema(phase: Phase) -> type[BaseModel]:
    """One required field per flag, so a per-phase reply cannot skip a criterion."""
    fields: dict[str, Any] = {
        f.id: (GreenJudgement if kind == "green" else RedJudgement, ...) for kind, f in phase.flags
    }
    return create_model(f"Phase_{phase.id}", __config__=ConfigDict(extra="forbid"), **fields)


def to_result(kind: FlagKind, flag: Flag, judged: Judgement, segments: list[Segment]) -> FlagResult:
    """Check every quote against the candidate's text; keep the candidate's own words."""
    verdict = VERDICTS[(kind, judged.verdict)]
    found: list[Match] = []
    missing: list[str] = []
    for q in judged.evidence:
        match = locate(q, segments) if q.strip() else None
        if match is not None:
            # keep the longer of two overlapping quotes
            if any(match.quote.lower() in e.quote.lower() for e in found):
                continue
            found = [e for e in found if e.quote.lower() not in match.quote.lower()] + [match]
        elif q.strip():
            missing.append(q)
    rationale = judged.rationale
    if kind == "red" and verdict == "raised":  # a red stands only on a quote of the act (probe.py)
        found = [m for m in found if not is_question(m.quote)]
        if not found or (flag.raised_when == "no" and not any(flag.shown_in(m.quote) for m in found)):
            verdict, rationale = "not_raised", NOT_AN_ACT + rationale
    positive = verdict in ("met", "partial", "raised")
    return FlagResult(
        flag_id=flag.id, kind=kind, statement=flag.statement, weight=flag.weight, verdict=verdict,
        verified=bool(found) if positive else True,
        evidence=[Evidence(quote=m.quote, where=m.where) for m in found],
        unverified_quotes=missing, rationale=rationale,
    )
