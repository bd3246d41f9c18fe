"""Clarifying questions answered from the problem's facts, against labels (no model needed).

Each set in evals/facts/*.yaml is a list of candidate messages with the problem's fact ids a strong
interviewer would give in answer, labeled blind (the labelers saw only the problem's facts and the
message). A fact given that was not asked is a giveaway; one asked and not given ignores the
candidate. The matcher is interview/facts.py, the same one every interview path uses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from interviewer.content.catalog import Catalog
from interviewer.content.files import load_model, yaml_files
from interviewer.evals.writeups import EVAL_DIR
from interviewer.interview.facts import answer_to

FACTS_DIR = EVAL_DIR / "facts"


class Asked(BaseModel):
    model_config = ConfigDict(extra="forbid")
    problem: str
    message: str = Field(min_length=1)
    facts: list[str]  # the fact ids a strong interviewer would give; [] for none


class AskSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    about: str
    labeler: str
    messages: list[Asked] = Field(min_length=1)


def load_sets(directory: Path | None = None) -> dict[str, AskSet]:
    return {p.stem: load_model(p, AskSet) for p in yaml_files(directory or FACTS_DIR)}


def score_set(asks: AskSet, catalog: Catalog) -> dict[str, Any]:
    """Share of messages answered with exactly the asked facts; fact-level precision and recall."""
    tp = fp = fn = exact = 0
    misses: list[dict[str, Any]] = []
    for it in asks.messages:
        problem = catalog.problem(it.problem)
        unknown = set(it.facts) - {f.id for f in problem.hidden_facts}
        if unknown:
            raise ValueError(f"{it.problem} has no fact {sorted(unknown)[0]!r} (message: {it.message[:60]!r})")
        got = [f.id for f in answer_to(it.message, problem, catalog.fact_topics)[0]]
        want = set(it.facts)
        tp, fp, fn = tp + len(want & set(got)), fp + len(set(got) - want), fn + len(want - set(got))
        exact += set(got) == want
        if set(got) != want:
            misses.append({"problem": it.problem, "message": it.message, "given": got, "asked": sorted(want)})
    return {"messages": len(asks.messages), "exact": round(exact / len(asks.messages), 3),
            "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
            "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
            "volunteered": fp, "withheld": fn, "misses": misses}


def run_facts(directory: Path | None = None) -> dict[str, Any]:
    catalog = Catalog.load()
    sets = {name: score_set(s, catalog) for name, s in load_sets(directory).items()}
    summary: dict[str, Any] = {name: {k: v for k, v in s.items() if k != "misses"} for name, s in sets.items()}
    if "heldout" in sets:  # the set scored once, after the matcher's last change: the figure to trust
        summary.update({f"heldout_{k}": sets["heldout"][k] for k in ("exact", "precision", "recall")})
    return {"summary": summary, "items": {name: s["misses"] for name, s in sets.items()}}
