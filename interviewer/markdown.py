"""Markdown structure by line, read with markdown-it (CommonMark): fenced blocks and headings.

The grader reads a write-up line by line (sections, sentences, diagrams); markdown-it says which
lines are a fence or a heading, so a `#` inside a code block is not a heading and a fence closes
where CommonMark closes it. Headings are the `#` kind only: a paragraph over a `---` line is a
setext heading to CommonMark, but in a write-up that line is a separator, and the paragraph is
text to grade. A line that is only bold text (`**Modeling**`) is not a markdown heading, but
write-ups use it as one, so a paragraph line of that shape counts as a heading too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

_BOLD_LINE = re.compile(r"^\s*\*\*([^*\n]{2,80})\*\*:?\s*$")
_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Fence:
    start: int  # the opening fence's line, 0-based
    end: int  # the line after the closing fence (or after the text, when it is never closed)
    info: str  # the info string's first word, lower case: "mermaid", "python", ""
    content: str


@dataclass(frozen=True)
class Heading:
    start: int  # its line, 0-based
    end: int  # the line after it
    title: str


def lines(text: str) -> list[str]:
    """The lines as markdown-it numbers them (its maps index this list)."""
    return _NEWLINE.split(text)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark")


def _tokens(text: str) -> list[Token]:
    return _parser().parse(text)


def fences(text: str) -> list[Fence]:
    """Every fenced code block, in order."""
    out = []
    for tok in _tokens(text):
        if tok.type == "fence" and tok.map:
            word = tok.info.strip().split()[0].lower() if tok.info.strip() else ""
            out.append(Fence(tok.map[0], tok.map[1], word, tok.content))
    return out


def headings(text: str) -> list[Heading]:
    """Every `#` heading with a title and every paragraph line that is only bold text, in order."""
    text_lines = lines(text)
    out = []
    tokens = _tokens(text)
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.map and tok.markup.startswith("#") and tokens[i + 1].content.strip():
            out.append(Heading(tok.map[0], tok.map[1], tokens[i + 1].content.strip()))
        elif tok.type == "paragraph_open" and tok.map:
            for n in range(tok.map[0], min(tok.map[1], len(text_lines))):
                if m := _BOLD_LINE.match(text_lines[n]):
                    out.append(Heading(n, n + 1, m[1].strip()))
    return sorted(out, key=lambda h: h.start)


def fenced_lines(text: str) -> set[int]:
    """The 0-based lines that belong to a fenced block, its fences included."""
    return {n for f in fences(text) for n in range(f.start, f.end)}
