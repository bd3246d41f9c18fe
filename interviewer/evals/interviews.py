"""Whole labeled interviews: the scorecard a candidate sees, read claim by claim against an
experienced interviewer's labels.

Each file in evals/interviews/*.yaml holds a candidate's answers as typed in chat (some answer
ahead of the clock, jump phases, end early, or are fluent but weak) and, per framework, every
flag's verdict with the quotes that show it, the phase scores and the hire signal. The suite grades
the answers by the interview's own final-card path (grading/document.py) and reports, beside a
constant rule ("nothing shown"): claim precision (positive verdicts the labels agree with, and with
a quote the labels cite), flag kappa, phase-score QWK, hire signal within one step and the
strong-minus-weak margin per problem. The flag thresholds come from the labeled write-ups; the
phase-scoring rule (rubrics/calibration/scoring.yaml) was fitted on these interviews and the
write-ups with leave-one-problem-out folds. `interviews-heldout/` holds interviews written and
labeled blind after that, on problems the tuned set lacks too, and `interviews-heldout2/` a second such
set written without the problems' reference points: their figures are reported apart.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from rapidfuzz import fuzz

from interviewer.content.catalog import get_rubric
from interviewer.content.files import DataFileError, load_model, yaml_files
from interviewer.content.rubric import Level
from interviewer.evals.writeups import EVAL_DIR
from interviewer.grading.agreement import kappa, qwk
from interviewer.grading.scorecard import FlagResult, Scorecard, Verdict
from interviewer.grading.scoring import SIGNAL_STEPS, HireSignal

INTERVIEW_DIR = EVAL_DIR / "interviews"
HELDOUT_DIR = EVAL_DIR / "interviews-heldout"  # written and labeled blind after the grader's tuning
# Each held-out set is graded once, at a later code, and never read while changing the grader.
# `heldout2` was written by helpers who saw only each problem's statement and facts (not its
# reference points), then labeled by others who saw the rubric, the problem and one example.
# `heldout3` (the interviewer's ninth blind reply set, unseen9) the same way, labeled by two helpers that saw
# the rubrics, the problem and one labeled example, graded once at the eighth session's code.
# `heldout4` (the tenth blind reply set, unseen10) the same way, graded at the ninth session's start code;
# `heldout5` (unseen11, written after that session's bank content was frozen) the same way, graded once.
HELDOUT_SETS = {"heldout": HELDOUT_DIR, "heldout2": EVAL_DIR / "interviews-heldout2",
                "heldout3": EVAL_DIR / "interviews-heldout3", "heldout4": EVAL_DIR / "interviews-heldout4",
                "heldout5": EVAL_DIR / "interviews-heldout5"}
SIGNALS: list[HireSignal] = [s for _, s in SIGNAL_STEPS]
QUOTE_MATCH = 85  # rapidfuzz partial ratio at which a card's quote is the labeled sentence


class FrameworkLabels(BaseModel):
    model_config = ConfigDict(extra="forbid")
    flags: dict[str, Verdict]
    evidence: dict[str, list[str]] = Field(default_factory=dict)
    phases: dict[str, int]
    hire: HireSignal


class LabeledInterview(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    problem: str
    level: Level
    persona: Literal["strong", "middling", "weak"]
    minutes_per_turn: float = Field(2.5, gt=0, le=10)
    description: str = ""
    traits: list[str] = Field(default_factory=list)
    answers: list[str] = Field(min_length=1)
    labels: dict[str, FrameworkLabels]
    notes: str = ""

    @model_validator(mode="after")
    def _labels_cover_the_rubric(self) -> LabeledInterview:
        for framework, lab in self.labels.items():
            rubric = get_rubric(framework)
            ids = {f.id for p in rubric.phases for _, f in p.flags}
            if set(lab.flags) != ids:
                raise ValueError(f"labels.{framework}.flags must name every flag of the rubric; "
                                 f"differs on {sorted(ids ^ set(lab.flags))}")
            if set(lab.phases) != {p.id for p in rubric.phases}:
                raise ValueError(f"labels.{framework}.phases must score every phase of the rubric")
        return self


def load_interviews(directory: Path | None = None) -> dict[str, LabeledInterview]:
    found = {p.stem: load_model(p, LabeledInterview) for p in yaml_files(directory or INTERVIEW_DIR)}
    for stem, item in found.items():
        if item.id != stem:
            raise DataFileError(f"{directory or INTERVIEW_DIR}/{stem}.yaml: id '{item.id}' differs from the file name")
    return found


def supported(flag: FlagResult, quotes: list[str]) -> bool:
    """A card's claim cites the sentence the labels cite (or one holding it)."""
    return any(fuzz.partial_ratio(e.quote.lower(), q.lower()) >= QUOTE_MATCH
               for e in flag.evidence for q in quotes if q.strip() and e.quote.strip())


def positive(verdict: str) -> bool:
    return verdict in ("met", "partial", "raised")


def compare_card(card: Scorecard | None, lab: FrameworkLabels) -> dict[str, Any]:
    """One card against its labels (`card` None: the constant rule, which claims nothing)."""
    flags = {f.flag_id: f for p in card.phases for f in p.flags} if card else {}
    claims = []
    pairs: dict[str, list[tuple[bool, bool]]] = {"green": [], "red": []}
    for fid, truth in lab.flags.items():
        kind = "red" if truth in ("raised", "not_raised") else "green"
        got = flags.get(fid)
        said = got.credited if got else ("not_raised" if kind == "red" else "not_addressed")
        pairs[kind].append((positive(said), positive(truth)))
        if got and positive(said):
            right = positive(truth)
            claims.append({"flag": fid, "verdict": said, "label": truth, "right": right,
                           "quoted": right and supported(got, lab.evidence.get(fid, [])),
                           "quote": got.evidence[0].quote if got.evidence else ""})
    scores = {p.phase_id: p.score for p in card.phases} if card else {pid: 1 for pid in lab.phases}
    hire = card.hire_signal if card else "strong_no_hire"
    return {"claims": claims, "pairs": pairs, "phase_pairs": [(scores[pid], s) for pid, s in lab.phases.items()],
            "hire": hire, "hire_label": lab.hire, "overall": card.overall if card else 1.0,
            "hire_steps": abs(SIGNALS.index(hire) - SIGNALS.index(lab.hire))}


def compare_labels(second: FrameworkLabels, first: FrameworkLabels, rubric_weights: dict[str, float]) -> dict[str, Any]:
    """A second labeler's verdicts read as a card against the first's: the figures' ceiling."""
    claims = []
    pairs: dict[str, list[tuple[bool, bool]]] = {"green": [], "red": []}
    for fid, truth in first.flags.items():
        said = second.flags[fid]
        pairs["red" if truth in ("raised", "not_raised") else "green"].append((positive(said), positive(truth)))
        if positive(said):
            quotes = first.evidence.get(fid, [])
            claims.append({"flag": fid, "verdict": said, "label": truth, "right": positive(truth),
                           "quoted": positive(truth) and any(
                               fuzz.partial_ratio(a.lower(), b.lower()) >= QUOTE_MATCH
                               for a in second.evidence.get(fid, []) for b in quotes),
                           "quote": (second.evidence.get(fid) or [""])[0]})
    overall = sum(second.phases[k] * w for k, w in rubric_weights.items()) / sum(rubric_weights.values())
    return {"claims": claims, "pairs": pairs,
            "phase_pairs": [(second.phases[pid], s) for pid, s in first.phases.items()],
            "hire": second.hire, "hire_label": first.hire, "overall": round(overall, 2),
            "hire_steps": abs(SIGNALS.index(second.hire) - SIGNALS.index(first.hire))}


def inter_rater(first: dict[str, LabeledInterview], second: dict[str, LabeledInterview]) -> dict[str, Any]:
    """The same figures for a second, independent labeling against the first (interviews both hold)."""
    rows = []
    for key, item in second.items():
        if key not in first:
            continue
        for framework, lab in item.labels.items():
            if framework in first[key].labels:
                weights = {p.id: p.weight for p in get_rubric(framework).phases}
                rows.append({"id": key, "problem": item.problem, "persona": item.persona, "framework": framework,
                             **compare_labels(lab, first[key].labels[framework], weights)})
    return summarize(rows) if rows else {}


def label_overall(item: LabeledInterview, framework: str) -> float:
    """The labels' own overall score, by the rubric's phase weights (the margin's yardstick)."""
    rubric = get_rubric(framework)
    lab = item.labels[framework]
    return round(sum(lab.phases[p.id] * p.weight for p in rubric.phases) / sum(p.weight for p in rubric.phases), 2)


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Figures over compared cards: rows carry `id`, `problem`, `persona`, `framework` and compare_card's keys."""
    claims = [c for r in rows for c in r["claims"]]
    greens = [p for r in rows for p in r["pairs"]["green"]]
    reds = [p for r in rows for p in r["pairs"]["red"]]
    phases = [p for r in rows for p in r["phase_pairs"]]
    margins: dict[str, float] = {}
    ordered: list[bool] = []
    for key in sorted({(r["problem"], r["framework"]) for r in rows}):
        strong = [r["overall"] for r in rows if (r["problem"], r["framework"]) == key and r["persona"] == "strong"]
        weak = [r["overall"] for r in rows if (r["problem"], r["framework"]) == key and r["persona"] == "weak"]
        if strong and weak:
            margins[f"{key[0]}@{key[1]}"] = round(min(strong) - max(weak), 2)
            ordered.append(min(strong) - max(weak) >= 1.0)
    return {
        "n_interviews": len({r["id"] for r in rows}), "n_cards": len(rows),
        "claims": len(claims),
        "claim_precision": round(sum(c["right"] for c in claims) / len(claims), 3) if claims else None,
        "claim_precision_quoted": round(sum(c["quoted"] for c in claims) / len(claims), 3) if claims else None,
        "green_kappa": round(kappa([a for a, _ in greens], [b for _, b in greens]), 3) if greens else None,
        "red_kappa": round(kappa([a for a, _ in reds], [b for _, b in reds]), 3) if reds else None,
        "green_recall": _recall(greens), "red_recall": _recall(reds),
        "phase_qwk": round(qwk([a for a, _ in phases], [b for _, b in phases]), 3) if phases else None,
        "phase_mae": round(statistics.mean(abs(a - b) for a, b in phases), 3) if phases else None,
        "hire_within_one": round(sum(r["hire_steps"] <= 1 for r in rows) / len(rows), 3) if rows else None,
        "hire_exact": round(sum(r["hire_steps"] == 0 for r in rows) / len(rows), 3) if rows else None,
        "strong_minus_weak": margins,
        "strong_above_weak_by_1": round(sum(ordered) / len(ordered), 3) if ordered else None,
    }


def _recall(pairs: list[tuple[bool, bool]]) -> float | None:
    truths = [got for got, truth in pairs if truth]
    return round(sum(truths) / len(truths), 3) if truths else None


def by_fold(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The same figures per framework and per persona: folds a reader can hold against each other."""
    out = {f"framework={fw}": summarize([r for r in rows if r["framework"] == fw])
           for fw in sorted({r["framework"] for r in rows})}
    out |= {f"persona={p}": summarize([r for r in rows if r["persona"] == p])
            for p in ("strong", "middling", "weak") if any(r["persona"] == p for r in rows)}
    return out


def run_interviews(grade: Any, items: dict[str, LabeledInterview], frameworks: list[str] | None,
                   step: Any) -> dict[str, Any]:
    """Grade every labeled interview under each labeled framework (`grade(item, framework)` returns
    the final card) and compare; the constant rule is scored on the same labels."""
    rows, constant = [], []
    for item in items.values():
        for framework, lab in item.labels.items():
            if frameworks and framework not in frameworks:
                continue
            card: Scorecard = grade(item, framework)
            head = {"id": item.id, "problem": item.problem, "persona": item.persona, "level": item.level,
                    "framework": framework, "traits": item.traits}
            rows.append({**head, **compare_card(card, lab), "latency_s": card.latency_s,
                         "label_overall": label_overall(item, framework), "notes": card.notes,
                         "card": card.model_dump(mode="json")})  # every verdict with its signals: replayable
            constant.append({**head, **compare_card(None, lab)})
            right = sum(c["right"] for c in rows[-1]["claims"])
            step(f"{item.id}@{framework}: overall {card.overall:.2f} (labels {rows[-1]['label_overall']:.2f}), "
                 f"{card.hire_signal} (labels {lab.hire}), {right}/{len(rows[-1]['claims'])} claims right")
    summary = summarize(rows)
    summary["constant_rule"] = summarize(constant)
    summary["folds"] = by_fold(rows)
    return {"summary": summary, "items": rows}
