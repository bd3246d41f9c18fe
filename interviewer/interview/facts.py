"""Which of the problem's facts a clarifying question asks for: the one matcher for every path.

A candidate often asks several things at once ("How many transactions a day, and how is fraud
confirmed?"); each ask is answered, or said to be unknown, and nothing else is volunteered (an
unasked fact is a hint the candidate did not earn). An ask matches a fact by the fact's keywords,
as whole words with their inflections and either spelling ("authorization", "authorisation"); by
the phrases candidates use to ask for that kind of fact (problems/guide/guide.yaml: "how do we
find out it was fraud?" asks for the labels); and by the words the fact itself is about (its
topic and text, compared by their first letters, so "confirmed" meets "confirmation"). Questions
about tooling the design does not depend on (the cloud, the language) are told so.
"""

from __future__ import annotations

import re

from interviewer.content.problems import HiddenFact, Problem
from interviewer.interview.guards import STOP, words
from interviewer.interview.intent import questions

MAX_FACTS = 4  # a clarifying answer gives at most this many facts
KEYWORD = 2  # a keyword named counts this much; a word the fact is about, one
MATCH_AT = 2  # an ask names a fact at this score
STRONG = 2 * KEYWORD  # a score this high is never a stray word
STEM = 5  # letters that make two words the same word
SHARED = 3  # a word in this many of a problem's facts tells none of them apart
TOOLING = re.compile(r"\b(?:cloud|aws|gcp|azure|provider|kubernetes|k8s|programming language|python|java|"
                     r"framework|tensorflow|pytorch|vendor lock|which database|what database)\b", re.IGNORECASE)
TOOLING_ANSWER = "The cloud and the tooling don't matter for this design; assume whatever you know best."
_SPLIT = re.compile(r"(?:,|;)?\s+(?:and|or|also|plus)\s+(?=(?:how|what|which|who|when|where|why|is|are|do|does|"
                    r"did|can|could|should|would|will|whether)\b)", re.IGNORECASE)
# words that ask for a base rate ("what share is fraud?"), matched to a fact whose topic is one
_RATE = {"share", "propo", "perce", "fract", "ratio", "often", "commo", "frequ", "rare", "rarel", "preva"}
_COMMON = {"model", "system", "design", "users", "would", "should", "could", "there", "about", "which", "today"}


def asks(text: str) -> list[str]:
    """The candidate's questions, split where one sentence asks two things."""
    return [a.strip(" ,;") for q in questions(text) for a in _SPLIT.split(q) if a.strip(" ,;")]


def _norm(text: str) -> str:
    return re.sub(r"(?<=[a-z])is(?=(?:e|ed|es|ing|ation)\b)", "iz", text.lower()).replace("-", " ")


def _stems(text: str) -> set[str]:
    out = {w[:STEM] for w in words(_norm(text)) if w not in STOP and w not in _COMMON and len(w) > 3}
    return {"rate" if w in _RATE else w for w in out}


def _phrase(phrase: str, low: str) -> bool:
    return bool(re.search(rf"\b{re.escape(_norm(phrase))}(?:s|es|d|ed|ing)?\b", low))


def score(ask: str, fact: HiddenFact, shared: set[str] = frozenset(),  # type: ignore[assignment]
          topics: dict[str, list[str]] | None = None) -> int:
    """Keywords and the words of the fact's topic count KEYWORD each, the words of the fact one each
    (not words many facts share, like "fraud" in a fraud problem, and only in a sentence that asks)."""
    low = _norm(ask)
    keyed = sum(_phrase(k, low) for k in fact.keywords)
    keyed += any(_phrase(p, low) for p in (topics or {}).get(fact.topic, []))  # how candidates ask for it
    if not ask.rstrip().endswith("?"):
        return KEYWORD * keyed
    named = _stems(ask) - shared
    return KEYWORD * (keyed + len(named & _stems(fact.topic))) + len(named & _stems(fact.fact))


def shared_stems(problem: Problem) -> set[str]:
    """Words in SHARED or more of the problem's facts: they name the problem, not one fact."""
    counts: dict[str, int] = {}
    for f in problem.hidden_facts:
        for w in _stems(f"{f.topic} {f.fact}"):
            counts[w] = counts.get(w, 0) + 1
    return {w for w, n in counts.items() if n >= SHARED}


def answer_to(text: str, problem: Problem, topics: dict[str, list[str]] | None = None,
              ) -> tuple[list[HiddenFact], list[str]]:
    """The facts the asks name (per ask the best, ties kept) and the asks no fact answers."""
    found: list[HiddenFact] = []
    unanswered: list[str] = []
    shared = shared_stems(problem)
    for ask in asks(text):
        scored = [(score(ask, f, shared, topics), f) for f in problem.hidden_facts]
        top = max((s for s, _ in scored), default=0)
        if top < MATCH_AT:
            unanswered.append(ask)
            continue
        # the best, and a close second that the ask names strongly too ("judge search: clicks, GMV?")
        found += [f for s, f in scored if (s == top or (s >= top - 1 and s >= STRONG)) and f not in found]
    return found[:MAX_FACTS], unanswered


def facts_for(text: str, problem: Problem, topics: dict[str, list[str]] | None = None) -> list[HiddenFact]:
    return answer_to(text, problem, topics)[0]
