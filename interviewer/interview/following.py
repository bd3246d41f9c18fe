"""Following the candidate between phases: a request that names a phase goes there ("skip ahead
to modeling", "back to data"), and an answer that has moved on to the next phase takes the
interview with it. The graph makes the change (nodes.advance); this decides where to."""

from __future__ import annotations

import re
from collections.abc import Iterator

from interviewer.content.private import words
from interviewer.content.rubric import Phase, Rubric
from interviewer.grading.placement import votes
from interviewer.grading.sentences import clauses, split
from interviewer.interview import intent

ALIASES = {  # words a candidate uses for a phase, beside its title's own words
    "problem_framing": "framing problem requirements clarifying objective", "high_level_design":
    "high-level high level design architecture diagram overview", "data_and_features": "data features labels",
    "modeling": "model models modelling", "inference_and_evaluation": "evaluation metrics serving inference "
    "latency", "deep_dives": "deep dive dives monitoring scaling edge", "clarify_requirements":
    "requirements clarifying framing", "system_architecture": "architecture design metrics high-level",
    "model_serving": "serving deployment production monitoring",
}
_GO = re.compile(r"\b(?:skip|jump|go|move|switch|head|get|come|turn|talk|discuss|back|ahead|return|on to|onto)\b")
# An answer that opens by taking the interview somewhere: "Let's move to the high-level design. ...",
# "Back to features, now that ...", "Let's skip ahead to modeling for a minute, because ...".
_FILLER = re.compile(r"^(?:(?:ok(?:ay)?|so|now|alright|right|well|good|great|sure|thanks|with that)[,:.!]?\s+)+")
_OPENS_MOVE = re.compile(
    r"^(?:let'?s|let us|let me|i'?ll|i will|i'?d like to|i want to|can we|could we|shall we|"
    r"moving|going|back|turning|switching|skipping|jumping|on to|onto)\b")
_NAMES_ONLY = {"and", "the", "to", "on", "onto", "now", "then"}  # beside a phase's name, nothing else said
OPENING_WORDS = 10  # the opening clause of such a request is short
FOLLOW_WORDS = 25  # an answer at least this long that is all about the next phase moves the interview there
FOLLOW_SHARE = 0.6  # ... when this share of its sentences name the next one


def named_phase(text: str, phases: list[Phase]) -> int | None:
    """The phase a request to move names ("skip ahead to modeling", "back to data"), if any (it may
    be the one the interview is already in: then there is nowhere to move)."""
    low = text.lower()
    return phase_named(low, phases) if _GO.search(low) else None


def phase_named(text: str, phases: list[Phase]) -> int | None:
    """The phase whose title or usual names `text` names most (None when it names none)."""
    said = set(words(text))
    best: tuple[int, int] | None = None
    for i, p in enumerate(phases):
        names = set(words(p.title)) - {"and", "of", "the"} | set(ALIASES.get(p.id, "").split())
        hits = len(said & names)
        if hits and (best is None or hits > best[0]):
            best = (hits, i)
    return best[1] if best else None


def followed_phase(text: str, phases: list[Phase], current: int, votes: list[set[str]]) -> int | None:
    """An answer that left the current phase for the next one: no sentence of it is about the
    current phase and most of its sentences are about the next (`votes`: each sentence's phases,
    placement.py)."""
    if current + 1 >= len(phases) or len(words(text)) < FOLLOW_WORDS or intent.questions(text):
        return None
    here, nxt = phases[current].id, phases[current + 1].id
    if not votes or any(here in v for v in votes):
        return None
    return current + 1 if sum(nxt in v for v in votes) >= FOLLOW_SHARE * len(votes) else None


def opening_request(text: str, phases: list[Phase]) -> int | None:
    """The phase an answer's opening takes the interview to ("Let's move to the high-level
    design.", "Back to modeling.", "We're twenty minutes in, so let me move to modeling.", "We're
    at the half-hour mark, so evaluation and serving."), the rest of the answer being content for it."""
    first = (clauses(text) or [""])[0].lower()
    for k, part in enumerate(re.split(r",? so,? ", first)[:2]):  # the sentence itself, or what follows its "so"
        clause = re.split(r"[.,;:!?]| because | since | now that ", _FILLER.sub("", part), maxsplit=1)[0]
        if len(words(clause)) > OPENING_WORDS:
            continue
        if _OPENS_MOVE.match(clause) and (named := named_phase(clause, phases)) is not None:
            return named
        if k == 1 and set(words(clause)) <= _NAMES_ONLY | phase_words(phases):  # "so evaluation."
            return phase_named(clause, phases)
    return None


_SETS_OUT = re.compile(r"\b(?:sketch|draw|walk|start|cover|describe|lay out|outline)\b")


def closing_request(text: str, phases: list[Phase], last_words: bool = False) -> int | None:
    """The phase an answer's last sentence takes the interview to ("I've used about six minutes, so
    let me go to the high-level design.", "Let me sketch the high-level design."): where the
    candidate goes next, even when the answer opened somewhere else. `last_words`: only when the
    request ends the answer ("Going back to data for a second, since the articles are in 6
    languages I'd ..." already says what it went back for)."""
    parts = [c.lower() for c in clauses(text)]
    if len(parts) < 2:
        return None
    # "..., so let me ...", "if it looks reasonable, can we move on to data?"
    for clause, rest in _heads(parts[-1], r"\bso,?\s+|,\s+", r"[.,;:!?]| because | since | so that | so this | so we "):
        if len(words(clause)) <= OPENING_WORDS and _OPENS_MOVE.match(clause) and (
                _GO.search(clause) or _SETS_OUT.search(clause)) and not (last_words and _says_more(rest)):
            return phase_named(clause, phases)
    return None


def _says_more(rest: str) -> bool:
    """What follows a request carries the design itself ("..., since the articles are in 6
    languages I'd use a multilingual encoder"), not only why ("so this has a place in the system")."""
    return len(words(rest)) > 12 or re.search(r"\b(?:i|we)(?:'d| would|'ll| will)\b", rest) is not None


def _heads(part: str, starts: str, ends: str) -> Iterator[tuple[str, str]]:
    """The lower-cased clause beginning at the start of `part` and after each `starts` match, filler
    words dropped, cut at the first `ends` match (where a request to move may stand), and what
    follows it."""
    low = part.lower()
    for start in [0, *(m.end() for m in re.finditer(starts, low))]:
        head, *rest = re.split(ends, _FILLER.sub("", low[start:]), maxsplit=1)
        yield head, " ".join(rest)


# A request in the middle of an answer is asked outright: "...; can we go to modeling? That's where
# the gains are.", "I'd rather spend the remaining time on evaluation, because ..."
_ASKS_MOVE = re.compile(
    r"^(?:let'?s|let us|can we|could we|shall we|i'?d like to|i want to|i'?d rather|i'?d prefer to|"
    r"i'?ll (?:now )?(?:move|turn|switch|jump|skip))\b")
# "Is it all right if we move on to that now?": the phase the sentence before it named
_MOVE_TO_THAT = re.compile(r"\b(?:is it (?:all right|alright|ok(?:ay)?|fine) if|can|could|shall|may) (?:we|i) "
                           r"(?:move|go|skip|jump|turn) (?:on |ahead )?to (?:that|it|this|those)\b")
_SPEND = re.compile(
    r"\b(?:spend|use) (?:the |our |my )?(?:remaining |rest of the |rest of our |last )?(?:time|minutes) on\b")


_ASKS_TO_MOVE = re.compile(r"\b(?:move|go|skip|jump|turn)\s+(?:on|ahead|to)\b", re.IGNORECASE)


def asks_to_move(question: str) -> bool:
    """The question asks to move on ("is it all right if we move on to that now?"), not for a verdict."""
    return bool(_ASKS_TO_MOVE.search(question))


def request_clause(text: str, phases: list[Phase]) -> int | None:
    """The phase a clause anywhere in the answer asks outright to go to, if one does ("can we move on
    to that?" goes where the sentence before it named)."""
    parts = clauses(text)
    for before, part in zip(["", *parts], parts, strict=False):
        if _MOVE_TO_THAT.search(part.lower()) and (named := phase_named(before.lower(), phases)) is not None:
            return named
    for part in parts:
        for clause, _ in _heads(part, r"\bso,?\s+|[;,]\s+", r"[.,;:!?]| because | since | so that "):
            if len(words(clause)) <= OPENING_WORDS and _ASKS_MOVE.match(clause) and (
                    _GO.search(clause) or _SPEND.search(clause)) and (named := phase_named(clause, phases)) is not None:
                return named
    return None


def phase_words(phases: list[Phase]) -> frozenset[str]:
    """The words that name the interview's phases (titles and their usual names): beside a request
    to move they say where to go, not design content."""
    return intent.topic_words([p.title for p in phases]) | {w for p in phases for w in ALIASES.get(p.id, "").split()}


def jump_target(text: str, said: str, rubric: Rubric, current: int, answered_here: bool) -> int | None:
    """Where the candidate took the interview: the phase a request names, the phase an answer opens
    by moving to, or the next phase an answer moved to (its content placed there and not here) once
    this phase's question was answered. An answer that ends by saying where it goes next goes there."""
    if said == "move_on":  # the request is the last sentence ("... With that, let's move on to modeling.")
        return named_phase((split(text) or [text])[-1], rubric.phases)
    if said != "answer" or not text:
        return None
    if (closing := closing_request(text, rubric.phases)) is not None:
        return closing
    if (opened := opening_request(text, rubric.phases)) is not None:
        return opened
    if (asked := request_clause(text, rubric.phases)) is not None:
        return asked
    if not answered_here:
        return None
    return followed_phase(text, rubric.phases, current, votes(text, rubric))
