"""The whiteboard: a system diagram drawn as Mermaid flowchart text, read as a graph and graded.

`parse` turns the text into a `Diagram` (or a `DiagramError` at a line); `facts` turns it into
lines the grader cites like sentences; `check` runs the deterministic lifecycle checks; `summary`
is the interviewer's short note; `replace_blocks_with_facts` does the same for a pasted write-up.
"""

from __future__ import annotations

from interviewer.diagram.checks import Checks, check
from interviewer.diagram.facts import facts, summary
from interviewer.diagram.mermaid import Diagram, DiagramError, Edge, Node, parse
from interviewer.diagram.writeup import mermaid_blocks, replace_blocks_with_facts

__all__ = ["Checks", "Diagram", "DiagramError", "Edge", "Node", "check", "facts", "mermaid_blocks", "parse",
           "replace_blocks_with_facts", "summary"]
