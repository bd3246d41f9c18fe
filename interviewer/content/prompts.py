"""Prompt templates live in prompts/ as files; this loads and fills them."""

from __future__ import annotations

from functools import cache
from string import Template

from interviewer.content.files import BUNDLED


@cache
def template(name: str) -> Template:
    return Template((BUNDLED / "prompts" / f"{name}.md").read_text(encoding="utf-8"))


def render(name: str, **values: object) -> str:
    """Fill a template; a missing value is a bug in our code, so it raises."""
    return template(name).substitute({k: str(v) for k, v in values.items()}).strip()
