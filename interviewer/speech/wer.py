"""Word error rate, for checking speech to text on answers whose words we know.

The normalisation is deliberately small, applied the same way to both sides, and only
removes differences of writing, not of words:
- lowercase; US and UK spellings are not merged (write references in US spelling);
- hyphens and apostrophes join (``PR-AUC`` -> ``prauc``, ``click-through`` -> ``clickthrough``), because
  Whisper writes a spelled acronym either hyphenated or run together;
- a letter split from its digits is joined (``p 99`` -> ``p99``);
- ``%`` becomes the word ``percent``; other punctuation is dropped (``200,000`` -> ``200000``,
  a decimal point stays).
Numbers are not converted between words and digits: write references as a person would
type them (Whisper writes ``200``, not ``two hundred``).

With `terms` (jargon whose spelling varies: ``PR-AUC``, ``XGBoost``, ``A/B test``), words next to
each other that together spell one of them are joined into one word (``pr auc`` -> ``prauc``,
``x g boost`` -> ``xgboost``, ``ab tests`` -> ``abtests``), on both sides alike; nothing else is joined.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_STEPS = [
    (re.compile(r"(?<=\w)-(?=\w)"), ""),
    (re.compile(r"['’]"), ""),  # it's -> its
    (re.compile(r"%"), " percent "),
    (re.compile(r"(?<=\d)[,.](?=\d{3}\b)"), ""),  # thousands separators
    (re.compile(r"(?<!\d)\.|\.(?!\d)"), " "),  # a full stop, not a decimal point
    (re.compile(r"[^\w\s.]"), " "),
    (re.compile(r"\b([a-z])\s+(\d+)\b"), r"\1\2"),
]


def _joined(words: list[str], terms: Iterable[str]) -> list[str]:
    """`words` with each run of 2-6 words that spells a term (letters and digits only, a plural 's'
    allowed) made one word."""
    keys = {re.sub(r"[\W_]+", "", t.lower()) for t in terms}
    out, i = [], 0
    while i < len(words):
        for j in range(min(len(words), i + 6), i + 1, -1):
            run = "".join(words[i:j])
            if run in keys or (run.endswith("s") and run[:-1] in keys):  # a plural too
                out.append("".join(words[i:j]))
                i = j
                break
        else:
            out.append(words[i])
            i += 1
    return out


def normalise(text: str, terms: Iterable[str] = ()) -> list[str]:
    """The words of `text` after the documented normalisation."""
    text = text.lower()
    for pattern, repl in _STEPS:
        text = pattern.sub(repl, text)
    return _joined(text.split(), terms) if terms else text.split()


def errors(reference: str, hypothesis: str, terms: Iterable[str] = ()) -> tuple[int, int]:
    """(substitutions + deletions + insertions, words in the reference), after normalisation."""
    terms = list(terms)
    ref, hyp = normalise(reference, terms), normalise(hypothesis, terms)
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1], len(ref)


def wer(reference: str, hypothesis: str, terms: Iterable[str] = ()) -> float:
    """(substitutions + deletions + insertions) / words in the reference, after normalisation."""
    wrong, words = errors(reference, hypothesis, terms)
    if not words:
        return 0.0 if not wrong else 1.0
    return wrong / words


# Five interview answers (10-30 words, technical words included) for the round trip
# Piper -> faster-whisper in tests/test_speech.py and benchmarks/speech.py.
ANSWERS: tuple[str, ...] = (
    "I would start with a logistic regression baseline on a few strong features, so we have a fast model "
    "to beat before trying anything deep.",
    "Positives are rare, so offline I would report PR-AUC instead of accuracy, and online I would watch the "
    "click-through rate.",
    "The ranking service must answer within a p99 latency of 200 milliseconds, so the heavy model only scores "
    "the top candidates.",
    "For cold start, new users see popular items in their region until we have enough clicks to personalize.",
    "I would monitor feature drift every day, retrain the model weekly, and roll back automatically if online "
    "metrics drop.",
)
