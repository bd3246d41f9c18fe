"""Mistakes the problem's own question bank would press on, read from the candidate's words.

A bank challenge (problems/probes/<problem>.yaml, `move: challenge`) names a wrong act in this
problem's terms: prep time trained on the restaurants' unreliable "food ready" tap, accuracy at a
0.12 % fraud rate, a feed that waits for a thousand views before a new video may enter. The
interviewer asks its question when an answer shows the act; the scorecard reads the same cues, so
each act appears in its phase with the candidate's words and the question it raises, and costs the
phase `flaw_share` x min(1, acts / `flaw_k`) of its raw credit (rubrics/calibration/scoring.yaml,
fitted with each problem held out; 0: off).

It is not a red flag: on the labeled interviews the red flag a challenge names was raised by the
labels on about three in five of its acts (nine in ten on weak candidates, one in five on middling
ones, none on strong ones), too few for a claim. Scoring them is off: the rule that would score them
was tried on a blind set and did not improve its hire signal (docs/grading.md). A question the
candidate asks, an act set aside in the same breath and an answer that also shows the right handling
(the item's `unless`) count for nothing.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from interviewer.content.probes import ProbeBank
from interviewer.content.rubric import Rubric
from interviewer.grading.quotes import Segment
from interviewer.grading.spans import asked_in, quote


class Pressed(BaseModel):
    """One act a bank challenge names, where the candidate showed it."""

    model_config = ConfigDict(extra="forbid")
    quote: str
    where: str
    ask: str


def pressed(bank: ProbeBank | None, rubric: Rubric, default: Rubric,
            segments: list[Segment]) -> dict[str, list[Pressed]]:
    """Per phase of `rubric`, each of its bank challenges that some segment shows, once (the first)."""
    out: dict[str, list[Pressed]] = {}
    if bank is None:
        return out
    for phase in rubric.phases:
        for item in (i for i in bank.for_phase(phase, default) if i.move == "challenge"):
            for seg in segments:
                m = item.shown_in(seg.text)
                held = bool(item.unless and re.search(item.unless, seg.text.lower()))  # right handling beside it
                if m and not asked_in(seg.text, m.start()) and not held:
                    words = quote(seg.text, m.span()) or m.group().strip()
                    out.setdefault(phase.id, []).append(Pressed(quote=words, where=seg.where, ask=item.ask))
                    break
    return out


def penalty(acts: int, share: float, k: int) -> float:
    """What `acts` pressed mistakes take off a phase's raw credit."""
    return share * min(1.0, acts / k) if share and k else 0.0
