"""The interview framework as data: phases, budgets, green and red flags, level expectations."""

from __future__ import annotations

import re
from typing import Annotated, ClassVar, Literal, Self, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Level = Literal["mid", "senior", "staff"]
LEVELS: tuple[Level, ...] = get_args(Level)
FlagKind = Literal["green", "red"]

SLUG = r"^[a-z][a-z0-9_]*$"
NEGATION_REACH = 45  # characters before a cue's match that can reject it ("no need for distillation or quantization")
_NEGATED = re.compile(r"\b(?:not|rather than|instead of|than|never|no|without|avoid\w*|don't|won't|isn't|aren't|"
                      r"wouldn't|shouldn't|doesn't|didn't|needn't|neither|nor)\b[^.;:,]*$")


def negated(low: str, m: re.Match[str]) -> bool:
    """The words just before a cue's match reject it ("no distillation is needed", "rather than
    an open classifier"): the candidate names the act only to set it aside."""
    return bool(_NEGATED.search(low[max(0, m.start() - NEGATION_REACH):m.start()]))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Ordered(Strict):
    """A model with two fields where the first may not exceed the second (a minimum and a target,
    a partial and a met threshold): one validator, one message, named by `order`."""

    order: ClassVar[tuple[str, str]]

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        low, high = self.order
        if getattr(self, low) > getattr(self, high):
            raise ValueError(f"{low} must not exceed {high}")
        return self


class Flag(Strict):
    id: str = Field(pattern=SLUG)
    statement: str = Field(min_length=10, description="One line, as a grader would ask it.")
    evidence: str = Field(min_length=10, description="What in the candidate's words counts.")
    question: str = Field(
        min_length=20, max_length=300, pattern=r"\?$",
        description="One specific, positively phrased yes/no question a small model can answer from the text.",
    )
    raised_when: Literal["yes", "no"] = Field(
        "yes", description="Red flags only: 'no' when the flag means something is missing (raised when "
        "the question's answer is No), 'yes' when it means something wrong was done.",
    )
    also_raised_if: str | None = Field(
        None, min_length=20, max_length=300, pattern=r"\?$",
        description="Red flags raised on 'no' that a wrong act also shows (e.g. a leaky feature besides "
        "ignored label bias): a second question, the flag raised when its answer is Yes.",
    )
    weight: float = Field(default=1.0, gt=0, le=5)
    opposes: str | None = Field(None, pattern=SLUG, description=(
        "Red flags only: the green flag of the same phase whose statement this one negates. Met, it clears "
        "this flag; not addressed, it raises a red flag for a missing thing (grading/coherence.py)."))
    terms: list[Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[^A-Z]+$")]] = Field(
        default_factory=list, description=(
            "Lower-case words that name what the question asks about, matched as whole words with their "
            "inflections ('label' matches 'labels', never 'rest' in 'restaurant'); a declared stem ends in "
            "'*' ('normaliz*'). A sentence holding them is lexical evidence, read beside the model's P(yes) "
            "(grading/lexical.py)."))
    cues: list[str] = Field(default_factory=list, description=(
        "Red flags: regular expressions that show the flag in one answer (checked in code on every "
        "turn, so the interviewer can push back at once, whatever the phase)."))
    cues_unless: list[str] = Field(default_factory=list, description="Expressions that cancel the cues.")
    act_cues: Literal["all"] | list[str] = Field(default_factory=list, description=(
        "Red flags: the cues (`all`, or some of `cues` word for word) that name the wrong act itself "
        "('no need for a baseline', 'keep an eye on the metrics'), not just a word worth a question "
        "('transformer', 'accuracy'): in grading, a quote one shows raises the flag whatever the model's "
        "P(yes) (grading/probe.py)."))
    act_sentences: int = Field(1, ge=1, le=5, description=(
        "Red flags: how many of the candidate's sentences must show the act (by the cues, else the "
        "terms) before the flag is raised: 2 for a flag about dwelling on something, where one passing "
        "mention is not the flag."))
    challenge: str | None = Field(None, min_length=20, max_length=200, pattern=r"\?$", description=(
        "Red flags with cues: the pushback asked when the model's own reply to a challenge note does "
        "not push back (a pointed question, without the answer)."))
    cue_challenges: dict[str, Annotated[str, StringConstraints(min_length=20, max_length=200, pattern=r"\?$")]] = \
        Field(default_factory=dict, description=(
            "Red flags whose cues show different acts: a cue (one of `cues`, word for word) mapped to the "
            "pushback for that act, asked instead of `challenge` when it is the act shown."))
    diagram_check: Literal["data_to_action", "feedback_loop", "training_and_serving", "monitoring"] | None = Field(
        None, description=(
            "A whiteboard check in code that settles this flag when a diagram is graded: passing meets a "
            "green flag (or clears a red one), quoting the arrows; failing raises a red flag that means "
            "something is missing unless the phase's words name it."))
    hint: str | None = Field(None, min_length=10, max_length=200, description=(
        "Green flags only (every bundled one has one): one problem-independent nudge toward the flag, a short "
        "question or prompt to the candidate that does not name the solution the evidence describes."))
    reference_from: list[str] = Field(default_factory=list, description=(
        "Green flags of a framework other than the default: the default framework's green flag ids whose "
        "per-problem reference points answer this flag best (the default framework's greens map to themselves)."))

    @model_validator(mode="after")
    def _cues_compile(self) -> Flag:
        for pattern in [*self.cues, *self.cues_unless]:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"cue {pattern!r} is not a regular expression: {exc}") from exc
        if unknown := [c for c in self.cue_challenges if c not in self.cues]:
            raise ValueError(f"cue_challenges names a cue that is not one of the flag's cues: {unknown[0]!r}")
        if isinstance(self.act_cues, list) and (unknown := [c for c in self.act_cues if c not in self.cues]):
            raise ValueError(f"act_cues names a cue that is not one of the flag's cues: {unknown[0]!r}")
        if self.cue_challenges and not self.challenge:
            raise ValueError("cue_challenges needs the flag's own challenge for its other cues")
        return self

    def act(self, text: str, only_acts: bool = False) -> tuple[str, re.Match[str]] | None:
        """Which cue names this (red) flag's act in the text, and where (the first cue's first match
        that the candidate does not set aside in the same breath, in the lower-cased text);
        `only_acts`: of the `act_cues` alone."""
        low = text.lower()
        cues = self.cues if not only_acts or self.act_cues == "all" else self.act_cues
        return next(((c, m) for c in cues for m in re.finditer(c, low) if not negated(low, m)), None)


    def excused(self, text: str) -> bool:
        """The text says what cancels the cues (a latency budget beside the distillation)."""
        low = text.lower()
        return any(re.search(u, low) for u in self.cues_unless)

    def shown_in(self, text: str, only_acts: bool = False) -> bool:
        """The answer shows this (red) flag by its cues (`only_acts`: by a cue that names the act itself)."""
        return self.act(text, only_acts) is not None and not self.excused(text)


class Budget(Ordered):
    order = ("min_minutes", "target_minutes")
    min_minutes: float = Field(ge=0)
    target_minutes: float = Field(gt=0)


class LevelExpectations(Strict):
    mid: str
    senior: str
    staff: str


class Phase(Strict):
    id: str = Field(pattern=SLUG)
    title: str
    goal: str = Field(description="Why the phase exists, in one or two sentences.")
    budget: Budget
    weight: float = Field(default=1.0, gt=0, le=5, description="Share in the overall score.")
    checklist: list[str] = Field(min_length=2, description="What the interviewer can probe.")
    green_flags: list[Flag] = Field(min_length=2)
    red_flags: list[Flag] = Field(min_length=2)
    levels: LevelExpectations
    keywords: list[str] = Field(
        default_factory=list, description="Heading/content words that place write-up text here."
    )
    opener: str = Field("", description="The interviewer's question when the interview enters this phase.")
    diagram: bool = Field(False, description="The phase a whiteboard diagram is graded in (its facts join "
                                             "the candidate's answers there).")

    @model_validator(mode="after")
    def _green_polarity(self) -> Phase:
        for f in self.green_flags:
            if f.raised_when != "yes" or f.also_raised_if or f.cues or f.challenge:
                raise ValueError(f"green flag '{f.id}': raised_when, also_raised_if, cues and challenge apply "
                                 "to red flags only")
        greens = {f.id for f in self.green_flags}
        for f in self.green_flags:
            if f.opposes:
                raise ValueError(f"green flag '{f.id}': opposes applies to red flags only")
        for f in self.red_flags:
            if f.hint is not None or f.reference_from:
                raise ValueError(f"red flag '{f.id}': hint and reference_from apply to green flags only")
            if f.opposes and f.opposes not in greens:
                raise ValueError(f"red flag '{f.id}': opposes '{f.opposes}', which is not a green flag of "
                                 f"phase '{self.id}' (one of {sorted(greens)})")
        return self

    @property
    def flags(self) -> list[tuple[FlagKind, Flag]]:
        return [("green", f) for f in self.green_flags] + [("red", f) for f in self.red_flags]


class Rubric(Strict):
    id: str = Field(pattern=SLUG)
    title: str
    description: str
    source: str = Field(description="Which seed document the framework is drawn from.")
    total_minutes: float = Field(gt=0)
    phases: list[Phase] = Field(min_length=2)

    @model_validator(mode="after")
    def _unique_ids(self) -> Rubric:
        seen: set[str] = set()
        for phase in self.phases:
            for ident in [phase.id] + [f.id for _, f in phase.flags]:
                if ident in seen:
                    raise ValueError(f"duplicate id '{ident}'")
                seen.add(ident)
        return self

    def phase(self, phase_id: str) -> Phase:
        for phase in self.phases:
            if phase.id == phase_id:
                return phase
        raise KeyError(f"rubric '{self.id}' has no phase '{phase_id}'")

    def flag(self, flag_id: str) -> tuple[Phase, FlagKind, Flag]:
        for phase in self.phases:
            for kind, flag in phase.flags:
                if flag.id == flag_id:
                    return phase, kind, flag
        raise KeyError(f"rubric '{self.id}' has no flag '{flag_id}'")
