"""The problem bank: the opening statement, facts revealed only when asked, what to look for."""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated

from pydantic import Field

from interviewer.content.files import DataFileError
from interviewer.content.rubric import SLUG, Flag, LevelExpectations, Strict


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
    reference: dict[str, Annotated[str, Field(min_length=20)]] = Field(default_factory=dict, description=(
        "Reference points shown after an attempt: for every green flag id of the default framework, one to "
        "three sentences on what a strong senior answer covers for that flag on this problem. Optional, but "
        "when given it must cover exactly the default framework's green flags."))

    @property
    def terms(self) -> set[str]:
        """Words a candidate asking about this problem would use: they count as on topic."""
        return {k.lower() for f in self.hidden_facts for k in f.keywords}

    def check(self, where: str) -> None:
        """Rules a field validator cannot see on its own; `where` names the file."""
        ids = [f.id for f in self.hidden_facts]
        if len(ids) != len(set(ids)):
            raise DataFileError(f"{where}: field 'hidden_facts': duplicate fact id")

    def check_reference(self, where: str, green_ids: Collection[str]) -> None:
        """A non-empty `reference` names exactly the default framework's green flags (`green_ids`)."""
        if not self.reference:
            return
        for flag_id in self.reference:
            if flag_id not in green_ids:
                raise DataFileError(
                    f"{where}: field 'reference.{flag_id}': not a green flag of the default framework")
        for flag_id in green_ids:
            if flag_id not in self.reference:
                raise DataFileError(
                    f"{where}: field 'reference.{flag_id}': missing; a reference covers every green flag "
                    "of the default framework")

    def reference_for(self, flag: Flag) -> list[str]:
        """The reference point(s) for one green flag: its own id's point (default framework), or
        those of the default green flags its `reference_from` names (another framework)."""
        return [self.reference[i] for i in (flag.reference_from or [flag.id]) if i in self.reference]

    def fact(self, fact_id: str) -> HiddenFact:
        for fact in self.hidden_facts:
            if fact.id == fact_id:
                return fact
        raise KeyError(f"problem '{self.id}' has no hidden fact '{fact_id}'")
