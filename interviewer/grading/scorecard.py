"""The one scorecard model (chat, write-up grading and evals), its scoring and its renderings.

Scores are computed here from verdicts and rubric weights, never by the LLM, so every number
can be explained: a phase's green credit minus a share of its red flags, mapped onto 1-4 by fitted
bins (rubrics/calibration/scoring.yaml); the overall score is the phase-weighted mean; the hire signal is its
distance from the level's bar.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from interviewer.content.problems import Problem
from interviewer.content.rubric import Flag, FlagKind, Level, Phase, Rubric
from interviewer.grading.pressed import Pressed, penalty
from interviewer.grading.scoring import HireSignal, hire_signal, raw_credit, scoring

Verdict = Literal["met", "partial", "not_addressed", "raised", "not_raised"]
InputStatus = Literal["ok", "empty", "gibberish", "off_topic"]
Act = Literal["cued", "quoted", "none"]  # what a red flag's quote shows (FlagResult.act)

class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(Model):
    quote: str
    where: str
    sentence: str = Field("", description="The cited sentence's id ('S12') when the grader numbered the text.")


class FlagResult(Model):
    flag_id: str
    kind: FlagKind
    statement: str
    weight: float
    verdict: Verdict
    verified: bool = Field(description="The verdict's evidence was found in the candidate's text.")
    evidence: list[Evidence] = Field(default_factory=list)
    unverified_quotes: list[str] = Field(default_factory=list)
    rationale: str = ""
    probability: float | None = Field(None, description="Calibrated grading: the probe's probability the flag holds.")
    terms_found: int | None = Field(None, description=(
        "Calibrated grading: the most of the flag's terms one sentence holds (the lexical signal)."))
    terms_in_phase: int | None = Field(None, description=(
        "Calibrated grading: the same over the sentences placed in the flag's own phase."))
    reference_words: int | None = Field(None, description=(
        "Green flags on a problem with reference points: the most words of the flag's reference point "
        "one sentence holds (grading/anchor.py)."))
    anchored: bool = Field(False, description=(
        "Met because a sentence makes the problem's reference point or says what its bank's question on "
        "the flag asks (partial by P(yes) and terms alone)."))
    banked: bool = Field(False, description=(
        "Green flags: a stated sentence says what the problem's own question on this flag asks (its bank "
        "`unless`), whatever the verdict; the scoring fit reads it."))
    act: Act | None = Field(None, description=(
        "Red flags graded by probability: the rubric's cues show the act in a quote (raised, whatever "
        "P(yes)), a sentence shows it (P(yes) decides) or none does (never raised: a gap is a green not met)."))
    settled_by: str | None = Field(None, description=(
        "Red flags: the opposite green flag whose verdict settled this one (grading/coherence.py)."))

    @property
    def credited(self) -> Verdict:
        """What scoring counts: a positive verdict without verified evidence counts for nothing."""
        if self.kind == "green":
            return self.verdict if self.verified or self.verdict == "not_addressed" else "not_addressed"
        return self.verdict if self.verified or self.verdict == "not_raised" else "not_raised"


class PhaseResult(Model):
    phase_id: str
    title: str
    weight: float
    score: int = Field(ge=1, le=4)
    raw: float = Field(ge=0, le=1)
    covered: bool = True
    flags: list[FlagResult]
    minutes_spent: float | None = None
    budget_minutes: float | None = None
    expected: str = Field("", description="What the rubric expects of this phase at the card's level.")
    references: list[Reference] = Field(default_factory=list, description="Shown only once the attempt is over.")
    pressed: list[Pressed] = Field(default_factory=list, description=(
        "Mistakes the problem's bank would press on, in the candidate's words (grading/pressed.py)."))

    @property
    def met(self) -> list[FlagResult]:
        return [f for f in self.flags if f.kind == "green" and f.credited in ("met", "partial")]

    @property
    def raised(self) -> list[FlagResult]:
        return [f for f in self.flags if f.kind == "red" and f.credited == "raised"]

    @property
    def missing(self) -> list[FlagResult]:
        return [f for f in self.flags if f.kind == "green" and f.credited == "not_addressed"]

    @property
    def faults(self) -> list[FlagResult]:
        """The red flags raised on their own: one raised because its green is missing is that green."""
        return [f for f in self.raised if not f.settled_by]


class Reference(Model):
    """A green flag not met, after the attempt: the candidate's words beside a strong answer's point."""

    flag_id: str
    statement: str
    yours: str = Field("", description="The candidate's quotes on it, or what they said in the phase.")
    reference: list[str]


class Scorecard(Model):
    mode: Literal["interview", "drill", "writeup", "eval"]
    framework: str
    level: Level
    problem_id: str | None = None
    input_status: InputStatus = "ok"
    input_note: str = ""
    phases: list[PhaseResult]
    overall: float
    bar: float
    hire_signal: HireSignal
    level_expectation: str = Field("", description="What the problem asks of a candidate at this level.")
    core_challenge: str = Field("", description="What makes the problem hard: the hire signal's yardstick.")
    improvements: list[str]
    manipulation_attempts: list[str] = Field(default_factory=list)
    uncovered_phases: list[str] = Field(default_factory=list)
    usage: dict[str, float] = Field(default_factory=dict)
    latency_s: float = 0.0
    strategy: str = ""
    not_graded: list[str] = Field(default_factory=list)  # flags whose LLM call failed: the grade is partial
    left_out: dict[str, int] = Field(default_factory=dict, description=(
        "Per phase: sentences of its own sections the grader did not read (the server's slot was full)."))
    hints_used: int = 0
    notes: list[str] = Field(default_factory=list, description="What the reader should know to read the card.")
    diagram: str = Field("", description="The last whiteboard, as clean Mermaid source (interviews).")

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    def to_markdown(self) -> str:
        return render_markdown(self)


NOT_GRADED = "not graded: "  # the rationale of a flag whose LLM call failed


def empty_result(kind: FlagKind, flag: Flag, rationale: str = "") -> FlagResult:
    """A flag nobody showed: green not addressed, red not raised."""
    return FlagResult(
        flag_id=flag.id, kind=kind, statement=flag.statement, weight=flag.weight,
        verdict="not_addressed" if kind == "green" else "not_raised", verified=False, rationale=rationale,
    )


def empty_results(phase: Phase, rationale: str = "") -> list[FlagResult]:
    return [empty_result(kind, f, rationale) for kind, f in phase.flags]


def phase_score(flags: list[FlagResult], acts: int = 0) -> tuple[int, float]:
    """The raw credit of a phase's verdicts, less its pressed mistakes (`acts`), mapped onto 1-4 by
    the fitted bins."""
    rule = scoring()
    raw = raw_credit([(f.weight, f.credited) for f in flags if f.kind == "green"],
                     [(f.weight, f.credited) for f in flags if f.kind == "red"], rule.partial_credit, rule.red_share)
    raw = max(0.0, raw - penalty(acts, rule.flaw_share, rule.flaw_k))
    return 1 + sum(raw >= b for b in rule.bins), round(raw, 3)


def improvements(phases: list[PhaseResult], rubric: Rubric, top: int = 3) -> list[str]:
    """The heaviest raised red flags and missed green flags, weighted by their phase."""
    ranked: list[tuple[float, str]] = []
    for ph in phases:
        for f in ph.faults:
            ranked.append((ph.weight * f.weight * 1.2, f"{ph.title} — avoid: {f.statement}"))
        for f in ph.missing:
            ranked.append((ph.weight * f.weight, f"{ph.title} — not yet shown: {f.statement}"))
    ranked.sort(key=lambda item: -item[0])
    return [text for _, text in ranked[:top]]


def build(
    *, mode: Literal["interview", "drill", "writeup", "eval"], rubric: Rubric, level: Level,
    flags_by_phase: dict[str, list[FlagResult]], problem: Problem | None = None,
    input_status: InputStatus = "ok", input_note: str = "", manipulation: list[str] | None = None,
    uncovered: list[str] | None = None, usage: dict[str, float] | None = None,
    latency_s: float = 0.0, strategy: str = "", minutes: dict[str, float] | None = None,
    left_out: dict[str, int] | None = None, hints_used: int = 0, said: dict[str, str] | None = None,
    diagram: str = "", notes: list[str] | None = None, pressed: dict[str, list[Pressed]] | None = None,
) -> Scorecard:
    """Assemble a scorecard; every number on it is derived here from the flag results. `said`:
    the candidate's words per phase, shown beside the reference points of the flags not met."""
    phases: list[PhaseResult] = []
    for ph in rubric.phases:
        results = flags_by_phase.get(ph.id) or empty_results(ph)
        acts = (pressed or {}).get(ph.id, [])
        score, raw = phase_score(results, len(acts))
        phases.append(PhaseResult(
            phase_id=ph.id, title=ph.title, weight=ph.weight, score=score, raw=raw,
            covered=ph.id not in (uncovered or []), flags=results,
            minutes_spent=(minutes or {}).get(ph.id), budget_minutes=ph.budget.target_minutes,
            expected=getattr(ph.levels, level),
            references=references(ph, results, problem, (said or {}).get(ph.id, "")), pressed=acts,
        ))
    total_w = sum(p.weight for p in phases)
    overall = round(sum(p.score * p.weight for p in phases) / total_w, 2)
    signal, bar = hire_signal(overall, level)
    return Scorecard(
        mode=mode, framework=rubric.id, level=level, problem_id=problem.id if problem else None,
        level_expectation=getattr(problem.levels, level) if problem else "",
        core_challenge=problem.core_challenge if problem else "",
        input_status=input_status, input_note=input_note, phases=phases, overall=overall, bar=bar,
        hire_signal=signal, improvements=improvements(phases, rubric),
        manipulation_attempts=manipulation or [], uncovered_phases=uncovered or [],
        usage=usage or {}, latency_s=round(latency_s, 2), strategy=strategy,
        not_graded=[f.flag_id for p in phases for f in p.flags if f.rationale.startswith(NOT_GRADED)],
        left_out=left_out or {}, hints_used=hints_used, diagram=diagram, notes=notes or [],
    )


def excerpt(text: str, limit: int = 220) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def references(phase: Phase, results: list[FlagResult], problem: Problem | None, said: str) -> list[Reference]:
    """For every green flag not met: the candidate's words (their quotes, else what they said in
    the phase) beside the problem's reference point for it."""
    if problem is None:
        return []
    flags = {f.id: f for f in phase.green_flags}
    out: list[Reference] = []
    for r in results:
        if r.kind != "green" or r.credited == "met" or r.flag_id not in flags:
            continue
        points = problem.reference_for(flags[r.flag_id])
        if points:
            yours = " … ".join(e.quote for e in r.evidence) if r.credited == "partial" else excerpt(said)
            out.append(Reference(flag_id=r.flag_id, statement=r.statement, yours=yours, reference=points))
    return out


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def render_markdown(card: Scorecard) -> str:
    signal = card.hire_signal.replace("_", " ")
    lines = [
        f"# Scorecard — {card.problem_id or 'write-up'} ({card.framework} framework, {card.level} level)",
        "",
        f"**Hire signal: {signal}** — overall {card.overall:.2f} / 4 against a {card.level} bar of {card.bar:.2f}.",
        "",
    ]
    if card.level_expectation:
        lines += [f"What the {card.level} bar asks on this problem: {card.level_expectation.strip()} "
                  f"The core challenge: {card.core_challenge.strip()}", ""]
    lines += [f"> {note}" for note in card.notes] + ([""] if card.notes else [])
    if card.hints_used:
        lines += [f"Hints used: {card.hints_used}.", ""]
    if card.input_status != "ok":
        lines += [f"> Input scored the minimum without grading: {card.input_note}.", ""]
    if card.not_graded:
        lines += [f"> **Incomplete:** {len(card.not_graded)} criteria could not be graded (the LLM call failed); "
                  "they count as not shown. Grade again to complete it.", ""]
    if card.left_out:
        titles = {p.phase_id: p.title for p in card.phases}
        parts = ", ".join(f"{titles.get(k, k)}: {n}" for k, n in card.left_out.items())
        lines += [f"> Long text: some sentences were left out of grading because they did not fit the model's "
                  f"context ({parts} sentences); the most relevant ones were kept.", ""]
    if card.manipulation_attempts:
        lines += ["> **Manipulation attempt detected** — these instructions to the grader were ignored:"]
        lines += [f"> - \"{m}\"" for m in card.manipulation_attempts] + [""]
    lines += ["| phase | score | time / budget | green met | red raised |", "|---|---|---|---|---|"]
    for ph in card.phases:
        time = f"{ph.minutes_spent:.1f} / {ph.budget_minutes:g} min" if ph.minutes_spent is not None else "—"
        greens = sum(f.kind == "green" for f in ph.flags)
        lines.append(f"| {ph.title} | {ph.score} | {time} | {len(ph.met)}/{greens} | {len(ph.raised)} |")
    if card.uncovered_phases:
        titles = {p.phase_id: p.title for p in card.phases}
        lines += ["", f"Never covered: {', '.join(titles.get(u, u) for u in card.uncovered_phases)}."]
    if card.improvements:
        lines += ["", "## Top improvements", ""] + [f"{i}. {t}" for i, t in enumerate(card.improvements, 1)]
    for ph in card.phases:
        lines += ["", f"## {ph.title} — {ph.score}/4", ""]
        if ph.expected:
            lines += [f"_Expected at the {card.level} level: {ph.expected.strip()}_", ""]
        for f in ph.met + ph.raised:
            mark = "🟢 Strength:" if f.kind == "green" else "🔴 Concern:"  # readable without colour or emoji
            label = f.credited.replace("_", " ")
            lines.append(f"- {mark} **{label}**: {f.statement}")
            lines += [f"  - \"{e.quote}\" ({e.where})" for e in f.evidence]
        for f in ph.missing:
            lines.append(f"- ⚪ Not shown: {f.statement}")
        for act in ph.pressed:  # not a verdict: the question this problem's interviewer would press
            lines.append(f"- ❓ To defend: \"{act.quote}\" ({act.where}) — {act.ask}")
        unverified = [f for f in ph.flags if f.unverified_quotes and not f.verified]
        for f in unverified:
            lines.append(f"- ⚠️ not credited (quote not found in the candidate's text): {f.statement}")
        if ph.references:
            lines += ["", "| not met | what you said | what a strong answer covers |", "|---|---|---|"]
            lines += [f"| {cell(ref.statement)} | {cell(ref.yours) or '—'} | {cell(' '.join(ref.reference))} |"
                      for ref in ph.references]
    if card.diagram:
        lines += ["", "## Your diagram", "", "```mermaid", card.diagram, "```"]
    u = card.usage
    if u:
        lines += ["", "---", f"Grading: {card.strategy} strategy, {int(u.get('calls', 0))} LLM calls, "
                  f"{int(u.get('prompt_tokens', 0))} prompt tokens ({int(u.get('cached_tokens', 0))} cached), "
                  f"{int(u.get('completion_tokens', 0))} completion tokens, "
                  f"cost ≈ ${u.get('cost_usd', 0):.4f}, {card.latency_s:.1f} s."]
    return "\n".join(lines) + "\n"


