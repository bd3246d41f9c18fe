"""Scripted interview evals: replay a candidate's turns, check the interviewer and the grades.

Each transcript (evals/transcripts/*.yaml) is a list of candidate turns with expectations:
the phase after the turn, flags met or raised by then, and behaviours of the interviewer's
reply. Behaviours are checked in code, so a run is cheap and repeatable:

- answers_fact:<id>  the reply carries the hidden fact (a number or two content words from it)
- one_question       the reply asks at most one question
- no_rubric_leak     the reply never names the grading (rubric, flags, scorecard) nor repeats a private note
- moves_on           the interview moved to the next phase on this turn
- probes_baseline    the reply asks about a simpler baseline
- accepts_dont_know  the reply is short and does not repeat the previous question
- pushes_back        the reply challenges: a question with why/how/what about/trade-off/...
- asks_next          the reply asks a question (after "I don't know": the interview goes on)

Every reply is also checked, with no expectation needed, for:

- no_praise          the reply does not open with praise ("Great question!", "Absolutely!")
- no_repeat          the reply asks nothing the interviewer or the candidate asked before
"""

from __future__ import annotations

import re
import statistics
import time
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from interviewer.content.catalog import get_problem, get_rubric
from interviewer.content.files import load_model, yaml_files
from interviewer.content.private import private_overlap
from interviewer.content.rubric import Level
from interviewer.evals.writeups import EVAL_DIR
from interviewer.interview import conduct
from interviewer.interview.clock import SimClock
from interviewer.interview.context import Context
from interviewer.interview.planner import verdict_of
from interviewer.interview.sessions import Sessions
from interviewer.llm.client import LLM
from interviewer.llm.settings import GraderStrategy

TRANSCRIPT_DIR = EVAL_DIR / "transcripts"
# "flag" and "score" are ordinary words on most problems ("flag a payment", "the risk score"): a leak
# names the grading itself, or repeats a private note (interview/guards.py)
LEAK = re.compile(r"\b(?:rubric|green flags?|red flags?|scorecard|grading|grader|my notes|hidden facts?|level bar|"
                  r"core challenge)\b", re.IGNORECASE)
STOP = set("the a an of to and or in on for with is are be by we our at as from per that this it".split())


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phase: str | None = None
    flags_met: list[str] = Field(default_factory=list)
    flags_raised: list[str] = Field(default_factory=list)
    interviewer: list[str] = Field(default_factory=list)


class TurnSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    say: str
    expect: Expect | None = None


class Transcript(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    problem: str
    level: Level
    framework: str = "default"
    persona: Literal["strong", "weak", "mixed"]
    minutes_per_turn: float = 3.0
    description: str = ""
    turns: list[TurnSpec] = Field(min_length=1)


def load_transcripts(directory: Path | None = None) -> dict[str, Transcript]:
    return {p.stem: load_model(p, Transcript) for p in yaml_files(directory or TRANSCRIPT_DIR)}


def content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z0-9-]{3,}", text.lower()) if w not in STOP}


def check_behaviour(behaviour: str, reply: str, *, problem_id: str, previous: str, moved: bool) -> bool:
    name, _, arg = behaviour.partition(":")
    low = reply.lower()
    if name == "answers_fact":
        fact = get_problem(problem_id).fact(arg).fact
        numbers = set(re.findall(r"\d[\d,.]*", fact)) - {"1", "2", "3"}
        if any(n in reply for n in numbers):
            return True
        return len(content_words(fact) & content_words(reply)) >= 2
    if name == "one_question":
        return reply.count("?") <= 1
    if name == "no_rubric_leak":
        problem = get_problem(problem_id)
        return not LEAK.search(reply) and not re.search(r"\b[a-z]{2,3}_[gr]_[a-z_]+\b", reply) and \
            not private_overlap(reply, problem, get_rubric())
    if name == "moves_on":
        return moved and bool(reply.strip())
    if name == "probes_baseline":
        return "?" in reply and bool(re.search(r"baseline|simpl|heuristic|start with|first version", low))
    if name == "accepts_dont_know":
        sentences = [s for s in re.split(r"[.!?]+", reply) if s.strip()]
        return len(sentences) <= 4 and reply.strip() != previous.strip()
    if name == "asks_next":
        return "?" in reply
    if name == "pushes_back":
        return "?" in reply and bool(re.search(
            r"\bwhy\b|\bhow\b|what about|trade-?off|concern|risk|are you sure|what happens|instead|but\b", low))
    raise ValueError(f"unknown interviewer behaviour '{behaviour}'")


def every_turn_checks(reply: str, asked: list[str]) -> dict[str, bool]:
    """Conduct that must hold on every reply: no praise opener, no question asked before."""
    return {"no_praise": conduct.strip_praise(reply) == reply.strip(),
            "no_repeat": not any(conduct.is_repeat(q, asked) for q in conduct.questions(reply))}


def run_transcript(llm: LLM, tr: Transcript, strategy: GraderStrategy = "auto") -> dict[str, Any]:
    """Play one transcript on a simulated clock; return per-check results and timings."""
    clock = SimClock()
    sessions = Sessions(Context(llm=llm, clock=clock, strategy=strategy, grade_wait_s=600, final_wait_s=600))
    sid, opening = sessions.start(tr.problem, tr.level, tr.framework, session_id=f"eval-{tr.id}")
    previous = "".join(opening)
    asked = conduct.questions(previous)
    checks: list[dict[str, Any]] = []
    latencies: list[float] = []
    for i, turn in enumerate(tr.turns, 1):
        before = sessions.load(sid).phase_id
        clock.advance(tr.minutes_per_turn * 60)
        start = time.perf_counter()
        reply = "".join(sessions.send(sid, turn.say))
        latencies.append(time.perf_counter() - start)
        if sessions.load(sid).done:
            break
        asked += conduct.questions(turn.say)
        for what, ok in every_turn_checks(reply, asked).items():
            checks.append({"turn": i, "kind": "behaviour", "what": what, "ok": ok, "reply": reply})
        asked += conduct.questions(reply)
        if turn.expect is None:
            previous = reply
            continue
        view = sessions.load(sid)
        flags = sessions.flags_now(sid)
        exp = turn.expect
        if exp.phase:
            checks.append({"turn": i, "kind": "phase", "what": exp.phase, "ok": view.phase_id == exp.phase})
        for fid in exp.flags_met:
            ok = verdict_of(flags, fid) in ("met", "partial")
            checks.append({"turn": i, "kind": "flag_met", "what": fid, "ok": ok})
        for fid in exp.flags_raised:
            checks.append({"turn": i, "kind": "flag_raised", "what": fid,
                           "ok": verdict_of(flags, fid) == "raised"})
        for b in exp.interviewer:
            ok = check_behaviour(b, reply, problem_id=tr.problem, previous=previous, moved=view.phase_id != before)
            checks.append({"turn": i, "kind": "behaviour", "what": b.partition(":")[0], "ok": ok, "reply": reply})
        previous = reply
    card = sessions.end(sid) if not sessions.load(sid).done else sessions.load(sid).scorecard
    return {"id": tr.id, "persona": tr.persona, "level": tr.level, "checks": checks, "latencies": latencies,
            "hire_signal": card.hire_signal if card else None, "overall": card.overall if card else None}


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    checks = [c for r in runs for c in r["checks"]]
    lat = sorted(x for r in runs for x in r["latencies"])

    def rate(kind: str, what: str | None = None) -> float | None:
        sel = [c["ok"] for c in checks if c["kind"] == kind and (what is None or c["what"] == what)]
        return round(sum(sel) / len(sel), 3) if sel else None

    behaviours = sorted({c["what"] for c in checks if c["kind"] == "behaviour"})
    return {
        "transcripts": len(runs), "checks": len(checks),
        "behaviour_pass_rate": rate("behaviour"),
        "per_behaviour": {b: rate("behaviour", b) for b in behaviours},
        "phase_pass_rate": rate("phase"), "flag_met_recall": rate("flag_met"),
        "flag_raised_recall": rate("flag_raised"),
        "turn_latency_p50_s": round(statistics.median(lat), 2) if lat else None,
        "turn_latency_p95_s": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 2) if lat else None,
        "signals": {r["id"]: r["hire_signal"] for r in runs},
    }
