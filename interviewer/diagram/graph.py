"""The whiteboard's graph: boxes, arrows and groups, and the plain text grading reads from them.

Labels keep what was typed (`label`, possibly with HTML); `text` is plain text (tags dropped,
entities decoded) for grading, and every renderer escapes it again, so a label stays inert.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

MAX_CHARS, MAX_NODES, MAX_EDGES = 20_000, 200, 400
_TAG = re.compile(r"</?[A-Za-z!?][^<>]*>")
_CODE = re.compile(r"#(\w{1,10});")  # Mermaid's own entity codes: #quot; #35;


def plain(label: str) -> str:
    """A label as plain text: Mermaid codes and HTML entities decoded, tags dropped, spaces folded."""
    label = _CODE.sub(lambda m: f"&#{m[1]};" if m[1].isdigit() else f"&{m[1]};", label)
    label = _TAG.sub(" ", html.unescape(_TAG.sub(" ", label)))
    return " ".join(label.split())


class DiagramError(ValueError):
    """A diagram we cannot read; `line` is 1-based and the message starts with it."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class Node:
    id: str
    label: str  # as typed, possibly with HTML; never render it unescaped
    subgraph: str | None = None
    shape: str = "[]"  # the brackets it was drawn with: "{}" a decision, "(())" a circle, "[()]" a database

    @property
    def text(self) -> str:
        return plain(self.label) or self.id


@dataclass(frozen=True)
class Edge:
    src: str
    dst: str
    label: str = ""

    @property
    def text(self) -> str:
        return plain(self.label)


@dataclass(frozen=True)
class Diagram:
    direction: str
    nodes: dict[str, Node]
    edges: list[Edge]
    subgraphs: dict[str, str]  # id -> title as typed

    def text(self, ref: str) -> str:
        """What a box (or a subgraph used as an arrow's end) says, in plain text."""
        if ref in self.nodes:
            return self.nodes[ref].text
        return plain(self.subgraphs.get(ref, ref)) or ref

    def node_fact(self, ref: str) -> str:
        return f"Node: {self.text(ref)}"

    def edge_fact(self, e: Edge) -> str:
        return f"Edge: {self.text(e.src)} → {self.text(e.dst)}" + (f" ({e.text})" if e.text else "")

    def group_fact(self, sid: str) -> str:
        members = ", ".join(n.text for n in self.nodes.values() if n.subgraph == sid)
        return f"Group: {self.text(sid)} contains {members or 'nothing'}"
