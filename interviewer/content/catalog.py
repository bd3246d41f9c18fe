"""The one catalog of content: the bundled rubrics and problems plus the user's own folders.

CLI, app, UI pickers, graph and evals all read rubrics and problems from a `Catalog`, so a
`--rubrics-dir` given once reaches every one of them. Loading is cached per pair of folders.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from interviewer.content.files import BUNDLED, DataFileError, load_model, yaml_files
from interviewer.content.private import private_overlap
from interviewer.content.probes import Guide, ProbeBank
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
    banks: dict[str, ProbeBank] = field(default_factory=dict)  # problem id -> its question bank
    guide: Guide | None = None  # the interviewer's content for every problem (narrowing, fact topics)

    @staticmethod
    def load(rubrics_dir: Path | None = None, problems_dir: Path | None = None) -> Catalog:
        """The bundled content plus the given folders; a later file may not reuse an id."""
        return _load(Path(rubrics_dir) if rubrics_dir else None, Path(problems_dir) if problems_dir else None)

    @property
    def fact_topics(self) -> dict[str, list[str]]:
        """How candidates ask for each kind of fact (the guide's), for the fact matcher."""
        return self.guide.fact_topics if self.guide else {}

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

    def bank(self, problem_id: str) -> ProbeBank | None:
        """The problem's authored questions (None: the rubric's generic ones serve)."""
        return self.banks.get(problem_id)

    def reference(self, problem_id: str, framework: str, flag_id: str) -> list[str]:
        """The problem's reference point(s) for one green flag of a framework, shown after an attempt.

        A default-framework green flag maps to its own point; another framework's green flag to the points
        of the default green flags in its `reference_from` (or to its own id's point when it names none and
        shares an id with a default green flag). Empty when the problem has no reference or the flag is red.
        """
        if problem_id not in self.problems:
            raise KeyError(f"unknown problem '{problem_id}'; choose one of: {', '.join(sorted(self.problems))}")
        _, kind, flag = self.rubric(framework).flag(flag_id)
        return self.problems[problem_id].reference_for(flag) if kind == "green" else []


def default_green_ids(rubric: Rubric) -> list[str]:
    """The green flag ids of the default framework, in rubric order: the keys of a problem's `reference`."""
    return [f.id for phase in rubric.phases for f in phase.green_flags]


def _check_reference_from(rubrics: dict[str, Rubric], where: dict[str, str]) -> list[str]:
    """Every `reference_from` id names a default green flag; the default framework's greens name none."""
    if DEFAULT_RUBRIC not in rubrics:
        return []
    greens = default_green_ids(rubrics[DEFAULT_RUBRIC])
    for rubric_id, rubric in rubrics.items():
        for p, phase in enumerate(rubric.phases):
            for g, flag in enumerate(phase.green_flags):
                field = f"phases[{p}].green_flags[{g}].reference_from"
                if rubric_id == DEFAULT_RUBRIC and flag.reference_from:
                    raise DataFileError(f"{where[rubric_id]}: field '{field}': green flag '{flag.id}' of the "
                                        "default framework maps to itself; leave reference_from empty")
                for ident in flag.reference_from:
                    if ident not in greens:
                        raise DataFileError(f"{where[rubric_id]}: field '{field}': green flag '{flag.id}' names "
                                            f"'{ident}', not a green flag of the default framework")
    return greens


def _collect(folders: list[Any], model: type[M], kind: str,
             where: dict[str, str] | None = None) -> dict[str, M]:
    """Load every YAML file of the folders; `where`, if given, receives each id's file for later checks."""
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
            if where is not None:
                where[ident] = str(path)
    return found


@cache
def _load(rubrics_dir: Path | None, problems_dir: Path | None) -> Catalog:
    rubric_files: dict[str, str] = {}
    problem_files: dict[str, str] = {}
    rubrics = _collect([BUNDLED / "rubrics", *([rubrics_dir] if rubrics_dir else [])], Rubric, "rubric",
                       rubric_files)
    greens = _check_reference_from(rubrics, rubric_files)
    problems = _collect([BUNDLED / "problems", *([problems_dir] if problems_dir else [])], Problem, "problem",
                        problem_files)
    for problem_id, problem in problems.items():
        problem.check_reference(problem_files[problem_id], greens)
    guide_path = BUNDLED / "problems" / "guide" / "guide.yaml"
    guide = load_model(guide_path, Guide)
    if guide.traps and DEFAULT_RUBRIC in rubrics:
        guide.traps.check(str(guide_path), rubrics[DEFAULT_RUBRIC], field="challenges")
    return Catalog(rubrics, problems, rubrics_dir, problems_dir, _banks(problems_dir, problems, rubrics), guide)


def _banks(problems_dir: Path | None, problems: dict[str, Problem], rubrics: dict[str, Rubric]) -> dict[str, ProbeBank]:
    """Question banks from `probes/` beside the problems (bundled, then the user's): each names a known
    problem, the default framework's phases and flags, and echoes none of the problem's private notes."""
    found: dict[str, ProbeBank] = {}
    folders = [BUNDLED / "problems" / "probes", *([problems_dir / "probes"] if problems_dir else [])]
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in yaml_files(folder):
            bank = load_model(path, ProbeBank)
            if bank.problem not in problems:
                raise DataFileError(f"{path}: field 'problem': unknown problem '{bank.problem}'")
            if DEFAULT_RUBRIC in rubrics:
                bank.check(str(path), rubrics[DEFAULT_RUBRIC])
            for i, item in enumerate(bank.probes):
                echoed = private_overlap(item.ask, problems[bank.problem], rubrics.get(DEFAULT_RUBRIC))
                if echoed:
                    raise DataFileError(f"{path}: field 'probes[{i}].ask': repeats the private notes ('{echoed}')")
            found[bank.problem] = bank
    return found


def get_rubric(rubric_id: str = DEFAULT_RUBRIC) -> Rubric:
    """A bundled rubric by id (tests and scripts; the app passes its catalog around)."""
    return Catalog.load().rubric(rubric_id)


def get_problem(problem_id: str | None = None) -> Problem:
    """A bundled problem by id, or a random one."""
    return Catalog.load().problem(problem_id)
