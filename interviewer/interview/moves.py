"""A reply's decision (Move) and the authored items still open to ask: not asked yet, and not
already answered by what the candidate said (an item's `unless`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from interviewer.content.probes import BankItem, Guide, ProbeBank
from interviewer.content.problems import HiddenFact
from interviewer.content.rubric import Flag, Phase, Rubric
from interviewer.grading.quotes import Segment
from interviewer.grading.sentences import Sentence, number
from interviewer.interview import conduct
from interviewer.interview.state import InterviewState

Kind = Literal["rephrase", "decline", "answer", "turn_back", "redirect", "narrow", "challenge", "deeper",
               "engage", "probe", "follow_up"]


@dataclass
class Move:
    """One reply's decision: what it does, its words, and what the state records of it."""

    kind: Kind
    text: str
    facts: list[HiddenFact] = field(default_factory=list)
    topic: str | None = None  # what a probe counts against (a flag, or "bank:<ask>")
    flag: Flag | None = None  # the flag probed or challenged, if any
    unanswered: list[str] = field(default_factory=list)  # questions no fact answered


def asked_so_far(state: InterviewState) -> list[str]:
    return [q for t in state["transcript"] if t["role"] == "interviewer" for q in conduct.questions(t["text"])]


def open_items(items: list[BankItem], asked: list[str], said: str = "") -> list[BankItem]:
    """The items not asked yet whose point the candidate's answers so far (`said`, lower-cased)
    have not already made (the item's `unless`)."""
    return [i for i in items if not conduct.asked_before(i.ask, asked) and not i.answered(said)]


def sentences_text(said: list[Sentence]) -> str:
    """The sentences lower-cased, one a line: what an item's `unless` reads ("." never crosses one);
    for a probe or a deeper question, every candidate sentence so far."""
    return "\n".join(s.text for s in said).lower()


def this_answer(text: str) -> str:
    """The last answer's sentences (sentences_text): what a challenge's `unless` reads. A mistake made
    now is challenged even when an earlier answer said better ("precision" then, "99.9% accuracy"
    now): over the whole interview, 28 of 145 challenges labeled acceptable would have been dropped
    for 20 of 26 labeled as asking again; over the answer, 9 for 10."""
    return sentences_text(number([Segment("answer", text)]))


def bank_items(bank: ProbeBank | None, rubric: Rubric, default: Rubric, phase: Phase,
               ) -> tuple[list[BankItem], list[BankItem]]:
    """The bank's items for this phase, and those of every other phase."""
    if bank is None:
        return [], []
    others = [i for p in rubric.phases if p is not phase for i in bank.for_phase(p, default)]
    return bank.for_phase(phase, default), others


def traps(guide: Guide | None, rubric: Rubric, default: Rubric) -> list[BankItem]:
    """The guide's challenges to the classic mistakes any problem can show, for every problem (one
    without a bank too)."""
    bank = guide.traps if guide else None
    return [i for p in rubric.phases for i in bank.for_phase(p, default)] if bank else []


