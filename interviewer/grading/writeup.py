"""Grading a whole pasted design write-up: split it into framework phases, grade every phase.

Sections come from markdown headings (or bold lines, read by interviewer/markdown.py); without
headings, from paragraphs. Each section goes to the phase its heading names (or, failing that,
whose keywords its content matches best); the grading itself is the one path every text takes
(document.py).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from interviewer.content.problems import Problem
from interviewer.content.rubric import Level, Rubric
from interviewer.diagram import Diagram, DiagramError, mermaid_blocks, parse, replace_blocks_with_facts
from interviewer.grading.document import grade_document
from interviewer.grading.grader import Grader
from interviewer.grading.placement import Placed, best, hits
from interviewer.grading.quotes import Segment
from interviewer.grading.scorecard import Scorecard, build
from interviewer.grading.sentences import split
from interviewer.grading.triage import triage
from interviewer.markdown import headings, lines

MAX_CHARS = 100_000


class InputError(ValueError):
    """Text we cannot grade, with a message the user can act on."""


@dataclass(frozen=True)
class Section:
    title: str
    text: str

    @property
    def where(self) -> str:
        return f"section '{self.title}'"


def split_sections(text: str) -> list[Section]:
    marks = headings(text)
    sections: list[Section] = []
    if marks:
        rows = lines(text)
        intro = "\n".join(rows[: marks[0].start]).strip()
        if intro:
            sections.append(Section("introduction", intro))
        for i, h in enumerate(marks):
            end = marks[i + 1].start if i + 1 < len(marks) else len(rows)
            body = "\n".join(rows[h.end : end]).strip()
            if body:  # the heading line stays markdown, so the sentence splitter knows it is a label
                head = "\n".join(rows[h.start : h.end]).strip()
                sections.append(Section(h.title.strip("*").strip(), f"{head}\n{body}"))
    else:
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        sections = [Section(f"paragraph {i}", p) for i, p in enumerate(paragraphs, 1)]
    seen: dict[str, int] = {}
    unique = []
    for s in sections:  # two "Features" headings must stay distinguishable in quotes
        seen[s.title] = seen.get(s.title, 0) + 1
        unique.append(s if seen[s.title] == 1 else Section(f"{s.title} ({seen[s.title]})", s.text))
    return unique


def assign_phases(sections: list[Section], rubric: Rubric) -> Placed:
    """Which sections belong to which phase, by keyword hits (heading hits weigh 3x)."""
    out: Placed = {p.id: set() for p in rubric.phases}
    for sec in sections:
        head, body = sec.title.lower(), sec.text.lower()
        scores = {p.id: hits(p, head, cap=1_000) for p in rubric.phases}
        if not any(scores.values()):  # a heading that names no phase: go by the content
            scores = {p.id: hits(p, body) for p in rubric.phases}
        for pid in best(scores):
            out[pid].add(sec.where)
    return out


def read_text(data: bytes, name: str = "input") -> str:
    """Decode an upload or file; binary and non-UTF-8 input is refused by name."""
    if b"\x00" in data[:4096]:
        raise InputError(f"{name} looks like a binary file; paste or upload a .md or .txt write-up")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name} is not UTF-8 text (bad byte at position {exc.start}); save it as UTF-8") from exc


def check_size(text: str) -> None:
    if len(text) > MAX_CHARS:
        raise InputError(f"the write-up is {len(text):,} characters; the limit is {MAX_CHARS:,}. "
                         "Trim it or grade it in parts.")


def screen_writeup(text: str, rubric: Rubric, problem: Problem | None, level: Level) -> Scorecard | None:
    """The minimum scorecard for text not worth an LLM call (so no model need even start)."""
    check_size(text)
    screened = triage(text, problem.terms if problem else set())
    if screened.status == "ok":
        return None
    return build(
        mode="writeup", rubric=rubric, level=level, flags_by_phase={},
        problem=problem, input_status=screened.status,
        input_note=screened.reason, manipulation=screened.manipulation,
        uncovered=[p.id for p in rubric.phases], strategy="none",
    )


FACT = re.compile(r"^(?:Node|Edge|Group): ")


def last_diagram(text: str, segments: list[Segment]) -> tuple[Diagram, str] | None:
    """The write-up's last mermaid diagram and the section holding its facts (quoted as evidence)."""
    drawn = []
    for _, block in mermaid_blocks(text):
        with contextlib.suppress(DiagramError):
            drawn.append(parse(block))
    if not drawn:
        return None
    facts_at = next((s.where for s in segments if any(FACT.match(line) for line in split(s.text))), "diagram")
    return drawn[-1], facts_at


def grade_writeup(grader: Grader, text: str, level: Level = "senior", phases: list[str] | None = None) -> Scorecard:
    """Grade every phase, or only `phases` (evals use that to spend CPU only where an edit lands)."""
    check_size(text)
    sections = split_sections(replace_blocks_with_facts(text))  # a ```mermaid block is read as its facts
    segments = [Segment(s.where, s.text) for s in sections]
    return grade_document(grader, segments, assign_phases(sections, grader.rubric), level=level, mode="writeup",
                          phases=phases, drawn=last_diagram(text, segments))


def writeup_card(text: str, rubric: Rubric, problem: Problem | None, level: Level,
                 grader: Callable[[], Grader], phases: list[str] | None = None) -> Scorecard:
    """The page's, the CLI's and the evals' one way to grade a write-up: text not worth a call gets
    the minimum at once (no model need even start); anything else is graded by `grader()`."""
    return screen_writeup(text, rubric, problem, level) or grade_writeup(grader(), text, level, phases)
