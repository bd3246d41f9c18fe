"""Fitting a calibration (grading/calibration.py) on labeled flag verdicts: the per-kind
combination, per-flag offsets and the thresholds, and leave-one-document-out folds of the same fit.

Evaluation-time code: the grader only reads the fitted file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from interviewer.content.rubric import FlagKind
from interviewer.grading.agreement import GREEN_ORDER, POSITIVE, kappa, qwk
from interviewer.grading.calibration import (
    IN_PHASE_KINDS,
    Calibration,
    Combine,
    GreenThresholds,
    RedThresholds,
    combined,
    in_phase_or_whole,
    logit,
)
from interviewer.grading.scorecard import Verdict

GRID = [i / 100 for i in range(-30, 131, 2)]  # adjusted scores can leave [0, 1]
# Thresholds are chosen on agreement averaged over +-2 grid steps (+-0.04): two runs of the same
# write-ups on the embedded server differ by up to 0.05 in P(yes) (p90 0.026), enough to move a
# threshold fitted on a single spike and flip a tenth of held-out phase scores.
SMOOTH = 2
PRIOR_DOCS = 2.0  # shrinkage of a flag's offset: n / (n + 2) of its measured bias
MIN_AUC = 0.6  # a red flag whose probe ranks its training labels worse than this is never raised


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
