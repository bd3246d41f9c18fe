"""After "I don't know": make the question smaller once, then move to the next topic.

A candidate who says what they don't know ("I don't know how I'd calibrate the scores") names the
topic; after a bare "I don't know" the topic is the question they could not answer. The narrowing
question comes from authored content (problems/guide/): a smaller step toward the same topic,
never its answer. A second "I don't know" in a row moves on (another smaller step reads as a quiz).
"""

from __future__ import annotations

import re

from interviewer.content.probes import Guide
from interviewer.interview import conduct
from interviewer.interview.state import InterviewState

NARROW = "Let's make it smaller: what is the first thing you would try here, even roughly?"
SPECIFIC_WORDS = 40  # a longer turn saying "I don't know how ..." is an answer that admits a gap
_SPECIFIC = re.compile(
    r"^(?:\W*(?:honestly|frankly|to be honest|sorry|hmm|um|well|ok(?:ay)?)\W+)*"
    r"(?:i (?:really |honestly )?(?:don'?t|do not) (?:really )?know|i'?m not (?:sure|certain)|"
    r"(?:i have )?no idea|i'?m unsure|i (?:can'?t|cannot) say)\s+"
    r"(?:how|what|which|whether|if|why|where|when|who|the right|the best|about)\b", re.IGNORECASE)


# "..., I'd guess as long as we hide private profiles it's fine": a guess is an answer to press on
_GUESS = re.compile(r"\b(?:i'?d guess|my guess|i guess|i'?d assume|i would assume|i'?d say|probably|i think)\b",
                    re.IGNORECASE)


def specific(text: str) -> bool:
    """A short turn that says what the candidate does not know ("I don't know how to handle position
    bias here"): the same move as a bare "I don't know", on the topic they named. One that goes on
    to guess is an answer (a guess is pressed on, never met with "That's fine")."""
    text = text.strip().replace("’", "'")
    return len(text.split()) <= SPECIFIC_WORDS and bool(_SPECIFIC.match(text)) and not _GUESS.search(text)


def _last_interviewer(state: InterviewState) -> str:
    return next((t["text"] for t in reversed(state["transcript"]) if t["role"] == "interviewer"), "")


def just_narrowed(state: InterviewState, guide: Guide | None) -> bool:
    """The last question was already a smaller one: a second "I don't know" moves on."""
    previous = _last_interviewer(state)
    return NARROW in previous or any(i.ask in previous for i in (guide.narrowing if guide else []))


def narrowing_for(text: str, state: InterviewState, guide: Guide | None, asked: list[str]) -> str | None:
    """The authored smaller question on what they did not know (their words first, else the
    question they could not answer); None after a narrowing question (then the talk moves on)."""
    if guide is None or just_narrowed(state, guide):
        return None
    previous = _last_interviewer(state)
    for source in (text if specific(text) else "", previous):
        for item in guide.matching(source) if source else []:
            if not conduct.asked_before(item.ask, asked):
                return item.ask
    return None
