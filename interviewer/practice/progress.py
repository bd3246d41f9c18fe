"""Progress over sessions, for one level: per-phase scores over time, the flags most often
missed, the overall trend, and which phase to drill next.

Honest with few points: a trend is stated only from MIN_TREND graded sessions on; below that
the summary says how many there are so far.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from interviewer.content.catalog import Catalog
from interviewer.practice.history import Record

MIN_TREND = 4  # fewer graded sessions than this: no trend line, just the count


@dataclass
class Point:
    n: int  # the attempt's place in time, 1 = oldest
    when: str  # its date, for the chart's tooltip
    phase_id: str
    phase: str
    score: int
    kind: str
    problem: str = ""  # the problem id ("" for a write-up with none), so points can be told apart
    record_id: str = ""


@dataclass
class Progress:
    level: str
    sessions: int  # graded attempts counted (interviews, drills, write-ups)
    points: list[Point] = field(default_factory=list)
    overall: list[tuple[int, float]] = field(default_factory=list)  # (n, overall) of full attempts
    missed: list[tuple[str, str, int, int]] = field(default_factory=list)  # green flag id, statement, missed, graded
    raised: list[tuple[str, str, int, int]] = field(default_factory=list)  # red flag id, statement, raised, graded
    trend: float | None = None  # overall score change per attempt (least squares), when enough points
    means: dict[str, float] = field(default_factory=dict)  # phase id -> mean score

    def weakest(self, phase_ids: list[str]) -> str:
        """The phase to drill: the lowest mean score among these (a phase never scored first)."""
        return min(phase_ids, key=lambda p: (self.means.get(p, 0.0), phase_ids.index(p)))

    def summary(self) -> str:
        if not self.sessions:
            return f"No graded sessions at the {self.level} level yet."
        head = f"{self.sessions} graded session{'s' * (self.sessions != 1)} so far at the {self.level} level"
        if self.trend is None:
            return f"{head} — a trend needs at least {MIN_TREND} full ones."
        direction = "up" if self.trend > 0.02 else "down" if self.trend < -0.02 else "flat"
        return f"{head}; overall score {direction} ({self.trend:+.2f} per session over {len(self.overall)})."


def slope(points: list[tuple[int, float]]) -> float:
    xs, ys = [float(x) for x, _ in points], [y for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else 0.0


def progress(records: list[Record], level: str, catalog: Catalog, top: int = 5) -> Progress:
    """From History's records (any order): only graded ones of `level` count."""
    graded = sorted((r for r in records if r.level == level and r.status == "ended" and r.scorecard),
                    key=lambda r: (r.created, r.id))
    out = Progress(level=level, sessions=len(graded))
    titles: dict[str, str] = {}
    statements: dict[str, str] = {}
    reds: set[str] = set()
    for rubric in catalog.rubrics.values():
        for ph in rubric.phases:
            titles[ph.id] = ph.title
            statements.update({f.id: f.statement for _, f in ph.flags})
            reds.update(f.id for kind, f in ph.flags if kind == "red")
    missed: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    by_phase: dict[str, list[int]] = {}
    for n, rec in enumerate(graded, 1):
        when = datetime.fromtimestamp(rec.created, UTC).strftime("%Y-%m-%d %H:%M")
        for pid, score in rec.phase_scores.items():
            out.points.append(Point(n, when, pid, titles.get(pid, pid), score, rec.kind, rec.problem_id or "",
                                    rec.id))
            by_phase.setdefault(pid, []).append(score)
        if rec.kind != "drill" and rec.overall is not None:
            out.overall.append((n, rec.overall))
        seen.update(rec.graded)
        missed.update(rec.missed)
    # a green not shown and a red raised are different lessons: counted and listed apart
    greens = Counter({f: k for f, k in missed.items() if f not in reds})
    raised = Counter({f: k for f, k in missed.items() if f in reds})
    out.missed = [(fid, statements.get(fid, fid), k, seen[fid]) for fid, k in greens.most_common(top)]
    out.raised = [(fid, statements.get(fid, fid), k, seen[fid]) for fid, k in raised.most_common(top)]
    if len(out.overall) >= MIN_TREND:
        out.trend = round(slope(out.overall), 3)
    out.means = {p: round(sum(v) / len(v), 2) for p, v in by_phase.items()}
    return out


def drill_problem(records: list[Record], catalog: Catalog, recent: int = 5) -> str:
    """A problem not seen in the last `recent` attempts (else the least recently seen one)."""
    last_seen: dict[str, int] = {}
    for i, rec in enumerate(sorted(records, key=lambda r: (r.created, r.id))):
        if rec.problem_id:
            last_seen[rec.problem_id] = i
    newest = {r.problem_id for r in sorted(records, key=lambda r: (-r.created, r.id))[:recent]}
    fresh = sorted(p for p in catalog.problems if p not in newest)
    if fresh:
        never = [p for p in fresh if p not in last_seen]
        return (never or fresh)[0]
    return min(catalog.problems, key=lambda p: last_seen.get(p, -1))
