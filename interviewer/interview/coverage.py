"""What the candidate has already said: the interviewer never asks for it again.

Asking for what was just said reads as not listening (the commonest fault in labeled replies). A
green flag counts as shown when graded met, or, while its grade is still running, when one
sentence names SHOWN_TERMS of its terms, or the last answer names any of them, or so does a
sentence placed in the flag's phase (anywhere in the interview), or the recent answers talk about
what it asks. A phase counts as already begun when enough of the candidate's
sentences belong to it (grading/placement.py): its generic opener would then ask for it again.
"""

from __future__ import annotations

import re

from interviewer.content.rubric import Flag, Phase, Rubric
from interviewer.grading import lexical
from interviewer.grading.placement import votes
from interviewer.grading.quotes import Segment
from interviewer.grading.scorecard import FlagResult
from interviewer.grading.sentences import Sentence, number
from interviewer.interview.conduct import stage
from interviewer.interview.guards import STOP, words
from interviewer.interview.planner import verdict_of
from interviewer.interview.state import InterviewState

RECENT_SENTENCES = 12  # what "recently said" means for not asking it again
COVERED_WORDS = 3  # content words a question shares with the recent answers that make it already answered
SHOWN_TERMS = 2  # a green flag's terms one sentence must name to count as shown before its grade lands
BEGUN_SENTENCES = 2  # sentences placed in a phase before it is entered: its opener is not asked


def candidate_sentences(state: InterviewState) -> list[Sentence]:
    return number([Segment(f"turn {i}", t["text"]) for i, t in enumerate(state["transcript"])
                   if t["role"] == "candidate"])


def last_turn(said: list[Sentence]) -> list[Sentence]:
    """The sentences of the candidate's latest answer."""
    return [s for s in said if said and s.where == said[-1].where]


def content(text: str) -> set[str]:
    return {w for w in words(text) if w not in STOP and len(w) > 3}


def placed_in(phase: Phase, rubric: Rubric, said: list[Sentence]) -> list[Sentence]:
    """The candidate's sentences that belong to this phase by their content (grading/placement.py)."""
    return [s for s in said if phase.id in set().union(*votes(s.text, rubric))]


def shown(flag: Flag, flags: dict[str, FlagResult], said: list[Sentence], placed: list[Sentence] | None = None,
          ) -> bool:
    """The candidate showed the green flag (see the module docstring); `placed`: their sentences
    placed in the flag's phase (placed_in)."""
    recent = " ".join(s.text for s in said[-RECENT_SENTENCES:])
    return verdict_of(flags, flag.id) == "met" or lexical.best(flag, said)[0] >= SHOWN_TERMS or \
        lexical.best(flag, last_turn(said))[0] >= 1 or lexical.best(flag, placed or [])[0] >= 1 or \
        len(content(recent) & content(f"{flag.question} {flag.evidence}")) >= COVERED_WORDS


def covered(ask: str, said: list[Sentence]) -> bool:
    """The question asks about what the candidate's recent answers already said."""
    recent = " ".join(s.text for s in said[-RECENT_SENTENCES:])
    return len(content(ask) & content(recent)) >= COVERED_WORDS


def about(rubric: Rubric, said: list[Sentence]) -> set[str]:
    """The phases these sentences (one answer) are mostly about: those most of their sentences
    vote for (placement.votes), ties kept; none when no sentence names a phase, or when they ask."""
    if not said or said[-1].text.rstrip().endswith("?"):
        return set()
    voted = [v for s in said for v in votes(s.text, rubric)]
    counts = {p.id: sum(p.id in v for v in voted) for p in rubric.phases}
    top = max(counts.values())
    return {pid for pid, n in counts.items() if n == top} if top else set()


def begun(phase: Phase, rubric: Rubric, said: list[Sentence]) -> bool:
    """The candidate already talked about this phase before it was entered (for the design phase:
    or already sketched the system, "retrieval, then a first-pass ranker, then a re-ranker")."""
    return sum(phase.id in v for s in said for v in votes(s.text, rubric)) >= BEGUN_SENTENCES or (
        stage(phase.id) == "design" and sketched(said))


# the pieces of an ML system a sketch names, and the words that chain them into a flow
_PIECES = re.compile(
    r"\b(?:retriev\w*|candidate (?:generation|sources?)|(?:pre-?|first-?pass |light |heavy )?rank(?:er|ing stage)|"
    r"re-?rank\w*|filter(?:s|ing)?|classifiers?|index(?:es)?|cache|queues?|pipelines?|feature store|encoders?|"
    r"scor(?:er|ing)|embeddings?|two-tower|generat(?:or|ion)|check step|policy layer|post-?process\w*|"
    r"logging|retrain\w*|monitor\w*|serving|fallback|dashboard)\b", re.IGNORECASE)
_FLOW = re.compile(r"\b(?:then|first|second|finally|followed by|feeds?|goes through|funnel|stages?|end to end|"
                   r"on top|downstream|upstream)\b|->|→", re.IGNORECASE)
SKETCH_PIECES = 3  # distinct pieces one answer names, chained into a flow, make it a sketch


def sketched(said: list[Sentence]) -> bool:
    """Some answer already laid the system out as a flow of at least SKETCH_PIECES pieces: asking to
    "sketch the high-level design" would ask for it again."""
    answers: dict[str, str] = {}
    for s in said:
        answers[s.where] = f"{answers.get(s.where, '')} {s.text}"
    return any(len({m.group().lower() for m in _PIECES.finditer(t)}) >= SKETCH_PIECES and _FLOW.search(t)
               for t in answers.values())
