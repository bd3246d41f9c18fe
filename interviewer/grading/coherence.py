"""Verdicts one scorecard cannot hold together, settled by the rubric's definitions.

A red flag may name the green flag of its phase whose statement it negates (`opposes`): "the
candidate said they would monitor it without naming metrics" against "the candidate named
concrete monitoring metrics". A small model answers each question on its own and can both meet
the green and raise the red on the same sentence. The rules are logic, not fitted:

- the green met: the red is not raised (the scorecard would contradict itself);
- otherwise the red's own verdict stands, and it stands only with a quote of the act (probe.py):
  something missing is shown once, as the green not met, never also as a red flag.
"""

from __future__ import annotations

from collections.abc import Mapping

from interviewer.content.rubric import Flag, Phase
from interviewer.grading.scorecard import NOT_GRADED, FlagResult

CLEARED = "Not raised: the opposite green flag is met ({}). "


def settle(red: Flag, green: str, verdict: str) -> str:
    """The red flag's verdict given its opposite green's (credited) verdict."""
    return "not_raised" if green == "met" else verdict


def verdicts(phase: Phase, given: Mapping[str, str]) -> dict[str, str]:
    """`given` (flag id → verdict) with every opposed red flag settled; flags not given are left out."""
    out = dict(given)
    for red in phase.red_flags:
        if red.opposes and red.id in given and red.opposes in given:
            out[red.id] = settle(red, given[red.opposes], given[red.id])
    return out


def cohere(phase: Phase, results: list[FlagResult]) -> list[FlagResult]:
    """The phase's results with opposed red flags settled; a changed one says why in its rationale."""
    # a flag whose call failed says nothing either way: it settles nothing and is not settled
    credited = {r.flag_id: r.credited for r in results if not r.rationale.startswith(NOT_GRADED)}
    settled = verdicts(phase, credited)
    reds = {f.id: f for f in phase.red_flags}
    out = []
    for r in results:
        if r.flag_id in credited and r.flag_id in reds and settled[r.flag_id] != credited[r.flag_id]:
            green = reds[r.flag_id].opposes
            why = CLEARED.format(green)
            r = r.model_copy(update={"verdict": settled[r.flag_id], "verified": True, "settled_by": green,
                                     "rationale": why + r.rationale})
        out.append(r)
    return out
