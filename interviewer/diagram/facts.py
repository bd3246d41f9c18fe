"""A diagram as numbered-sentence material for the grader, and as a short note for the interviewer.

The grader reads evidence as sentences, so each box, arrow and group becomes one plain line
("Edge: Feature store → Online serving (features)") that it can cite and the scorecard can quote.
The interviewer's note says what the deterministic checks found missing, so it can ask about it.
"""

from __future__ import annotations

from interviewer.diagram.checks import check, classes
from interviewer.diagram.graph import Diagram

_LABEL_CHARS = 40


def facts(d: Diagram) -> list[str]:
    """One line per box (in order of appearance), per arrow (in source order), per non-empty group."""
    lines = [d.node_fact(n) for n in d.nodes]
    lines += [d.edge_fact(e) for e in d.edges]
    lines += [d.group_fact(s) for s in d.subgraphs if any(n.subgraph == s for n in d.nodes.values())]
    return lines


def _short(text: str) -> str:
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1].rstrip() + "…"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary(d: Diagram, limit: int = 400) -> str:
    """A few plain sentences for the interviewer's notes: size, the main path, what is missing."""
    if not d.nodes and not d.edges:
        return "Diagram: empty."
    c = check(d)
    parts = [f"Diagram: {_count(len(d.nodes), 'box', 'boxes')}, {_count(len(d.edges), 'arrow', 'arrows')}."]
    if c.data_to_action:
        parts.append("Path: " + " → ".join(_short(t) for t in c.paths["data_to_action"]) + ".")
    else:
        parts.append("No path from data through a model to an action.")
    if c.feedback_loop:
        parts.append("Feedback: " + " → ".join(_short(t) for t in c.paths["feedback_loop"]) + ".")
    else:
        parts.append("No arrow feeds outcomes back to training.")
    if not c.training_and_serving:
        kinds = set().union(*(classes(d.text(r)) for r in d.nodes)) if d.nodes else set()
        parts.append({(False, False): "No training or serving box.", (True, False): "No serving box.",
                      (False, True): "No training box."}.get(("training" in kinds, "serving" in kinds),
                                                         "Training and serving are the same box."))
    if c.monitoring:
        parts.append("Monitoring: " + ", ".join(_short(t) for t in c.paths["monitoring"][:3]) + ".")
    else:
        parts.append("No monitoring.")
    text = " ".join(parts)
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"
