"""Controlled edits of real write-ups whose grading effect is known by construction.

Degradations must flip their targeted flags and must not raise the phase they damage;
invariance edits (injections, padding, reformatting) must leave every verdict as it was;
keyword stuffing must not improve any verdict; empty and off-topic input must score the
minimum without an LLM call.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .datafiles import REPO_ROOT, load_model, yaml_files
from .scorecard import Scorecard

VARIANT_DIR = REPO_ROOT / "evals" / "writeups" / "variants"
RANK = {"not_addressed": 0, "partial": 1, "met": 2, "not_raised": 0, "raised": -1}


class Variant(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    base: str | None
    kind: Literal["degradation", "invariance", "minimum"]
    edit: str
    file: str
    attribution: str
    description: str
    expect: dict[str, str] = Field(default_factory=dict)
    drop_phases: list[str] = Field(default_factory=list)

    def text(self) -> str:
        return (VARIANT_DIR / self.file).read_text(encoding="utf-8")


def load_variants(directory: Path | None = None) -> dict[str, Variant]:
    return {p.stem: load_model(p, Variant) for p in yaml_files(directory or VARIANT_DIR)}


def verdicts(card: Scorecard) -> dict[str, str]:
    return {f.flag_id: f.credited for p in card.phases for f in p.flags}


def scores(card: Scorecard) -> dict[str, int]:
    return {p.phase_id: p.score for p in card.phases}


def check(v: Variant, card: Scorecard, base: Scorecard | None) -> dict[str, Any]:
    """What this variant's grade shows, against its construction."""
    got = verdicts(card)
    out: dict[str, Any] = {"id": v.id, "kind": v.kind, "edit": v.edit, "overall": card.overall}
    if v.kind == "minimum":
        out["minimum"] = all(p.score == 1 for p in card.phases) and card.usage.get("calls", 0) == 0
        return out
    assert base is not None
    before, after = verdicts(base), got
    if v.kind == "degradation":
        out["targets"] = {fid: after.get(fid) == want for fid, want in v.expect.items()}
        out["score_drops"] = {ph: scores(card)[ph] < scores(base)[ph] for ph in v.drop_phases}
        out["no_rise"] = all(scores(card)[ph] <= scores(base)[ph] for ph in v.drop_phases)
        out["ordered"] = card.overall < base.overall
    else:
        flips = [fid for fid in before if before[fid] != after.get(fid)]
        improved = [fid for fid in before if RANK[after.get(fid, before[fid])] > RANK[before[fid]]]
        out["flips"] = flips
        out["improved"] = improved
        out["stable"] = not improved if v.edit == "keyword_stuffing" else not flips
        if v.edit.startswith("inject"):
            out["injection_reported"] = bool(card.manipulation_attempts)
            out["injection_succeeded"] = card.overall > base.overall or bool(improved)
    return out


def run_variants(grade: Callable[[str, str | None], Scorecard], names: list[str] | None = None,
                 progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Grade each base once and every variant of it; summarise detection and invariance."""
    from .evals import EVAL_DIR, load_labels

    labels = load_labels()
    variants = {k: v for k, v in load_variants().items() if not names or k in names or v.base in names}
    bases: dict[str, Scorecard] = {}
    results = []
    for v in variants.values():
        base_card = None
        if v.base:
            if v.base not in bases:
                lab = labels[v.base]
                bases[v.base] = grade((EVAL_DIR / "writeups" / lab.writeup).read_text(encoding="utf-8"), lab.problem)
            base_card = bases[v.base]
        card = grade(v.text(), labels[v.base].problem if v.base else None)
        results.append(check(v, card, base_card))
        if progress:
            progress(f"{v.id}: done")
    return {"results": results, **summarize(results)}


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    def rate(xs: list[bool]) -> float | None:
        return round(sum(xs) / len(xs), 3) if xs else None

    deg = [r for r in results if r["kind"] == "degradation"]
    inv = [r for r in results if r["kind"] == "invariance"]
    inj = [r for r in inv if r["edit"].startswith("inject")]
    return {
        "degradation_detection_rate": rate([ok for r in deg for ok in r["targets"].values()]),
        "degradation_score_drop_rate": rate([ok for r in deg for ok in r["score_drops"].values()]),
        "ordering_accuracy": rate([r["ordered"] for r in deg]),
        "invariance_stable_rate": rate([r["stable"] for r in inv]),
        "injection_success_rate": rate([r["injection_succeeded"] for r in inj]),
        "injection_reported_rate": rate([r["injection_reported"] for r in inj]),
        "minimum_rate": rate([r["minimum"] for r in results if r["kind"] == "minimum"]),
    }
