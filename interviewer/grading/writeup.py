"""Grading a whole pasted design write-up: split it into framework phases, grade every phase.

Sections come from markdown headings (or bold lines); without headings, from paragraphs. Each
section goes to the phase its heading names (or, failing that, whose keywords its content matches best). The
whole document is evidence for every phase; when it is too long for the server, each phase sees
its own sections first. Phases that no section matches and that earn no credit are reported as
never covered.
"""

from __future__ import annotations

import contextlib
import re
import time
from dataclasses import dataclass

from interviewer.content.problems import Problem
from interviewer.content.rubric import Level, Rubric
from interviewer.diagram import DiagramError, check, mermaid_blocks, parse, replace_blocks_with_facts
from interviewer.grading.diagram_evidence import settle
from interviewer.grading.grader import Grader
from interviewer.grading.quotes import Segment
from interviewer.grading.scorecard import NOT_GRADED, FlagResult, Scorecard, build
from interviewer.grading.sentences import split
from interviewer.grading.triage import triage
from interviewer.llm.client import LLMError

MAX_CHARS = 100_000
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$|^\s*\*\*([^*\n]{2,80})\*\*:?\s*$", re.MULTILINE)


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
    marks = list(_HEADING.finditer(text))
    sections: list[Section] = []
    if marks:
        intro = text[: marks[0].start()].strip()
        if intro:
            sections.append(Section("introduction", intro))
        for i, m in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
            title = (m.group(2) or m.group(3)).strip().strip("*").strip()
            body = text[m.end() : end].strip()
            if body:  # the heading line stays markdown, so the sentence splitter knows it is a label
                sections.append(Section(title, f"{m.group(0).strip()}\n{body}"))
    else:
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        sections = [Section(f"paragraph {i}", p) for i, p in enumerate(paragraphs, 1)]
    seen: dict[str, int] = {}
    unique = []
    for s in sections:  # two "Features" headings must stay distinguishable in quotes
        seen[s.title] = seen.get(s.title, 0) + 1
        unique.append(s if seen[s.title] == 1 else Section(f"{s.title} ({seen[s.title]})", s.text))
    return unique


def assign_phases(sections: list[Section], rubric: Rubric) -> dict[str, set[str]]:
    """Which sections belong to which phase, by keyword hits (heading hits weigh 3x)."""
    out: dict[str, set[str]] = {p.id: set() for p in rubric.phases}
    for sec in sections:
        head, body = sec.title.lower(), sec.text.lower()
        scores = {p.id: sum(head.count(k) for k in p.keywords) for p in rubric.phases}
        if not any(scores.values()):  # a heading that names no phase: go by the content
            scores = {p.id: sum(min(body.count(k), 5) for k in p.keywords) for p in rubric.phases}
        best = max(scores.values(), default=0)
        if best > 0:
            for pid, sc in scores.items():
                if sc == best:
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


def diagram_checked(results: dict[str, list[FlagResult]], text: str, segments: list[Segment],
                    rubric: Rubric) -> dict[str, list[FlagResult]]:
    """The last diagram of the write-up settles the diagram phase's explicit flags (see
    diagram_evidence.py); its quotes point at the section holding its facts."""
    phase = next((p for p in rubric.phases if p.diagram and p.id in results), None)
    drawn = []
    for _, block in mermaid_blocks(text):
        with contextlib.suppress(DiagramError):
            drawn.append(parse(block))
    if phase is None or not drawn:
        return results
    checks = check(drawn[-1])
    facts_at = next((s.where for s in segments if any(FACT.match(line) for line in split(s.text))),
                    "diagram")
    words = " ".join(x for seg in segments for x in split(seg.text) if not FACT.match(x))
    return {**results, phase.id: settle(results[phase.id], phase, checks, words, facts_at)}


def grade_writeup(grader: Grader, text: str, level: Level = "senior", phases: list[str] | None = None) -> Scorecard:
    """Grade every phase, or only `phases` (evals use that to spend CPU only where an edit lands)."""
    check_size(text)
    start = time.perf_counter()
    before = grader.llm.usage.totals()
    sections = split_sections(replace_blocks_with_facts(text))  # a ```mermaid block is read as its facts
    placed = assign_phases(sections, grader.rubric)
    segments = [Segment(s.where, s.text) for s in sections]
    results, screened = grader.grade(segments, phases=phases, prefer=placed)
    results = diagram_checked(results, text, segments, grader.rubric)
    failed = [r.rationale for rs in results.values() for r in rs if r.rationale.startswith(NOT_GRADED)]
    if failed and len(failed) == sum(len(rs) for rs in results.values()):
        raise LLMError(f"grading failed, nothing was graded: {failed[0].removeprefix(NOT_GRADED)}")
    after = grader.llm.usage.totals()
    usage = {k: round(after[k] - before[k], 6) for k in after}
    uncovered = [
        p.id for p in grader.rubric.phases
        if not placed[p.id] and not any(r.credited in ("met", "partial") for r in results.get(p.id, []))
    ]
    return build(
        mode="writeup", rubric=grader.rubric, level=level, flags_by_phase=results,
        problem=grader.problem, input_status=screened.status,
        input_note=screened.reason, manipulation=screened.manipulation, uncovered=uncovered,
        usage=usage, latency_s=time.perf_counter() - start, strategy=grader.strategy,
        left_out=grader.left_out,
    )
