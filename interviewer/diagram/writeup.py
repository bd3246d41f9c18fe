"""Diagrams inside a pasted write-up: ```mermaid blocks are read like the whiteboard.

The grader only reads sentences, and the sentence splitter drops code fences, so a diagram in a
write-up would be lost; instead each block is swapped for its facts as plain lines, which the
splitter numbers and the grader cites like any other sentence. A block that does not parse is
replaced by a marker that says why, so the candidate sees it was not read.
"""

from __future__ import annotations

from interviewer.diagram.facts import facts
from interviewer.diagram.mermaid import DiagramError, parse
from interviewer.markdown import fences


def mermaid_blocks(markdown: str) -> list[tuple[int, str]]:
    """The ```mermaid blocks of a write-up: (1-based line of the opening fence, the diagram text)."""
    return [(f.start + 1, f.content) for f in fences(markdown) if f.info == "mermaid"]


def replace_blocks_with_facts(markdown: str) -> str:
    """The write-up with each mermaid block replaced by its facts, one plain line each (indented
    like the fence, so a block inside a list item stays there); an unreadable block becomes
    `[diagram at line N not read: line K: why]`, K counted from the diagram's first line."""
    lines = markdown.splitlines()
    for block in reversed(fences(markdown)):
        if block.info != "mermaid":
            continue
        start = block.start
        fence = lines[start] if start < len(lines) else ""
        indent = fence[: len(fence) - len(fence.lstrip())]
        try:
            new = facts(parse(block.content)) or [f"[diagram at line {start + 1} is empty]"]
        except DiagramError as e:
            new = [f"[diagram at line {start + 1} not read: {e}]"]
        lines[start:block.end] = [indent + line for line in new]
    return "\n".join(lines) + ("\n" if markdown.endswith("\n") else "")
