"""Diagrams inside a pasted write-up: ```mermaid blocks are read like the whiteboard.

The grader only reads sentences, and the sentence splitter drops code fences, so a diagram in a
write-up would be lost; instead each block is swapped for its facts as plain lines, which the
splitter numbers and the grader cites like any other sentence. A block that does not parse is
replaced by a marker that says why, so the candidate sees it was not read.
"""

from __future__ import annotations

import re

from interviewer.diagram.facts import facts
from interviewer.diagram.mermaid import DiagramError, parse

_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([^`\s]*)")


def _fences(markdown: str) -> list[tuple[int, int, str, str]]:
    """(first line, end line exclusive, info word, content) of every fenced block, 0-based."""
    try:
        from markdown_it import MarkdownIt  # already in the venv (rich needs it); a regex otherwise
    except ImportError:
        return _scan(markdown)
    out = []
    for tok in MarkdownIt("commonmark").parse(markdown):
        if tok.type == "fence" and tok.map:
            word = tok.info.strip().split()[0].lower() if tok.info.strip() else ""
            out.append((tok.map[0], tok.map[1], word, tok.content))
    return out


def _scan(markdown: str) -> list[tuple[int, int, str, str]]:
    """The same without markdown-it: a fence closes on the same character, at least as long."""
    lines, out, k = markdown.splitlines(), [], 0
    while k < len(lines):
        m = _FENCE.match(lines[k])
        if not m:
            k += 1
            continue
        mark, end = m[2], k + 1
        while end < len(lines) and not re.fullmatch(rf"\s*{re.escape(mark[0])}{{{len(mark)},}}\s*", lines[end]):
            end += 1
        body = "\n".join(lines[k + 1:end])
        out.append((k, min(end + 1, len(lines)), m[3].lower(), body + "\n" if body else ""))
        k = end + 1
    return out


def mermaid_blocks(markdown: str) -> list[tuple[int, str]]:
    """The ```mermaid blocks of a write-up: (1-based line of the opening fence, the diagram text)."""
    return [(start + 1, body) for start, _, word, body in _fences(markdown) if word == "mermaid"]


def replace_blocks_with_facts(markdown: str) -> str:
    """The write-up with each mermaid block replaced by its facts, one plain line each (indented
    like the fence, so a block inside a list item stays there); an unreadable block becomes
    `[diagram at line N not read: line K: why]`, K counted from the diagram's first line."""
    lines = markdown.splitlines()
    for start, end, word, body in reversed(_fences(markdown)):
        if word != "mermaid":
            continue
        fence = lines[start] if start < len(lines) else ""
        indent = fence[: len(fence) - len(fence.lstrip())]
        try:
            new = facts(parse(body)) or [f"[diagram at line {start + 1} is empty]"]
        except DiagramError as e:
            new = [f"[diagram at line {start + 1} not read: {e}]"]
        lines[start:end] = [indent + line for line in new]
    return "\n".join(lines) + ("\n" if markdown.endswith("\n") else "")
