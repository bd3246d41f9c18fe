"""Fit the phase-scoring rule (rubrics/calibration/scoring.yaml) on graded cards, leave one problem out.

`python -m interviewer.evals.scoring_fit --interviews DIR/interviews.json --writeups DIR/writeups.json`
reads the cards an eval run graded (the tuned interviews only: held-out sets are never fitted on)
and the labels' phase scores, searches a grid of (reference words, partial credit, red share, bins)
for the best sum of the interviews' phase-score QWK, the write-ups' phase-score QWK and the
interviews' hire signal within one step, and reports the same figures with each problem's cards
scored by the rule fitted on the other problems. `--write` stores the fit on all problems in the
bundled scoring file.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from interviewer.content.files import BUNDLED
from interviewer.content.rubric import Level
from interviewer.diagram.writeup import replace_blocks_with_facts
from interviewer.grading import anchor
from interviewer.grading.agreement import qwk
from interviewer.grading.anchor import settle
from interviewer.grading.document import answer_segments
from interviewer.grading.pressed import penalty, pressed
from interviewer.grading.quotes import Segment
from interviewer.grading.scoring import LEVEL_BAR, SIGNAL_STEPS, hire_signal, raw_credit
from interviewer.grading.sentences import number
from interviewer.grading.writeup import split_sections

SIGNALS: list[str] = [s for _, s in SIGNAL_STEPS]
GRID: dict[str, list[Any]] = {
    "reference_met": [None, 5, 6, 7, 8],
    "bank_met": [False, True],
    "flaw": [(0.0, 1), (0.15, 1), (0.15, 2), (0.3, 1), (0.3, 2), (0.3, 3), (0.5, 2), (0.5, 3)],  # (share, k)
    "partial_credit": [0.3, 0.4, 0.5, 0.6],
    "red_share": [0.5, 1.0, 1.5],
    "b1": [0.1, 0.15, 0.2, 0.25, 0.3, 0.35],
    "b2": [0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7],
    "b3": [0.7, 0.75, 0.8, 0.85, 0.9, 0.95],
}


@dataclass(frozen=True)
class PhaseCase:
    problem: str
    card: str
    weight: float  # the phase's weight in the overall score
    # (flag weight, verdict before anchoring, reference words, a sentence in the bank's words)
    greens: tuple[tuple[float, str, int, bool], ...]
    reds: tuple[tuple[float, str], ...]
    label: int
    acts: int = 0  # mistakes the problem's bank presses, shown in this phase (grading/pressed.py)


@dataclass(frozen=True)
class CardCase:
    card: str
    level: Level | None  # interviews only: the hire signal is scored
    hire: str | None


# (reference words a partial green needs to be met, bank evidence met, (flaw share, flaw k))
Anchoring = tuple[int | None, bool, tuple[float, int]]
Rule = tuple[Anchoring, float, float, float, float, float]


def score(case: PhaseCase, rule: Rule) -> int:
    """The same arithmetic as scorecard.phase_score, on stored verdicts."""
    return 1 + sum(raw(case, rule) >= b for b in rule[3:])


def _qwk(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Quadratic weighted kappa of each row of `a` (rules x phases, scores 1-4) against `b`."""
    n = b.size
    hist_b = np.bincount(b - 1, minlength=4)
    w = (np.arange(4)[:, None] - np.arange(4)[None, :]) ** 2 / 9.0
    out = np.empty(a.shape[0])
    for r in range(a.shape[0]):
        obs = np.bincount((a[r] - 1) * 4 + (b - 1), minlength=16).reshape(4, 4)
        hist_a = obs.sum(axis=1)
        den = (w * np.outer(hist_a, hist_b) / n).sum()
        out[r] = 0.0 if den == 0 else 1.0 - (w * obs).sum() / den
    return out


class Search:
    """Every rule of the grid scored on a set of phases at once (raw credit once per credit rule)."""

    def __init__(self, phases: list[PhaseCase], cards: dict[str, CardCase]) -> None:
        self.phases, self.cards = phases, cards
        self.credit = [((k, bm, fl), pc, rs) for k in GRID["reference_met"] for bm in GRID["bank_met"]
                       for fl in GRID["flaw"] for pc in GRID["partial_credit"] for rs in GRID["red_share"]]
        self.bins = [(b1, b2, b3) for b1 in GRID["b1"] for b2 in GRID["b2"] for b3 in GRID["b3"] if b1 < b2 < b3]
        self.raw = np.array([[raw(p, (k, pc, rs, 0.0, 0.0, 0.0)) for p in phases] for k, pc, rs in self.credit])
        self.labels = np.array([p.label for p in phases])
        self.writeup = np.array([not cards[p.card].hire for p in phases])  # write-up phases: their own QWK
        ids = sorted({p.card for p in phases})
        self.hired = [c for c in ids if cards[c].hire]  # interview cards: the hire signal is scored
        self.weights = np.zeros((len(self.hired), len(phases)))
        for j, p in enumerate(phases):
            if p.card in self.hired:
                self.weights[self.hired.index(p.card), j] = p.weight
        self.weights /= np.maximum(self.weights.sum(axis=1, keepdims=True), 1e-9)
        self.bar = np.array([LEVEL_BAR[cards[c].level or "senior"] for c in self.hired])
        self.truth = np.array([SIGNALS.index(cards[c].hire or SIGNALS[0]) for c in self.hired])
        self.uppers = np.array([u for u, _ in SIGNAL_STEPS[:-1]])

    def best(self, keep: np.ndarray) -> tuple[Rule, float]:
        """The rule maximising the interviews' phase QWK, the write-ups' phase QWK and the interviews'
        hire signal within one step, each weighed alike, over the phases `keep` selects."""
        best: tuple[float, Rule] = (-np.inf, ((None, False, (0.0, 1)), 0, 0, 0, 0, 0))
        bins = np.array(self.bins)
        for i, (k, pc, rs) in enumerate(self.credit):
            scores = 1 + (self.raw[i][None, keep] >= bins[:, 0:1]).astype(int) \
                + (self.raw[i][None, keep] >= bins[:, 1:2]) + (self.raw[i][None, keep] >= bins[:, 2:3])
            wu = self.writeup[keep]
            total = _qwk(scores[:, ~wu], self.labels[keep][~wu]) + self._hire(scores, keep) + (
                _qwk(scores[:, wu], self.labels[keep][wu]) if wu.any() else 0.0)
            j = int(np.argmax(total))
            if total[j] > best[0]:
                best = (float(total[j]), (k, pc, rs, *self.bins[j]))
        return best[1], best[0]

    def _hire(self, scores: np.ndarray, keep: np.ndarray) -> np.ndarray:
        w = self.weights[:, keep]
        rows = w.sum(axis=1) > 0
        if not rows.any():
            return np.zeros(scores.shape[0])
        overall = np.round(scores @ w[rows].T / w[rows].sum(axis=1), 2)  # rules x cards
        steps = np.searchsorted(self.uppers, overall - self.bar[rows], side="right")
        return (np.abs(steps - self.truth[rows]) <= 1).mean(axis=1)


def raw(case: PhaseCase, rule: Rule) -> float:
    """The scorecard's raw credit, the stored greens anchored by the rule's reference threshold and bank."""
    (need, bank_met, (share, k)), partial, red_share, *_ = rule
    credit = raw_credit([(w, settle(v, n, need, b, bank_met)) for w, v, n, b in case.greens], list(case.reds),
                        partial, red_share)
    return max(0.0, credit - penalty(case.acts, share, k))


def figures(phases: list[PhaseCase], cards: dict[str, CardCase], rule: Rule) -> dict[str, float]:
    """Phase-score QWK on interviews and on write-ups, and the share of interview cards whose hire
    signal is within one step."""
    return scored(phases, cards, [score(p, rule) for p in phases])


def scored(phases: list[PhaseCase], cards: dict[str, CardCase], got: list[int]) -> dict[str, float]:
    per_card: dict[str, list[tuple[float, int]]] = {}
    for p, s in zip(phases, got, strict=True):
        per_card.setdefault(p.card, []).append((p.weight, s))
    hits = []
    for cid, weighed in per_card.items():
        c = cards[cid]
        if c.level and c.hire:
            overall = round(sum(w * s for w, s in weighed) / sum(w for w, _ in weighed), 2)
            signal, _ = hire_signal(overall, c.level)
            hits.append(abs(SIGNALS.index(signal) - SIGNALS.index(c.hire)) <= 1)

    def qwk_of(writeup: bool) -> float:
        pairs = [(g, p.label) for g, p in zip(got, phases, strict=True) if (not cards[p.card].hire) == writeup]
        return round(qwk([g for g, _ in pairs], [t for _, t in pairs]), 3) if pairs else 0.0

    return {"interview_phase_qwk": qwk_of(False), "writeup_phase_qwk": qwk_of(True),
            "hire_within_one": round(sum(hits) / len(hits), 3) if hits else 0.0}


def _phases(card: dict[str, Any], labels: dict[str, int], problem: str, cid: str,
            banked: set[str], acts: dict[str, int]) -> list[PhaseCase]:
    out = []
    for ph in card["phases"]:
        greens = tuple((f["weight"], "partial" if f.get("anchored") else f["verdict"], f.get("reference_words") or 0,
                        f["flag_id"] in banked) for f in ph["flags"] if f["kind"] == "green")
        reds = tuple((f["weight"], f["verdict"]) for f in ph["flags"] if f["kind"] == "red")
        out.append(PhaseCase(problem, cid, ph["weight"], greens, reds, labels[ph["phase_id"]],
                             acts.get(ph["phase_id"], 0)))
    return out


def load(interviews: Path, writeups: Path | None, sets: tuple[str, ...] = ()) -> tuple[list[PhaseCase],
                                                                                   dict[str, CardCase]]:
    """The graded cards of the tuned interviews (and of the held-out `sets` named: a fit on them makes
    their figures in-sample), and of the write-ups."""
    from interviewer.evals.interviews import HELDOUT_SETS, load_interviews
    from interviewer.evals.writeups import EVAL_DIR, load_labels

    phases: list[PhaseCase] = []
    cards: dict[str, CardCase] = {}
    labeled = {"": load_interviews()} | {name: load_interviews(HELDOUT_SETS[name]) for name in sets}
    for row in json.loads(interviews.read_text())["items"]:
        found = labeled.get(row.get("set") or "", {})
        if row["id"] not in found:  # a held-out set not named is never fitted on
            continue
        cid = f"{row.get('set') or 'tuned'}:{row['id']}@{row['framework']}"
        labels = found[row["id"]].labels[row["framework"]]
        segments = answer_segments(found[row["id"]].answers)
        phases += _phases(row["card"], labels.phases, row["problem"], cid,
                          *_read(row["problem"], row["framework"], segments))
        cards[cid] = CardCase(cid, row["level"], labels.hire)
    if writeups:
        wlabels = load_labels()
        for name, card in json.loads(writeups.read_text())["items"].items():
            lab = wlabels.get(name)
            if lab is None or not lab.phase_scores:
                continue
            text = next((p.read_text() for p in (EVAL_DIR / "writeups").glob(f"*/{name}.md")), "")
            sections = split_sections(replace_blocks_with_facts(text))
            phases += _phases(card, lab.phase_scores, lab.problem or name, name,
                              *_read(lab.problem, card.get("framework", "default"),
                                     [Segment(s.where, s.text) for s in sections]))
            cards[name] = CardCase(name, None, None)
    return phases, cards


def _read(problem: str | None, framework: str, segments: list[Segment]) -> tuple[set[str], dict[str, int]]:
    """From the text, with today's bank (so cards graded before the grader recorded them are fitted
    alike): the green flags one stated sentence makes in the problem bank's words (anchor.banked),
    and per phase the mistakes its challenges press (grading/pressed.py)."""
    from interviewer.content.catalog import Catalog

    catalog = Catalog.load()
    bank = catalog.bank(problem) if problem else None
    if bank is None:
        return set(), {}
    rubric, said = catalog.rubric(framework), number(segments)
    greens = [f for ph in rubric.phases for f in ph.green_flags]
    acts = {k: len(v) for k, v in pressed(bank, rubric, catalog.rubric(), segments).items()}
    return {f.id for f in greens if anchor.banked(anchor.bank_cues(bank, f), said)}, acts


def leave_one_problem_out(search: Search) -> dict[str, Any]:
    """Each problem's cards scored by the rule fitted on the others: the figures to trust."""
    problems = np.array([p.problem for p in search.phases])
    got = [0] * len(search.phases)
    rules: dict[str, Rule] = {}
    for problem in sorted(set(problems)):
        rules[problem], _ = search.best(problems != problem)
        for j in np.flatnonzero(problems == problem):
            got[j] = score(search.phases[j], rules[problem])
    return {**scored(search.phases, search.cards, got), "rules": rules}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--interviews", type=Path, required=True)
    ap.add_argument("--writeups", type=Path)
    ap.add_argument("--sets", nargs="*", default=[], help="held-out interview sets to fit on too (their "
                    "figures become in-sample)")
    ap.add_argument("--write", action="store_true", help="store the fit on all problems in scoring.yaml")
    args = ap.parse_args(argv)
    phases, cards = load(args.interviews, args.writeups, tuple(args.sets))
    search = Search(phases, cards)
    rule, _ = search.best(np.ones(len(phases), dtype=bool))
    folds = leave_one_problem_out(search)
    same = sum(r == rule for r in folds["rules"].values())
    print(json.dumps({"fit": list(rule), "in_sample": figures(phases, cards, rule),
                      "held_out_folds": {k: v for k, v in folds.items() if k != "rules"},
                      "folds_choosing_the_fit": f"{same} of {len(folds['rules'])}"}, indent=1))
    if args.write:
        path = Path(str(BUNDLED / "rubrics" / "calibration" / "scoring.yaml"))
        head = "".join(line for line in path.read_text().splitlines(keepends=True) if line.startswith("#"))
        body = {"method": "grid search (reference words, partial credit, red share, bins), "
                "leave-one-problem-out (python -m interviewer.evals.scoring_fit)",
                "partial_credit": rule[1], "red_share": rule[2], "bins": list(rule[3:]),
                "reference_met": rule[0][0], "bank_met": rule[0][1],
                "flaw_share": rule[0][2][0], "flaw_k": rule[0][2][1]}
        path.write_text(head + yaml.safe_dump(body, sort_keys=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
