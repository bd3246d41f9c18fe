"""Reading the candidate's turn in code: move on, don't know, end, clarifying questions.

Cheap and deterministic, so routing costs no LLM call and a test can state exactly what
happens when a candidate says "let's move on".
"""

from __future__ import annotations

import re
from typing import Literal

from .problems import HiddenFact, Problem

Intent = Literal["answer", "move_on", "dont_know", "end"]

_MOVE_ON = re.compile(
    r"\b(?:let'?s|can we|could we|shall we|i'?d like to|i want to|we can|ok(?:ay)?,? let'?s)\s+"
    r"(?:move on|move forward|go on|proceed|skip|jump|go to the next|talk about|switch)"
    r"|\bmove on\b|\bnext (?:phase|section|topic|part)\b|\bskip (?:this|ahead)\b",
    re.IGNORECASE,
)
_DONT_KNOW = re.compile(
    r"\b(?:i (?:do not|don'?t) know|not sure|no idea|i'?m not familiar|i (?:can'?t|cannot) (?:recall|remember)|"
    r"pass on (?:this|that))\b",
    re.IGNORECASE,
)
_END = re.compile(r"\b(?:end (?:the|this) interview|i'?m done|that'?s all (?:i have|from me)|let'?s wrap up|"
                  r"wrap (?:it|this) up|finish the interview)\b", re.IGNORECASE)
_QUESTION_START = re.compile(
    r"^\s*(?:how|what|who|which|where|when|why|is|are|do|does|did|can|could|should|will|would|may|"
    r"have|has|any|roughly|approximately)\b",
    re.IGNORECASE,
)


def classify(text: str) -> Intent:
    if _END.search(text):
        return "end"
    if _MOVE_ON.search(text):
        return "move_on"
    if _DONT_KNOW.search(text) and len(text.split()) < 40:
        return "dont_know"
    return "answer"


def questions(text: str) -> list[str]:
    """The candidate's questions: sentences ending in '?' or opening like a question."""
    parts = re.split(r"(?<=[?.!])\s+|\n+", text)
    return [p.strip() for p in parts if p.strip().endswith("?") or (_QUESTION_START.match(p) and len(p) < 200)]


def matching_facts(text: str, problem: Problem) -> list[HiddenFact]:
    """Hidden facts whose keywords occur in the candidate's questions (word-boundary match)."""
    asked = " ".join(questions(text)).lower()
    if not asked:
        return []
    found = []
    for fact in problem.hidden_facts:
        if any(re.search(rf"\b{re.escape(k.lower())}\b", asked) for k in fact.keywords):
            found.append(fact)
    return found
