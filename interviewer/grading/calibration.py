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
`rubrics/calibration/<model family>.yaml`, fitted by `fit()` on labeled data; an evaluation
reports only leave-one-document-out folds (`held_out()`), never the fit on its own data.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path

import yaml
from pydantic import Field, model_validator

from interviewer.content.files import BUNDLED, load_model
from interviewer.content.rubric import Flag, FlagKind, Strict
from interviewer.grading.agreement import GREEN_ORDER, POSITIVE, kappa, qwk
from interviewer.grading.scorecard import Verdict

CALIBRATION_DIR = BUNDLED / "rubrics" / "calibration"
GRID = [i / 100 for i in range(-30, 131, 2)]  # adjusted scores can leave [0, 1]
# Thresholds are chosen on agreement averaged over +-2 grid steps (+-0.04): two runs of the same
# write-ups on the embedded server differ by up to 0.05 in P(yes) (p90 0.026), enough to move a
# threshold fitted on a single spike and flip a tenth of held-out phase scores.
SMOOTH = 2
PRIOR_DOCS = 2.0  # shrinkage of a flag's offset: n / (n + 2) of its measured bias
MIN_AUC = 0.6  # a red flag whose probe ranks its training labels worse than this is never raised


class GreenThresholds(Strict):
    met: float = Field(ge=-1, le=2)
    partial: float = Field(ge=-1, le=2)

    @model_validator(mode="after")
    def _ordered(self) -> GreenThresholds:
        if self.partial > self.met:
            raise ValueError("partial must not exceed met")
        return self


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


# -- fitting ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One labeled flag verdict with the grader's score for it."""

    doc: str
    flag_id: str
    kind: FlagKind
    score: float  # the probe score s (or, inside fit, the combined score)
    label: str  # met / partial / not_addressed, or raised / not_raised
    lexical: float | None = None  # the lexical feature, when the scorecard recorded terms found
    in_phase: float | None = None  # the same over the sections placed in the flag's phase


def _smoothed(values: dict[tuple[int, ...], float], at: tuple[int, ...]) -> float:
    """The mean figure over the thresholds within SMOOTH grid steps of `at`: a threshold is chosen
    where agreement is high all around it, not on a spike that a rerun's noise would move."""
    near = [values[k] for k in _around(at) if k in values]
    return sum(near) / len(near)


def _around(at: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Every grid point within SMOOTH steps of `at` in each coordinate."""
    if not at:
        return [()]
    return [(*rest, at[-1] + d) for rest in _around(at[:-1]) for d in range(-SMOOTH, SMOOTH + 1)]


def _green_fit(items: list[Item]) -> tuple[float, float, float]:
    truth = [GREEN_ORDER[i.label] for i in items]
    figures: dict[tuple[int, ...], float] = {
        (a, b): qwk(truth, [2 if i.score >= GRID[b] else 1 if i.score >= GRID[a] else 0 for i in items], 0, 2)
        for a in range(len(GRID)) for b in range(a, len(GRID))}
    # ties: prefer thresholds nearer the middle (less extreme on unseen text)
    a, b = max(figures, key=lambda k: (round(_smoothed(figures, k), 6), -abs(GRID[k[0]] - 0.5) - abs(GRID[k[1]] - 0.5)))
    return figures[(a, b)], GRID[a], GRID[b]


def _red_fit(items: list[Item]) -> tuple[float, float]:
    truth = [i.label == "raised" for i in items]
    figures: dict[tuple[int, ...], float] = {
        (t,): kappa(truth, [i.score >= GRID[t] for i in items]) for t in range(len(GRID))}
    (t,) = max(figures, key=lambda k: (round(_smoothed(figures, k), 6), -abs(GRID[k[0]] - 0.5)))
    return figures[(t,)], GRID[t]


def offsets(items: list[Item]) -> dict[str, float]:
    """Each flag's mean excess score over items of the same kind and label, shrunk toward 0."""
    by_label: dict[tuple[str, str], list[float]] = {}
    for i in items:
        by_label.setdefault((i.kind, i.label), []).append(i.score)
    mean = {k: sum(v) / len(v) for k, v in by_label.items()}
    resid: dict[str, list[float]] = {}
    for i in items:
        resid.setdefault(i.flag_id, []).append(i.score - mean[(i.kind, i.label)])
    return {f: round(sum(r) / (len(r) + PRIOR_DOCS), 4) for f, r in sorted(resid.items())}


def auc(pos: list[float], neg: list[float]) -> float | None:
    if not pos or not neg:
        return None
    return sum((p > n) + 0.5 * (p == n) for p in pos for n in neg) / (len(pos) * len(neg))


def uninformative(items: list[Item]) -> dict[str, Verdict]:
    """Red flags whose scores rank their labels (raised vs not) below MIN_AUC: the grader abstains
    (not raised: the scorecard makes no claim it cannot back). A flag whose training labels are
    all alike keeps its probe."""
    out: dict[str, Verdict] = {}
    by_flag: dict[str, list[Item]] = {}
    for i in items:
        by_flag.setdefault(i.flag_id, []).append(i)
    for fid, its in by_flag.items():
        pos = [i.score for i in its if i.label in POSITIVE]
        neg = [i.score for i in its if i.label not in POSITIVE]
        a = auc(pos, neg)
        if a is not None and a < MIN_AUC and its[0].kind == "red":
            out[fid] = "not_raised"
    return out


L2 = 1.0  # ridge penalty on the combination's weights (a few hundred items per kind)


def _logistic(rows: list[tuple[list[float], bool]], steps: int = 500, rate: float = 1.0) -> list[float]:
    """Logistic regression of the label on the features (and a bias, last), by gradient descent,
    ridge on the features only: no extra dependency."""
    d = len(rows[0][0]) + 1
    w = [0.0] * d
    xs = [[*x, 1.0] for x, _ in rows]
    for _ in range(steps):
        grad = [0.0] * d
        for x, (_, y) in zip(xs, rows, strict=True):
            z = max(-30.0, min(30.0, sum(a * b for a, b in zip(w, x, strict=True))))
            err = 1.0 / (1.0 + math.exp(-z)) - y
            grad = [g + err * a for g, a in zip(grad, x, strict=True)]
        w = [w[i] - rate * (grad[i] + (L2 * w[i] if i < d - 1 else 0.0)) / len(rows) for i in range(d)]
    return [round(x, 4) for x in w]


def _features(i: Item, local: bool) -> list[float]:
    lex = i.lexical or 0.0
    return [logit(i.score), lex, *([in_phase_or_whole(lex, i.in_phase)] if local else [])]


def combination(items: list[Item]) -> dict[FlagKind, Combine]:
    """Per kind, when every item has its lexical signal: the probe and the terms, weighed on the labels."""
    if not items or any(i.lexical is None for i in items):
        return {}
    out: dict[FlagKind, Combine] = {}
    for kind in ("green", "red"):
        local = kind in IN_PHASE_KINDS
        rows = [(_features(i, local), i.label in POSITIVE) for i in items if i.kind == kind]
        if rows and len({y for _, y in rows}) == 2:
            w = _logistic(rows)
            out[kind] = Combine(probe=w[0], lexical=w[1], in_phase=w[2] if local else 0.0, bias=w[-1])
    return out


def fit(items: list[Item], family: str) -> Calibration:
    """The combination, per-flag offsets, then thresholds that maximise green QWK and red kappa."""
    comb = combination(items)
    items = [Item(i.doc, i.flag_id, i.kind, combined(comb, i.kind, i.score, i.lexical, i.in_phase), i.label)
             for i in items]
    const = uninformative(items)
    off = offsets(items)
    items = [Item(i.doc, i.flag_id, i.kind, i.score - off.get(i.flag_id, 0.0), i.label) for i in items
             if i.flag_id not in const]
    greens = [i for i in items if i.kind == "green"]
    reds = [i for i in items if i.kind == "red"]
    _, lo, hi = _green_fit(greens) if greens else (0, 0.5, 0.8)
    _, t = _red_fit(reds) if reds else (0, 0.5)
    return Calibration(
        family=family, method=("logistic combination of P(yes) and terms per kind, per-flag offsets, grid search "
                               "maximising green QWK and red Cohen's kappa (averaged over +-2 grid steps), "
                               "pooled per kind"),
        fitted_on=sorted({i.doc for i in items}), combine=comb,
        green=GreenThresholds(met=hi, partial=lo), red=RedThresholds(raised=t), offsets=off, constant=const,
    )


def held_out_folds(items: list[Item], family: str) -> dict[tuple[str, str], tuple[Verdict, float]]:
    """Leave one document out: each flag's verdict and its combined probability (before per-flag
    offsets: what a reliability diagram shows), from a calibration fitted on the other documents."""
    out: dict[tuple[str, str], tuple[Verdict, float]] = {}
    for doc in sorted({i.doc for i in items}):
        cal = fit([i for i in items if i.doc != doc], family)
        for i in items:
            if i.doc == doc:
                p = cal.combined(i.kind, i.score, i.lexical, i.in_phase)
                out[(doc, i.flag_id)] = (cal.verdict(i.kind, p, i.flag_id), p)
    return out


def held_out(items: list[Item], family: str) -> dict[tuple[str, str], Verdict]:
    """Leave one document out: each document's verdicts come from thresholds fitted on the others."""
    return {k: v for k, (v, _) in held_out_folds(items, family).items()}


def fit_suite(suite_file: Path, family: str) -> Calibration:
    """Fit on every labeled write-up of a writeups eval; record the held-out figures beside."""
    from interviewer.evals.writeups import calibration_items, load_labels, summarize_writeups
    from interviewer.grading.scorecard import Scorecard

    doc = json.loads(suite_file.read_text(encoding="utf-8"))
    labels = load_labels()
    cards = {n: Scorecard.model_validate(c) for n, c in doc["items"].items() if n in labels}
    items = calibration_items(cards, labels)
    if len({i.doc for i in items}) < 2:
        raise ValueError(f"{suite_file}: needs probability-graded scorecards of at least two labeled write-ups")
    summary = summarize_writeups(cards, {n: labels[n] for n in cards})
    figures = {k: summary[k] for k in ("green_qwk", "red_kappa", "phase_qwk", "macro_f1")}
    return fit(items, family).model_copy(update={"held_out": figures})


def save(cal: Calibration, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    head = "# Fitted by `interviewer calibrate`; held_out = leave-one-write-up-out figures at fit time.\n"
    path.write_text(head + yaml.safe_dump(cal.model_dump(), sort_keys=False), encoding="utf-8")
    return path
