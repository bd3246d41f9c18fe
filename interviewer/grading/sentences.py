"""The one sentence splitter: candidate text becomes numbered sentences `[S1] … [Sn]`.

The grader cites evidence by sentence id from this closed set, so the quote on a scorecard is
always the candidate's own sentence. Markdown structure counts: every bullet, table row or
line is at least one sentence; headings and code fences (read by interviewer/markdown.py) are
labels, not evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviewer.grading.quotes import Segment
from interviewer.grading.triage import REMOVED
from interviewer.markdown import fenced_lines, headings, lines

MAX_CHARS = 400  # a "sentence" longer than this (a table row, a run-on line) is cut at a word
_MARKER = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+")
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_ABBREV = re.compile(r"(?:\b(?:e\.g|i\.e|vs|etc|approx|avg|incl|resp|cf|Fig|No|Dr|Mr|Ms)\.|\b[A-Z]\.)$")
_RULE = re.compile(r"^\s*(?:[-=*_|:]\s*){3,}$")


@dataclass(frozen=True)
class Sentence:
    sid: str  # "S12": what the grader cites
    text: str
    where: str  # the segment it came from: "turn 3", "section 'Modeling'"


def _clean(line: str) -> str:
    line = _MARKER.sub("", line)
    line = line.strip().strip("|").replace("|", " | ")
    line = re.sub(r"\*\*|__|`", "", line)
    return " ".join(line.split())


def _cut(text: str) -> list[str]:
    if len(text) <= MAX_CHARS:
        return [text]
    out, rest = [], text
    while len(rest) > MAX_CHARS:
        at = rest.rfind(" ", 0, MAX_CHARS)
        at = at if at > MAX_CHARS // 2 else MAX_CHARS
        out.append(rest[:at].strip())
        rest = rest[at:].strip()
    return out + ([rest] if rest else [])


def split(text: str) -> list[str]:
    """Sentences of one piece of text, in order; markdown headings, rules and fences are dropped."""
    out: list[str] = []
    labels = fenced_lines(text) | {n for h in headings(text) for n in range(h.start, h.end)}
    rows = [raw for n, row in enumerate(lines(text)) if n not in labels for raw in row.splitlines()]
    for raw in rows:
        if not raw.strip() or _RULE.match(raw):
            continue
        line = _clean(raw.replace(REMOVED, ""))  # where an injection was cut, nothing is left to grade
        if not re.search(r"\w", line):
            continue
        pieces: list[str] = []
        for piece in _BOUNDARY.split(line):
            if pieces and (_ABBREV.search(pieces[-1]) or len(piece.split()) < 2):
                pieces[-1] = f"{pieces[-1]} {piece}"  # "e.g. X" or a one-word tail stays with its sentence
            else:
                pieces.append(piece)
        for piece in pieces:
            out += _cut(piece)
    return out


def clauses(text: str) -> list[str]:
    """Sentences cut further after ';' and ':', where a request or a question may start mid-sentence
    ("That's the skeleton; I'll move on to data.")."""
    return [c.strip() for sentence in split(text) for c in re.split(r"(?<=[;:])\s+", sentence) if c.strip()]


def number(segments: list[Segment]) -> list[Sentence]:
    """Number every sentence of every segment once, in reading order."""
    out: list[Sentence] = []
    for seg in segments:
        for text in split(seg.text):
            out.append(Sentence(f"S{len(out) + 1}", text, seg.where))
    return out


def render(sentences: list[Sentence]) -> str:
    """The numbered text a grader reads, with a header line when the segment changes. The ids
    shown are local to this excerpt ([S1] is its first sentence), so an edit elsewhere in the
    text (a cut injection, an added paragraph) leaves the excerpt the model reads unchanged."""
    lines: list[str] = []
    where = None
    for i, s in enumerate(sentences, 1):
        if s.where != where:
            lines.append(f"({s.where})")
            where = s.where
        lines.append(f"[S{i}] {s.text}")
    return "\n".join(lines)
