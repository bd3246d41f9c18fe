"""The problem bank: the opening statement, facts revealed only when asked, what to look for."""

from __future__ import annotations

from pydantic import Field

from interviewer.content.files import DataFileError
from interviewer.content.rubric import SLUG, LevelExpectations, Strict


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

    def check(self, where: str) -> None:
        """Rules a field validator cannot see on its own; `where` names the file."""
        ids = [f.id for f in self.hidden_facts]
        if len(ids) != len(set(ids)):
            raise DataFileError(f"{where}: field 'hidden_facts': duplicate fact id")

    def fact(self, fact_id: str) -> HiddenFact:
        for fact in self.hidden_facts:
            if fact.id == fact_id:
                return fact
        raise KeyError(f"problem '{self.id}' has no hidden fact '{fact_id}'")
