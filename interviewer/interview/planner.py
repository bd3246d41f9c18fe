"""What the interviewer does on a turn: answer from facts, probe, push back, bridge, deep-dive.

Plain functions over the state, so the planning is testable and the graph stays about flow.
The result is a short hidden note for the model; the 1.5B model follows notes addressed to the
interviewer about "them" far better than notes about "the candidate".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from interviewer.content.problems import Problem
from interviewer.content.rubric import Flag, FlagKind, Phase
from interviewer.grading import lexical
from interviewer.grading.retrieval import terms
from interviewer.grading.scorecard import FlagResult
from interviewer.interview import facts, intent
from interviewer.interview.state import InterviewState


def trim_reply(text: str) -> str:
    """Drop a tail cut off by max_tokens: keep whole sentences when there is at least one."""
    text = text.strip()
    ends = [m.end() for m in re.finditer(r"[.?!](?:[\"')\]]*)(?=\s|$)", text)]
    return text[: ends[-1]] if ends and ends[-1] < len(text) else text


def as_them(statement: str) -> str:
    """Rubric statements speak of 'the candidate'; the small model follows notes about 'them' better."""
    return re.sub(r"\b[Tt]he candidate\b", "they", re.sub(r"\b[Tt]he candidate's\b", "their", statement))


def verdict_of(flags: dict[str, FlagResult], flag_id: str) -> str | None:
    """What the flag's grade counts for so far (an unverified verdict counts for nothing)."""
    r = flags.get(flag_id)
    return r.credited if r else None


def red_flags_shown(text: str, phases: list[Phase], probes: dict[str, int], probe_cap: int) -> list[Flag]:
    """Red flags of any phase that this answer shows by their cues, not yet challenged to the cap."""
    return [f for ph in phases for f in ph.red_flags
            if text and lexical.shows(f, text) and probes.get(f.id, 0) < probe_cap]


def vague(text: str) -> bool:
    """A short answer with nothing concrete in it: no number and few content words."""
    return bool(text) and len(terms(text)) < 6 and not re.search(r"\d", text)


GENERIC = set(terms("model models data system users user text candidate would build use using"))


def covers(text: str, flag: Flag, problem: Problem) -> bool:
    """The answer already talks about what the flag asks (it shares several content words with
    the flag's question and evidence, beyond the problem's own words): asking for it again would
    make the model echo them."""
    ignore = GENERIC | set(terms(problem.statement))
    return len((set(terms(text)) & set(terms(f"{flag.question} {flag.evidence}"))) - ignore) >= 3


def next_probe(
    state: InterviewState, phase: Phase, flags: dict[str, FlagResult], probe_cap: int
) -> tuple[FlagKind, Flag] | None:
    """Raised red flags first, then missing green flags by weight; none past its probe cap. A red
    flag raised only because the green it negates is not addressed is that green's topic, asked
    as an open question (and counted once)."""
    probes = state.get("probes", {})
    reds = [f for f in phase.red_flags if verdict_of(flags, f.id) == "raised"
            and not (f.id in flags and flags[f.id].settled_by)]
    greens = sorted((f for f in phase.green_flags if verdict_of(flags, f.id) != "met"),
                    key=lambda f: -f.weight)
    for kind, group in (("red", reds), ("green", greens)):
        for f in group:
            if probes.get(topic_key(f), 0) < probe_cap:
                return kind, f  # type: ignore[return-value]
    return None


def topic_key(flag: Flag) -> str:
    """What a probe counts against: a red flag and the green it negates are one topic."""
    return flag.opposes or flag.id


def after_dont_know(state: InterviewState, phase: Phase, flags: dict[str, FlagResult],
                    probe_cap: int) -> tuple[dict[str, int], tuple[FlagKind, Flag] | None]:
    """The probes with the topic they could not answer closed, and the next topic to ask (None:
    the phase has nothing left, so the interview moves on)."""
    last = state.get("last_probe")
    closed = {**state.get("probes", {}), **({last: probe_cap} if last else {})}
    return closed, next_probe({**state, "probes": closed}, phase, flags, probe_cap)


def window_start(n: int, window: int) -> int:
    """Where the verbatim transcript starts. The window slides in jumps of half its size, not one
    message per turn, so between jumps every request still extends the previous one (cache hits)."""
    if n <= window:
        return 0
    step = max(1, window // 2)
    return ((n - window) // step + 1) * step


def messages_for(state: InterviewState, system: str, notes: str, window: int) -> list[dict[str, str]]:
    """Stable system text first, then the recent transcript; the hidden note rides on the last answer.

    Earlier answers keep the notes they were sent with, so each request starts with the previous
    request plus its reply, byte for byte: the server reuses all of it from its cache.
    """
    transcript = state["transcript"]
    start = window_start(len(transcript), window)
    old_notes = state.get("notes", {})
    msgs = [{"role": "system", "content": system}]
    for i, turn in enumerate(transcript[start:], start):
        role = "assistant" if turn["role"] == "interviewer" else "user"
        note = old_notes.get(str(i)) if i < len(transcript) - 1 else None
        msgs.append({"role": role, "content": f"{turn['text']}\n\n{note}" if note else turn["text"]})
    if msgs[-1]["role"] == "user":
        msgs[-1] = {"role": "user", "content": f"{msgs[-1]['content']}\n\n{notes}"}
    else:
        msgs.append({"role": "user", "content": notes})
    return msgs


def naive_layout(state: InterviewState, system: str, notes: str, window: int) -> list[dict[str, str]]:
    """The same content with this turn's note ahead of the system text, as a prompt written without
    caching in mind would put it: each request then differs from the last within its first tokens."""
    msgs = messages_for(state, f"{notes}\n\n{system}", "", window)
    last = msgs[-1]["content"].rstrip()
    msgs[-1] = {"role": "user", "content": last or "Go on."}
    return msgs


@dataclass
class Plan:
    """What this turn does: the hidden note's task and facts, and what the state records of it."""

    task: str = ""
    facts: str = ""
    probes: dict[str, int] = field(default_factory=dict)
    last_probe: str | None = None
    facts_revealed: list[str] = field(default_factory=list)
    invent_for: list[str] = field(default_factory=list)  # questions no fact answers: the reply becomes one
    challenge: bool = False  # the reply must push back (a red flag or a vague answer)
    challenge_with: str = ""  # a red flag's own pushback: asked when the model's reply does not push back

    def update(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.probes:
            out["probes"] = self.probes
        if self.last_probe is not None:
            out["last_probe"] = self.last_probe
        if self.facts_revealed:
            out["facts_revealed"] = self.facts_revealed
        return out


def plan_turn(state: InterviewState, phases: list[Phase], phase: Phase, problem: Problem,
              flags: dict[str, FlagResult], probe_cap: int, topics: dict[str, list[str]] | None = None) -> Plan:
    """Decide what this turn does, from the state alone."""
    plan = Plan()
    last = state["transcript"][-1]
    text = last["text"] if last["role"] == "candidate" else ""
    facts_lines = []
    matched = facts.facts_for(text, problem, topics, frozenset(state.get("facts_revealed", []))) if text else []
    if matched:
        facts_lines.append("Answer their question with these facts, in your own words: "
                           + " ".join(f.fact for f in matched))
        plan.facts_revealed = [f.id for f in matched if f.id not in state.get("facts_revealed", [])]
    invented = state.get("facts_invented", [])[-5:]
    if invented:
        facts_lines.append("Earlier you told them (stay consistent): "
                           + " ".join(f"Asked '{i['question']}', you said: {i['answer']}" for i in invented))
    asked = intent.questions(text) if text else []
    if asked and not matched:
        facts_lines.append(f"No fact on file answers their question ({asked[0]}): give a brief, plausible "
                           "answer and keep to it from now on.")
        plan.invent_for = asked[:1]

    probes = state.get("probes", {})
    shown = red_flags_shown(text, phases, probes, probe_cap)
    if state.get("bridge_from"):
        plan.task = (f"Say briefly that it is time to move on from {state['bridge_from']} to {phase.title}, "
                     f"then ask one opening question about it: {phase.goal}")
    elif state.get("intent") == "dont_know":
        closed, target = after_dont_know(state, phase, flags, probe_cap)
        plan.probes = {k: v for k, v in closed.items() if k == state.get("last_probe")}
        topic = as_them(target[1].statement) if target else phase.checklist[-1]
        if target:
            plan.probes[topic_key(target[1])] = closed.get(topic_key(target[1]), 0) + 1
            plan.last_probe = topic_key(target[1])
        plan.task = ("They said they don't know. Say in a few words that this is fine, then ask one question "
                     f"about a different topic, one that lets them show this: {topic}")
    elif matched or asked:
        plan.task = ""
    elif shown:  # the answer itself shows a red flag, whatever its phase: push back now
        flag = shown[0]
        plan.probes = {flag.id: probes.get(flag.id, 0) + 1}
        plan.last_probe = flag.id
        plan.challenge = True
        plan.challenge_with = flag.challenge or ""
        plan.task = (f"Their answer shows this weakness: {as_them(flag.statement)} Challenge it with one short, "
                     "pointed question, without giving your own solution and without praise.")
    elif phase is phases[-1]:
        deep_dive(state, phases, problem, flags, plan)
    elif (target := next_probe(state, phase, flags, probe_cap)) and target[0] == "green" and vague(text) \
            and probes.get(f"vague:{phase.id}", 0) < probe_cap:
        plan.probes = {f"vague:{phase.id}": probes.get(f"vague:{phase.id}", 0) + 1}
        plan.challenge = True
        plan.task = ("Their answer is vague. Ask how exactly, in one pointed question about what they just said: "
                     "which method, which numbers, or which trade-off.")
    else:
        if target is None or (target[0] == "green" and covers(text, target[1], problem)):
            plan.task = ("Ask one follow-up question that goes deeper into what they just said (how exactly, "
                         "with which numbers or trade-offs). Do not repeat their words back to them.")
        else:
            kind, flag = target
            plan.probes = {topic_key(flag): probes.get(topic_key(flag), 0) + 1}
            plan.last_probe = topic_key(flag)
            plan.challenge = kind == "red"
            plan.task = (f"Their answer shows this weakness: {as_them(flag.statement)} Challenge it with one "
                         "short, pointed question, without giving your own solution." if kind == "red" else
                         "Ask one open question that lets them show this, without hinting at the answer: "
                         f"{as_them(flag.statement)}")
    plan.facts = (" ".join(facts_lines) + " ") if facts_lines else ""
    return plan


def deep_dive(state: InterviewState, phases: list[Phase], problem: Problem, flags: dict[str, FlagResult],
              plan: Plan) -> None:
    probes = state.get("probes", {})
    weak = [p for p in phases[:-1] if sum(verdict_of(flags, f.id) == "met" for f in p.green_flags) < 2]
    topics = [f"dd:{t}" for t in problem.deep_dives] + [f"weak:{p.title}" for p in weak]
    for topic in topics:
        if probes.get(topic, 0) < 1:
            plan.probes, plan.last_probe = {topic: 1}, topic
            kind, _, what = topic.partition(":")
            plan.task = (f"Ask one probing deep-dive question about: {what}." if kind == "dd" else
                         f"Ask one question that tests a weak area of their design: {what}.")
            return
    plan.task = "Ask one final probing question about the riskiest part of their design."
