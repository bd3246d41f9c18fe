"""The one scorecard model (chat, write-up grading and evals), its scoring and its renderings.

Scores are computed here from verdicts and rubric weights, never by the LLM, so every number
can be explained: a phase's green credit minus a share of its red flags, mapped onto 1-4 by fitted
bins (rubrics/calibration/scoring.yaml); the overall score is the phase-weighted mean; the hire signal is its
distance from the level's bar.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from interviewer.content.files import BUNDLED, load_model
from interviewer.content.problems import Problem
from interviewer.content.rubric import Flag, FlagKind, Level, Phase, Rubric
from interviewer.grading.pressed import Pressed, penalty

Verdict = Literal["met", "partial", "not_addressed", "raised", "not_raised"]
HireSignal = Literal["strong_no_hire", "no_hire", "lean_no_hire", "lean_hire", "hire", "strong_hire"]
InputStatus = Literal["ok", "empty", "gibberish", "off_topic"]
Act = Literal["cued", "quoted", "none"]  # what a red flag's quote shows (FlagResult.act)

LEVEL_BAR: dict[str, float] = {"mid": 2.25, "senior": 2.75, "staff": 3.25}
# (upper bound of overall - bar, signal), first match wins
SIGNAL_STEPS: list[tuple[float, HireSignal]] = [
    (-1.0, "strong_no_hire"), (-0.5, "no_hire"), (0.0, "lean_no_hire"),
    (0.35, "lean_hire"), (0.75, "hire"), (float("inf"), "strong_hire"),
]


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
        from interviewer.grading.card_markdown import render_markdown

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


class Scoring(Model):
    """How a phase's verdicts become its 1-4 score (rubrics/calibration/scoring.yaml, fitted with held-out folds)."""

    method: str
    partial_credit: float = Field(ge=0, le=1, description="A green flag partly shown, against 1 for met.")
    red_share: float = Field(ge=0, le=3, description="What the weighted share of red flags raised takes off.")
    bins: list[float] = Field(min_length=3, max_length=3, description="The raw credit that 2, 3 and 4 need.")
    reference_met: int | None = Field(None, ge=1, description=(
        "A partial green whose best sentence holds this many words of the problem's reference point is "
        "met (grading/anchor.py); none: off."))
    flaw_share: float = Field(0.0, ge=0, le=1, description=(
        "What the mistakes the problem's bank presses take off a phase's raw credit (grading/pressed.py)."))
    flaw_k: int = Field(1, ge=1, description="How many such mistakes take the whole `flaw_share`.")
    bank_met: bool = Field(False, description=(
        "A partial green with a stated sentence its problem's bank question already answers is met "
        "(grading/anchor.py)."))

    @model_validator(mode="after")
    def _ascending(self) -> Scoring:
        if not 0 < self.bins[0] < self.bins[1] < self.bins[2] <= 1:
            raise ValueError("bins must rise within (0, 1]")
        return self


@cache
def scoring() -> Scoring:
    return load_model(BUNDLED / "rubrics" / "calibration" / "scoring.yaml", Scoring)


def raw_credit(greens: list[tuple[float, str]], reds: list[tuple[float, str]],
               partial_credit: float, red_share: float) -> float:
    """Green credit (weighted share of green flags met, partial ones in part) minus `red_share` times
    the weighted share of red flags raised, in [0, 1]; (weight, credited verdict) pairs. The phase
    score's arithmetic, shared with the fit of its rule (evals/scoring_fit.py)."""
    g_total = sum(w for w, _ in greens) or 1.0
    r_total = sum(w for w, _ in reds) or 1.0
    credit = {"met": 1.0, "partial": partial_credit}
    earned = sum(w * credit.get(v, 0.0) for w, v in greens) / g_total
    penalty = sum(w for w, v in reds if v == "raised") / r_total
    return min(1.0, max(0.0, earned - red_share * penalty))


def phase_score(flags: list[FlagResult], acts: int = 0) -> tuple[int, float]:
    """The raw credit of a phase's verdicts, less its pressed mistakes (`acts`), mapped onto 1-4 by
    the fitted bins."""
    rule = scoring()
    raw = raw_credit([(f.weight, f.credited) for f in flags if f.kind == "green"],
                     [(f.weight, f.credited) for f in flags if f.kind == "red"], rule.partial_credit, rule.red_share)
    raw = max(0.0, raw - penalty(acts, rule.flaw_share, rule.flaw_k))
    return 1 + sum(raw >= b for b in rule.bins), round(raw, 3)


def hire_signal(overall: float, level: Level) -> tuple[HireSignal, float]:
    bar = LEVEL_BAR[level]
    for upper, signal in SIGNAL_STEPS:
        if overall - bar < upper:
            return signal, bar
    return "strong_hire", bar


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
