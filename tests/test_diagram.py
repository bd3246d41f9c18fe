"""The whiteboard: Mermaid flowcharts parsed, refused at the right line, turned into facts and checked."""

from __future__ import annotations

import random
import string
import sys
import time

import pytest

from interviewer.diagram import (
    Diagram,
    DiagramError,
    Edge,
    check,
    facts,
    mermaid_blocks,
    parse,
    replace_blocks_with_facts,
    summary,
)
from interviewer.diagram.checks import classes
from interviewer.diagram.mermaid import MAX_CHARS, MAX_EDGES, MAX_NODES
from interviewer.diagram.render import to_html, to_mermaid
from interviewer.grading.sentences import split

RANKING = """flowchart LR
  E[Click events] --> F[(Feature store)]
  F -->|features| M((Ranking model))
  M --> S([Online serving])
  S --> R{Ranked feed}
"""

FULL = """flowchart LR
  D[(Event logs)] --> F[Feature pipeline]
  F --> M[Model]
  M --> S[Online serving]
  S --> FB[User feedback]
  FB --> T[Training]
  T --> M
  S --> MON[Drift monitoring]
"""


def edges(d: Diagram) -> list[tuple[str, str, str]]:
    return [(e.src, e.dst, e.label) for e in d.edges]


def error(text: str) -> DiagramError:
    with pytest.raises(DiagramError) as caught:
        parse(text)
    return caught.value


# --- valid diagrams -------------------------------------------------------------------------


@pytest.mark.parametrize("shape, label", [
    ("A[Feature store]", "Feature store"), ("A(Trainer)", "Trainer"), ("A([Online serving])", "Online serving"),
    ("A[(Warehouse)]", "Warehouse"), ("A((Model))", "Model"), ("A{Is fraud?}", "Is fraud?"),
    ("A>Alert]", "Alert"), ("A[[Ranker]]", "Ranker"), ('A["Quoted [with] (brackets)"]', "Quoted [with] (brackets)"),
    ("A{{Hexagon}}", "Hexagon"), ("A[/Parallelogram/]", "Parallelogram"), ("A[\\Trapezoid/]", "Trapezoid"),
    ("A(((Double circle)))", "Double circle"), ("A", "A"),
])
def test_every_node_shape_gives_its_label(shape: str, label: str) -> None:
    d = parse(f"graph TD\n  {shape} --> B")
    assert d.nodes["A"].label == label and d.nodes["A"].text == label
    assert edges(d) == [("A", "B", "")]


@pytest.mark.parametrize("arrow, label", [
    ("-->", ""), ("---", ""), ("-.->", ""), ("==>", ""), ("--->", ""), ("--o ", ""), ("--x ", ""),
    ("--text-->", "text"), ("-->|feeds features|", "feeds features"), ("-- text -->", "text"),
    ("-. async .->", "async"), ("== hot path ==>", "hot path"), ("---|plain|", "plain"),
    ('-->|"quoted"|', "quoted"), ("-- real-time --> ", "real-time"),
])
def test_every_edge_kind_gives_one_directed_edge(arrow: str, label: str) -> None:
    spaced = arrow.endswith(" ")  # `A--oB` would read 'oB' as a box name, so a circle or cross head needs a space
    for text in (f"flowchart LR\nA {arrow} B", f"flowchart LR\nA{arrow.strip()}{' ' if spaced else ''}B"):
        assert edges(parse(text)) == [("A", "B", label)], text


def test_chains_ampersands_and_both_way_arrows() -> None:
    d = parse("graph LR\nA --> B --> C\nX & Y --> P & Q\nU <--> V\nI ~~~ J")
    assert edges(d) == [("A", "B", ""), ("B", "C", ""), ("X", "P", ""), ("X", "Q", ""), ("Y", "P", ""),
                        ("Y", "Q", ""), ("U", "V", ""), ("V", "U", "")]
    assert {"I", "J"} <= set(d.nodes)  # ~~~ only places boxes


@pytest.mark.parametrize("header, direction", [
    ("graph TD", "TD"), ("graph LR", "LR"), ("graph TB", "TB"), ("graph RL", "RL"), ("graph BT", "BT"),
    ("flowchart LR", "LR"), ("flowchart td", "TD"), ("graph", "TD"), ("  flowchart   LR;", "LR"),
])
def test_headers(header: str, direction: str) -> None:
    assert parse(f"{header}\nA --> B").direction == direction


def test_subgraphs_with_titles_nesting_and_arrows_to_a_group() -> None:
    d = parse("""flowchart LR
    subgraph offline [Offline training]
      L[Labels] --> T[Trainer]
      subgraph inner["Evaluation"]
        V[Validator]
      end
    end
    subgraph Online serving
      S[Server]
    end
    offline --> S
    T --> V
    """)
    assert d.subgraphs == {"offline": "Offline training", "inner": "Evaluation", "Online serving": "Online serving"}
    assert [(n.id, n.subgraph) for n in d.nodes.values()] == [
        ("L", "offline"), ("T", "offline"), ("V", "inner"), ("S", "Online serving")]
    assert "offline" not in d.nodes and d.text("offline") == "Offline training"
    assert "Edge: Offline training → Server" in facts(d)


def test_comments_styling_semicolons_front_matter_and_directives_are_read_or_skipped() -> None:
    d = parse("""---
title: Fraud
---
%%{init: {"theme": "dark"}}%%
graph TD; A[Transactions] --> B[Model]; B --> C[Block]
  %% a whole-line comment --> not an edge
  C --> D %% a trailing comment
  classDef hot fill:#f96,stroke:#333,stroke-width:4px
  class A,B hot
  style C fill:#bbf
  click A callback "Tooltip"
  linkStyle 0 stroke:#ff3
  D:::hot --> E
  click[Clicks] --> B
""")
    assert edges(d) == [("A", "B", ""), ("B", "C", ""), ("C", "D", ""), ("D", "E", ""), ("click", "B", "")]
    assert d.nodes["click"].text == "Clicks"


def test_labels_can_come_later_ids_may_hold_hyphens_and_semicolons_in_labels_stay() -> None:
    d = parse('graph LR\nfeature-store --> model\nmodel[Ranking model]\nx["a; b"] --> y[a &lt; b]; y --> z')
    assert d.nodes["model"].text == "Ranking model" and d.nodes["feature-store"].text == "feature-store"
    assert d.nodes["x"].text == "a; b" and d.nodes["y"].text == "a < b"
    assert edges(d)[-1] == ("y", "z", "")


# --- malformed diagrams: the right line, a clear message -------------------------------------


@pytest.mark.parametrize("text, line, message", [
    ("graph TD\nE --> F\nA[Feature store\n", 3, "line 3: unclosed '[' in node 'A[Feature store'"),
    ("graph TD\nA(Trainer --> B", 2, "unclosed '('"),
    ("graph TD\n\nA{Fraud? --> B", 3, "unclosed '{'"),
    ("graph TD\nA((Model) --> B", 2, "unclosed '(('"),
    ('graph TD\nA["open quote] --> B', 2, "unclosed '\"'"),
    ("graph TD\nA --> B\nA -->", 3, "arrow '-->' after 'A' has no target node"),
    ("graph TD\nA --> B &", 2, "nothing after '&'"),
    ("graph TD\nA -> B", 2, "expected an arrow such as '-->' after 'A', got '-> B'"),
    ("graph TD\nA -- B", 2, "expected an arrow"),
    ("graph TD\nA -->|label B", 2, "unclosed '|'"),
    ("graph TD\nA --> B C", 2, "got 'C'"),
    ("sequenceDiagram\nA->>B: hi", 1, "only flowcharts are read"),
    ("classDiagram\nA <|-- B", 1, "only flowcharts are read"),
    ("A --> B", 1, "a diagram starts with 'flowchart LR' or 'graph TD'"),
    ("graph XY\nA --> B", 1, "unknown direction 'XY'"),
    ("graph TD\nA --> B\nsubgraph train [Training]\nT --> M\n", 3, "subgraph 'train' is never closed with 'end'"),
    ("graph TD\nsubgraph a\nsubgraph b\nend\n", 2, "subgraph 'a' is never closed"),
    ("graph TD\nA --> B\nend", 3, "'end' without an open subgraph"),
    ("graph TD\nsubgraph x [Title\nend", 2, "unclosed '['"),
    ("graph TD\nsubgraph\nend", 2, "subgraph needs a name"),
    ("", 1, "empty diagram"),
    ("%% only a comment\n\n", 2, "empty diagram"),
    ("---\ntitle: x\ngraph TD", 1, "front matter"),
])
def test_malformed_diagrams_name_the_line(text: str, line: int, message: str) -> None:
    e = error(text)
    assert e.line == line and str(e).startswith(f"line {line}: ") and message in str(e), str(e)
    assert isinstance(e, ValueError)


def test_huge_diagrams_are_refused_with_a_clear_message() -> None:
    ok = parse("graph LR\n" + "\n".join(f"N{i}" for i in range(MAX_NODES)))
    assert len(ok.nodes) == MAX_NODES
    e = error("graph LR\n" + "\n".join(f"N{i}" for i in range(MAX_NODES + 1)))
    assert e.line == MAX_NODES + 2 and f"more than {MAX_NODES} boxes" in str(e)
    e = error("graph LR\n" + "\n".join(f"N{i % 20} --> N{(i + 1) % 20}" for i in range(MAX_EDGES + 1)))
    assert e.line == MAX_EDGES + 2 and f"more than {MAX_EDGES} arrows" in str(e)
    e = error("graph LR\n" + "A[" + "x" * MAX_CHARS + "]")
    assert "the limit is 20,000" in str(e)
    e = error("graph LR\nA1 & A2 & A3 & A4 & A5 & A6 & A7 & A8 & A9 & A10 & A11 & A12 & A13 & A14 & A15 & A16 & A17 & "
              "A18 & A19 & A20 --> " + " & ".join(f"B{i}" for i in range(21)))
    assert "more than 400 arrows" in str(e)  # 20 x 21 arrows from one line


def test_a_big_diagram_is_checked_quickly() -> None:
    words = ["events", "model", "serving", "feedback", "training", "data", "ranking", "monitor"]
    lines = [f"N{i}[{words[i % len(words)]} {i}]" for i in range(MAX_NODES)]
    lines += [f"N{i} --> N{(i * 7 + 3) % MAX_NODES}" for i in range(MAX_NODES)]
    lines += [f"N{i} --> N{(i * 13 + 1) % MAX_NODES}" for i in range(MAX_NODES)]
    d = parse("graph LR\n" + "\n".join(lines))
    started = time.perf_counter()
    check(d), summary(d), facts(d)
    assert time.perf_counter() - started < 2.0


# --- HTML in labels is kept but inert -------------------------------------------------------


def test_html_and_script_in_labels_are_inert_in_text_and_in_every_rendering() -> None:
    d = parse("""graph LR
    A["<script>alert('x')</script>Model<br/>v2"] -->|"<img src=x onerror=alert(1)>scores"| B[a &lt;b&gt; &amp; c]
    B --> C["&lt;script&gt;steal()&lt;/script&gt;Server #quot;x#quot;"]
    """)
    a, b, c = d.nodes["A"], d.nodes["B"], d.nodes["C"]
    assert "<script>" in a.label  # what was typed is kept ...
    assert a.text == "alert('x') Model v2" and b.text == "a & c" and c.text == 'steal() Server "x"'
    assert d.edges[0].text == "scores"
    for out in [to_html(d), to_mermaid(d), "\n".join(facts(d)), summary(d)]:
        assert "<script" not in out and "<img" not in out and "onerror=" not in out.replace("&", "")
    assert to_html(parse('graph LR\nA["x < y"] --> B')).count("&lt;") == 2  # the fact line, escaped
    again = parse(to_mermaid(d))  # the clean Mermaid source reads back to the same text
    assert [n.text for n in again.nodes.values()] == [n.text for n in d.nodes.values()]
    assert [e.text for e in again.edges] == [e.text for e in d.edges]


# --- never a crash --------------------------------------------------------------------------


def _outcome(text: str) -> None:
    try:
        d = parse(text)
    except DiagramError as e:
        assert e.line >= 1
        return
    assert isinstance(d, Diagram)
    summary(d), to_html(d)
    assert all(q in facts(d) for qs in check(d).quotes.values() for q in qs)
    assert facts(parse(to_mermaid(d))) == facts(d)  # the clean source always reads back the same


def test_fuzz_random_printable_strings() -> None:
    rng = random.Random(7)
    for _ in range(1500):
        _outcome("".join(rng.choice(string.printable) for _ in range(rng.randint(0, 120))))
        _outcome("graph TD\n" + "".join(rng.choice("AB -->|[](){}<>&;\"'%=.~ox:#\n") for _ in range(40)))


def test_fuzz_truncated_and_mutated_valid_diagrams() -> None:
    rng = random.Random(11)
    text = FULL + "  subgraph g [Group]\n    X[(x)] -.-> Y{y}\n  end\n  A & B == t ==> C\n"
    for n in range(len(text) + 1):
        _outcome(text[:n])
    for _ in range(1000):
        chars = list(text)
        for _ in range(3):
            chars[rng.randrange(len(chars))] = rng.choice("[](){}|\"-.=>&;%\n")
        _outcome("".join(chars))


# --- facts and summary ----------------------------------------------------------------------


def test_facts_one_line_per_box_arrow_and_group_in_a_stable_order() -> None:
    d = parse("""flowchart LR
    subgraph off [Offline training]
      T[Trainer]
      FS[(Feature store)]
    end
    FS -->|features| S[Online serving]
    T --> S
    """)
    assert facts(d) == [
        "Node: Trainer", "Node: Feature store", "Node: Online serving",
        "Edge: Feature store → Online serving (features)", "Edge: Trainer → Online serving",
        "Group: Offline training contains Trainer, Feature store",
    ]
    assert facts(d) == facts(parse(to_mermaid(d)))


def test_summary_says_the_path_and_what_is_missing() -> None:
    text = summary(parse(RANKING))
    assert text == ("Diagram: 5 boxes, 4 arrows. Path: Click events → Feature store → Ranking model. No arrow "
                    "feeds outcomes back to training. No training box. No monitoring.")  # a ranking model ranks
    assert summary(parse(FULL)).startswith("Diagram: 7 boxes, 7 arrows. Path: Event logs → Feature pipeline")
    assert "Feedback: Online serving → User feedback → Training." in summary(parse(FULL))
    assert "Monitoring: Drift monitoring." in summary(parse(FULL))
    assert summary(parse("graph TD")) == "Diagram: empty."
    assert summary(parse("graph TD\nA --> B")).startswith("Diagram: 2 boxes, 1 arrow. No path from data")
    short = summary(parse(FULL), limit=60)
    assert len(short) <= 60 and short.endswith("…")


# --- deterministic checks -------------------------------------------------------------------


def test_full_lifecycle_passes_all_four_with_quotable_proof() -> None:
    d = parse(FULL)
    c = check(d)
    assert c.passed() == {"data_to_action": True, "feedback_loop": True, "training_and_serving": True,
                          "monitoring": True}
    assert c.paths["data_to_action"] == ["Event logs", "Feature pipeline", "Model", "Online serving"]
    assert c.quotes["feedback_loop"] == ["Edge: Online serving → User feedback", "Edge: User feedback → Training"]
    assert c.paths["training_and_serving"] == ["Training", "Online serving"]
    assert c.quotes["monitoring"] == ["Node: Drift monitoring"]
    assert all(q in facts(d) for qs in c.quotes.values() for q in qs)  # the scorecard quotes real fact lines


def test_without_the_feedback_edge_only_the_feedback_loop_fails() -> None:
    c = check(parse(FULL.replace("  FB --> T[Training]\n", "  T[Training]\n")))
    assert c.passed() == {"data_to_action": True, "feedback_loop": False, "training_and_serving": True,
                          "monitoring": True}
    assert "feedback_loop" not in c.paths


def test_a_model_only_diagram_fails_data_to_action() -> None:
    c = check(parse("graph LR\nF[Features] --> M[Model] --> P[Score]"))
    assert not c.data_to_action and not c.feedback_loop and not c.training_and_serving and not c.monitoring
    assert not check(parse("graph LR\nE[Events] --> U[UI]")).data_to_action  # no model on the way
    assert check(parse("graph LR\nE[Events] --> S[Online serving]")).data_to_action  # serving is the model


def test_feedback_by_a_labelled_arrow_or_a_cycle_through_data_upstream_of_the_model() -> None:
    labelled = check(parse("graph LR\nU[Users] -->|labels| T[Trainer]"))
    assert labelled.feedback_loop and labelled.quotes["feedback_loop"] == ["Edge: Users → Trainer (labels)"]
    data_cycle = check(parse("graph LR\nE[Events] --> M[Model] --> R[Recommendations] --> E"))
    assert data_cycle.paths["feedback_loop"] == ["Recommendations", "Events"]
    no_model = check(parse("graph LR\nE[Events] --> R[Ranking] --> E"))  # a loop, but nothing learns from it
    assert not no_model.feedback_loop
    one_way = check(parse("graph LR\nL[Labels] --> T[Trainer] --> M[Model] --> S[Serving]"))
    assert not one_way.feedback_loop  # labels from nowhere: not outcomes fed back


def test_monitoring_in_a_group_title_or_an_arrow_label_and_keyword_classes() -> None:
    grouped = check(parse("graph LR\nsubgraph obs [Observability]\nP[p99 latency]\nend\nS[Serving] --> P"))
    assert grouped.monitoring and grouped.quotes["monitoring"] == ["Group: Observability contains p99 latency"]
    assert check(parse("graph LR\nS[Serving] -->|drift alerts| O[On-call]")).monitoring
    groups = parse("graph LR\nsubgraph mon [Monitoring]\nend\nsubgraph srv [Online serving]\nend\nT[Trainer] --> mon")
    c = check(groups)  # an empty group counts only as the end of an arrow, and that arrow is the quote
    assert c.monitoring and c.quotes["monitoring"] == ["Edge: Trainer → Monitoring"] and not c.training_and_serving
    assert all(q in facts(groups) for qs in c.quotes.values() for q in qs)
    assert classes("Kafka click stream") >= {"data", "outcome"}
    assert classes("Retraining job") == {"training"} and "serving" in classes("Inference endpoint")
    assert classes("Feedback") == {"outcome"} and not classes("Cache")


def test_checks_use_plain_text_not_markup() -> None:
    c = check(parse('graph LR\nA["<i>monitor</i>"] --> B'))
    assert c.monitoring and c.paths["monitoring"] == ["monitor"]
    assert Edge("A", "B", "<b>x</b>").text == "x"


# --- write-ups ------------------------------------------------------------------------------

WRITEUP = f"""# High-level design

Events flow into a feature store.

```mermaid
{FULL}```

```python
print("not a diagram")
```

- the offline side:

  ~~~Mermaid
  graph TD
  L[Labels] --> T[Trainer]
  ~~~

```mermaid
graph TD
A --> B
C[Broken
```
"""


def test_mermaid_blocks_with_their_starting_lines() -> None:
    blocks = mermaid_blocks(WRITEUP)
    assert [line for line, _ in blocks] == [5, 22, 27]
    assert all("ermaid" in WRITEUP.splitlines()[line - 1] for line, _ in blocks)
    assert blocks[0][1] == FULL and blocks[1][1].startswith("graph TD\nL[Labels]")


def test_mermaid_blocks_without_markdown_it(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = [(line, [ln.strip() for ln in body.splitlines()]) for line, body in mermaid_blocks(WRITEUP)]
    monkeypatch.setitem(sys.modules, "markdown_it", None)  # the import fails: the regex scanner reads it
    got = [(line, [ln.strip() for ln in body.splitlines()]) for line, body in mermaid_blocks(WRITEUP)]
    assert got == expected
    assert replace_blocks_with_facts(WRITEUP).count("Edge:") == 8


def test_blocks_become_fact_sentences_the_splitter_reads_and_a_broken_block_a_marker() -> None:
    out = replace_blocks_with_facts(WRITEUP)
    assert "```mermaid" not in out and "~~~" not in out and 'print("not a diagram")' in out
    assert "  Edge: Labels → Trainer" in out  # stays inside its list item
    assert "[diagram at line 27 not read: line 3: unclosed '[' in node 'C[Broken']" in out
    sentences = split(out)
    assert "Edge: Feature pipeline → Model" in sentences and "Edge: User feedback → Training" in sentences
    assert "Node: Drift monitoring" in sentences
    assert replace_blocks_with_facts("no diagrams here\n") == "no diagrams here\n"
    assert mermaid_blocks("") == [] and replace_blocks_with_facts("") == ""
