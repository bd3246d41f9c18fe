"""Load YAML data files into pydantic models with errors that name the file and the field.

`BUNDLED` is the package's own content: `rubrics/`, `problems/` and `prompts/`. In a checkout
they are the top-level folders (linked from `interviewer/content/`); in a wheel they are package
data. Both are read through `importlib.resources`, so one code path serves both.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TypeVar, overload

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

BUNDLED: Traversable = files("interviewer.content")


class DataFileError(ValueError):
    """A data file (rubric, problem, eval) that cannot be used, with the file and field named."""


def _field_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<root>"


def load_model(path: Path | Traversable, model: type[M]) -> M:
    """Parse one YAML file into `model`; every failure becomes a DataFileError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise DataFileError(f"{path}: invalid YAML{where}: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(raw, dict):
        raise DataFileError(f"{path}: expected a mapping at the top level, got {type(raw).__name__}")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"field '{_field_path(err['loc'])}': {err['msg']}" for err in exc.errors()
        )
        raise DataFileError(f"{path}: {problems}") from exc


@overload
def yaml_files(directory: Path) -> list[Path]: ...


@overload
def yaml_files(directory: Traversable) -> list[Traversable]: ...


def yaml_files(directory: Path | Traversable) -> list[Path] | list[Traversable]:
    """The folder's YAML files by name; a missing folder is an error that names it."""
    if not directory.is_dir():
        raise DataFileError(f"{directory}: not a directory")
    found = [p for p in directory.iterdir() if p.name.endswith((".yaml", ".yml"))]
    return sorted(found, key=lambda p: p.name)  # type: ignore[return-value]
