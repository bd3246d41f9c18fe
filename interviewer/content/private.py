"""The interviewer's private notes, and the runs of words that would leak them.

The problem's core challenge, deep-dive notes, level bars and reference points, and the rubric's
flag statements, evidence and detection questions are never said: a text sharing a run of five
words with them, three of them content words, repeats them. Read here, below both the question
banks' check when the catalog loads and the guards on every reply (interview/guards.py).
"""

from __future__ import annotations

import re

from interviewer.content.problems import Problem
from interviewer.content.rubric import Rubric

GRAM = 5  # words in a run that may not be shared with the private notes ...
CONTENT = 3  # ... when at least this many of them are content words
STOP = set("""a an the of to and or in on for with is are be by we you i it its it's this that at as from per
would could should will can do does did how what which who when where why your our their they them there
if so but not no any some more most than then about into over under one each all just also very""".split())
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def grams(text: str, n: int = GRAM, content: int = CONTENT) -> set[str]:
    """Runs of n words holding at least `content` content words ("what is the business goal" is
    how anyone talks; "lateness costs far more than earliness" is a note's)."""
    w = words(text)
    return {" ".join(w[i:i + n]) for i in range(len(w) - n + 1)
            if sum(x not in STOP for x in w[i:i + n]) >= content}


def private_texts(problem: Problem, rubric: Rubric | None) -> list[str]:
    """The interviewer's private notes for a problem (and the rubric's grading text)."""
    out = [problem.core_challenge, *problem.deep_dives, *problem.levels.model_dump().values(),
           *problem.reference.values()]
    if rubric is not None:
        for phase in rubric.phases:
            out += list(phase.levels.model_dump().values())
            for _, f in phase.flags:
                out += [f.statement, f.evidence, f.question, f.also_raised_if or ""]
    return [t for t in out if t]


_PRIVATE: dict[tuple[str, ...], frozenset[str]] = {}


def _private(problem: Problem, rubric: Rubric | None) -> frozenset[str]:
    """Runs of the private notes, less those of what the candidate may hear (the statement, and the
    facts, which are said when asked)."""
    key = tuple(private_texts(problem, rubric))
    if key not in _PRIVATE:
        public = {g for t in [problem.statement, *(f.fact for f in problem.hidden_facts)] for g in grams(t)}
        _PRIVATE[key] = frozenset(g for t in key for g in grams(t)) - public
    return _PRIVATE[key]


def private_overlap(text: str, problem: Problem, rubric: Rubric | None) -> str:
    """The first run of words `text` shares with the private notes ("" when none)."""
    secret = _private(problem, rubric)
    return next((g for g in sorted(grams(text)) if g in secret), "")
