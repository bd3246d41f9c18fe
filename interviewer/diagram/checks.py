"""Deterministic checks of a whiteboard diagram, where the framework is explicit about the shape.

Boxes are classed by keywords in their plain text (`classes`); a box can be in several classes.
The rules, kept conservative so a pass is always explainable by the boxes and arrows it quotes:

- data_to_action: a directed path (one arrow or more) from a data box to an action box that goes
  through a model or serving box (either end may be that box: "Events → Online serving").
- feedback_loop: (1) a directed cycle through an action, serving or outcome box X and a training
  or data box Y (X ⇝ Y ⇝ X) that passes a training or model box: outcomes go back upstream of the
  model; or (2) an arrow into a training or data box whose label names feedback, labels, outcomes
  or retraining, or that leaves a box named feedback or outcomes.
- training_and_serving: a training box and a different serving box are both drawn.
- monitoring: a box, a group title or an arrow label names monitoring, alerts, dashboards or drift.

`---` arrows count in the order written (A --- B as A → B). Each check keeps the labels that prove
it (`paths`) and the fact lines to quote (`quotes`, the exact lines of `facts.facts`).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from interviewer.diagram.graph import Diagram


def _kw(*words: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(words) + r")\b", re.I)


CLASSES: dict[str, re.Pattern[str]] = {
    "data": _kw(r"events?", r"logs?", "logging", "data", r"datasets?", r"clicks?", "clickstream", r"transactions?",
                "warehouse", r"streams?", "streaming", "kafka", "kinesis", r"sources?", r"ingest\w*", "raw",
                "database", "db", "lake", r"impressions?", r"interactions?", r"signals?", r"sessions?", "history"),
    "action": _kw(r"serv(?:e|es|ed|ing|er)", r"rank(?:s|ed|ing)?", r"decisions?", r"block\w*", r"notif\w*",
                  r"recommend\w*", "api", r"responses?", "ui", "frontend", "app", "display", "show", r"feeds?",
                  r"review\w*", r"actions?", r"results?", "email", "push", r"approv\w*", r"declin\w*",
                  r"decid\w*", r"reject\w*", r"remov\w*", r"rout\w*", r"flag(?:s|ged|ging)?", r"hold"),
    "training": _kw(r"train\w*", "fit", "fitting", r"retrain\w*"),
    "serving": _kw(r"serv(?:e|es|ed|ing|er)", "inference", "online", r"endpoints?", r"predict\w*", r"deploy\w*"),
    "model": _kw(r"models?", r"classifiers?", r"rankers?", r"scor(?:er|ers|ing)", r"predictors?", r"networks?",
                 "gbdt", "xgboost", "llm", r"transformers?", "two-tower", r"embeddings?"),
    "monitoring": _kw(r"monitor\w*", r"alert\w*", r"dashboards?", "drift", "observability"),
    "outcome": _kw(r"label\w*", "feedback", r"outcomes?", r"clicks?", r"chargebacks?", r"user actions?",
                   r"conversions?", r"ratings?", r"reports?", r"appeals?", "engagement", r"purchases?"),
}
_FEEDBACK_LABEL = _kw("feedback", r"labels?", r"outcomes?", r"retrain\w*", "ground truth")
_FEEDBACK_BOX = _kw("feedback", r"outcomes?")
NAMES = ("data_to_action", "feedback_loop", "training_and_serving", "monitoring")
TITLES = {"data_to_action": "a path from data to an action", "feedback_loop": "outcomes fed back to training",
          "training_and_serving": "training and serving both drawn", "monitoring": "monitoring somewhere"}


def classes(text: str) -> frozenset[str]:
    """The keyword classes a box's plain text falls in."""
    return frozenset(name for name, rx in CLASSES.items() if rx.search(text))


@dataclass(frozen=True)
class Checks:
    data_to_action: bool
    feedback_loop: bool
    training_and_serving: bool
    monitoring: bool
    paths: dict[str, list[str]] = field(default_factory=dict)  # check -> the labels that prove it, in order
    quotes: dict[str, list[str]] = field(default_factory=dict)  # check -> the fact lines to quote

    def passed(self) -> dict[str, bool]:
        return {name: getattr(self, name) for name in NAMES}


Tree = dict[tuple[str, bool], tuple[str, bool] | None]


def _search(adj: dict[str, list[str]], sources: list[str], goal: Callable[[str, bool], bool],
            mark: Callable[[str], bool] = lambda n: False) -> list[str] | None:
    """The shortest path (one arrow or more) from a source to a goal, breadth first in source
    order; the flag says whether a node on the way was `mark`ed."""
    parent: Tree = {(s, mark(s)): None for s in sources}
    queue = deque(parent)
    while queue:
        state = queue.popleft()
        if parent[state] is not None and goal(*state):
            path: list[str] = []
            cur: tuple[str, bool] | None = state
            while cur is not None:
                path.append(cur[0])
                cur = parent[cur]
            return path[::-1]
        for nxt in adj.get(state[0], []):
            new = (nxt, state[1] or mark(nxt))
            if new not in parent:
                parent[new] = state
                queue.append(new)
    return None


def _edge_facts(d: Diagram, path: list[str]) -> list[str]:
    """The fact line of the first arrow between each consecutive pair of a path."""
    out: list[str] = []
    for a, b in zip(path, path[1:], strict=False):
        e = next(e for e in d.edges if e.src == a and e.dst == b)
        out.append(d.edge_fact(e))
    return out


def _quote(d: Diagram, ref: str) -> str:
    """The fact line that shows a box; a group used as an arrow's end is shown by that arrow."""
    if ref in d.nodes:
        return d.node_fact(ref)
    return next(d.edge_fact(e) for e in d.edges if ref in (e.src, e.dst))


def _tree(adj: dict[str, list[str]], root: str) -> dict[str, str | None]:
    """Breadth-first parents from `root`: every box it reaches, by a shortest path."""
    parent: dict[str, str | None] = {root: None}
    queue = deque([root])
    while queue:
        for nxt in adj.get(node := queue.popleft(), []):
            if nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return parent


def _walk(tree: dict[str, str | None], to: str) -> list[str]:
    path: list[str] = []
    cur: str | None = to
    while cur is not None:
        path.append(cur)
        cur = tree[cur]
    return path[::-1]


def _feedback(d: Diagram, adj: dict[str, list[str]], kind: dict[str, frozenset[str]]) -> tuple[list[str], list[str]]:
    """Rule (1), a cycle back upstream of the model, else rule (2), an arrow named as feedback."""
    trees = {r: _tree(adj, r) for r in kind}
    starts = [x for x in kind if kind[x] & {"action", "serving", "outcome"}]
    upstream = [y for y in kind if "training" in kind[y]]
    upstream += [y for y in kind if "data" in kind[y] and "training" not in kind[y]]
    for x in starts:
        for y in upstream:
            if y == x or y not in trees[x] or x not in trees[y]:
                continue
            back, fwd = _walk(trees[x], y), _walk(trees[y], x)
            if any(kind[n] & {"training", "model"} for n in back + fwd):
                return [d.text(n) for n in back], _edge_facts(d, back)
    for e in d.edges:
        named = _FEEDBACK_LABEL.search(e.text) or _FEEDBACK_BOX.search(d.text(e.src))
        if named and kind[e.dst] & {"training", "data"}:
            return [d.text(e.src), d.text(e.dst)], [d.edge_fact(e)]
    return [], []


def check(d: Diagram) -> Checks:
    """The four checks of one diagram, each with the labels and fact lines that prove it."""
    refs = list(d.nodes) + [r for e in d.edges for r in (e.src, e.dst) if r not in d.nodes]
    kind = {r: classes(d.text(r)) for r in dict.fromkeys(refs)}
    adj: dict[str, list[str]] = {}
    for e in d.edges:
        adj.setdefault(e.src, []).append(e.dst)
    paths: dict[str, list[str]] = {}
    quotes: dict[str, list[str]] = {}

    data = [r for r in kind if "data" in kind[r]]
    path = _search(adj, data, lambda n, f: f and "action" in kind[n], lambda n: bool(kind[n] & {"model", "serving"}))
    if path:
        paths["data_to_action"], quotes["data_to_action"] = [d.text(n) for n in path], _edge_facts(d, path)
    labels, facts = _feedback(d, adj, kind)
    if labels:
        paths["feedback_loop"], quotes["feedback_loop"] = labels, facts
    train = next((r for r in kind if "training" in kind[r]), None)
    serve = next((r for r in kind if "serving" in kind[r] and r != train), None)
    if train is not None and serve is not None:
        paths["training_and_serving"] = [d.text(train), d.text(serve)]
        quotes["training_and_serving"] = [_quote(d, train), _quote(d, serve)]
    mon = CLASSES["monitoring"]
    found: list[tuple[str, str]] = [(d.text(r), _quote(d, r)) for r in kind if "monitoring" in kind[r]]
    groups = {n.subgraph for n in d.nodes.values()}  # facts() lists only groups with boxes in them
    found += [(d.text(s), d.group_fact(s)) for s in d.subgraphs
              if s in groups and s not in kind and mon.search(d.text(s))]
    found += [(e.text, d.edge_fact(e)) for e in d.edges if mon.search(e.text)]
    if found:
        paths["monitoring"], quotes["monitoring"] = [t for t, _ in found], [q for _, q in found]
    ok = {name: name in paths for name in NAMES}
    return Checks(ok["data_to_action"], ok["feedback_loop"], ok["training_and_serving"], ok["monitoring"],
                  paths, quotes)

