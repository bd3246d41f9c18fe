"""Challenges: a mistake the last answer shows, pushed back on in the candidate's own words.

The bank's cues for this problem come first, then the rubric's (the acts the card grades), then the
guide's classic traps any problem can show; the quote is the clause that holds the act.
"""

from __future__ import annotations

from interviewer.content.probes import BankItem
from interviewer.content.problems import Problem
from interviewer.content.rubric import Phase
from interviewer.grading import lexical
from interviewer.grading.spans import SENTENCE_END, asked_in, quote
from interviewer.interview import conduct
from interviewer.interview.guards import words
from interviewer.interview.moves import Move, open_items, this_answer
from interviewer.interview.state import InterviewState

LONG_MATCH = 80  # characters: a cue matching more than this (a list) is less specific than a short one


def said_first(text: str, span: tuple[int, int]) -> str:
    """'You said "…". ' before a challenge, when the candidate's words make a readable quote."""
    q = quote(text, span)
    return f'You said "{q}". ' if q else ""


RESTATED = 0.75  # share of a sentence's content words found in the facts given: it restates them


def restates(text: str, pos: int, told: str) -> bool:
    """The sentence holding `pos` mostly repeats facts the interviewer gave (`told`)."""
    if not told:
        return False
    start = max((m.end() for m in SENTENCE_END.finditer(text) if m.end() <= pos), default=0)
    end = SENTENCE_END.search(text, pos)
    mine = {w for w in words(text[start:end.end() if end else len(text)]) if len(w) > 3}
    return len(mine) >= 5 and len(mine & set(words(told))) >= RESTATED * len(mine)


def subject(problem: Problem) -> frozenset[str]:
    """The words naming what the problem is about ("llm", "answer", "assistant"): a rubric cue that
    matches only these shows no mistake (challenge's `named`)."""
    return frozenset(words(problem.title))


def challenge(text: str, state: InterviewState, phase: Phase, phases: list[Phase], bank_items: list[BankItem],
              other_items: list[BankItem], asked: list[str], cap: int, named: frozenset[str] = frozenset(),
              traps: list[BankItem] | None = None, told: str = "") -> Move | None:
    """A mistake the answer itself shows, by the bank's cues, the rubric's, then the guide's classic
    `traps`: this phase's first, then the most specific (a cue matching a long stretch, like a
    feature list, yields to one that names the act, like a leaky feature inside the list), the
    bank's before the rubric's, the rubric's (the acts the card grades) before the guide's. A rubric
    cue that only names what the problem itself is about (`named`: "LLM" in "LLM answer assistant")
    shows no mistake, nor does a cue matched inside a question the candidate asks, nor one inside a
    sentence that restates a fact the interviewer gave (`told`: "Today a multi-task model ... with
    hand-set weights" describes the existing system, it proposes nothing)."""
    probes = state.get("probes", {})
    found: list[tuple[tuple[bool, bool, bool, int], Move]] = []
    now = this_answer(text)
    banked = open_items(bank_items, asked, now) + open_items(other_items, asked, now)
    for n, item in enumerate(banked + open_items(traps or [], asked, now)):
        if item.move == "challenge" and (m := item.shown_in(text)) and probes.get(f"bank:{item.ask}", 0) < 1 \
                and not asked_in(text, m.start()) and not restates(text, max(m.end() - 1, 0), told):
            trap = n >= len(banked)  # after every rubric flag (their n is below any trap's)
            key = (item not in bank_items, m.end() - m.start() > LONG_MATCH, trap, n + (10_000 if trap else 0))
            found.append((key, Move("challenge", f"{said_first(text, m.span())}{item.ask}", topic=f"bank:{item.ask}")))
    for n, flag in enumerate(f for ph in phases for f in ph.red_flags):
        # the answer's own justification anywhere in it (a latency budget beside the distillation) holds
        # the challenge back, not only one in the same sentence
        act = flag.act(text)
        m = act[1] if act else None
        if m is not None and (set(words(m.group())) <= named or asked_in(text, m.start()) or
                              restates(text, max(m.end() - 1, 0), told)):
            continue
        ask = flag.cue_challenges.get(act[0], flag.challenge) if act else flag.challenge  # that act's own pushback
        if ask and lexical.shows(flag, text) and probes.get(flag.id, 0) < cap and \
                not conduct.asked_before(ask, asked) and not flag.excused(text):
            key = (flag not in phase.red_flags, m is not None and m.end() - m.start() > LONG_MATCH, True, n)
            said = said_first(text, m.span()) if m else ""
            found.append((key, Move("challenge", said + ask, topic=flag.id, flag=flag)))
    return min(found, key=lambda f: f[0])[1] if found else None


