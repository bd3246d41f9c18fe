"""Reading the candidate's turn: a request about the conversation, or part of the answer?

Moving on, "I don't know" and ending are decisions about the conversation, not words inside a
design sentence: "I'm done with the baseline, next I'd add a GBDT" is an answer. So a request
is read from the whole short utterance. Once its cue phrase and filler words are taken away, a
request leaves almost nothing. When a few words are left ("let's do the serving part now"), the
rule is unsure; then one token decides: P(yes) from the same logprob scoring the grader uses. A
long utterance, or one with no cue, is an answer, and no LLM call is made. Ending is never
decided here alone: the graph asks the candidate to confirm first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from interviewer.grading.sentences import split

Intent = Literal["answer", "move_on", "dont_know", "end"]
# The judge answers "is this utterance that request?" with P(yes); None = no LLM available.
Judge = Callable[[str, Intent], float]

SURE_LEFT = 1  # content words left beside the cue: at most this many, the request is certain
UNSURE_LEFT = 5  # up to this many: ask the judge; more: the utterance is design talk
MAX_WORDS = 24  # a longer utterance is an answer, whatever it contains
JUDGE_AT = 0.5

_FILLER = set("""
a an the ok okay so well um uh hmm yeah yes yep sure right alright fine honestly frankly actually
really sorry thanks thank you please just i i'm im we we're us our me my it it's this that that's
here now think guess can could shall should would will maybe let's lets let to go i'll i'd one part with
""".split())

_CUES: dict[Intent, list[str]] = {
    "move_on": [
        r"move on(?: to the next (?:part|phase|section|topic|question|step|one))?",
        r"move forward",
        r"next (?:phase|section|topic|part|question|step|one)",
        r"skip (?:this|that|ahead|it)(?: part| one| question)?",
        r"go (?:on )?to the next (?:part|phase|section|topic|question|step|one)",
        r"keep going",
        r"carry on",
        r"proceed",
        r"what'?s next",
        r"what comes next",
        r"onward",
        r"(?:we'?ve|i'?ve|we have|i have) covered (?:this|that|it)(?: part)?(?: enough)?",
        r"next",
        r"(?:i'?m|i am) (?:happy|ready|good) to move on",
        r"(?:let'?s|can we|could we|shall we) (?:do|talk about|discuss|go to|switch to|get to) (?:the )?next",
        r"nothing (?:more|else) to add(?: here| on this)?",
        # a named phase: "skip ahead to modeling", "back to data and features" (the phase's words are
        # topics, so only a request naming one is sure)
        r"(?:go|come|jump|head|get|move|skip|switch|turn|circle) (?:back|ahead|forward|over|on)(?: to)?",
        r"(?:go|come|jump|head|get|move|skip|switch|turn) to",
        r"that'?s (?:it|all) (?:for|on) (?:this|that) (?:part|phase|section|topic)",
    ],
    "dont_know": [
        r"i (?:really )?(?:do not|don'?t|dont) know(?: (?:this|that|it))?(?: (?:one|part))?",
        r"not sure",
        r"(?:i'?m|i am) not sure",
        r"no idea",
        r"no clue",
        r"i(?: have|'ve) no idea",
        r"i (?:can'?t|cannot) (?:recall|remember)(?: (?:this|that|it))?",
        r"not (?:familiar|sure) with (?:this|that|it)",
        r"(?:i'?m|i am) not familiar with (?:this|that|it)",
        r"pass(?: on (?:this|that|it))?",
        r"beats me",
        r"i(?: have|'ve) never (?:done|worked on|seen) (?:this|that|it)",
        r"(?:i'?m|i am) (?:stuck|blanking)(?: here| on (?:this|that))?",
        r"i (?:really )?(?:don'?t|do not) have an answer(?: for (?:this|that))?",
        r"(?:that'?s|this is) (?:outside|beyond) (?:my|what i) (?:experience|know)",
        r"i'?d (?:have to|need to) (?:guess|look (?:it|that) up)",
        r"(?:i'?m|i am) drawing a blank",
        r"(?:i'?m|i am) unsure",
    ],
    "end": [
        r"end (?:the|this|our) (?:interview|session)(?: (?:now|here))?",
        r"(?:i'?m|i am|we'?re|we are) done(?: here| now| for today)?",
        r"(?:i'?m|i am|we'?re|we are) finished",
        r"finish (?:the|this) (?:interview|session)",
        r"that'?s (?:all|everything) (?:i have|from me|for me|for today)",
        r"(?:let'?s|we can|can we) (?:wrap up|stop|end|finish)(?: here| now| (?:the|this) interview| it here)?",
        r"wrap (?:it|this|things) up",
        r"i'?ll (?:stop|end|wrap up) (?:there|here)",
        r"(?:i think )?(?:that'?s|we'?re at|we'?re (?:about )?out of) (?:about |roughly |nearly )?(?:our |my |the )?"
        r"time(?:,? so)?",
        r"(?:i'?m|i am) (?:happy|ready|fine|good) to (?:wrap up|stop|end|finish)(?: (?:here|now|there))?"
        r"(?: unless (?:there'?s|you have) anything else)?",
        r"stop (?:the|this) (?:interview|session)",
        r"i(?: want| would like|'d like) to (?:stop|end|finish|quit)(?: (?:now|here|the interview))?",
        r"(?:i'?m|i am) out of time",
        r"(?:i have|i'?ve) to (?:go|leave|run)",
        r"(?:let'?s|can we) call it (?:a day|here)",
        r"no more questions?",
        r"that'?s (?:my|the whole) design",
        r"that'?s (?:everything|all) i (?:had|have|wanted to say)",
        r"quit",
        r"(?:give me|show me) (?:my|the) (?:score|scorecard|results?)",
    ],
}
# Words that make an utterance a narrative of the design ("after that we move on to ranking"):
# a request about the conversation does not sequence or justify.
_NARRATIVE = set("after then once when before because so if while since first finally later which where using by via"
                 .split())
_CUE_RE = {k: [re.compile(rf"\b{c}\b") for c in v] for k, v in _CUES.items()}
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
ORDER: tuple[Intent, ...] = ("end", "move_on", "dont_know")
QUESTIONS: dict[Intent, str] = {
    "move_on": "Is the candidate asking to move on to the next part of the interview?",
    "dont_know": "Is the candidate saying they do not know the answer?",
    "end": "Is the candidate asking to end the interview now?",
}


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[’`]", "'", text.lower()).replace("-", " ").split())


_REQUEST_START = re.compile(r"^(?:(?:ok(?:ay)?|so|with that|alright|right|now|then|good|great),? )*"
                            r"(?:let'?s|can we|could we|shall we|please)\b")


def read(text: str, topics: frozenset[str] = frozenset()) -> tuple[Intent, bool]:
    """The rule's reading: (intent, sure). Not sure means: ask the judge before acting on it.

    `topics` are words naming the interview's own phases ("high level design"): beside a cue they
    name where to go, not design content. A long answer may still end on a request of its own
    ("... Let's move on to deep dives."): such a last sentence moves on."""
    norm = _norm(text)
    words = _WORD.findall(norm)
    if not words:
        return "answer", True
    sentences = split(text)  # the package's one splitter, on the words as typed (it reads capitals)
    if len(sentences) > 1:  # an answer may end on a request of its own: "... Let's move on to deep dives."
        tail = sentences[-1]
        said = read(tail, topics)
        if _REQUEST_START.match(_norm(tail)) and said == ("move_on", True):
            return "move_on", True
        if said == ("end", True):  # "... I'm happy to wrap up here." (the graph confirms first)
            return "end", True
    if len(words) > MAX_WORDS:
        return "answer", True
    best: tuple[int, Intent] | None = None
    for kind in ORDER:
        rest = norm
        hit = False
        for cue in _CUE_RE[kind]:
            rest, n = cue.subn(" ", rest)
            hit = hit or n > 0
        if not hit:
            continue
        rest_words = _WORD.findall(rest)
        if _NARRATIVE & set(rest_words):
            continue
        left = [w for w in rest_words if w not in _FILLER and w not in topics]
        if best is None or len(left) < best[0]:
            best = (len(left), kind)
    if best is None or best[0] > UNSURE_LEFT:
        return "answer", True
    return best[1], best[0] <= SURE_LEFT


def classify(text: str, judge: Judge | None = None, topics: frozenset[str] = frozenset()) -> Intent:
    """The utterance's intent; an unsure rule asks the judge, and without one it is an answer."""
    kind, sure = read(text, topics)
    if sure or kind == "answer":
        return kind
    if judge is None:
        return "answer"
    return kind if judge(text, kind) >= JUDGE_AT else "answer"


_YES = re.compile(r"^(?:yes|yeah|yep|yup|sure|correct|right|please|ok|okay|confirm|do it|end it|go ahead|i'?m sure)\b")
_NO = re.compile(r"\b(?:no|nope|not yet|wait|continue|keep going|don'?t|hold on|actually)\b")


def topic_words(titles: list[str]) -> frozenset[str]:
    """The words of the phase titles, as `read` compares them."""
    return frozenset(w for title in titles for w in _WORD.findall(_norm(title)) if w not in ("and", "of"))


def confirms(text: str) -> bool:
    """After "shall I end the interview?": a short yes ends it; anything else carries on."""
    norm = _norm(text).strip(" .!")
    return len(norm.split()) <= 6 and bool(_YES.match(norm)) and not _NO.search(norm)


_LOOSE_STARTS = {"any", "roughly", "approximately"}  # "Any leftover noise is ..." is a statement
# "Roughly one to two thousand candidates per user." is an estimate, not a question
_ESTIMATE = re.compile(r"^\s*(?:roughly|approximately)\s+(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|a few|"
                       r"a couple|a hundred|a thousand|half|a third|a quarter)\b", re.IGNORECASE)
LOOSE_WORDS = 8  # ... unless short, with no "?": "Any latency constraints"
# "When the courier taps delivered, the duration is joined back." opens on a clause: a statement
_CLAUSE_FIRST = re.compile(r"^\s*(?:when|where|if)\b[^,?]{3,80},\s", re.IGNORECASE)
# "What I'm least confident about is the target." names a thing: a wh-word then its own subject, no "?"
_WH_SUBJECT = re.compile(r"^\s*(?:what|how|why|where|when|which)\s+(?:i|we|you|they|he|she|it|this|that)(?:'\w+)?\b",
                         re.IGNORECASE)
_QUESTION_START = re.compile(
    r"^\s*(?:how|what|who|which|where|when|why|is|are|do|does|did|can|could|should|will|would|may|"
    r"have|has|any|roughly|approximately)\b",
    re.IGNORECASE,
)


def questions(text: str) -> list[str]:
    """The candidate's questions: sentences ending in '?' or opening like a question."""
    parts = split(text)
    return [p.strip() for p in parts if p.strip().endswith("?") or (
        (m := _QUESTION_START.match(p)) and len(p) < 200 and not _CLAUSE_FIRST.match(p) and not _WH_SUBJECT.match(p)
        and not _ESTIMATE.match(p)
        and (m.group(0).strip().lower() not in _LOOSE_STARTS or len(p.split()) <= LOOSE_WORDS))]
