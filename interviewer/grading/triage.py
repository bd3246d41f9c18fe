"""Cheap checks before any LLM call: empty, gibberish, off-topic, and instructions aimed at us.

Text that fails them scores the minimum without spending a call; instructions to the grader
are cut out of what the model sees and reported on the scorecard as a manipulation attempt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from interviewer.grading.scorecard import InputStatus

# Words any ML design answer uses; two distinct ones are enough to be on topic.
DOMAIN_TERMS = frozenset("""
model models data dataset datasets feature features label labels labeled training train trained
predict prediction predictions inference latency metric metrics precision recall auc ndcg ctr
accuracy baseline ranking rank ranker classifier classification regression embedding embeddings
user users item items click clicks recommend recommendation recommendations score scoring
loss offline online a/b experiment monitoring drift retrain retraining pipeline serving deploy
cache sample samples sampling bias fraud spam search query queries candidate candidates
retrieval objective business revenue engagement conversion qps throughput batch real-time
gradient boosting xgboost neural network transformer logistic tree trees cold-start
evaluation evaluate validation test holdout system design scale signal signals
""".split())

INJECTION_PATTERNS = [
    r"ignore (?:all |any |the |your |previous |prior |above |earlier )*(?:instructions|rubric|rules|criteria|prompt)",
    r"disregard (?:all |any |the |your |previous |prior |above )*(?:instructions|rubric|rules|criteria)",
    r"(?:give|award|grant|assign) (?:me|this|the candidate|this answer|this candidate)? ?(?:full|maximum|max|perfect|top|all the) (?:marks|score|points|credit)",
    r"\bfull marks\b",
    r"(?:mark|rate|grade|score) (?:all|every|each) (?:flags?|criteria|phases?)",
    r"(?:mark|rate|grade|score) (?:this|me|it) (?:as )?(?:a )?(?:4|four|strong hire|perfect|excellent)",
    r"\b(?:you are|you're) (?:now|no longer) ",
    r"\bnew instructions?\b",
    r"\b(?:system|developer) (?:prompt|message|override)\b",
    r"<\|im_(?:start|end)\|>|\[/?INST\]|<\|(?:system|assistant|user)\|>",
    r"\bas (?:the|an?) (?:grader|evaluator|judge)\b.{0,40}\b(?:must|should|will)\b",
    r"\bstrong hire\b.{0,30}\b(?:regardless|no matter)\b",
]
_INJECTION = re.compile("|".join(f"(?:{p})" for p in INJECTION_PATTERNS), re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]+|\n|$)")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'/-]*")
_VOWEL = re.compile(r"[aeiouy]", re.IGNORECASE)


@dataclass
class Triage:
    status: InputStatus
    clean_text: str
    manipulation: list[str] = field(default_factory=list)
    reason: str = ""


REMOVED = "[removed: instruction addressed to the grader]"  # what stands where an injection was cut

def find_injections(text: str) -> tuple[str, list[str]]:
    """Remove sentences (and HTML comments) that instruct the grader; return text and removals."""
    removed: list[str] = []

    def cut(match: re.Match[str]) -> str:
        chunk = match.group(0)
        if _INJECTION.search(chunk):
            removed.append(" ".join(chunk.split()))
            return REMOVED + ("\n" if chunk.endswith("\n") else " ")
        return chunk

    text = _HTML_COMMENT.sub(cut, text)
    text = _SENTENCE.sub(cut, text)
    return text, removed


def _wordlike(token: str) -> bool:
    t = token.lower()
    return 1 < len(t) <= 20 and bool(_VOWEL.search(t)) and not re.search(r"(.)\1\1", t)


def triage(text: str, extra_terms: set[str] | None = None) -> Triage:
    """Decide whether `text` is worth grading, and what the grader model may see of it."""
    if not text or not text.strip():
        return Triage("empty", "", reason="the answer is empty")
    clean, removed = find_injections(text)
    tokens = _TOKEN.findall(clean)
    if not tokens:
        return Triage("gibberish", clean, removed, "the answer has no words")
    wordlike = sum(_wordlike(t) for t in tokens) / len(tokens)
    long_text = len(tokens) >= 40
    if wordlike < 0.6 or (long_text and len({t.lower() for t in tokens}) / len(tokens) < 0.08):
        return Triage("gibberish", clean, removed, "the answer is not readable text")
    terms = DOMAIN_TERMS | (extra_terms or set())
    lowered = {t.lower() for t in tokens}
    if len(lowered & terms) < (1 if len(tokens) < 12 else 2):
        return Triage("off_topic", clean, removed, "the answer does not discuss the ML system")
    return Triage("ok", clean, removed)
