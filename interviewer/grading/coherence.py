"""Verdicts one scorecard cannot hold together, settled by the rubric's definitions.

A red flag may name the green flag of its phase whose statement it negates (`opposes`): "the
candidate said they would monitor it without naming metrics" against "the candidate named
concrete monitoring metrics". A small model answers each question on its own and can both meet
the green and raise the red on the same sentence. The rules are logic, not fitted:

- a sentence that shows the red's act by its cues ("there's no need for a baseline", "cold start
  isn't really a concern") is no evidence for the green it opposes: a green whose every quote is
  such a sentence, or whose other quotes name none of its terms, is not addressed;
- a red raised on an act its `act_cues` name (the quote is the wrong act itself) stands, and the
  green it opposes is at most partial: touched, and the act says what was wrong with it;
- else the green met: the red is not raised (the scorecard would contradict itself);
- otherwise the red's own verdict stands, and it stands only with a quote of the act (probe.py):
  something missing is shown once, as the green not met, never also as a red flag.
"""

from __future__ import annotations

from collections.abc import Mapping

from interviewer.content.rubric import Phase
from interviewer.grading import lexical
from interviewer.grading.scorecard import NOT_GRADED, FlagResult

CLEARED = "Not raised: the opposite green flag is met ({}). "
CONTRADICTED = "Not addressed: its only evidence shows the opposite red flag's act ({}). "
TEMPERED = "Partial: the opposite red flag's act is shown too ({}). "


def verdicts(phase: Phase, given: Mapping[str, str], cued: set[str] | frozenset[str] = frozenset()) -> dict[str, str]:
    """`given` (flag id → verdict) settled; flags not given are left out. A red raised on an act its
    cues show (`cued`) stands, and the green it opposes is at most partial: the candidate touched
    the green, and the act says what was wrong with it. Otherwise a green met clears the red it
    opposes (the scorecard would contradict itself)."""
    out = dict(given)
    for red in phase.red_flags:
        if not (red.opposes and red.id in given and red.opposes in given):
            continue
        if red.id in cued and given[red.id] == "raised":
            out[red.opposes] = "partial" if given[red.opposes] == "met" else given[red.opposes]
        elif given[red.opposes] == "met":
            out[red.id] = "not_raised"
    return out


def uncontradicted(phase: Phase, results: list[FlagResult]) -> list[FlagResult]:
    """Greens with the quotes that show an opposing red flag's act taken out (module docstring)."""
    against = {f.opposes: f for f in phase.red_flags if f.opposes and f.cues}
    out = []
    for r in results:
        red = against.get(r.flag_id)
        if red is not None and r.kind == "green" and r.evidence and r.verdict != "not_addressed":
            kept = [e for e in r.evidence if not red.shown_in(e.quote)]
            green = next(f for f in phase.green_flags if f.id == r.flag_id)
            if len(kept) < len(r.evidence) and green.terms and not any(
                    lexical.found(green, e.quote) or e.where.startswith("diagram") for e in kept):
                kept = []  # what is left does not name what the green asks about
            if not kept:
                r = r.model_copy(update={"verdict": "not_addressed", "verified": True,
                                         "rationale": CONTRADICTED.format(red.id) + r.rationale})
            elif len(kept) < len(r.evidence):
                r = r.model_copy(update={"evidence": kept})
        out.append(r)
    return out


def cohere(phase: Phase, results: list[FlagResult]) -> list[FlagResult]:
    """The phase's results with opposed flags settled; a changed one says why in its rationale."""
    results = uncontradicted(phase, results)
    # a flag whose call failed says nothing either way: it settles nothing and is not settled
    credited = {r.flag_id: r.credited for r in results if not r.rationale.startswith(NOT_GRADED)}
    settled = verdicts(phase, credited, {r.flag_id for r in results if r.act == "cued"})
    opposite = {f.id: f.opposes for f in phase.red_flags} | {f.opposes: f.id for f in phase.red_flags if f.opposes}
    out = []
    for r in results:
        if r.flag_id in credited and settled[r.flag_id] != credited[r.flag_id]:
            other = opposite[r.flag_id]
            if r.kind == "red":
                r = r.model_copy(update={"verdict": settled[r.flag_id], "verified": True, "settled_by": other,
                                         "rationale": CLEARED.format(other) + r.rationale})
            else:
                r = r.model_copy(update={"verdict": settled[r.flag_id],
                                         "rationale": TEMPERED.format(other) + r.rationale})
        out.append(r)
    return out
