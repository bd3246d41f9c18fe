"""The candidate's words around a matched act: the clause to quote, and whether it was asked.

Shared by the interviewer's challenges (interview/challenge.py) and the scorecard's pressed mistakes
(grading/pressed.py), so both quote the same words and both leave a question the candidate asks alone.
"""

from __future__ import annotations

import re

QUOTE_WORDS = 8  # a challenge quotes at most this many of the candidate's words
_CLAUSE_END = re.compile(r"[.!?;:](?=\s|$)|\n|—|\(|\)")
QUOTE_MIN = 3  # a quote shorter than this ("Monitoring") reads as a fragment: the question stands alone


def quote(text: str, span: tuple[int, int]) -> str:
    """The candidate's own words where the mistake was matched, in their case: up to QUOTE_WORDS
    words of the clause holding the match's end, ending there (then filled on from the clause's
    rest), with an ellipsis where cut. Not the clause's last words: in "Once it hits 95% I'd roll it
    out to all users, and after launch we'd watch app ratings." the act is the roll-out."""
    # clause ends before the match's last character, read on the whole text (a search cut short at the
    # match would take the point of "0.5" for a sentence's end)
    stops = [m.end() for m in _CLAUSE_END.finditer(text) if m.end() < span[1]]
    start = stops[-1] if stops else 0
    after = _CLAUSE_END.search(text, span[1])
    cut = span[1] + len(re.match(r"\S*", text[span[1]:]).group())  # type: ignore[union-attr]
    head = re.findall(r"\S+", text[start:cut])
    tail = re.findall(r"\S+", text[cut:after.start() if after else len(text)])
    kept = head[-QUOTE_WORDS:]
    room = QUOTE_WORDS - len(kept)
    said = " ".join(kept + tail[:room]).strip(" ,;:.\"'")
    if len(said.split()) < QUOTE_MIN:
        return ""
    return f"{'…' if len(head) > QUOTE_WORDS else ''}{said}{'…' if len(tail) > room else ''}"


SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


def asked_in(text: str, pos: int) -> bool:
    """The sentence holding `pos` is a question ("...: a model, hand-tuned weights, or chronological?"):
    words a candidate asks about are no act of theirs to challenge."""
    end = SENTENCE_END.search(text, pos)
    return bool(end) and end.group() == "?"  # type: ignore[union-attr]
