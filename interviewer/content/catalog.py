"""The one catalog of content: the bundled rubrics and problems plus the user's own folders.

CLI, app, UI pickers, graph and evals all read rubrics and problems from a `Catalog`, so a
`--rubrics-dir` given once reaches every one of them. Loading is cached per pair of folders.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from interviewer.content.files import BUNDLED, DataFileError, load_model, yaml_files
from interviewer.content.problems import Problem
from interviewer.content.rubric import Rubric

DEFAULT_RUBRIC = "default"
M = TypeVar("M", Rubric, Problem)


@dataclass(frozen=True)
class Catalog:
    rubrics: dict[str, Rubric]
    problems: dict[str, Problem]
    rubrics_dir: Path | None = None
    problems_dir: Path | None = None

    @staticmethod
    def load(rubrics_dir: Path | None = None, problems_dir: Path | None = None) -> Catalog:
        """The bundled content plus the given folders; a later file may not reuse an id."""
        return _load(Path(rubrics_dir) if rubrics_dir else None, Path(problems_dir) if problems_dir else None)

    def rubric(self, rubric_id: str = DEFAULT_RUBRIC) -> Rubric:
        if rubric_id not in self.rubrics:
            raise KeyError(f"unknown framework '{rubric_id}'; choose one of: {', '.join(sorted(self.rubrics))}")
        return self.rubrics[rubric_id]

    def problem(self, problem_id: str | None = None) -> Problem:
        """A problem by id, or a random one when no id is given."""
        if problem_id in (None, "", "random"):
            return self.problems[random.choice(sorted(self.problems))]
        assert problem_id is not None
        if problem_id not in self.problems:
            raise KeyError(f"unknown problem '{problem_id}'; choose one of: {', '.join(sorted(self.problems))}")
        return self.problems[problem_id]


def _collect(folders: list[Any], model: type[M], kind: str) -> dict[str, M]:
    found: dict[str, M] = {}
    for folder in folders:
        for path in yaml_files(folder):
            item = load_model(path, model)
            ident = item.id  # type: ignore[attr-defined]
            if ident in found:
                raise DataFileError(f"{path}: field 'id': duplicate {kind} id '{ident}'")
            if isinstance(item, Problem):
                item.check(str(path))
            found[ident] = item
    return found


@cache
def _load(rubrics_dir: Path | None, problems_dir: Path | None) -> Catalog:
    rubrics = _collect([BUNDLED / "rubrics", *([rubrics_dir] if rubrics_dir else [])], Rubric, "rubric")
    problems = _collect([BUNDLED / "problems", *([problems_dir] if problems_dir else [])], Problem, "problem")
    return Catalog(rubrics, problems, rubrics_dir, problems_dir)


def get_rubric(rubric_id: str = DEFAULT_RUBRIC) -> Rubric:
    """A bundled rubric by id (tests and scripts; the app passes its catalog around)."""
    return Catalog.load().rubric(rubric_id)


def get_problem(problem_id: str | None = None) -> Problem:
    """A bundled problem by id, or a random one."""
    return Catalog.load().problem(problem_id)
