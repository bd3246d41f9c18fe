"""The phase-scoring rule and the hire signal: how verdicts become numbers, as data and arithmetic.

A phase's raw credit is its weighted share of green flags (partial ones in part) less a share of its
red flags raised; fitted bins map it onto 1-4 (rubrics/calibration/scoring.yaml, fitted with held-out
folds by evals/scoring_fit.py). The overall score's distance from the level's bar is the hire signal.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from interviewer.content.files import BUNDLED, load_model
from interviewer.content.rubric import Level

HireSignal = Literal["strong_no_hire", "no_hire", "lean_no_hire", "lean_hire", "hire", "strong_hire"]

LEVEL_BAR: dict[str, float] = {"mid": 2.25, "senior": 2.75, "staff": 3.25}
# (upper bound of overall - bar, signal), first match wins
SIGNAL_STEPS: list[tuple[float, HireSignal]] = [
    (-1.0, "strong_no_hire"), (-0.5, "no_hire"), (0.0, "lean_no_hire"),
    (0.35, "lean_hire"), (0.75, "hire"), (float("inf"), "strong_hire"),
]



class Scoring(BaseModel):
    """How a phase's verdicts become its 1-4 score (rubrics/calibration/scoring.yaml, fitted with held-out folds)."""

    model_config = ConfigDict(extra="forbid")

    method: str
    partial_credit: float = Field(ge=0, le=1, description="A green flag partly shown, against 1 for met.")
    red_share: float = Field(ge=0, le=3, description="What the weighted share of red flags raised takes off.")
    bins: list[float] = Field(min_length=3, max_length=3, description="The raw credit that 2, 3 and 4 need.")
    reference_met: int | None = Field(None, ge=1, description=(
        "A partial green whose best sentence holds this many words of the problem's reference point is "
        "met (grading/anchor.py); none: off."))
    flaw_share: float = Field(0.0, ge=0, le=1, description=(
        "What the mistakes the problem's bank presses take off a phase's raw credit (grading/pressed.py)."))
    flaw_k: int = Field(1, ge=1, description="How many such mistakes take the whole `flaw_share`.")
    bank_met: bool = Field(False, description=(
        "A partial green with a stated sentence its problem's bank question already answers is met "
        "(grading/anchor.py)."))

    @model_validator(mode="after")
    def _ascending(self) -> Scoring:
        if not 0 < self.bins[0] < self.bins[1] < self.bins[2] <= 1:
            raise ValueError("bins must rise within (0, 1]")
        return self


@cache
def scoring() -> Scoring:
    return load_model(BUNDLED / "rubrics" / "calibration" / "scoring.yaml", Scoring)


def raw_credit(greens: list[tuple[float, str]], reds: list[tuple[float, str]],
               partial_credit: float, red_share: float) -> float:
    """Green credit (weighted share of green flags met, partial ones in part) minus `red_share` times
    the weighted share of red flags raised, in [0, 1]; (weight, credited verdict) pairs. The phase
    score's arithmetic, shared with the fit of its rule (evals/scoring_fit.py)."""
    g_total = sum(w for w, _ in greens) or 1.0
    r_total = sum(w for w, _ in reds) or 1.0
    credit = {"met": 1.0, "partial": partial_credit}
    earned = sum(w * credit.get(v, 0.0) for w, v in greens) / g_total
    penalty = sum(w for w, v in reds if v == "raised") / r_total
    return min(1.0, max(0.0, earned - red_share * penalty))


def hire_signal(overall: float, level: Level) -> tuple[HireSignal, float]:
    bar = LEVEL_BAR[level]
    for upper, signal in SIGNAL_STEPS:
        if overall - bar < upper:
            return signal, bar
    return "strong_hire", bar
