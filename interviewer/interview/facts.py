"""Which of the problem's facts a clarifying question asks for: the one matcher for every path.

A candidate often asks several things at once ("How many transactions a day, and how is fraud
confirmed?"); each ask is answered, or said to be unknown, and nothing else is volunteered (an
unasked fact is a hint the candidate did not earn). An ask matches a fact by the fact's keywords,
as whole words with their inflections and either spelling ("authorization", "authorisation"); by
the phrases candidates use to ask for that kind of fact (problems/guide/guide.yaml: "how do we
find out it was fraud?" asks for the labels); and by the words the fact itself is about (its
topic and text, compared by their first letters, so "confirmed" meets "confirmation"). Questions
about tooling the design does not depend on (the cloud, the language) are told so.
"""

from __future__ import annotations

import re

from interviewer.content.problems import HiddenFact, Problem
from interviewer.interview.guards import STOP, words
from interviewer.interview.intent import questions

MAX_FACTS = 8  # a clarifying answer gives at most this many facts (at 4, a first turn asking five or six
# things left asked facts out: 7 of the 16 first replies of the two latest blind reply sets)
KEYWORD = 2  # a keyword named counts this much; a word the fact is about, one
MATCH_AT = 2  # an ask names a fact at this score
STRONG = 2 * KEYWORD  # a score this high is never a stray word
STEM = 5  # letters that make two words the same word
SHARED = 3  # a word in this many of a problem's facts tells none of them apart
TOOLING = re.compile(r"\b(?:cloud|aws|gcp|azure|provider|kubernetes|k8s|programming language|python|java|"
                     r"framework|tensorflow|pytorch|vendor lock|(?:which|what) (?:\w+ )?database)\b", re.IGNORECASE)
TOOLING_ANSWER = "The cloud and the tooling don't matter for this design; assume whatever you know best."
# "are there restrictions on which LLM provider we can use?" asks about a constraint, not a preference
_PERMISSION = re.compile(r"\b(?:restrict\w*|allowed|permitted|forbid\w*|contracts?|agreements?|compliance|"
                         r"can (?:we|i) (?:use|send)|(?:data|questions) (?:can|may) go)\b", re.IGNORECASE)


def tooling(ask: str) -> bool:
    """The ask is about which cloud, language or tool to use, which this design does not depend on."""
    return bool(TOOLING.search(ask)) and not _PERMISSION.search(ask)
_ASKING = "how|what|which|who|when|where|why|is|are|do|does|did|can|could|should|would|will|whether"
_SPLIT = re.compile(rf"(?:(?:,|;)?\s+(?:and|or|also|plus)\s+|[,;]\s+)(?=(?:{_ASKING})\b)", re.IGNORECASE)
_ASKS = re.compile(rf"\b(?:{_ASKING}|has|have)\b", re.IGNORECASE)  # a part that asks something of its own
# words that ask for a base rate ("what share is fraud?"), matched to a fact whose topic is one
_RATE = {"share", "propo", "perce", "fract", "ratio", "often", "commo", "frequ", "rare", "rarel", "preva"}
_COMMON = {"model", "system", "design", "users", "would", "should", "could", "there", "about", "which", "today",
           "problem", "framing", "phase", "moment", "detail", "boxes"}  # the interview's own words
# a check-in about the interview itself asks for no fact ("Is that what you're looking for, or would you
# like more detail on any of the boxes before I move to data?")
_CHECK_IN = re.compile(r"\b(?:what you(?:'re| are) looking for|would you like (?:more|me to)|does (?:that|this) "
                       r"(?:match|work|make sense|sound)|is (?:that|this) (?:ok(?:ay)?|fine|enough|right)|shall i|"
                       r"should i (?:go|move|continue|keep)|can i (?:go|move)|could i (?:go|move))\b", re.IGNORECASE)


def asks(text: str) -> list[str]:
    """The candidate's questions, split where one sentence asks two things."""
    out: list[str] = []
    for q in questions(text):
        parts = [a.strip(" ,;") for a in _SPLIT.split(q) if a.strip(" ,;")]
        if len(parts) > 1 and not _ASKS.search(parts[0]):  # "Beyond engagement, do we ...": one ask
            parts = [f"{parts[0]}, {parts[1]}", *parts[2:]]
        out += [a for a in parts if not _CHECK_IN.search(a)]
    return out


def _norm(text: str) -> str:
    return re.sub(r"(?<=[a-z])is(?=(?:e|ed|es|ing|ation)\b)", "iz", text.lower()).replace("-", " ")


def _stems(text: str) -> set[str]:
    out = {w[:STEM] for w in words(_norm(text)) if w not in STOP and w not in _COMMON and len(w) > 3}
    return {"rate" if w in _RATE else w for w in out}


_QUANTITY = re.compile(r"\bhow (?:many|much)$")


def _phrase(phrase: str, low: str, about: set[str] | None = None) -> bool:
    """`phrase` in the ask; "how many"/"how much" only where what is counted is something the fact is
    about ("how many queues?" asks for the queues, not for the traffic)."""
    norm = _norm(phrase)
    for m in re.finditer(rf"\b{re.escape(norm)}(?:s|es|d|ed|ing)?\b", low):
        if about is None or not _QUANTITY.search(norm):
            return True
        counted = next(iter(words(low[m.end():])), "")
        if counted in STOP or len(counted) <= 3 or counted[:STEM] in about:
            return True
    return False


def _about(fact: HiddenFact) -> set[str]:
    """The words the fact is about: its topic, its text and its keywords."""
    return {w[:STEM] for w in words(_norm(f"{fact.topic} {fact.fact} {' '.join(fact.keywords)}"))}


# "today" asks what runs today ("what does the home page show today?"), not when something is counted
# ("how many tickets are opened today?") or which tool is used ("which graph database are we on today?")
_WHEN = {"today", "currently", "right now", "at the moment", "current"}
_COUNTS_OR_TOOLS = re.compile(r"\bhow (?:many|much)\b|\bwhat (?:share|fraction|percentage)\b|\bdatabase\b|"
                              r"\b(?:neo4j|mysql|postgres\w*|redis|cassandra|kafka)\b")


def score(ask: str, fact: HiddenFact, shared: set[str] = frozenset(),  # type: ignore[assignment]
          topics: dict[str, list[str]] | None = None) -> int:
    """Keywords and the words of the fact's topic count KEYWORD each, the words of the fact one each
    (not words many facts share, like "fraud" in a fraud problem, and only in a sentence that asks)."""
    low, about = _norm(ask), _about(fact)
    when_only = bool(_COUNTS_OR_TOOLS.search(low))  # then a time word names no fact
    keyed = sum(_phrase(k, low, about) for k in fact.keywords if not (when_only and k in _WHEN))
    keyed += any(_phrase(p, low, about) for p in (topics or {}).get(fact.topic, [])  # how candidates ask for it
                 if not (when_only and p in _WHEN))
    if not ask.rstrip().endswith("?"):
        return KEYWORD * keyed
    named = _stems(ask) - shared
    return KEYWORD * (keyed + len(named & _stems(fact.topic))) + len(named & _stems(fact.fact))


_HOW = re.compile(r"^(?:how|what|which|when|where|is|are|do|does)\b")  # "how quickly" names no fact


def _longest(ask: str, fact: HiddenFact, asked_by: list[str]) -> int:
    """The most words of one of the fact's keywords, or of the phrases candidates ask for its topic
    with (`asked_by`), that the ask names (a count asked, "how many", aside)."""
    low, about = _norm(ask), _about(fact)
    return max((len(k.split()) for k in [*fact.keywords, *asked_by]
                if not _HOW.match(_norm(k)) and _phrase(k, low, about)), default=0)


def shared_stems(problem: Problem) -> set[str]:
    """Words in SHARED or more of the problem's facts: they name the problem, not one fact."""
    counts: dict[str, int] = {}
    for f in problem.hidden_facts:
        for w in _stems(f"{f.topic} {f.fact}"):
            counts[w] = counts.get(w, 0) + 1
    return {w for w, n in counts.items() if n >= SHARED}


def answer_to(text: str, problem: Problem, topics: dict[str, list[str]] | None = None,
              told: frozenset[str] = frozenset()) -> tuple[list[HiddenFact], list[str]]:
    """The facts the asks name (per ask the best, ties kept) and the asks no fact answers; at most
    MAX_FACTS not `told` before (one already given is not read again, so it takes no room)."""
    found: list[HiddenFact] = []
    unanswered: list[str] = []
    shared = shared_stems(problem)
    for ask in asks(text):
        scored = [(score(ask, f, shared, topics), f) for f in problem.hidden_facts]
        top = max((s for s, _ in scored), default=0)
        if top < MATCH_AT:
            unanswered.append(ask)
            continue
        # the best, and a close second that the ask names strongly too ("judge search: clicks, GMV?")
        best = [f for s, f in scored if s == top or (s >= top - 1 and s >= STRONG)]
        if top < STRONG and len(best) > 1:  # a weak tie: the fact named by the longer phrase ("new users" over
            span = {f.id: _longest(ask, f, (topics or {}).get(f.topic, [])) for f in best}  # "users")
            if max(span.values()) > 1:  # only a phrase of two words or more settles it
                best = [f for f in best if span[f.id] == max(span.values())]
        if top < STRONG and len(best) > 1:  # ... then the one the ask's words are most about
            named = _stems(ask) - shared
            most = max(len(named & _about(f)) for f in best)
            best = [f for f in best if len(named & _about(f)) == most]
        found += [f for f in best if f not in found]
    fresh = [f for f in found if f.id not in told][:MAX_FACTS]
    return [f for f in found if f.id in told or f in fresh], unanswered


# "Given that latency budget, what does the merchant see?" builds on a fact; it does not ask for it again
_BUILDS_ON = re.compile(r"\b(?:given|with|using|under|within|for) (?:that|this|those|these|the same)\b", re.IGNORECASE)


def asked_again(text: str, problem: Problem, topics: dict[str, list[str]] | None, told: frozenset[str],
                skip: list[str]) -> list[HiddenFact]:
    """The facts already told that an ask (not one of `skip`) names strongly: asked for again."""
    shared = shared_stems(problem)
    out: list[HiddenFact] = []
    for a in asks(text):
        if a in skip or not a.rstrip().endswith("?") or _BUILDS_ON.search(a):
            continue
        scored = [(score(a, f, shared, topics), f) for f in problem.hidden_facts]
        top = max(s for s, _ in scored)
        named = _stems(a) - shared  # the ask names what the fact is about, not only a count or a day
        out += [f for s, f in scored if s == top >= STRONG and f.id in told and f not in out
                and named & _stems(f"{f.topic} {f.fact}")]
    return out


def facts_for(text: str, problem: Problem, topics: dict[str, list[str]] | None = None,
              told: frozenset[str] = frozenset()) -> list[HiddenFact]:
    return answer_to(text, problem, topics, told)[0]
