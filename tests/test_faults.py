"""Faults through what a user touches (the UI handlers) over real HTTP to a fake server that fails
on cue: each shows a specific message, keeps the transcript, and the turn can be retried."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.app.ui import UI
from interviewer.content.catalog import get_rubric
from interviewer.interview.clock import SimClock
from interviewer.interview.context import Context
from interviewer.interview.sessions import Sessions
from interviewer.llm.client import LLM
from interviewer.llm.settings import Settings
from interviewer.testing.fake_grader import JudgeScript
from interviewer.testing.fake_llm import FakeReply, FakeServer, Script

REPLY = "Understood. Which labels would you train on?"
ANSWER = "We want to cut fraud losses at checkout."
FAULTS = {
    "rate_limited": (FakeReply(status=429, headers={"retry-after": "0"}), "rate-limiting us (429)"),
    "server_error": (FakeReply(status=500, content="boom"), "HTTP 500"),
    "timeout": (FakeReply(REPLY, delay_s=3.0), "did not answer within 1s"),
    "dropped_stream": (FakeReply(REPLY, drop_after=2), "cut off midway"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_failed_turn_says_why_keeps_the_answer_and_retries(fault: str, tmp_path: Path) -> None:
    failing, message = FAULTS[fault]
    judge = JudgeScript(get_rubric("default"), {"pf_g_business_objective": ("yes", ["cut fraud losses"])})
    broken = {"on": True}

    def respond(body: dict) -> FakeReply | str:
        if body.get("response_format") or body.get("max_tokens") == 4:
            return judge(body)
        return failing if broken["on"] else REPLY

    with FakeServer(Script(respond)) as srv:
        llm = LLM(Settings(base_url=srv.base_url, model="fake", max_retries=1, timeout=1.0))
        db = tmp_path / "s.sqlite"
        ui = UI(Sessions(Context(questions="model",
                                 llm=llm, clock=SimClock()), db_path=db), llm, export_dir=tmp_path / "x")
        sid = list(ui.start("payment_fraud", "senior", "default"))[-1].session_id
        failed = list(ui.send(ANSWER, sid))[-1]
        shown = failed.chat[-1]["content"]
        assert message in shown and "Your answer is saved; press Retry" in shown
        assert shown.startswith("⚠️ The model stopped responding")
        assert failed.chat[-2]["content"] == ANSWER
        # a restart in the middle of the outage loses nothing either
        again = UI(Sessions(Context(questions="model",
                                    llm=llm, clock=SimClock()), db_path=db), llm, export_dir=tmp_path / "y")
        assert ANSWER in [m["content"] for m in again.resume(sid).chat]
        broken["on"] = False
        retried = list(again.control("retry", sid))[-1]
        assert [m["content"] for m in retried.chat][-2:] == [ANSWER, REPLY]
        assert "cut fraud losses" in again.sessions.flags_now(sid)["pf_g_business_objective"].evidence[0].quote


def test_malformed_grader_json_never_blocks_the_turn_and_credits_nothing(tmp_path: Path) -> None:
    def respond(body: dict) -> FakeReply | str:
        if body.get("max_tokens") == 4:
            return "ok"
        if body.get("response_format") or "verdict" in str(body["messages"][-1]["content"]):
            return '{"verdict": "yes", "evidence": ["cut fraud'  # truncated JSON, every time
        return REPLY

    with FakeServer(Script(respond)) as srv:
        llm = LLM(Settings(base_url=srv.base_url, model="fake", max_retries=0, timeout=5.0))
        ui = UI(Sessions(Context(questions="model", llm=llm, clock=SimClock())), llm, export_dir=tmp_path)
        sid = list(ui.start("payment_fraud", "senior", "default"))[-1].session_id
        sent = list(ui.send(ANSWER, sid))[-1]
        assert sent.chat[-1]["content"] == REPLY and not sent.notice
        flags = ui.sessions.flags_now(sid)
        assert not any(f.credited in ("met", "partial") for f in flags.values())
        card = list(ui.control("end", sid))[-1]
        assert "Scorecard" in card.card_md and ANSWER in [m["content"] for m in card.chat]
