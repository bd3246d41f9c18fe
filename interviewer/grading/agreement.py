"""Chance-corrected agreement between two raters: quadratic-weighted kappa and Cohen's kappa.

A constant rater scores 0 on both, which is why grader changes are judged by them and not by
raw agreement (our labeled write-ups are decent documents, so "all met, none raised" agrees often).
"""

from __future__ import annotations


def qwk(a: list[int], b: list[int], lo: int = 1, hi: int = 4) -> float:
    """Quadratic weighted kappa between two raters on an ordinal lo..hi scale."""
    k = hi - lo + 1
    n = len(a)
    if n == 0:
        return float("nan")
    observed = [[0.0] * k for _ in range(k)]
    for x, y in zip(a, b, strict=True):
        observed[x - lo][y - lo] += 1
    hist_a = [sum(row) for row in observed]
    hist_b = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            w = (i - j) ** 2 / (k - 1) ** 2
            num += w * observed[i][j]
            den += w * hist_a[i] * hist_b[j] / n
    if den == 0:  # both raters constant on the same value: no agreement beyond chance to measure
        return 0.0
    return 1.0 - num / den


def kappa(a: list[bool], b: list[bool]) -> float:
    """Cohen's kappa for two binary raters (0 when either is constant)."""
    return qwk([int(x) for x in a], [int(x) for x in b], 0, 1)


GREEN_ORDER = {"not_addressed": 0, "partial": 1, "met": 2}
POSITIVE = {"met", "partial", "raised"}  # a verdict that claims something about the candidate
