"""Lexical evidence: how many of a flag's own terms the candidate's best sentence holds.

A 1.5B model's P(yes) says "the topic is near" more than "this sentence states it", and it barely
moves when the evidence is deleted. The flag's terms (rubric data: words that name what its
question asks about) give a second, local signal: the largest number of distinct terms any one
sentence holds. Deleting the sentence that named a baseline removes them; a bare comma list of
buzzwords is not a sentence and counts for nothing, and a question ("What is the business
objective?") asks about a thing rather than stating it, so it counts only for a flag about asking
questions (one whose terms include "?"). For green flags the count is also taken over the
sentences placed in the flag's own phase; calibration (calibration.py) combines these with
P(yes), fitted on labeled write-ups.
"""

from __future__ import annotations

import re
from functools import cache

from interviewer.content.rubric import Flag
from interviewer.grading.sentences import Sentence, split

LIST_ITEMS = 6  # a line of at least this many comma-separated items ...
LIST_WORDS = 3.0  # ... of at most this many words each, on average, is a list, not a statement


def is_list(text: str) -> bool:
    """A keyword list ("baseline, NDCG, A/B test, drift, ..."): evidence of nothing."""
    items = [x for x in text.split(",") if x.strip()]
    return len(items) >= LIST_ITEMS and sum(len(x.split()) for x in items) / len(items) <= LIST_WORDS


# what may follow a whole-word term: its inflections ("label" matches "labels", "labelled"), never
# another word's tail ("rest" does not match "restaurant"); a declared stem ("normaliz*") takes any
INFLECTION = r"(?:s|es|d|ed|ing|er|ers|led|ling|ion|ions|ation|ations|ize|ized|izes|izing|ization)?"


@cache
def _pattern(term: str) -> re.Pattern[str]:
    stem = term.endswith("*")
    body = re.escape(term.rstrip("*"))
    start = r"(?<![a-z0-9])" if term[0].isalnum() else ""
    end = "" if stem or not term.rstrip("*")[-1].isalnum() else INFLECTION + r"(?![a-z0-9])"
    return re.compile(start + body + end)


def found(flag: Flag, text: str) -> set[str]:
    """The flag's terms that `text` holds, as whole words (or declared stems)."""
    low = text.lower()
    return {t.rstrip("*") for t in flag.terms if _pattern(t).search(low)}


def is_question(text: str) -> bool:
    return text.rstrip().endswith("?")


def states(flag: Flag, text: str) -> bool:
    """Whether a sentence can be evidence of the flag's terms: not a keyword list, and not a
    question unless the flag is about asking them."""
    return not is_list(text) and ("?" in flag.terms or not is_question(text))


def best(flag: Flag, sentences: list[Sentence]) -> tuple[int, Sentence | None]:
    """The most distinct terms one sentence holds, and that sentence (the first of the best)."""
    top, where = 0, None
    for s in sentences:
        if not states(flag, s.text):
            continue
        n = len(found(flag, s.text))
        if n > top:
            top, where = n, s
    return top, where


def acts(flag: Flag, sentences: list[Sentence]) -> list[Sentence]:
    """The sentences that show a red flag's act: by its cues, else (for a flag about doing something,
    whose terms name that act, not a missing thing) by its terms. A question asks; it shows nothing,
    and neither does a bare list."""
    said = [x for x in sentences if not is_question(x.text)]
    if flag.cues:
        return [x for x in said if flag.shown_in(x.text)]
    if flag.raised_when == "yes":
        return [x for x in said if found(flag, x.text) and not is_list(x.text)]
    return []


def cued(flag: Flag, sentences: list[Sentence]) -> list[Sentence]:
    """The sentences a cue that names the act itself (`act_cues`) shows: in grading, the flag."""
    return [x for x in sentences if not is_question(x.text) and flag.shown_in(x.text, only_acts=True)]


def shows(flag: Flag, text: str) -> bool:
    """An answer shows a red flag by its cues in as many of its sentences as the flag asks for
    (the interviewer's pushback and the grader's quote rest on the same act)."""
    return sum(flag.shown_in(x) for x in split(text) if not is_question(x)) >= flag.act_sentences
