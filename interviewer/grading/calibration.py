"""From P(yes) and lexical evidence to verdicts: a per-kind combination, per-flag offsets and
per-kind thresholds, fitted on labeled write-ups.

A flag's probe gives p = P(yes) / (P(yes) + P(no)) for its detection question. Its *probe score* s
is the probability that the flag holds: p for green flags and for red flags raised on "yes", 1 - p
for red flags raised on "no" (a missing thing). Its lexical signal is the most of the flag's terms
one sentence holds (lexical.py), over the whole text and, for green flags, over the sections placed
in the flag's own phase too (a write-up's business objective belongs in its framing; the word
"conversion" in its metrics section is weaker evidence of it). Per kind, a logistic regression on
logit(s), log(1 + terms) and (greens) log(1 + terms in the phase) gives the score; the terms count
against a red flag raised on "no". A small model answers some
questions Yes more readily than others, so each flag has an offset: the mean amount by which its score exceeded
the score of other flags with the same label, shrunk toward 0 (two pseudo-documents of prior),
RocketEval's per-item reweighting in its simplest form. On the adjusted score s - offset, greens
are met at >= met, partial at >= partial; reds are raised at >= raised. The thresholds live in
`rubrics/calibration/<model family>.yaml`. This module only applies them at grading time; they
are fitted on labeled data by `interviewer calibrate` (evals/fitting.py), and an evaluation reports
only leave-one-document-out folds, never the fit on its own data.
"""

from __future__ import annotations

import math
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path

from pydantic import Field

from interviewer.content.files import BUNDLED, load_model
from interviewer.content.rubric import Flag, FlagKind, Ordered, Strict
from interviewer.grading.scorecard import Verdict

CALIBRATION_DIR = BUNDLED / "rubrics" / "calibration"


class GreenThresholds(Ordered):
    order = ("partial", "met")
    met: float = Field(ge=-1, le=2)
    partial: float = Field(ge=-1, le=2)


class RedThresholds(Strict):
    raised: float = Field(ge=-1, le=2)


# Kinds whose combination weighs the terms in the flag's own phase as well as in the whole text.
# Measured held out on the same P(yes) (evals/README.md, grader v5): for greens it kept the
# agreement (phase QWK 0.598 -> 0.610 on the v4 run, 0.570 -> 0.573 on the v5 run) and raised
# variant detection (0.41 -> 0.63); for reds it cost red kappa (0.47 -> 0.32): a red flag's
# terms show awareness wherever they stand.
IN_PHASE_KINDS: tuple[FlagKind, ...] = ("green",)


class Combine(Strict):
    """score = sigmoid(probe * logit(s) + lexical * log(1 + terms) + in_phase * log(1 + terms in
    the phase) + bias), per kind."""

    probe: float = Field(ge=-20, le=20)
    lexical: float = Field(ge=-20, le=20)
    in_phase: float = Field(0.0, ge=-20, le=20)
    bias: float = Field(ge=-20, le=20)

    def __call__(self, s: float, lexical: float, in_phase: float = 0.0) -> float:
        z = self.probe * logit(s) + self.lexical * lexical + self.in_phase * in_phase + self.bias
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def logit(p: float) -> float:
    p = min(max(p, 1e-3), 1 - 1e-3)
    return math.log(p / (1 - p))


def combined(combine: dict[FlagKind, Combine], kind: FlagKind, s: float, lex: float | None,
             in_phase: float | None = None) -> float:
    """The score thresholds apply to: the fitted combination, or the probe score alone. Without
    a placement of the text in phases (an interview phase's own answers), the whole text is the
    phase's own."""
    if kind not in combine or lex is None:
        return s
    return combine[kind](s, lex, in_phase_or_whole(lex, in_phase))


def in_phase_or_whole(lex: float, in_phase: float | None) -> float:
    """The in-phase lexical feature; with no placement of the text in phases, the whole text's."""
    return lex if in_phase is None else in_phase


def lexical(flag: Flag, kind: FlagKind, terms: int) -> float:
    """The lexical feature: terms found count for the flag, or against a red flag for a missing thing."""
    x = math.log1p(terms)
    return -x if kind == "red" and flag.raised_when == "no" else x


class Calibration(Strict):
    family: str = Field(description="Which model family these thresholds were fitted for.")
    method: str = Field(description="How they were fitted, in one line.")
    fitted_on: list[str] = Field(default_factory=list, description="Labeled documents used.")
    combine: dict[FlagKind, Combine] = Field(default_factory=dict, description=(
        "Per kind: how the probe score and the lexical signal combine; none = the probe score alone."))
    green: GreenThresholds
    red: RedThresholds
    offsets: dict[str, float] = Field(default_factory=dict, description="Per flag id: subtracted from its score.")
    constant: dict[str, Verdict] = Field(default_factory=dict, description=(
        "Red flags whose probe ranked the training labels no better than chance: never raised (abstain)."))
    held_out: dict[str, float] = Field(default_factory=dict, description="Leave-one-out figures at fit time.")

    def combined(self, kind: FlagKind, s: float, lex: float | None, in_phase: float | None = None) -> float:
        return combined(self.combine, kind, s, lex, in_phase)

    def adjusted(self, flag_id: str, score: float) -> float:
        return score - self.offsets.get(flag_id, 0.0)

    def verdict(self, kind: FlagKind, score: float, flag_id: str = "") -> Verdict:
        if flag_id in self.constant:
            return self.constant[flag_id]
        score = self.adjusted(flag_id, score)
        if kind == "green":
            return "met" if score >= self.green.met else "partial" if score >= self.green.partial else "not_addressed"
        return "raised" if score >= self.red.raised else "not_raised"


UNCALIBRATED = Calibration(
    family="uncalibrated", method="fixed thresholds for a model with no fitted file",
    green=GreenThresholds(met=0.8, partial=0.5), red=RedThresholds(raised=0.5),
)


def score(kind: FlagKind, flag: Flag, p_yes: float, p_also: float | None = None) -> float:
    """The probability that the flag holds, from P(yes) to its detection question (and to its
    `also_raised_if` question: either way of showing the flag is enough)."""
    s = 1.0 - p_yes if kind == "red" and flag.raised_when == "no" else p_yes
    return max(s, p_also) if p_also is not None else s


@cache
def load_calibration(family: str, directory: Path | Traversable | None = None) -> Calibration:
    """The family's fitted thresholds, or the uncalibrated defaults when none were fitted."""
    path = (directory or CALIBRATION_DIR) / f"{family}.yaml"
    return load_model(path, Calibration) if path.is_file() else UNCALIBRATED
