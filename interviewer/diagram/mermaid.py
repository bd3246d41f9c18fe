"""The whiteboard's Mermaid flowchart text, parsed into a graph in pure Python (regexes only).

A candidate draws the system as Mermaid `graph`/`flowchart` text; grading and the interviewer read
the graph, never the raw text. Every input gives a `Diagram` or a `DiagramError` that names the
line and what is wrong, so a typo on the whiteboard is shown where it is and never crashes a turn.
Labels keep what was typed (`label`); `text` is the plain text grading reads (tags stripped,
entities unescaped), and anything rendered escapes it again, so HTML in a label stays inert.
"""

from __future__ import annotations

import re
from dataclasses import replace

from interviewer.diagram.graph import MAX_CHARS, MAX_EDGES, MAX_NODES, Diagram, DiagramError, Edge, Node, plain

__all__ = ["MAX_CHARS", "MAX_EDGES", "MAX_NODES", "Diagram", "DiagramError", "Edge", "Node", "parse", "plain"]

DIRECTIONS = ("TD", "TB", "LR", "RL", "BT")
_OTHER_KINDS = ("sequencediagram", "classdiagram", "statediagram", "erdiagram", "gantt", "pie", "journey",
                "gitgraph", "mindmap", "timeline", "quadrantchart", "requirementdiagram", "c4context", "block")
_ID = re.compile(r"\s*(\w+(?:-\w+)*)")
_CLASS = re.compile(r":::[\w-]+")
_AMP = re.compile(r"\s*&")
_ENTITY = re.compile(r"[&#]\w{1,10}$")
_HEAD = r"(?:>|[ox](?!\w))"
_LINK = re.compile(rf"\s*(?P<lt><)?(?P<arrow>-{{2,}}{_HEAD}|-{{3,}}|-\.+-{_HEAD}?|={{2,}}{_HEAD}|={{3,}}|~{{3,}})"
                   r"(?:\s*\|(?P<text>[^|]*)\|)?")
_TEXT_LINK = re.compile(rf"\s*(?P<lt><)?(?:--|-\.|==)(?![->=])\s*(?P<text>[^|]+?)\s*"
                        rf"(?P<arrow>-{{2,}}{_HEAD}|-{{3,}}|\.-+{_HEAD}?|={{2,}}{_HEAD}|={{3,}})")
_SHAPES: list[tuple[str, tuple[str, ...]]] = [
    ("(((", (")))",)), ("([", ("])",)), ("[(", (")]",)), ("[[", ("]]",)), ("((", ("))",)), ("{{", ("}}",)),
    ("[/", ("/]", "\\]")), ("[\\", ("\\]", "/]")), ("[", ("]",)), ("(", (")",)), ("{", ("}",)), (">", ("]",)),
]
_SUBGRAPH = re.compile(r"(\w+(?:-\w+)*)\s*\[\s*(.*?)\s*\]")
_IGNORED = re.compile(r"(?:classDef|class|style|click|linkStyle|accTitle|accDescr|direction)(?:\s|:)")


def _statements(line: str) -> list[str]:
    """A line split on ';' outside quotes, brackets, |arrow text| and entities (`&lt;`, `#quot;`);
    a '%%' comment is dropped."""
    out: list[str] = []
    cur, quoted, piped, depth = "", False, False, 0
    for i, c in enumerate(line):
        if c == '"':
            quoted = not quoted
        elif not quoted and not depth and c == "|":
            piped = not piped
        elif not quoted and c in "[({":
            depth += 1
        elif not quoted and c in "])}":
            depth = max(depth - 1, 0)
        elif not (quoted or piped or depth) and c == ";" and not _ENTITY.search(cur):
            out, cur = [*out, cur], ""
            continue
        elif not quoted and line.startswith("%%", i):
            break
        cur += c
    return [s.strip() for s in [*out, cur] if s.strip()]


class _Parser:
    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.edges: list[Edge] = []
        self.subgraphs: dict[str, str] = {}
        self.stack: list[tuple[str, int]] = []  # open subgraphs: (id, line)

    def node(self, nid: str, label: str | None, line: int, shape: str = "[]") -> None:
        sub = self.stack[-1][0] if self.stack else None
        old = self.nodes.get(nid)
        if old is None:
            if len(self.nodes) >= MAX_NODES:
                raise DiagramError(line, f"more than {MAX_NODES} boxes; keep the whiteboard to the main components")
            self.nodes[nid] = Node(nid, nid if label is None else label, sub, shape)
        elif label is not None or (sub and old.subgraph is None):
            self.nodes[nid] = replace(old, label=old.label if label is None else label, subgraph=old.subgraph or sub,
                                      shape=old.shape if label is None else shape)

    def shape(self, s: str, i: int, nid: str, line: int) -> tuple[str | None, int, str]:
        """The label of the shape that starts at s[i], if any, where it ends, and the shape's
        brackets (opener + closer, "{}" for a decision), so the page draws it as Mermaid would."""
        for opener, closers in _SHAPES:
            if not s.startswith(opener, i):
                continue
            j, snippet = i + len(opener), f"{nid}{s[i:i + 60].rstrip()}"
            label = None
            if s.startswith('"', q := len(s) - len(s[j:].lstrip())):  # a quoted label may hold any bracket
                if (k := s.find('"', q + 1)) < 0:
                    raise DiagramError(line, f"unclosed '\"' in node '{snippet}'")
                label, end = s[q + 1:k], len(s) - len(s[k + 1:].lstrip())
                found = [(end, c) for c in closers if s.startswith(c, end)]
            else:
                found = [(k, c) for c in closers if (k := s.find(c, j)) >= 0]
            if not found:
                raise DiagramError(line, f"unclosed '{opener}' in node '{snippet}'")
            k, close = min(found)
            return (s[j:k].strip() if label is None else label), k + len(close), opener + close
        return None, i, "[]"

    def group(self, s: str, i: int, line: int, after: str) -> tuple[int, list[str]]:
        """`A`, `A[label]` or `A & B[label] & C` starting at s[i]: the ids and where they end."""
        ids: list[str] = []
        while True:
            m = _ID.match(s, i)
            if not m:
                got = s[i:].strip()[:40]
                raise DiagramError(line, f"expected a node {after}, got '{got}'" if got else f"nothing {after}")
            nid = m[1]
            label, i, shape = self.shape(s, m.end(), nid, line)
            if c := _CLASS.match(s, i):
                i = c.end()
            self.node(nid, label, line, shape)
            ids.append(nid)
            if not (amp := _AMP.match(s, i)):
                return i, ids
            i, after = amp.end(), "after '&'"

    def chain(self, s: str, line: int) -> None:
        """A statement of nodes joined by arrows: `A --> B -- text --> C & D`."""
        i, left = self.group(s, 0, line, "at the start")
        while s[i:].strip():
            m = _LINK.match(s, i) or _TEXT_LINK.match(s, i)
            if not m:
                got = s[i:].strip()[:40]
                raise DiagramError(line, f"expected an arrow such as '-->' after '{left[-1]}', got '{got}'")
            arrow, text, i = m["arrow"], m["text"] or "", m.end()
            if s[i:].lstrip().startswith("|"):
                raise DiagramError(line, f"unclosed '|' in the label of arrow '{arrow}'")
            if not s[i:].strip():
                raise DiagramError(line, f"arrow '{arrow}' after '{left[-1]}' has no target node")
            i, right = self.group(s, i, line, f"after '{arrow}'")
            for a, b in [(a, b) for a in left for b in right] if not arrow.startswith("~") else []:  # ~~~: layout
                self.edge(Edge(a, b, text.strip().strip('"')), line)
                if m["lt"]:  # <--> draws both ways
                    self.edge(Edge(b, a, text.strip().strip('"')), line)
            left = right

    def edge(self, e: Edge, line: int) -> None:
        if len(self.edges) >= MAX_EDGES:
            raise DiagramError(line, f"more than {MAX_EDGES} arrows; keep the whiteboard to the main flows")
        self.edges.append(e)

    def statement(self, s: str, line: int) -> None:
        if s == "end":
            if not self.stack:
                raise DiagramError(line, "'end' without an open subgraph")
            self.stack.pop()
        elif re.match(r"subgraph\b", s):
            rest = s[len("subgraph"):].strip()
            if not rest:
                raise DiagramError(line, "subgraph needs a name: 'subgraph training [Offline training]'")
            m = _SUBGRAPH.fullmatch(rest)
            if not m and "[" in rest:
                raise DiagramError(line, f"unclosed '[' in 'subgraph {rest[:40]}'")
            sid, title = (m[1], m[2].strip('"')) if m else (rest.strip('"'),) * 2
            self.subgraphs[sid] = title
            self.stack.append((sid, line))
        elif not (_IGNORED.match(s) and not _LINK.search(s)):  # a box named 'click' may still have arrows
            self.chain(s, line)


def _header(s: str, line: int) -> str:
    m = re.fullmatch(r"(?:graph|flowchart)(?:\s+(\S+))?", s, re.I)
    word = s.split()[0]
    if not m:
        if word.lower().startswith(_OTHER_KINDS):
            kind = f"'{word[:30]}' is another kind of diagram"
            raise DiagramError(line, f"only flowcharts are read ('flowchart LR' or 'graph TD'); {kind}")
        raise DiagramError(line, f"a diagram starts with 'flowchart LR' or 'graph TD', not '{s[:40]}'")
    direction = (m[1] or "TD").upper()
    if direction not in DIRECTIONS:
        raise DiagramError(line, f"unknown direction '{m[1][:20]}'; use one of {', '.join(DIRECTIONS)}")
    return direction


def parse(text: str) -> Diagram:
    """The flowchart in `text`, or a DiagramError naming the first line that cannot be read."""
    if len(text) > MAX_CHARS:
        raise DiagramError(text[:MAX_CHARS].count("\n") + 1,
                           f"the diagram is {len(text):,} characters; the limit is {MAX_CHARS:,}")
    lines = text.splitlines()
    front = bool(lines) and lines[0].strip() == "---"  # YAML front matter (a title or config)
    start = next((k + 1 for k in range(1, len(lines)) if lines[k].strip() == "---"), 0) if front else 0
    if front and not start:
        raise DiagramError(1, "front matter opened with '---' is never closed")
    p, direction = _Parser(), ""
    for n in range(start, len(lines)):
        for s in _statements(lines[n]):
            if direction:
                p.statement(s, n + 1)
            else:
                direction = _header(s, n + 1)
    if not direction:
        raise DiagramError(max(len(lines), 1), "empty diagram: start with 'flowchart LR' and one arrow per line")
    if p.stack:
        sid, line = p.stack[-1]
        raise DiagramError(line, f"subgraph '{sid}' is never closed with 'end'")
    nodes = {k: v for k, v in p.nodes.items() if not (k in p.subgraphs and v.label == k)}
    return Diagram(direction, nodes, p.edges, p.subgraphs)
