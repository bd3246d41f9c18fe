"""`interviewer calibrate`: fit a calibration on a writeups eval's scorecards and save it."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from interviewer.evals.fitting import fit
from interviewer.evals.writeups import calibration_items, load_labels, summarize_writeups
from interviewer.grading.calibration import Calibration
from interviewer.grading.scorecard import Scorecard


def fit_suite(suite_file: Path, family: str) -> Calibration:
    """Fit on every labeled write-up of a writeups eval; record the held-out figures beside."""
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
