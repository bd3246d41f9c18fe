"""Rendering a parsed diagram for a page: everything the candidate typed is escaped here.

Labels may hold HTML or script (pasted or typed); the page must show it as text, so every
renderer builds its output from plain `text`, escaped (`html.escape`, or the same escapes as
Mermaid codes inside a Mermaid label), never from the raw `label`.
"""

from __future__ import annotations

import html
import re

from interviewer.diagram.facts import facts
from interviewer.diagram.graph import Diagram

_MERMAID = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "#quot;", "'": "#39;", "#": "#35;", "|": "#124;"}


def _mermaid_label(text: str) -> str:
    """Text safe inside a quoted Mermaid label: HTML-escaped, quotes and '#', '|' as Mermaid codes."""
    return "".join(_MERMAID.get(c, c) for c in text)


def _shaped(shape: str, label: str) -> str:
    """A quoted label in the node's own brackets: `{Policy}` stays a diamond, `[(Store)]` a cylinder."""
    half = len(shape) // 2
    return f'{shape[:half]}"{label}"{shape[half:]}'


def to_html(d: Diagram) -> str:
    """The diagram's facts as an HTML list, for the scorecard or a preview panel."""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in facts(d))
    return f'<ul class="diagram-facts">{items}</ul>'


def to_mermaid(d: Diagram) -> str:
    """A clean Mermaid source of the parsed graph (for the page's Mermaid renderer): ids are
    the parsed ones, every label is quoted and escaped, and styling or click lines are gone."""
    lines = [f"flowchart {d.direction}"]
    lines += [f'  {n.id}{_shaped(n.shape, _mermaid_label(n.text))}' for n in d.nodes.values()]
    for k, sid in enumerate(d.subgraphs):  # members are declared above, in order, then placed
        members = [n.id for n in d.nodes.values() if n.subgraph == sid]
        if members:  # a group named by its title ("subgraph Online serving") gets a plain id
            gid = sid if re.fullmatch(r"\w+(?:-\w+)*", sid) else f"group{k + 1}"
            lines += [f'  subgraph {gid} ["{_mermaid_label(d.text(sid))}"]', *(f"    {m}" for m in members), "  end"]
        elif any(sid in (e.src, e.dst) for e in d.edges):  # an arrow ends at an empty group: draw it as a box
            lines.append(f'  {sid}["{_mermaid_label(d.text(sid))}"]')
    for e in d.edges:
        text = f'|"{_mermaid_label(e.text)}"|' if e.text else ""
        lines.append(f"  {e.src} -->{text} {e.dst}")
    return "\n".join(lines)
