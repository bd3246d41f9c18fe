"""The whiteboard's checks as evidence: where the framework is explicit (is there a path from
data to an action, are outcomes fed back to training), code settles the flag from the diagram.

A flag names its check in the rubric (`diagram_check`). A passing check meets a green flag, or
clears a red one, quoting the arrows that prove it. A failing check raises a red flag that means
something is missing (`raised_when: no`) only when the phase's own words do not name the thing
either; otherwise the grader's verdict stands. The LLM's verdicts on everything else are kept.
"""

from __future__ import annotations

import re

from interviewer.content.rubric import Phase
from interviewer.diagram import Checks
from interviewer.diagram.checks import TITLES
from interviewer.grading.coherence import cohere
from interviewer.grading.scorecard import Evidence, FlagResult

# Words that say in prose what a check looks for in the drawing (only these checks can raise).
MENTIONS = {
    "feedback_loop": re.compile(r"feedback|labels?\b|retrain|outcomes?|ground truth|chargebacks?", re.IGNORECASE),
    "monitoring": re.compile(r"monitor|alert|dashboard|drift", re.IGNORECASE),
}


def settle(results: list[FlagResult], phase: Phase, checks: Checks, words: str, where: str) -> list[FlagResult]:
    """The phase's results with the diagram's checks applied; `words` is the candidate's prose
    (answers in the phase, or a write-up's sentences without the diagram's facts), `where` names
    the diagram ("diagram v2", or the write-up section holding it)."""
    flags = {f.id: (kind, f) for kind, f in phase.flags}
    out: list[FlagResult] = []
    for r in results:
        kind, flag = flags.get(r.flag_id, (None, None))
        name = flag.diagram_check if flag else None
        if flag is None or name is None:
            out.append(r)
            continue
        ok = checks.passed()[name]
        said = MENTIONS.get(name)  # the arrow that names the thing ("chargebacks as labels") is quoted first
        lines = sorted(checks.quotes.get(name, []), key=lambda q: not (said and said.search(q)))
        quotes = [Evidence(quote=q, where=where) for q in lines[:3]]
        why = f"whiteboard check: {TITLES[name]} {'passes' if ok else 'fails'}"
        if ok:
            verdict = "met" if kind == "green" else "not_raised"
            out.append(r.model_copy(update={"verdict": verdict, "verified": True, "evidence": quotes,
                                            "rationale": f"{why}; {r.rationale}"}))
        elif kind == "red" and flag.raised_when == "no" and name in MENTIONS and not MENTIONS[name].search(words):
            out.append(r.model_copy(update={"verdict": "raised", "verified": True, "evidence": [],
                                            "rationale": f"{why}, and the phase's words never name it; {r.rationale}"}))
        else:
            out.append(r)
    return cohere(phase, out)
