"""A scripted grader model: answers each flag question from a table, as a server would."""

from __future__ import annotations

import json
import re
from typing import Any

from interviewer.content.rubric import Rubric
from interviewer.testing.fake_llm import FakeReply

PROBE_STREAM = "ok"
INTENT_CHECK = "In a mock system design interview, the candidate just said:"  # prompts/intent_check.md


class JudgeScript:
    """Replies to probe, per-flag and per-phase grader requests; records which flags were asked."""

    def __init__(self, rubric: Rubric, table: dict[str, tuple[str, list[str]]]) -> None:
        self.rubric = rubric
        self.table = table  # flag id -> (verdict yes/partly/no, quotes)
        self.asked: list[str] = []
        self.calls = 0

    def judgement(self, flag_id: str) -> dict[str, Any]:
        verdict, quotes = self.table.get(flag_id, ("no", []))
        return {"evidence": quotes, "rationale": "scripted", "verdict": verdict}

    def citation(self, prompt: str) -> str:
        question = prompt.rpartition("Question: ")[2]
        lines = re.findall(r"^\[(S\d+)\] (.*)$", prompt, re.MULTILINE)
        for phase in self.rubric.phases:
            for _, flag in phase.flags:
                if flag.question in question:
                    quotes = self.table.get(flag.id, ("no", []))[1]
                    for sid, text in lines:
                        if any(q.lower() in text.lower() for q in quotes):
                            return json.dumps({"sentence": sid})
        return json.dumps({"sentence": lines[0][0] if lines else "S0"})

    def probability(self, prompt: str) -> FakeReply:
        question = prompt.rpartition("Question: ")[2]
        for phase in self.rubric.phases:
            for kind, flag in phase.flags:
                if flag.question in question:
                    self.asked.append(flag.id)
                    verdict, quotes = self.table.get(flag.id, ("no", []))
                    shown = prompt.rpartition("Question: ")[0].lower()
                    if quotes and not any(q.lower() in shown for q in quotes):
                        verdict = "no"  # like a model, it can only see evidence that is in the text shown
                    p = {"yes": 0.95, "partly": 0.65, "no": 0.05}[verdict]
                    if kind == "red" and flag.raised_when == "no":  # the question detects the missing thing
                        p = 1 - p
                    return FakeReply("Yes" if p >= 0.5 else "No", top_logprobs={"Yes": p, "No": 1 - p})
        return FakeReply("Yes", top_logprobs={"Yes": 0.9, "No": 0.1})  # the client's capability probe

    def __call__(self, body: dict[str, Any]) -> FakeReply | str:
        self.calls += 1
        fmt = body.get("response_format")
        if body.get("stream"):
            return PROBE_STREAM
        if fmt and fmt["json_schema"]["name"] == "probe":
            return '{"ok": true}'
        prompt = body["messages"][-1]["content"]
        if body.get("logprobs"):  # probability grading: the table's verdict as P(yes) to the question
            return self.probability(prompt)
        if fmt and fmt["json_schema"]["name"] == "Citation":  # the sentence holding the table's quote
            return self.citation(prompt)
        if fmt and fmt["json_schema"]["name"].startswith("Phase_"):
            phase = self.rubric.phase(fmt["json_schema"]["name"].removeprefix("Phase_"))
            self.asked += [f.id for _, f in phase.flags]
            return json.dumps({f.id: self.judgement(f.id) for _, f in phase.flags})
        for phase in self.rubric.phases:
            for _, flag in phase.flags:
                if f"): {flag.statement}" in prompt:
                    self.asked.append(flag.id)
                    return json.dumps(self.judgement(flag.id))
        raise AssertionError("grader request names no known flag")


class InterviewScript:
    """Routes grader requests to a JudgeScript and answers interviewer turns with a fixed line."""

    def __init__(self, judge: JudgeScript, reply: str | list[str] = "Interesting. Can you say more about that?",
                 intent_yes: float = 0.1) -> None:
        self.judge = judge
        self.replies = [reply] if isinstance(reply, str) else list(reply)  # a list is said in turn, cycling
        self.intent_yes = intent_yes  # P(yes) to "is the candidate asking to ...?"
        self.interviewer_prompts: list[list[dict[str, str]]] = []
        self.intent_checks: list[str] = []

    def __call__(self, body: dict[str, Any]) -> FakeReply | str:
        last = body["messages"][-1]["content"] if body.get("messages") else ""
        if body.get("logprobs") and last.startswith(INTENT_CHECK):
            self.intent_checks.append(last)
            return FakeReply("Yes" if self.intent_yes >= 0.5 else "No",
                             top_logprobs={"Yes": self.intent_yes, "No": 1 - self.intent_yes})
        if body.get("response_format") or body.get("logprobs") or body.get("max_tokens") == 4:
            return self.judge(body)
        self.interviewer_prompts.append(body["messages"])
        return self.replies[(len(self.interviewer_prompts) - 1) % len(self.replies)]

    @property
    def last_notes(self) -> str:
        return self.interviewer_prompts[-1][-1]["content"]
