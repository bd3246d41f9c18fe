"""A phase change that still answers the candidate: when the budget (or full coverage) moves the
interview on right after an answer, the reply first responds to that answer in one clause.

The model writes only that clause (one short call); code keeps it honest: praise is stripped,
it is cut to its first sentence, and anything that asks a question or copies an earlier turn is
dropped, so the rubric's opener stays the one question of the reply.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from interviewer.content.prompts import render
from interviewer.content.rubric import Phase
from interviewer.interview import conduct
from interviewer.interview.state import InterviewState
from interviewer.llm.client import LLM, LLMError

ACK_TOKENS = 40
TASK = ("Time is up for {old}. In one short sentence, respond to the substance of what they just said "
        "(agree, note a gap, or restate their key choice), without praise and without asking anything. "
        "Do not announce the next topic: that comes after your sentence.")


def clean_ack(text: str, earlier: list[str]) -> str:
    """The model's clause as it may be shown, or '' when it must not be."""
    text = conduct.strip_praise(text.strip().strip('"'))
    first = re.match(r"[^.!?]*[.!?]", text)
    text = (first.group(0) if first else text).strip()
    if not text or text.endswith("?") or len(text.split()) > 30 or len(text.split()) < 3:
        return ""
    probe = conduct.norm(text)
    if any(probe in conduct.norm(e) for e in earlier):
        return ""
    return text if text.endswith((".", "!")) else text + "."


def acknowledge(state: InterviewState, llm: LLM, old: Phase,
                layout: Callable[[InterviewState, str], list[dict[str, str]]], slot: int) -> str:
    """One clause on the last answer, or '' (nothing to answer, or the model failed)."""
    if not state["transcript"] or state["transcript"][-1]["role"] != "candidate":
        return ""
    notes = render("interviewer_notes", facts="", task=TASK.format(old=old.title.lower()))
    try:
        text = llm.chat(layout(state, notes), max_tokens=ACK_TOKENS, purpose="interviewer", slot=slot)
    except LLMError:
        return ""  # the bridge alone still moves the interview on
    return clean_ack(text, [t["text"] for t in state["transcript"]])
