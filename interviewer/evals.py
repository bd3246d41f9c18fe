"""Measuring the grader against human labels: per-flag agreement, precision, recall, F1, QWK.

Labels live in evals/writeups/labels/*.yaml (one per write-up, every flag of the framework).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from .datafiles import REPO_ROOT, load_model, yaml_files
from .scorecard import Scorecard

EVAL_DIR = REPO_ROOT / "evals"
POSITIVE = {"met", "partial", "raised"}


class FlagLabel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    verdict: str
    quote: str = ""
    note: str = ""


class WriteupLabels(BaseModel):
    model_config = ConfigDict(extra="forbid")
    writeup: str
    problem: str | None
    framework: str
    attribution: str
    flags: dict[str, FlagLabel]
    phase_scores: dict[str, int]


def load_labels(directory: Path | None = None) -> dict[str, WriteupLabels]:
    directory = directory or EVAL_DIR / "writeups" / "labels"
    return {p.stem: load_model(p, WriteupLabels) for p in yaml_files(directory)}


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
    return 1.0 if den == 0 else 1.0 - num / den


def prf(pairs: list[tuple[bool, bool]]) -> dict[str, float]:
    """Precision/recall/F1 of 'positive' (green met or partial, red raised) against the label."""
    tp = sum(p and t for p, t in pairs)
    fp = sum(p and not t for p, t in pairs)
    fn = sum(t and not p for p, t in pairs)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3), "n": len(pairs)}


def compare(cards: dict[str, Scorecard], labels: dict[str, WriteupLabels]) -> dict[str, Any]:
    """Agreement of graded scorecards with labels: exact verdicts, binary P/R/F1, phase QWK."""
    exact, pairs = [], []
    per_flag: dict[str, list[tuple[bool, bool]]] = {}
    phase_of: dict[str, str] = {}
    human, model = [], []
    for name, card in cards.items():
        lab = labels[name]
        for ph in card.phases:
            human.append(lab.phase_scores[ph.phase_id])
            model.append(ph.score)
            for f in ph.flags:
                want = lab.flags[f.flag_id].verdict
                exact.append(f.credited == want)
                pair = (f.credited in POSITIVE, want in POSITIVE)
                pairs.append(pair)
                per_flag.setdefault(f.flag_id, []).append(pair)
                phase_of[f.flag_id] = ph.phase_id
    macro = [prf(v)["f1"] for v in per_flag.values() if any(t for _, t in v)]
    per_phase: dict[str, dict[str, Any]] = {}
    for phase in dict.fromkeys(phase_of.values()):
        mine = {k: v for k, v in per_flag.items() if phase_of[k] == phase}
        f1s = [prf(v)["f1"] for v in mine.values() if any(t for _, t in v)]
        per_phase[phase] = {**prf([x for v in mine.values() for x in v]),
                            "macro_f1": round(sum(f1s) / len(f1s), 3) if f1s else None}
    return {
        "documents": len(cards),
        "verdict_agreement": round(sum(exact) / len(exact), 3) if exact else 0.0,
        "binary_agreement": round(sum(p == t for p, t in pairs) / len(pairs), 3) if pairs else 0.0,
        "binary": prf(pairs),
        "macro_f1": round(sum(macro) / len(macro), 3) if macro else 0.0,
        "phase_qwk": round(qwk(human, model), 3),
        "phase_mae": round(sum(abs(h - m) for h, m in zip(human, model, strict=True)) / len(human), 3),
        "per_phase": per_phase,
        "per_flag": {k: {**prf(v), "agree": round(sum(p == t for p, t in v) / len(v), 3)}
                     for k, v in sorted(per_flag.items())},
    }
