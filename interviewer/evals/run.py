"""Running eval suites: each writes `<out>/<suite>.json` with its settings, metrics, usage and items.

A report (report.py) is built from whatever suite files a directory holds, so suites can be run
at different times into one directory, and each file says exactly how it was made.
"""

from __future__ import annotations

import json
import platform
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from interviewer.content.catalog import get_problem, get_rubric
from interviewer.evals.variants import flip_rate, load_variants, rerun_record, run_variants
from interviewer.evals.writeups import EVAL_DIR, WriteupLabels, load_labels, summarize_writeups
from interviewer.grading.grader import Grader, ProbeMemo
from interviewer.grading.scorecard import Scorecard
from interviewer.grading.writeup import writeup_card
from interviewer.llm.client import LLM
from interviewer.llm.settings import GraderStrategy

SUITES = ("writeups", "variants", "transcripts", "personas", "interviews", "replies", "facts")


@dataclass
class EvalOptions:
    strategy: GraderStrategy = "auto"
    level: str = "senior"
    runs: int = 1
    concurrency: int = 1
    only: list[str] | None = None
    focused: bool = False
    command: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    memo: ProbeMemo | None = None  # --memo: P(yes) answers kept between runs (grading suites)


def percentiles(xs: list[float]) -> dict[str, float | int | None]:
    xs = sorted(xs)
    if not xs:
        return {"n": 0, "p50": None, "p95": None}
    p95 = xs[min(len(xs) - 1, int(0.95 * len(xs)))]
    return {"n": len(xs), "p50": round(statistics.median(xs), 2), "p95": round(p95, 2)}


class Progress:
    """A one-line progress bar on stderr: `[#####.....] 5/10 name: message`."""

    def __init__(self, total: int, say: Callable[[str], None]) -> None:
        self.total, self.done, self.say = max(total, 1), 0, say

    def step(self, msg: str) -> None:
        self.done += 1
        filled = round(20 * self.done / self.total)
        self.say(f"[{'#' * filled}{'.' * (20 - filled)}] {self.done}/{self.total} {msg}")


def _grader(llm: LLM, framework: str, problem_id: str | None, opts: EvalOptions) -> Grader:
    problem = get_problem(problem_id) if problem_id else None
    return Grader(llm, get_rubric(framework), problem, strategy=opts.strategy, memo=opts.memo)


def run_writeups_suite(llm: LLM, opts: EvalOptions, say: Callable[[str], None]) -> dict[str, Any]:
    labels = {k: v for k, v in load_labels().items() if not opts.only or k in opts.only}
    bar = Progress(len(labels) * opts.runs, say)
    cards: dict[str, Scorecard] = {}
    reruns: list[dict[str, Any]] = []

    def grade(name: str, lab: WriteupLabels) -> Scorecard:
        text = (EVAL_DIR / "writeups" / lab.writeup).read_text(encoding="utf-8")
        grader = _grader(llm, lab.framework, lab.problem, opts)
        card = writeup_card(text, grader.rubric, grader.problem, opts.level, lambda: grader)  # type: ignore[arg-type]
        bar.step(f"{name}: graded in {card.latency_s:.0f}s")
        return card

    for name, lab in labels.items():
        cards[name] = grade(name, lab)
        reruns += [rerun_record(name, cards[name], grade(name, lab)) for _ in range(opts.runs - 1)]
    summary = summarize_writeups(cards, labels)
    summary["rerun_flip_rate"] = flip_rate(reruns)
    return {"summary": summary, "latency": percentiles([c.latency_s for c in cards.values()]),
            "latency_unit": "document", "items": {n: c.model_dump(mode="json") for n, c in cards.items()},
            "reruns": reruns}


def run_variants_suite(llm: LLM, opts: EvalOptions, say: Callable[[str], None]) -> dict[str, Any]:
    chosen = [v for k, v in load_variants().items() if not opts.only or k in opts.only or v.base in opts.only]
    bases = {v.base for v in chosen if v.base}
    bar = Progress(len(chosen) + len(bases), say)

    def grade(text: str, problem_id: str | None, phases: list[str] | None) -> Scorecard:
        grader = _grader(llm, "default", problem_id, opts)
        return writeup_card(text, grader.rubric, grader.problem, opts.level, lambda: grader,  # type: ignore[arg-type]
                            phases)

    result = run_variants(grade, opts.only, progress=bar.step, focused=opts.focused, runs=opts.runs)
    items = result.pop("results")
    return {"summary": {k: v for k, v in result.items() if k not in ("reruns", "bases")},
            "latency": percentiles([r["latency_s"] for r in items if r["kind"] != "minimum"]),
            "latency_unit": "document", "items": items, "reruns": result["reruns"], "bases": result["bases"]}


def run_transcripts_suite(llm: LLM, opts: EvalOptions, say: Callable[[str], None]) -> dict[str, Any]:
    from interviewer.evals.transcripts import load_transcripts, run_transcript, summarize

    chosen = [t for n, t in sorted(load_transcripts().items()) if not opts.only or n in opts.only]
    jobs = [t for t in chosen for _ in range(opts.runs)]
    bar = Progress(len(jobs), say)
    done: list[dict[str, Any]] = []
    with ThreadPoolExecutor(max_workers=opts.concurrency) as pool:
        for run in pool.map(lambda t: run_transcript(llm, t, opts.strategy), jobs):
            done.append(run)
            bar.step(f"{run['id']}: {sum(c['ok'] for c in run['checks'])}/{len(run['checks'])} checks passed")
    summary = summarize(done)
    summary["rerun_flip_rate"] = _check_flips(done) if opts.runs > 1 else None
    return {"summary": summary, "latency": percentiles([x for r in done for x in r["latencies"]]),
            "latency_unit": "turn", "items": done}


def _check_flips(runs: list[dict[str, Any]]) -> float | None:
    """Share of checks whose outcome differs between runs of the same transcript."""
    by: dict[str, list[list[bool]]] = {}
    for r in runs:
        by.setdefault(r["id"], []).append([c["ok"] for c in r["checks"]])
    pairs = [(a, b) for outs in by.values() for a, b in zip(outs, outs[1:], strict=False)]
    total = sum(min(len(a), len(b)) for a, b in pairs)
    return round(sum(x != y for a, b in pairs for x, y in zip(a, b, strict=False)) / total, 3) if total else None


def run_personas_suite(llm: LLM, opts: EvalOptions, say: Callable[[str], None]) -> dict[str, Any]:
    from interviewer.evals.personas import load_personas, run_persona, summarize_personas

    chosen = [p for n, p in sorted(load_personas().items()) if not opts.only or n in opts.only]
    bar = Progress(len(chosen) * opts.runs, say)
    done: list[dict[str, Any]] = []
    with ThreadPoolExecutor(max_workers=opts.concurrency) as pool:
        jobs = [p for p in chosen for _ in range(opts.runs)]
        for run in pool.map(lambda p: run_persona(llm, p, opts.strategy), jobs):
            done.append(run)
            bar.step(f"{run['id']}: {sum(c['ok'] for c in run['checks'])}/{len(run['checks'])} conduct checks passed")
    summary = summarize_personas(done)
    lat = summary.pop("latencies")
    return {"summary": summary, "latency": percentiles(lat), "latency_unit": "turn", "items": done}


def run_interviews_suite(llm: LLM, opts: EvalOptions, say: Callable[[str], None]) -> dict[str, Any]:
    from interviewer.evals.interviews import HELDOUT_SETS, inter_rater, load_interviews, run_interviews
    from interviewer.grading.document import grade_answers

    sets = {"tuned": load_interviews()} | {
        name: load_interviews(path) if path.is_dir() else {} for name, path in HELDOUT_SETS.items()}
    wanted = opts.extra.get("sets") or list(sets)  # --sets heldout3: one set (ids repeat across sets)
    chosen = {name: {k: v for k, v in sorted(found.items()) if (not opts.only or k in opts.only) and name in wanted}
              for name, found in sets.items()}
    frameworks = opts.extra.get("frameworks")
    bar = Progress(sum(len([f for f in v.labels if not frameworks or f in frameworks])
                       for found in chosen.values() for v in found.values()), say)

    def grade(item: Any, framework: str) -> Scorecard:
        grader = Grader(llm, get_rubric(framework), get_problem(item.problem), strategy=opts.strategy,
                        memo=opts.memo)
        return grade_answers(grader, item.answers, item.level, total_minutes=grader.rubric.total_minutes,
                             elapsed=len(item.answers) * item.minutes_per_turn, mode="eval")

    body = run_interviews(grade, chosen["tuned"], frameworks, bar.step) if chosen["tuned"] else \
        {"summary": {}, "items": []}
    for name in HELDOUT_SETS:  # written and labeled blind, never read while changing the grader
        if chosen[name]:
            held = run_interviews(grade, chosen[name], frameworks, bar.step)
            body["summary"][name] = held["summary"]
            body["items"] += [{**r, "set": name} for r in held["items"]]
            if (HELDOUT_SETS[name] / "second").is_dir():  # an independent second labeling: the ceiling
                body["summary"][name]["inter_rater"] = inter_rater(
                    sets[name], load_interviews(HELDOUT_SETS[name] / "second"))
    return {**body, "latency": percentiles([r["latency_s"] for r in body["items"]]), "latency_unit": "interview"}


def run_replies_suite(llm: LLM, opts: EvalOptions, say: Callable[[str], None]) -> dict[str, Any]:
    """Labeled interviewer replies per version: acceptable share and the automated checks' agreement."""
    from interviewer.evals.replies import latest, run_versions

    versions = run_versions()
    scripted = latest(versions, "v")
    shares = ", ".join(f"{v}: {s.get('acceptable')}" for v, s in versions.items())
    say(f"replies: {shares}")
    summary = {**(versions[scripted] if scripted else {}), "versions": versions}
    # h: the labeled interviews (not read while tuning at first); hp: the same as a piped `interviewer chat`
    # sees them; u, w, x, y: interviews written blind, each set played once at a later code
    for letter, name in (("h", "held_out"), ("hp", "piped"), ("u", "unseen"), ("w", "unseen2"), ("x", "unseen3"),
                         ("y", "unseen4"), ("z", "unseen5"), ("q", "unseen6"),
                         ("r", "unseen7"), ("s", "unseen8"), ("t", "unseen9"), ("k", "unseen10"),
                         ("n", "unseen11"), ("j", "unseen12")):
        if version := latest(versions, letter):
            summary[f"{name}_version"], summary[f"{name}_acceptable"] = version, versions[version].get("acceptable")
    return {"summary": summary, "latency": percentiles([]), "latency_unit": "reply", "items": []}


def run_facts_suite(llm: LLM, opts: EvalOptions, say: Callable[[str], None]) -> dict[str, Any]:
    """Clarifying questions against labeled facts: which facts each message gets (no model call)."""
    from interviewer.evals.facts import run_facts

    body = run_facts()
    say("facts: " + ", ".join(f"{n}: {s['exact']}" for n, s in body["summary"].items() if isinstance(s, dict)))
    return {**body, "latency": percentiles([]), "latency_unit": "message"}


RUNNERS: dict[str, Callable[[LLM, EvalOptions, Callable[[str], None]], dict[str, Any]]] = {
    "writeups": run_writeups_suite, "variants": run_variants_suite,
    "transcripts": run_transcripts_suite, "personas": run_personas_suite, "interviews": run_interviews_suite,
    "replies": run_replies_suite, "facts": run_facts_suite,
}


def run_suite(name: str, llm: LLM, opts: EvalOptions, out_dir: Path, say: Callable[[str], None]) -> dict[str, Any]:
    """Run one suite and write `<out_dir>/<name>.json` (usage counted for this suite only)."""
    before = llm.usage.totals()
    started = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    body = RUNNERS[name](llm, opts, say)
    after = llm.usage.totals()
    doc = {
        "suite": name, "model": llm.model, "base_url": llm.base_url, "started": started,
        "wall_s": round(time.perf_counter() - t0, 1), "command": opts.command, "commit": _commit(),
        "settings": {"strategy": opts.strategy, "level": opts.level, "runs": opts.runs,
                     "concurrency": opts.concurrency, "only": opts.only, "focused": opts.focused, **opts.extra},
        "machine": {"python": platform.python_version(), "cpus": _cpus(), "platform": platform.platform()},
        "usage": {k: round(after[k] - before[k], 6) for k in after}, **body,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{name}.json").write_text(json.dumps(doc, indent=2, default=str), encoding="utf-8")
    return doc


def _commit() -> str | None:
    """The code's git commit, so a report says which grader and prompts produced it."""
    import subprocess

    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=Path(__file__).parent, capture_output=True,
                             text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
