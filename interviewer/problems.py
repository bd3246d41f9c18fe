"""The problem bank: the opening statement, facts revealed only when asked, what to look for."""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path

from pydantic import Field

from .datafiles import REPO_ROOT, DataFileError, load_model, yaml_files
from .rubric import SLUG, LevelExpectations, Strict


class HiddenFact(Strict):
    id: str = Field(pattern=SLUG)
    topic: str = Field(description="What a candidate would ask about, e.g. 'scale', 'labels'.")
    keywords: list[str] = Field(min_length=1, description="Words in a question that call for it.")
    fact: str = Field(min_length=10)


class Problem(Strict):
    id: str = Field(pattern=SLUG)
    title: str
    domain: str
    statement: str = Field(min_length=20, description="Short and ambiguous, as the opener.")
    hidden_facts: list[HiddenFact] = Field(min_length=5)
    core_challenge: str = Field(min_length=20)
    deep_dives: list[str] = Field(min_length=2)
    levels: LevelExpectations

    @property
    def terms(self) -> set[str]:
        """Words a candidate asking about this problem would use: they count as on topic."""
        return {k.lower() for f in self.hidden_facts for k in f.keywords}

    def fact(self, fact_id: str) -> HiddenFact:
        for fact in self.hidden_facts:
            if fact.id == fact_id:
                return fact
        raise KeyError(f"problem '{self.id}' has no hidden fact '{fact_id}'")


PROBLEM_DIR = REPO_ROOT / "problems"


@cache
def load_problems(extra_dir: Path | None = None) -> dict[str, Problem]:
    found: dict[str, Problem] = {}
    for directory in [PROBLEM_DIR] + ([extra_dir] if extra_dir else []):
        for path in yaml_files(directory):
            problem = load_model(path, Problem)
            if problem.id in found:
                raise DataFileError(f"{path}: field 'id': duplicate problem id '{problem.id}'")
            ids = [f.id for f in problem.hidden_facts]
            if len(ids) != len(set(ids)):
                raise DataFileError(f"{path}: field 'hidden_facts': duplicate fact id")
            found[problem.id] = problem
    return found


def get_problem(problem_id: str | None = None, extra_dir: Path | None = None) -> Problem:
    """A problem by id, or a random one when no id is given."""
    problems = load_problems(extra_dir)
    if problem_id in (None, "", "random"):
        return problems[random.choice(sorted(problems))]
    assert problem_id is not None
    if problem_id not in problems:
        raise KeyError(f"unknown problem '{problem_id}'; choose one of: {', '.join(sorted(problems))}")
    return problems[problem_id]
