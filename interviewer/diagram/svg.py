"""A plain SVG drawing of a diagram, made in code, for exports (the page draws with Mermaid).

Boxes go in layers by their longest path from a source (arrows that close a cycle, like a
feedback loop, are drawn back without moving anything); every label is escaped.
"""

from __future__ import annotations

import html

from interviewer.diagram.graph import Diagram

BOX_W, BOX_H, GAP_X, GAP_Y = 170, 44, 60, 28


def layers(d: Diagram) -> dict[str, int]:
    """Longest-path layer of each node, ignoring the arrows that close a cycle."""
    order = list(d.nodes)
    out: dict[str, list[str]] = {n: [] for n in order}
    for e in d.edges:
        if e.src in out and e.dst in out:
            out[e.src].append(e.dst)
    state: dict[str, int] = {}
    finished: list[str] = []
    back: set[tuple[str, str]] = set()

    def visit(n: str) -> None:  # iterative DFS: a 200-node chain must not hit the recursion limit
        stack = [(n, iter(out[n]))]
        state[n] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                finished.append(node)
                stack.pop()
            elif state.get(nxt) == 1:
                back.add((node, nxt))
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(out[nxt])))

    for n in order:
        if n not in state:
            visit(n)
    level = dict.fromkeys(order, 0)
    for n in reversed(finished):  # a topological order of the graph without back arrows
        for m in out[n]:
            if (n, m) not in back:
                level[m] = max(level[m], level[n] + 1)
    return level


def to_svg(d: Diagram) -> str:
    level = layers(d)
    rows: dict[int, list[str]] = {}
    for n in d.nodes:
        rows.setdefault(level[n], []).append(n)
    pos = {n: (20 + lv * (BOX_W + GAP_X), 20 + i * (BOX_H + GAP_Y))
           for lv, names in rows.items() for i, n in enumerate(names)}
    width = 40 + (max(rows, default=0) + 1) * (BOX_W + GAP_X)
    height = 40 + max((len(v) for v in rows.values()), default=1) * (BOX_H + GAP_Y)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
             '<defs><marker id="a" markerWidth="8" markerHeight="8" refX="7" refY="3" orient="auto">'
             '<path d="M0,0 L7,3 L0,6 z" fill="#555"/></marker></defs>']
    for e in d.edges:
        if e.src not in pos or e.dst not in pos:
            continue
        (x1, y1), (x2, y2) = pos[e.src], pos[e.dst]
        a: tuple[float, float] = (x1 + BOX_W, y1 + BOX_H / 2)
        b: tuple[float, float] = (x2, y2 + BOX_H / 2)
        if x2 <= x1:  # an arrow back (a feedback loop): from the bottom, around
            a, b = (x1 + BOX_W / 2, y1 + BOX_H), (x2 + BOX_W / 2, y2 + BOX_H)
        parts.append(f'<line x1="{a[0]:.0f}" y1="{a[1]:.0f}" x2="{b[0]:.0f}" y2="{b[1]:.0f}" stroke="#555" '
                     'marker-end="url(#a)"/>')
        if e.text:
            parts.append(f'<text x="{(a[0] + b[0]) / 2:.0f}" y="{(a[1] + b[1]) / 2 - 4:.0f}" text-anchor="middle" '
                         f'fill="#333">{html.escape(e.text[:40])}</text>')
    for n, (x, y) in pos.items():
        label = html.escape(d.text(n)[:28])
        parts.append(f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="#eef2ff" stroke="#4f46e5"/>'
                     f'<text x="{x + BOX_W / 2}" y="{y + BOX_H / 2 + 4}" text-anchor="middle">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)
