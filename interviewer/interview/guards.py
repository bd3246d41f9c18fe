"""Checks every interviewer reply passes before the candidate sees it, streamed or not.

Nothing private is ever said: the problem's core challenge, deep-dive notes, level bars and
reference points, and the rubric's flag statements, evidence and detection questions are the
interviewer's notes; a reply sharing a run of five words with them, three of them content
words, is refused. No parroting: a reply that restates the candidate's last answer is refused. One
question, and never an answer to its own question. A refused reply is replaced, never shown.
Authored questions pass the same check when the question banks load (content/catalog.py); the
private notes and the runs of words that would leak them are read in content/private.py.
"""

from __future__ import annotations

import re

from interviewer.content.private import STOP, grams, private_overlap, words
from interviewer.content.problems import Problem
from interviewer.content.rubric import Rubric

_QUOTED = re.compile(r'"[^"]*"')
PARROT_RUN = 6  # words in a run that may not be copied from the candidate's last answer
PARROT_SHARE = 0.6  # nor this share of the reply's content words


def parrots(reply: str, answer: str) -> bool:
    """The reply restates the candidate's last answer: a long run of its words, or most of its content."""
    if not answer.strip():
        return False
    if grams(reply, PARROT_RUN, 2) & grams(answer, PARROT_RUN, 2):
        return True
    content = [w for w in words(reply) if w not in STOP]
    said = set(words(answer))
    return len(content) >= 5 and sum(w in said for w in content) / len(content) >= PARROT_SHARE


def answers_itself(reply: str) -> bool:
    """A question followed by a statement: the interviewer answering its own question."""
    head, mark, tail = reply.rpartition("?")
    return bool(mark) and len(words(tail)) >= 4


def faults(reply: str, problem: Problem, rubric: Rubric | None, answer: str) -> list[str]:
    """Why a reply may not be shown (empty: it may)."""
    out = []
    if leak := private_overlap(reply, problem, rubric):
        out.append(f"repeats a private note ('{leak}')")
    if parrots(reply, answer):
        out.append("restates the candidate's answer")
    bare = _QUOTED.sub('""', reply)  # a question inside quotes ('asks "was this worth your time?"') is not asked
    if bare.count("?") > 1:
        out.append("asks more than one question")
    if answers_itself(bare):
        out.append("answers its own question")
    return out
