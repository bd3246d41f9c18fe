"""Quote verification: no grade may cite words the candidate did not write.

A quote is accepted when, after normalising case, white space, typographic quotes and dashes,
and punctuation, its words appear in the candidate's text either
  - verbatim (as a contiguous run of words), or
  - as a window of the same number of words that differs in at most one word in ten
    (the documented fuzz: small models drop an article or change a plural).
Quotes with "..." are checked fragment by fragment, in order. A quote must have at least two
words. The accepted quote is returned as the candidate's own words, never the model's copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from rapidfuzz.distance import Indel

FUZZ = 0.1  # at most one word in ten may differ
ALIGN = 0.9  # word-level indel similarity (rapidfuzz) for quotes with a word inserted or dropped
MIN_WORDS = 2

_TRANSLATE = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                            "\u2013": "-", "\u2014": "-", "\u00a0": " "})
_WORD = re.compile(r"[\w'%$.+/-]+")


@dataclass(frozen=True)
class Segment:
    """A piece of candidate text with where it came from ("turn 3", "section 'Modeling'")."""

    where: str
    text: str


@dataclass(frozen=True)
class Match:
    quote: str  # the candidate's own words
    where: str


def _words(text: str) -> list[tuple[str, int, int]]:
    """Normalised words with their character spans in the original text."""
    text = text.translate(_TRANSLATE)
    out = []
    for m in _WORD.finditer(text):
        word = m.group().lower().strip(".'/-+")
        if word:
            out.append((word, m.start(), m.end()))
    return out


def _find(fragment: list[str], words: list[str], start: int) -> tuple[int, int] | None:
    n = len(fragment)
    if n == 0 or n > len(words):
        return None
    for i in range(start, len(words) - n + 1):
        if words[i : i + n] == fragment:
            return i, i + n
    allowed = int(n * FUZZ)
    if allowed == 0:
        return _align(fragment, words, start) if n >= 4 else None
    best: tuple[float, int] | None = None
    for i in range(start, len(words) - n + 1):
        window = words[i : i + n]
        diff = sum(a != b for a, b in zip(window, fragment, strict=True))
        if diff <= allowed:
            ratio = SequenceMatcher(None, window, fragment).ratio()
            if best is None or ratio > best[0]:
                best = (ratio, i)
    return (best[1], best[1] + n) if best else _align(fragment, words, start)


def _align(fragment: list[str], words: list[str], start: int) -> tuple[int, int] | None:
    """A near-verbatim run with a word or two inserted or dropped: word-level indel similarity."""
    n = len(fragment)
    best: tuple[float, int, int] | None = None
    for size in range(max(MIN_WORDS, n - 2), n + 3):
        for i in range(start, len(words) - size + 1):
            sim = Indel.normalized_similarity(fragment, words[i : i + size])
            if sim >= ALIGN and (best is None or sim > best[0]):
                best = (sim, i, i + size)
    return (best[1], best[2]) if best else None


def locate(quote: str, segments: list[Segment]) -> Match | None:
    """Find `quote` in one segment; return the candidate's original span, or None."""
    fragments = [[w for w, _, _ in _words(part)] for part in re.split(r"\.\.\.|\u2026", quote)]
    fragments = [f for f in fragments if f]
    if sum(len(f) for f in fragments) < MIN_WORDS:
        return None
    for seg in segments:
        spans = _words(seg.text)
        words = [w for w, _, _ in spans]
        pos, first, last = 0, None, None
        for frag in fragments:
            found = _find(frag, words, pos)
            if found is None:
                break
            first = found[0] if first is None else first
            last, pos = found[1], found[1]
        else:
            assert first is not None and last is not None
            original = seg.text[spans[first][1] : spans[last - 1][2]]
            return Match(quote=" ".join(original.split()), where=seg.where)
    return None
