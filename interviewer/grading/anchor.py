"""Reference-anchored evidence: how much of the problem's own reference point one sentence makes.

A green flag's question is generic ("does the text name a specific baseline to beat?"); a strong
candidate answers it in the problem's vocabulary ("the yardstick is today's keyword search, followed
by a ticket 30% of the time"), which the flag's generic terms do not name, so a 1.5B judge and the
lexical signal leave such a sentence partial. Each problem has a reference point per green flag
(problems/*.yaml `reference`). The words of that point (stems, less the words of the problem's
own statement, which every candidate repeats, and less the words found in more than a sixth of all
the bundled reference points, "model", "embedding", "user", which say nothing about any one of
them) that one sentence of the candidate holds are a
comparison, not an abstraction: a partial green whose best sentence holds at least
`reference_met` of them (rubrics/calibration/scoring.yaml, fitted leave-one-problem-out) is met,
and that sentence is its quote. It never creates a claim (a green not addressed stays so) and
never touches a red flag.

The problem's question bank is the same kind of anchor, authored: each probe for a green flag has an
`unless`, the words of a candidate who already said what it asks ("late deliveries cost more than
early ones" for the ETA objective). A partial green with one stated sentence its bank's `unless`
matches is met on that sentence (`bank_met`, fitted like `reference_met`).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from interviewer.content.probes import ProbeBank
from interviewer.content.problems import Problem
from interviewer.content.rubric import Flag
from interviewer.grading import lexical
from interviewer.grading.retrieval import terms
from interviewer.grading.sentences import Sentence

COMMON = 1 / 6  # a word in more than this share of all the bundled reference points is not distinctive


@cache
def common_words() -> frozenset[str]:
    from interviewer.content.catalog import Catalog

    points = [set(terms(t)) for p in Catalog.load().problems.values() for t in p.reference.values()]
    seen = Counter(w for point in points for w in point)
    return frozenset(w for w, n in seen.items() if n > COMMON * len(points))


@cache
def _words(points: tuple[str, ...], opening: str) -> frozenset[str]:
    said = set(terms(opening)) | common_words()
    return frozenset(w for p in points for w in terms(p) if w not in said)


def reference_words(problem: Problem | None, flag: Flag) -> frozenset[str]:
    """The stems of the problem's reference point(s) for `flag` that its statement does not hold."""
    points = tuple(problem.reference_for(flag)) if problem is not None else ()
    return _words(points, f"{problem.title} {problem.statement}") if problem is not None and points else frozenset()


def settle(verdict: str, words: int | None, need: int | None, banked: bool = False, bank_met: bool = False) -> str:
    """A partial green whose best sentence holds `need` reference words (None: off), or one a
    sentence says in the bank's words (when `bank_met`), is met."""
    if verdict != "partial":
        return verdict
    return "met" if (need is not None and (words or 0) >= need) or (bank_met and banked) else verdict


def bank_cues(bank: ProbeBank | None, flag: Flag) -> tuple[re.Pattern[str], ...]:
    """The `unless` of every probe and deeper question the bank asks about `flag` (or about a default
    flag its `reference_from` names): what a candidate says who already made its point."""
    ids = {flag.id, *flag.reference_from}
    return _compiled(tuple(i.unless for i in bank.probes if i.unless and i.move != "challenge"
                           and ids & set(i.flags))) if bank else ()


@cache
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


def banked(cues: tuple[re.Pattern[str], ...], sentences: list[Sentence]) -> Sentence | None:
    """The first stated sentence (not a question, not a bare list) the bank's cues match."""
    for s in sentences if cues else []:
        if not (lexical.is_question(s.text) or lexical.is_list(s.text)) and any(c.search(s.text.lower()) for c in cues):
            return s
    return None


def best(words: frozenset[str], sentences: list[Sentence]) -> tuple[int, Sentence | None]:
    """The most reference words one stated sentence holds (not a question, not a bare list), and
    that sentence (the first of the best)."""
    top, where = 0, None
    for s in sentences if words else []:
        if lexical.is_question(s.text) or lexical.is_list(s.text):
            continue
        n = len(words & set(terms(s.text)))
        if n > top:
            top, where = n, s
    return top, where
