"""The package's layering: no import cycle between modules, and no import from a lower layer up.

The graph is read from the source with `ast`, imports inside functions included: an import moved
into a function to dodge a cycle is still an arrow, and is caught here.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "interviewer"

# Lowest first. A unit (a subpackage, or a module directly under interviewer/) may import only from
# its own unit and from units in lower layers; units in the same layer are independent of each other.
LAYERS: list[set[str]] = [
    {"interviewer", "llm", "content", "storage", "markdown"},  # the root holds only the version
    {"diagram", "speech", "testing"},
    {"grading"},
    {"practice"},
    {"interview"},
    {"evals"},
    {"app"},
]
RANK = {unit: i for i, layer in enumerate(LAYERS) for unit in layer}


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imports(name: str, path: Path, known: dict[str, Path]) -> dict[str, int]:
    """The package's modules `name` imports, anywhere in its body, each with its first line."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                head = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*head, *([node.module] if node.module else [])])
            # `from pkg import mod` names a module; `from mod import thing` names the module itself
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        for target in targets:
            if target in known and target != name:
                found.setdefault(target, node.lineno)
    return found


def graph() -> dict[str, dict[str, int]]:
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def cycles(edges: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_every_unit_has_a_layer() -> None:
    assert {unit(m) for m in modules()} <= set(RANK), "add the new folder or module to LAYERS"


def test_no_module_imports_a_higher_or_sibling_layer() -> None:
    upward = [f"{modules()[a].relative_to(PACKAGE.parent)}:{line} imports {b}"
              for a, targets in graph().items() for b, line in targets.items()
              if unit(a) != unit(b) and RANK[unit(b)] >= RANK[unit(a)]]
    assert not upward, "\n".join(upward)


def test_no_import_cycle_between_modules() -> None:
    assert not cycles(graph())


def test_the_checks_see_imports_inside_functions_and_cycles(tmp_path: Path) -> None:
    """The test's own reading: a function-level import is an arrow, and a two-module loop is found."""
    probe = tmp_path / "x.py"
    probe.write_text("def f():\n    from interviewer.b.y import thing\n", encoding="utf-8")
    known = {"interviewer.a.x": probe, "interviewer.b.y": tmp_path / "y.py"}
    assert imports("interviewer.a.x", probe, known) == {"interviewer.b.y": 2}
    assert cycles({"a": {"b": 1}, "b": {"a": 1}, "c": {}}) == [["a", "b"]]
