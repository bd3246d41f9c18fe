"""Where evidence belongs: each piece of the candidate's text is placed in the phase or phases its
content is about, whenever it was said.

A write-up's section goes by its heading, failing that by its content as a whole (writeup.py). An
interview answer goes by its sentences: each sentence votes for the phase(s) whose keywords it
names most, and the answer is placed in every phase a sentence voted for. The clock's phase plays
no part: a baseline said while the interview was still on high-level design is modeling evidence.
"""

from __future__ import annotations

from interviewer.content.rubric import Phase, Rubric
from interviewer.grading.quotes import Segment
from interviewer.grading.sentences import split

Placed = dict[str, set[str]]  # phase id -> the `where` of the segments placed in it


def hits(phase: Phase, text: str, cap: int = 5) -> int:
    """How often lower-case `text` names the phase's keywords (each counted at most `cap` times)."""
    return sum(min(text.count(k), cap) for k in phase.keywords)


def best(scores: dict[str, int]) -> set[str]:
    """The phases with the most hits (none when nothing was named)."""
    top = max(scores.values(), default=0)
    return {pid for pid, sc in scores.items() if sc == top} if top > 0 else set()


def votes(text: str, rubric: Rubric) -> list[set[str]]:
    """Each sentence's phase(s): those it names most; a question also votes for the first phase."""
    out = []
    for sentence in split(text):
        low = sentence.lower()
        voted = best({p.id: hits(p, low) for p in rubric.phases})
        if low.rstrip().endswith("?"):
            voted.add(rubric.phases[0].id)
        out.append(voted)
    return out


def by_sentences(segments: list[Segment], rubric: Rubric) -> Placed:
    """Interview answers: each sentence votes for the phase(s) it names most, and a question to the
    interviewer also for the first phase (asking is what framing is made of); a segment is placed in
    every phase one of its sentences voted for."""
    out: Placed = {p.id: set() for p in rubric.phases}
    for seg in segments:
        for voted in votes(seg.text, rubric):
            for pid in voted:
                out[pid].add(seg.where)
    return out


def phases_of(where: str, placed: Placed) -> list[str]:
    """The phases one segment was placed in, in the rubric's order."""
    return [pid for pid, wheres in placed.items() if where in wheres]
