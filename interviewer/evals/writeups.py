"""Measuring the grader against human labels: per-flag agreement, precision, recall, F1, QWK.

Labels live in evals/writeups/labels/*.yaml (one per write-up, every flag of the framework).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from interviewer.content.catalog import get_rubric
from interviewer.content.files import load_model, yaml_files
from interviewer.evals.fitting import Item, held_out_folds
from interviewer.grading import coherence
from interviewer.grading.agreement import GREEN_ORDER, POSITIVE, kappa, qwk
from interviewer.grading.anchor import settle
from interviewer.grading.calibration import lexical
from interviewer.grading.probe import by_act
from interviewer.grading.scorecard import FlagResult, Scorecard, phase_score
from interviewer.grading.scoring import scoring

# Eval data lives in the checkout, not the package: evals run from the repository root.
EVAL_DIR = Path(os.environ.get("INTERVIEWER_EVALS_DIR") or "evals").absolute()


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


SECOND_LABELS = EVAL_DIR / "writeups" / "labels-second"  # independent relabelings, for the ceiling


def load_labels(directory: Path | None = None) -> dict[str, WriteupLabels]:
    directory = directory or EVAL_DIR / "writeups" / "labels"
    return {p.stem: load_model(p, WriteupLabels) for p in yaml_files(directory)}


def prf(pairs: list[tuple[bool, bool]]) -> dict[str, float]:
    """Precision/recall/F1 of 'positive' (green met or partial, red raised) against the label."""
    tp = sum(p and t for p, t in pairs)
    fp = sum(p and not t for p, t in pairs)
    fn = sum(t and not p for p, t in pairs)
    tn = len(pairs) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    neg_p = tn / (tn + fn) if tn + fn else 0.0
    neg_r = tn / (tn + fp) if tn + fp else 0.0
    neg_f1 = 2 * neg_p * neg_r / (neg_p + neg_r) if neg_p + neg_r else 0.0
    # macro-F1 as HealthBench reports its grader: the mean of positive- and negative-class F1
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
            "macro_f1": round((f1 + neg_f1) / 2, 3), "n": len(pairs)}


def _credited(f: FlagResult, verdict: str) -> str:
    """A positive verdict counts only with evidence (a red flag for a missing thing is its own evidence)."""
    if verdict in ("met", "partial") and not f.evidence:
        return "not_addressed"
    if f.kind == "green":  # a sentence making the problem's reference point settles it, as in the grader
        verdict = settle(verdict, f.reference_words, scoring().reference_met, f.banked, scoring().bank_met)
    if f.kind == "red":  # what the quote shows rules a red flag, as it does in the grader
        verdict = by_act(verdict, f.act)[0]  # type: ignore[arg-type]
    if verdict == "raised" and not (f.evidence or f.verified):
        return "not_raised"
    return verdict


def calibration_items(cards: dict[str, Scorecard], labels: dict[str, WriteupLabels]) -> list[Item]:
    """Every probability-graded flag with its label (and its lexical signal, where the scorecard has
    it): what calibration is fitted and judged on."""
    out = []
    for name, card in cards.items():
        flags = {f.id: f for ph in get_rubric(card.framework).phases for _, f in ph.flags}
        for ph in card.phases:
            for f in ph.flags:
                if f.probability is None:
                    continue
                flag = flags[f.flag_id]
                lex = None if f.terms_found is None else lexical(flag, f.kind, f.terms_found)
                local = None if f.terms_in_phase is None else lexical(flag, f.kind, f.terms_in_phase)
                out.append(Item(name, f.flag_id, f.kind, f.probability, labels[name].flags[f.flag_id].verdict,
                                lex, local))
    return out


def held_out_verdicts(cards: dict[str, Scorecard],
                      labels: dict[str, WriteupLabels]) -> dict[tuple[str, str], tuple[str, float]]:
    """Each document's verdicts and probabilities from a calibration fitted on the other documents
    (probability grading): fitted once, for the agreement figures and the reliability diagram."""
    items = calibration_items(cards, labels)
    return dict(held_out_folds(items, "held-out")) if len({i.doc for i in items}) > 1 else {}


def coherent_folds(cards: dict[str, Scorecard],
                   folds: dict[tuple[str, str], str]) -> dict[tuple[str, str], str]:
    """Held-out verdicts with each phase's opposed red flags settled, as the grader settles its own."""
    out = dict(folds)
    for name, card in cards.items():
        phases = {ph.id: ph for ph in get_rubric(card.framework).phases}
        for ph in card.phases:
            given = {f.flag_id: _credited(f, folds[(name, f.flag_id)]) for f in ph.flags if (name, f.flag_id) in folds}
            cued = {f.flag_id for f in ph.flags if f.act == "cued"}
            out.update({(name, fid): v for fid, v in coherence.verdicts(phases[ph.phase_id], given, cued).items()})
    return out


def compare(
    cards: dict[str, Scorecard], labels: dict[str, WriteupLabels],
    override: dict[tuple[str, str], str] | None = None, constant: bool = False,
) -> dict[str, Any]:
    """Agreement with labels: green QWK and red kappa (chance-corrected, the headline), exact and
    binary agreement, P/R/F1, macro-F1 and phase-score QWK. `override` replaces verdicts (held-out
    folds); `constant` scores the constant rule instead of the grader."""
    exact, pairs = [], []
    per_flag: dict[str, list[tuple[bool, bool]]] = {}
    phase_of: dict[str, str] = {}
    human, model = [], []
    g_true, g_pred, r_true, r_pred = [], [], [], []
    for name, card in cards.items():
        lab = labels[name]
        for ph in card.phases:
            flags = []
            for f in ph.flags:
                if constant:
                    got = "met" if f.kind == "green" else "not_raised"
                elif override is not None and (name, f.flag_id) in override:
                    got = _credited(f, override[(name, f.flag_id)])
                else:
                    got = f.credited
                flags.append(f.model_copy(update={"verdict": got, "verified": True}))
                want = lab.flags[f.flag_id].verdict
                exact.append(got == want)
                pair = (got in POSITIVE, want in POSITIVE)
                pairs.append(pair)
                per_flag.setdefault(f.flag_id, []).append(pair)
                phase_of[f.flag_id] = ph.phase_id
                if f.kind == "green":
                    g_true.append(GREEN_ORDER[want])
                    g_pred.append(GREEN_ORDER[got])
                else:
                    r_true.append(want == "raised")
                    r_pred.append(got == "raised")
            human.append(lab.phase_scores[ph.phase_id])
            model.append(phase_score(flags, len(ph.pressed))[0])
    macro = [prf(v)["macro_f1"] for v in per_flag.values()]
    per_phase: dict[str, dict[str, Any]] = {}
    for phase in dict.fromkeys(phase_of.values()):
        mine = {k: v for k, v in per_flag.items() if phase_of[k] == phase}
        per_phase[phase] = {**prf([x for v in mine.values() for x in v]),
                            "macro_f1": round(sum(prf(v)["macro_f1"] for v in mine.values()) / len(mine), 3)}
    return {
        "documents": len(cards),
        "green_qwk": round(qwk(g_true, g_pred, 0, 2), 3),
        "red_kappa": round(kappa(r_true, r_pred), 3),
        "phase_qwk": round(qwk(human, model), 3),
        "phase_mae": round(sum(abs(h - m) for h, m in zip(human, model, strict=True)) / len(human), 3),
        "verdict_agreement": round(sum(exact) / len(exact), 3) if exact else 0.0,
        "binary_agreement": round(sum(p == t for p, t in pairs) / len(pairs), 3) if pairs else 0.0,
        "binary": prf(pairs),
        "macro_f1": round(prf(pairs)["macro_f1"], 3),
        "per_flag_macro_f1": round(sum(macro) / len(macro), 3) if macro else 0.0,
        "per_phase": per_phase,
        "per_flag": {k: {**prf(v), "agree": round(sum(p == t for p, t in v) / len(v), 3)}
                     for k, v in sorted(per_flag.items())},
    }


def reliability(cards: dict[str, Scorecard], labels: dict[str, WriteupLabels], prob: dict[tuple[str, str], float],
                bins: int = 10) -> dict[str, Any]:
    """Predicted probability that a flag holds (`prob`, held out: the combination fitted on the
    other write-ups) vs how often the label says it does, per kind."""
    items = calibration_items(cards, labels)
    out: dict[str, Any] = {}
    for kind in ("green", "red"):
        rows = [(prob.get((i.doc, i.flag_id), i.score), i.label in POSITIVE) for i in items if i.kind == kind]
        table = []
        for b in range(bins):
            lo, hi = b / bins, (b + 1) / bins
            inside = [(p, y) for p, y in rows if lo <= p < hi or (b == bins - 1 and p == 1.0)]
            if inside:
                table.append({"bin": f"{lo:.1f}-{hi:.1f}", "mean_p": round(sum(p for p, _ in inside) / len(inside), 3),
                              "label_rate": round(sum(y for _, y in inside) / len(inside), 3), "n": len(inside)})
        out[kind] = table
    return out


def summarize_writeups(cards: dict[str, Scorecard], labels: dict[str, WriteupLabels]) -> dict[str, Any]:
    """The grader on held-out folds (probability grading) or as graded, beside the constant rule."""
    fitted = held_out_verdicts(cards, labels)
    folds = coherent_folds(cards, {k: v for k, (v, _) in fitted.items()})
    summary = compare(cards, labels, override=folds or None)
    summary["held_out"] = bool(folds)
    summary["inter_rater"] = inter_rater(labels, load_labels(SECOND_LABELS))
    summary["constant_rule"] = {k: v for k, v in compare(cards, labels, constant=True).items()
                                if k not in ("per_flag", "per_phase")}
    if folds:  # the verdicts the scorecards carry, from the thresholds shipped when they were graded
        summary["as_graded"] = {k: v for k, v in compare(cards, labels).items()
                                        if k not in ("per_flag", "per_phase")}
        summary["reliability"] = reliability(cards, labels, {k: p for k, (_, p) in fitted.items()})
    return summary


def inter_rater(first: dict[str, WriteupLabels], second: dict[str, WriteupLabels]) -> dict[str, Any]:
    """Agreement between two labelings of the same documents: the ceiling a grader can be held to."""
    shared = sorted(set(first) & set(second))
    g_a, g_b, r_a, r_b, p_a, p_b = [], [], [], [], [], []
    for name in shared:
        for fid, lab in first[name].flags.items():
            other = second[name].flags[fid].verdict
            if lab.verdict in GREEN_ORDER:
                g_a.append(GREEN_ORDER[lab.verdict])
                g_b.append(GREEN_ORDER[other])
            else:
                r_a.append(lab.verdict == "raised")
                r_b.append(other == "raised")
        for ph, score in first[name].phase_scores.items():
            p_a.append(score)
            p_b.append(second[name].phase_scores[ph])
    if not shared:
        return {"documents": 0}
    same = sum(a == b for a, b in zip(g_a, g_b, strict=True)) + sum(a == b for a, b in zip(r_a, r_b, strict=True))
    return {"documents": len(shared), "names": shared, "green_qwk": round(qwk(g_a, g_b, 0, 2), 3),
            "red_kappa": round(kappa(r_a, r_b), 3), "phase_qwk": round(qwk(p_a, p_b), 3),
            "verdict_agreement": round(same / (len(g_a) + len(r_a)), 3)}
