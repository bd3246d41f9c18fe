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

from interviewer.content.catalog import get_rubric
from interviewer.content.files import load_model, yaml_files
from interviewer.evals.writeups import EVAL_DIR, WriteupLabels, load_labels
from interviewer.grading.scorecard import FlagResult, Scorecard, build

VARIANT_DIR = EVAL_DIR / "writeups" / "variants"
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


# Invariance edits are checked on these phases when the run is focused: together they hold the
# flags an injected "full marks" or keyword stuffing would most want to flip.
INVARIANCE_PHASES = ["problem_framing", "modeling"]


def verdicts(card: Scorecard, phases: set[str] | None = None) -> dict[str, str]:
    return {f.flag_id: f.credited for p in card.phases if phases is None or p.phase_id in phases for f in p.flags}


def rerun_record(name: str, first: Scorecard, again: Scorecard) -> dict[str, Any]:
    """The flags whose verdict changed when the same text was graded again."""
    a, b = verdicts(first), verdicts(again)
    return {"base": name, "flags": len(a), "flips": [f for f in a if a[f] != b.get(f)]}


def flip_rate(reruns: list[dict[str, Any]]) -> float | None:
    flags = sum(r["flags"] for r in reruns)
    return round(sum(len(r["flips"]) for r in reruns) / flags, 3) if flags else None


def scores(card: Scorecard) -> dict[str, int]:
    return {p.phase_id: p.score for p in card.phases}


def overall(card: Scorecard, phases: set[str] | None = None) -> float:
    """The weighted phase mean over the phases graded (all of them unless the run was focused)."""
    chosen = [p for p in card.phases if phases is None or p.phase_id in phases]
    return round(sum(p.score * p.weight for p in chosen) / sum(p.weight for p in chosen), 3)


def phases_for(v: Variant, rubric_flags: dict[str, str], focused: bool) -> list[str] | None:
    """The phases a variant's grade must cover: all, or (focused) just where its edit can show."""
    if not focused or v.kind == "minimum":
        return None
    if v.kind == "invariance":
        return list(INVARIANCE_PHASES)
    return sorted(set(v.drop_phases) | {rubric_flags[f] for f in v.expect})


def record(f: FlagResult) -> list[Any]:
    """What a variant run keeps of one graded flag: enough to read a miss or replay a calibration."""
    return [f.credited, f.probability, f.terms_found, f.terms_in_phase]


def check(v: Variant, card: Scorecard, base: Scorecard | None, phases: list[str] | None = None) -> dict[str, Any]:
    """What this variant's grade shows, against its construction (on `phases` when focused)."""
    only = set(phases) if phases else None
    out: dict[str, Any] = {"id": v.id, "kind": v.kind, "edit": v.edit, "overall": card.overall,
                           "phases": phases or "all", "latency_s": card.latency_s, "usage": card.usage,
                           # each graded flag's verdict, probability and terms: a miss can be read (and a
                           # calibration change replayed) without grading again
                           "flags": {f.flag_id: record(f) for p in card.phases
                                     if only is None or p.phase_id in only for f in p.flags}}
    if v.kind == "minimum":
        out["minimum"] = all(p.score == 1 for p in card.phases) and card.usage.get("calls", 0) == 0
        return out
    assert base is not None
    before, after = verdicts(base, only), verdicts(card, only)
    if v.kind == "degradation":
        out["targets"] = {fid: after.get(fid) == want for fid, want in v.expect.items()}
        out["evidence"] = {f.flag_id: [e.quote for e in f.evidence] for p in card.phases for f in p.flags
                           if f.flag_id in v.expect}  # what the grader cited, to see why a removal was missed
        out["score_drops"] = {ph: scores(card)[ph] < scores(base)[ph] for ph in v.drop_phases}
        out["no_rise"] = all(scores(card)[ph] <= scores(base)[ph] for ph in v.drop_phases)
        out["ordered"] = overall(card, only) < overall(base, only)
    else:
        flips = [fid for fid in before if before[fid] != after.get(fid)]
        improved = [fid for fid in before if RANK[after.get(fid, before[fid])] > RANK[before[fid]]]
        out["flips"] = flips
        out["improved"] = improved
        out["stable"] = not improved if v.edit == "keyword_stuffing" else not flips
        if v.edit.startswith("inject"):
            out["injection_reported"] = bool(card.manipulation_attempts)
            out["injection_succeeded"] = overall(card, only) > overall(base, only) or bool(improved)
    return out


def labels_card(verdicts: dict[str, str]) -> Scorecard:
    """A scorecard whose every verdict is a label, scored as the grader's would be."""
    rubric = get_rubric("default")
    flags = {ph.id: [FlagResult(flag_id=f.id, kind=k, statement=f.statement, weight=f.weight,
                                verdict=verdicts[f.id], verified=True) for k, f in ph.flags]  # type: ignore[arg-type]
             for ph in rubric.phases}
    return build(mode="eval", rubric=rubric, level="senior", flags_by_phase=flags)


def labels_order(v: Variant, labels: WriteupLabels, phases: list[str] | None) -> bool:
    """Whether the labels themselves put the original above this degradation: the base's labels
    with the variant's expected verdicts, scored like a scorecard. Where they do not (the expected
    change leaves every phase score as it was), no grader can order the pair: the ceiling."""
    base = {k: f.verdict for k, f in labels.flags.items()}
    only = set(phases) if phases else None
    return overall(labels_card({**base, **v.expect}), only) < overall(labels_card(base), only)


def backfill_labels_order(results: list[dict[str, Any]]) -> None:
    """Runs stored before the ceiling was recorded get it from the labels, as a new run would."""
    variants, labels = load_variants(), load_labels()
    for r in results:
        v = variants.get(r["id"])
        if r["kind"] == "degradation" and "labels_order" not in r and v and v.base in labels:
            r["labels_order"] = labels_order(v, labels[v.base], r["phases"] if isinstance(r["phases"], list) else None)


Grade = Callable[[str, str | None, list[str] | None], Scorecard]


def run_variants(grade: Grade, names: list[str] | None = None, progress: Callable[[str], None] | None = None,
                 focused: bool = False, runs: int = 1) -> dict[str, Any]:
    """Grade each base (`runs` times, for the rerun flip rate) and every variant of it once."""
    labels = load_labels()
    flag_phase = {f.id: ph.id for ph in get_rubric("default").phases for _, f in ph.flags}
    variants = {k: v for k, v in load_variants().items() if not names or k in names or v.base in names}
    bases: dict[str, Scorecard] = {}
    reruns: list[dict[str, Any]] = []
    results = []
    for v in variants.values():
        base_card = None
        if v.base:
            if v.base not in bases:
                lab = labels[v.base]
                text = (EVAL_DIR / "writeups" / lab.writeup).read_text(encoding="utf-8")
                bases[v.base] = grade(text, lab.problem, None)
                reruns += [rerun_record(v.base, bases[v.base], grade(text, lab.problem, None))
                           for _ in range(runs - 1)]
                if progress:
                    progress(f"{v.base}: base graded ({runs}x)")
            base_card = bases[v.base]
        phases = phases_for(v, flag_phase, focused)
        card = grade(v.text(), labels[v.base].problem if v.base else None, phases)
        result = check(v, card, base_card, phases)
        if v.kind == "degradation" and v.base:
            result["labels_order"] = labels_order(v, labels[v.base], phases)
        results.append(result)
        if progress:
            progress(f"{v.id}: done in {card.latency_s:.0f}s")
    graded = {name: {f.flag_id: record(f) for ph in card.phases for f in ph.flags}
              for name, card in bases.items()}
    return {"results": results, "reruns": reruns, "bases": graded, "focused": focused, **summarize(results, reruns)}


def summarize(results: list[dict[str, Any]], reruns: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    def rate(xs: list[bool]) -> float | None:
        return round(sum(xs) / len(xs), 3) if xs else None

    deg = [r for r in results if r["kind"] == "degradation"]
    inv = [r for r in results if r["kind"] == "invariance"]
    inj = [r for r in inv if r["edit"].startswith("inject")]
    # Flags the grader flips on a plain rerun of the unedited base: a change there after an edit
    # cannot be told from noise, so the "beyond noise" rates leave them out.
    noisy = {f for r in reruns or [] for f in r["flips"]}

    def stable_beyond_noise(r: dict[str, Any]) -> bool:
        changed = r["improved"] if r["edit"] == "keyword_stuffing" else r["flips"]
        return not [f for f in changed if f not in noisy]

    return {
        "degradation_detection_rate": rate([ok for r in deg for ok in r["targets"].values()]),
        "degradation_score_drop_rate": rate([ok for r in deg for ok in r["score_drops"].values()]),
        "ordering_accuracy": rate([r["ordered"] for r in deg]),
        # the labels' own ordering (the most any grader can reach), and ordering where they drop
        "ordering_ceiling": rate([r["labels_order"] for r in deg if "labels_order" in r]),
        "ordering_where_labels_drop": rate([r["ordered"] for r in deg if r.get("labels_order")]),
        "invariance_stable_rate": rate([r["stable"] for r in inv]),
        "injection_success_rate": rate([r["injection_succeeded"] for r in inj]),
        "injection_reported_rate": rate([r["injection_reported"] for r in inj]),
        "minimum_rate": rate([r["minimum"] for r in results if r["kind"] == "minimum"]),
        "rerun_flip_rate": flip_rate(reruns or []),
        "rerun_noisy_flags": sorted(noisy),
        "invariance_stable_rate_beyond_noise": rate([stable_beyond_noise(r) for r in inv]) if reruns else None,
        "injection_success_rate_beyond_noise": rate(
            [any(f not in noisy for f in r["improved"]) for r in inj]) if reruns else None,
    }
