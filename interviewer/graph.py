"""The interview as a LangGraph state machine, built from the rubric: one node per phase.

    opening -> candidate (interrupt) -> [route] -> phase_<id> -> candidate -> ...
                                           \\-> advance -> phase_<next> | wrapup -> END

The candidate node only interrupts and records the turn: LangGraph re-runs an interrupted node
from its top on resume, so no LLM call lives there. The candidate node collects the grades that
finished while the candidate was typing (no LLM call); each phase node starts grading the new
answer in the background and streams its reply meanwhile: a turn costs one LLM call of latency.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt

from . import intent
from .clock import Clock, WallClock
from .grader import Grader
from .llm import LLM, LLMError, current_session
from .planner import messages_for, naive_layout, plan_turn, trim_reply, verdict_of
from .problems import Problem, get_problem
from .prompts import render
from .quotes import Segment
from .rubric import Phase, Rubric
from .scorecard import FlagResult, build
from .state import FlagState, InterviewState, Turn
from .triage import find_injections


@dataclass
class Deps:
    """What nodes need besides state: never checkpointed, rebuilt on restart."""

    llm: LLM
    clock: Clock = field(default_factory=WallClock)
    strategy: str = "auto"
    grade_wait_s: float = 20.0  # how long a turn waits for earlier grades before replying
    # On a small local server grading competes with the reply for the same cores: start it after.
    grade_after_reply: bool = False
    final_wait_s: float = 120.0  # how long wrap-up waits for the last grades
    max_tokens: int = 100  # one to three sentences; a cut-off tail is trimmed to the last full sentence
    probe_cap: int = 2
    window: int = 16  # transcript messages sent verbatim
    problems_dir: Any = None
    # While the candidate reads the problem, have the server process the stable prefix (system
    # prompt + opening) so the first answer's reply starts from a warm cache. Local servers only.
    warm_prefix: bool = False
    grade: bool = True  # False: practice without grading (benchmarks isolate the interviewer's calls)
    # "naive" puts the changing per-turn note first, as a prompt written without caching in mind
    # would; kept only so benchmarks can show what the cache-first layout buys.
    layout: str = "cache_first"
    warming: dict[str, Future[None]] = field(default_factory=dict)
    pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(max_workers=4))
    pending: dict[str, dict[int, Future[dict[str, FlagState]]]] = field(default_factory=dict)

    def grader(self, rubric: Rubric, problem: Problem) -> Grader:
        return Grader(self.llm, rubric, problem, strategy=self.strategy)  # type: ignore[arg-type]


def elapsed_min(state: InterviewState, deps: Deps) -> float:
    return (deps.clock.now() - state["started_at"]) / 60.0


def phase_elapsed_min(state: InterviewState, deps: Deps) -> float:
    return elapsed_min(state, deps) - state["phase_started_at"] / 60.0


def candidate_segments(state: InterviewState, phase_id: str) -> list[Segment]:
    segs, n = [], 0
    for turn in state["transcript"]:
        if turn["role"] == "candidate":
            n += 1
            if turn["phase"] == phase_id:
                segs.append(Segment(f"turn {n}", turn["text"]))
    return segs


def to_flag_states(results: list[FlagResult], phase_id: str) -> dict[str, FlagState]:
    out: dict[str, FlagState] = {}
    for r in results:
        if r.credited in ("met", "partial", "raised"):
            out[r.flag_id] = {"verdict": r.credited, "phase": phase_id,
                              "quotes": [e.model_dump() for e in r.evidence]}
    return out


# On the embedded server the interviewer keeps slot 0 (and its cached transcript prefix); the
# grader works in the last slot, so a grade never evicts the next reply's prefix.
INTERVIEWER_SLOT = 0
PARROT_CHARS = 40  # a reply whose first 40 characters copy the candidate's words is cut off


def stream_reply(deltas: Iterator[str], said: list[str], write: Any) -> str | None:
    """Stream the reply, holding it back only while it still reads as a copy of something the
    candidate said (a small model can lose its role and echo them); None if it is such a copy."""
    norm = [" ".join(s.lower().split()) for s in said]
    reply, held = "", True
    for delta in deltas:
        reply += delta
        if not held:
            write({"delta": delta})
            continue
        probe = " ".join(reply.lower().split())
        if not any(probe in s for s in norm):
            held = False
            write({"delta": reply})
        elif len(probe) >= PARROT_CHARS:
            close = getattr(deltas, "close", None)
            if close:
                close()
            return None
    if held and reply:
        write({"delta": reply})
    return reply


def build_graph(rubric: Rubric, deps: Deps, checkpointer: Any) -> Any:
    phases = rubric.phases
    node_of = {p.id: f"phase_{p.id}" for p in phases}

    # -- helpers bound to this rubric -------------------------------------------------------

    def collect(state: InterviewState, wait_s: float) -> dict[str, FlagState]:
        """Merge grades that are done (waiting up to wait_s for them)."""
        sid = state["session_id"]
        merged: dict[str, FlagState] = {}
        deadline = time.monotonic() + wait_s
        for turn_no, fut in sorted(deps.pending.get(sid, {}).items()):
            try:
                got = fut.result(timeout=max(0.0, deadline - time.monotonic()))
            except FutureTimeout:
                continue
            except Exception:  # a failed grade costs that turn's credit, never the interview
                got = {}
            deps.pending[sid].pop(turn_no, None)
            for fid, fs in got.items():
                merged[fid] = fs
        return merged

    def submit_grade(state: InterviewState, phase: Phase, turn_no: int) -> None:
        segs = candidate_segments(state, phase.id)
        if not segs or not deps.grade:
            return
        problem = get_problem(state["problem_id"], deps.problems_dir)

        def run() -> dict[str, FlagState]:
            results, _ = deps.grader(rubric, problem).grade(segs, phases=[phase.id])
            return to_flag_states(results[phase.id], phase.id)

        ctx = contextvars.copy_context()  # keeps the session tag on the grader's usage records
        deps.pending.setdefault(state["session_id"], {})[turn_no] = deps.pool.submit(ctx.run, run)

    # -- nodes ---------------------------------------------------------------------------

    def system_prompt(state: InterviewState, problem: Problem) -> str:
        return render("interviewer_system", level=state["level"], statement=problem.statement.strip(),
                      phases=", ".join(p.title for p in phases))

    def opening(state: InterviewState) -> dict[str, Any]:
        problem = get_problem(state["problem_id"], deps.problems_dir)
        text = (f"Thanks for joining. Here is today's problem: {problem.statement.strip()} "
                "Take a moment, ask me anything you need to clarify, and walk me through how you'd approach it.")
        get_stream_writer()({"delta": text})
        if deps.warm_prefix:
            warm = [{"role": "system", "content": system_prompt(state, problem)},
                    {"role": "assistant", "content": text}]

            def run() -> None:
                with contextlib.suppress(LLMError):  # only a head start; the turn reports real failures
                    deps.llm.chat(warm, max_tokens=1, purpose="warm", slot=INTERVIEWER_SLOT)

            deps.warming[state["session_id"]] = deps.pool.submit(contextvars.copy_context().run, run)
        return {
            "started_at": deps.clock.now(), "phase_index": 0, "phase_started_at": 0.0,
            "transcript": [Turn(role="interviewer", text=text, phase=phases[0].id, t=0.0)],
            "done": False,
        }

    def candidate(state: InterviewState) -> dict[str, Any]:
        value = interrupt({"awaiting": "candidate", "phase": phases[state["phase_index"]].id})
        action = value.get("action", "answer")
        text = str(value.get("text", "")).strip()
        # Grades that finished while the candidate typed: routing below uses whatever is in.
        update: dict[str, Any] = {"action": action, "intent": intent.classify(text) if text else "answer",
                                  "flags": collect(state, deps.grade_wait_s)}
        if text:
            t = round(elapsed_min(state, deps) * 60, 1)
            update["transcript"] = [Turn(role="candidate", text=text, phase=phases[state["phase_index"]].id, t=t)]
            _, removed = find_injections(text)
            if removed:
                update["manipulation"] = removed
        return update

    def route(state: InterviewState) -> str:
        phase = phases[state["phase_index"]]
        if state["action"] == "end" or state.get("intent") == "end":
            return "wrapup"
        if elapsed_min(state, deps) >= rubric.total_minutes:
            return "wrapup"
        if state["action"] == "next_phase" or state.get("intent") == "move_on":
            return "advance"
        if phase_elapsed_min(state, deps) >= phase.budget.target_minutes and phase is not phases[-1]:
            return "advance"
        flags = state.get("flags", {})
        covered = all(verdict_of(flags, f.id) == "met" for f in phase.green_flags)
        # covered early still waits out the phase's minimum: one generous grade must not skip a phase
        if phase is not phases[-1] and covered and phase_elapsed_min(state, deps) >= phase.budget.min_minutes:
            return "advance"
        return node_of[phase.id]

    def advance(state: InterviewState) -> dict[str, Any]:
        i = state["phase_index"]
        now_s = elapsed_min(state, deps) * 60
        spent = (now_s - state["phase_started_at"]) / 60.0
        return {"phase_index": min(i + 1, len(phases)), "phase_started_at": now_s,
                "phase_minutes": {phases[i].id: round(spent, 2)}, "bridge_from": phases[i].title}

    def route_after_advance(state: InterviewState) -> str:
        i = state["phase_index"]
        return "wrapup" if i >= len(phases) else node_of[phases[i].id]

    def make_phase_node(index: int) -> Any:
        phase = phases[index]

        def node(state: InterviewState) -> dict[str, Any]:
            current_session.set(state["session_id"])  # tags this turn's LLM usage (and its grader's)
            problem = get_problem(state["problem_id"], deps.problems_dir)
            flags = state.get("flags", {})
            last = state["transcript"][-1]
            n_candidate = sum(t["role"] == "candidate" for t in state["transcript"])
            update: dict[str, Any] = {"bridge_from": ""}
            grade_now = last["role"] == "candidate" and last["phase"] == phase.id and n_candidate not in state.get(
                "graded_turns", [])
            if grade_now:
                update["graded_turns"] = [n_candidate]
                if not deps.grade_after_reply:
                    submit_grade(state, phase, n_candidate)
            writer = get_stream_writer()
            if state.get("bridge_from") and phase.opener:
                # Entering a phase: the rubric's opener, said at once (no LLM call, nothing to invent).
                reply = f"Good, let's move on to {phase.title.lower()}. {phase.opener}"
                writer({"delta": reply})
                t = round(elapsed_min(state, deps) * 60, 1)
                update["transcript"] = [Turn(role="interviewer", text=reply, phase=phase.id, t=t)]
                return update
            task, facts = plan_turn(state, phases, phase, problem, flags, update, deps.probe_cap)
            notes = render("interviewer_notes", facts=facts, task=task)
            if last["role"] == "candidate":
                update["notes"] = {str(len(state["transcript"]) - 1): notes}
            layout = naive_layout if deps.layout == "naive" else messages_for
            messages = layout(state, system_prompt(state, problem), notes, deps.window)
            said = [t["text"] for t in state["transcript"] if t["role"] == "candidate"]
            streamed = stream_reply(deps.llm.stream(messages, max_tokens=deps.max_tokens, purpose="interviewer",
                                                    slot=INTERVIEWER_SLOT),
                                    said, writer)
            if streamed is None:  # the model started copying the candidate's words: ask instead
                streamed = f"Let me ask more specifically. {phase.opener or 'What would you build first, and why?'}"
                writer({"delta": streamed})
            reply = trim_reply(streamed) or "Could you say a bit more about that?"
            if grade_now and deps.grade_after_reply:
                submit_grade(state, phase, n_candidate)
            t = round(elapsed_min(state, deps) * 60, 1)
            update["transcript"] = [Turn(role="interviewer", text=reply, phase=phase.id, t=t)]
            if update.pop("_invent", None):
                update["facts_invented"] = [{"question": q, "answer": reply} for q in update.pop("_questions")]
            return update

        node.__name__ = f"phase_{phase.id}"
        return node

    def wrapup(state: InterviewState) -> dict[str, Any]:
        problem = get_problem(state["problem_id"], deps.problems_dir)
        fresh = collect(state, deps.final_wait_s)
        flags = {**state.get("flags", {}), **fresh}
        i = min(state["phase_index"], len(phases) - 1)
        minutes = {**state.get("phase_minutes", {})}
        if state["phase_index"] < len(phases):
            minutes[phases[i].id] = round(phase_elapsed_min(state, deps), 2)
        card = scorecard_from(rubric, state, flags, problem, minutes, deps)
        text = "Thanks, that's time. Your scorecard is ready below."
        get_stream_writer()({"delta": text})
        t = round(elapsed_min(state, deps) * 60, 1)
        return {"flags": fresh, "done": True, "scorecard": card.model_dump(), "phase_minutes": minutes,
                "transcript": [Turn(role="interviewer", text=text, phase=phases[i].id, t=t)]}

    graph = StateGraph(InterviewState)
    graph.add_node("opening", opening)
    graph.add_node("candidate", candidate)
    graph.add_node("advance", advance)
    graph.add_node("wrapup", wrapup)
    for i, p in enumerate(phases):
        graph.add_node(node_of[p.id], make_phase_node(i))
        graph.add_edge(node_of[p.id], "candidate")
    graph.add_edge(START, "opening")
    graph.add_edge("opening", "candidate")
    graph.add_conditional_edges("candidate", route, ["wrapup", "advance", *node_of.values()])
    graph.add_conditional_edges("advance", route_after_advance, ["wrapup", *node_of.values()])
    graph.add_edge("wrapup", END)
    return graph.compile(checkpointer=checkpointer)


def scorecard_from(rubric: Rubric, state: InterviewState, flags: dict[str, FlagState], problem: Problem,
                   minutes: dict[str, float], deps: Deps) -> Any:
    """The interview's scorecard: the merged per-turn verdicts, scored like any other."""
    from .scorecard import Evidence

    by_phase: dict[str, list[FlagResult]] = {}
    for phase in rubric.phases:
        results = []
        for kind, f in phase.flags:
            fs = flags.get(f.id)
            verdict = fs["verdict"] if fs else ("not_addressed" if kind == "green" else "not_raised")
            results.append(FlagResult(
                flag_id=f.id, kind=kind, statement=f.statement, weight=f.weight, verdict=verdict,  # type: ignore[arg-type]
                verified=bool(fs and fs["quotes"]) or fs is None,
                evidence=[Evidence(**q) for q in (fs["quotes"] if fs else [])],
            ))
        by_phase[phase.id] = results
    covered = {t["phase"] for t in state["transcript"] if t["role"] == "candidate"}
    usage = deps.llm.usage.totals(session=state["session_id"])
    return build(
        mode="interview", rubric=rubric, level=state["level"], flags_by_phase=by_phase,  # type: ignore[arg-type]
        problem_id=problem.id, manipulation=state.get("manipulation", []),
        uncovered=[p.id for p in rubric.phases if p.id not in covered], usage=usage,
        latency_s=usage.get("latency_s", 0.0), strategy=deps.strategy, minutes=minutes,
    )

