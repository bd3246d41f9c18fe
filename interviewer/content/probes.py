"""The interviewer's question banks: per problem and phase, authored probes, challenges and
deeper questions (problems/probes/<problem>.yaml, our own words).

The planner (interview/policy.py) picks the move in code; the question comes from here, so a
probe costs no LLM call and cannot hand over an answer or recite a private note. Banks are keyed
by the default framework's phases and flags; another framework finds an item through its flags
(a flag of its own, or one whose `reference_from` names the item's flag). A problem without a bank
runs on the rubric's own openers, hints and challenges, and `fallback_phases` says where.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from interviewer.content.files import DataFileError
from interviewer.content.rubric import SLUG, Phase, Rubric, Strict, negated

Move = Literal["probe", "challenge", "deeper"]
_REJECTS = re.compile(r"\b(?:not|rather than|instead of|never|without)\b")  # inside the match itself
# earlier in the match's own sentence: "I don't really know the pairwise losses", "skip the ensemble"
_SET_ASIDE = re.compile(r"n't\b|\b(?:not|never|instead of|rather than|no need|without|avoid\w*|skip\w*)\b")
# later in the match's own clause: "logistic regression is a bit old-school", "an ensemble would be overkill"
_DISMISSED = re.compile(r"\b(?:old-?school|outdated|overkill|too (?:simple|slow|expensive|complex|heavy)|"
                        r"not (?:needed|necessary|worth)|won't|wouldn't|isn't|doesn't|don't)\b")
Stage = Literal["framing", "design", "data", "modeling", "serving", "deep"]  # conduct.stage of a phase
Ask = Annotated[str, StringConstraints(min_length=20, max_length=240, pattern=r"^[^?]+\?$")]


def _compiles(cue: str) -> str:
    try:
        re.compile(cue)
    except re.error as exc:
        raise ValueError(f"not a regular expression: {exc}") from exc
    return cue


Cue = Annotated[str, AfterValidator(_compiles)]  # a regular expression, checked when the file loads


def owned(pattern: re.Pattern[str], low: str) -> Iterator[re.Match[str]]:
    """The pattern's matches in the lower-cased answer that the candidate does not reject in the
    same breath ("no distillation is needed", "rather than an open classifier")."""
    return (m for m in pattern.finditer(low) if not negated(low, m) and not _REJECTS.search(m.group()))


class BankItem(Strict):
    phase: str = Field(pattern=SLUG, description="A phase id of the default framework.")
    move: Move
    flags: list[Annotated[str, StringConstraints(pattern=SLUG)]] = Field(min_length=1, max_length=3)
    cue: Cue | None = Field(None, description="Challenges: a regular expression over the lower-cased answer.")
    ask: Ask = Field(description="One question ending in '?', spoken to the candidate.")
    unless: Cue | None = Field(None, description="A regular expression over the lower-cased answers so far: "
                               "they already say what the item asks (or, for a challenge, already meet it).")

    @model_validator(mode="after")
    def _challenge_has_cue(self) -> BankItem:
        if self.move == "challenge" and not self.cue:
            raise ValueError("a challenge needs a cue (what in the answer shows the mistake)")
        return self

    @cached_property
    def pattern(self) -> re.Pattern[str] | None:
        return re.compile(self.cue) if self.cue else None

    def answered(self, said: str) -> bool:
        """The candidate's answers so far (`said`, lower-cased) already say what this item asks:
        asking it would read as not listening (the commonest fault strong candidates saw)."""
        return bool(self.unless and re.search(self.unless, said))

    def shown_in(self, answer: str) -> re.Match[str] | None:
        """The span of the answer that shows the mistake this challenge is about; not one the
        candidate rejects in the same breath ("rather than an open classifier")."""
        return next(owned(self.pattern, answer.lower()), None) if self.pattern else None


class ProbeBank(Strict):
    problem: str = Field(pattern=SLUG)
    probes: list[BankItem] = Field(min_length=1)

    def check(self, where: str, default: Rubric, field: str = "probes") -> None:
        """Every item names a phase of the default framework and flags of that phase (`field`: what
        the file calls the items, for the error)."""
        phases = {p.id: {f.id for _, f in p.flags} for p in default.phases}
        for i, item in enumerate(self.probes):
            if item.phase not in phases:
                raise DataFileError(f"{where}: field '{field}[{i}].phase': '{item.phase}' is not a phase of the "
                                    "default framework")
            for flag in item.flags:
                if flag not in phases[item.phase]:
                    raise DataFileError(f"{where}: field '{field}[{i}].flags': '{flag}' is not a flag of "
                                        f"phase '{item.phase}'")

    def for_phase(self, phase: Phase, default: Rubric) -> list[BankItem]:
        """The items a phase of any framework asks: by phase id (default), else by flag."""
        if any(p.id == phase.id for p in default.phases):
            return [i for i in self.probes if i.phase == phase.id]
        own = {f.id for _, f in phase.flags} | {r for f in phase.green_flags for r in f.reference_from}
        return [i for i in self.probes if own & set(i.flags)]


def fallback_phases(bank: ProbeBank | None, rubric: Rubric, default: Rubric) -> list[str]:
    """The phases of `rubric` with no authored question: they run on the rubric's generic ones."""
    return [p.id for p in rubric.phases if bank is None or not bank.for_phase(p, default)]


class EngageItem(Strict):
    """A question on a technique the candidate chose ("downsample the negatives", "an A/B test"):
    how they would size, check or justify it. Generic on purpose, for every problem: it follows the
    candidate's own words instead of a stock follow-up, without an answer in it."""

    cue: Cue = Field(description="A regular expression over the lower-cased answer naming the technique.")
    unless: Cue | None = Field(None, description="The answer already says what the question asks for.")
    stages: list[Stage] = Field(default=["data", "modeling", "serving", "deep"], min_length=1,
                                description="Where it is asked: not while framing, nor a detail while sketching.")
    ask: Ask = Field(description="One question on that choice, naming it, without its answer.")

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.cue)

    def shown_in(self, answer: str, recent: str = "") -> int | None:
        """Where the answer names the technique as its own choice (not "rather than an ensemble",
        not "logistic regression is old-school"), unless it or the `recent` answers already say
        what the question asks."""
        low = answer.lower()
        if self.unless and re.search(self.unless, f"{recent}\n{answer}".lower()):
            return None
        for m in owned(self.pattern, low):
            before = re.split(r"[.!?;:]\s", low[:m.start()])[-1]
            after = re.split(r"[.!?;:,]\s", low[m.end():])[0]
            if not _SET_ASIDE.search(before) and not _DISMISSED.search(after):
                return m.start()
        return None


class NarrowItem(Strict):
    cue: Cue = Field(description="A regular expression over the lower-cased words the candidate did not know.")
    ask: Ask = Field(description="A smaller question toward the same topic, without its answer.")



class Guide(Strict):
    """The interviewer's own content for every problem (problems/guide/guide.yaml): questions that
    make a topic smaller after "I don't know", questions on the techniques a candidate chooses,
    challenges to the classic mistakes any problem can show, and how candidates ask for each kind of
    fact."""

    narrowing: list[NarrowItem] = Field(min_length=1)
    engage: list[EngageItem] = Field(default_factory=list)
    challenges: list[BankItem] = Field(default_factory=list)
    fact_topics: dict[str, list[Annotated[str, StringConstraints(min_length=2)]]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _only_challenges(self) -> Guide:
        for n, item in enumerate(self.challenges):
            if item.move != "challenge":
                raise ValueError(f"challenges[{n}]: move must be 'challenge' (a trap any problem can show)")
        return self

    @cached_property
    def traps(self) -> ProbeBank | None:
        """The classic mistakes any problem can show, as a bank every problem falls back on."""
        return ProbeBank(problem="guide", probes=self.challenges) if self.challenges else None

    def matching(self, text: str) -> list[NarrowItem]:
        """The narrowing questions whose cue the words match, in the file's order."""
        low = text.lower()
        return [i for i in self.narrowing if re.search(i.cue, low)]

    def engaging(self, answer: str, stage: str | None, recent: str = "") -> list[EngageItem]:
        """The questions on techniques this answer chose, asked at this stage of the interview (None:
        a phase of unknown stage): the first one named first (the file's order breaks a tie)."""
        found = [(at, n, i) for n, i in enumerate(self.engage)
                 if (stage is None or stage in i.stages) and (at := i.shown_in(answer, recent)) is not None]
        return [i for _, _, i in sorted(found, key=lambda f: (f[0], f[1]))]
