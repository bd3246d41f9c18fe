"""Retries, timeouts and a dead server, over real HTTP against a local fake server."""

from __future__ import annotations

import pytest

from interviewer.llm.client import LLM, LLMError
from interviewer.llm.embedded import free_port
from interviewer.llm.settings import Settings
from interviewer.testing.fake_llm import FakeReply, FakeServer, Script

FAST = {"retry-after-ms": "10"}


def llm_for(url: str, **kw: object) -> LLM:
    return LLM(Settings(base_url=url, max_retries=kw.pop("max_retries", 3), **kw))  # type: ignore[arg-type]


@pytest.mark.parametrize("status", [429, 500, 503])
def test_transient_errors_are_retried(status: int) -> None:
    script = Script([FakeReply(status=status, headers=FAST), FakeReply(status=status, headers=FAST), "fine"])
    with FakeServer(script) as srv:
        assert llm_for(srv.base_url).chat([{"role": "user", "content": "x"}]) == "fine"
    assert len(script.requests) == 3


def test_a_timeout_is_retried() -> None:
    script = Script([FakeReply("late", delay_s=1.5), "on time"])
    with FakeServer(script) as srv:
        assert llm_for(srv.base_url, timeout=0.5).chat([{"role": "user", "content": "x"}]) == "on time"
    assert len(script.requests) == 2


def test_persistent_failure_gives_a_clear_error() -> None:
    script = Script(lambda body: FakeReply(status=503, headers=FAST))
    with FakeServer(script) as srv, pytest.raises(LLMError, match="HTTP 503"):
        llm_for(srv.base_url, max_retries=2).chat([{"role": "user", "content": "x"}])
    assert len(script.requests) == 3


def test_rate_limit_after_retries_says_so() -> None:
    script = Script(lambda body: FakeReply(status=429, headers=FAST))
    with FakeServer(script) as srv, pytest.raises(LLMError, match="rate-limiting"):
        llm_for(srv.base_url, max_retries=1).chat([{"role": "user", "content": "x"}])


def test_a_server_that_is_down_is_named() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(LLMError, match="cannot reach the LLM server at http://127.0.0.1"):
        llm_for(url, max_retries=0).chat([{"role": "user", "content": "x"}])


def test_stream_over_http() -> None:
    with FakeServer(Script(["Tell me about the users."])) as srv:
        text = "".join(llm_for(srv.base_url).stream([{"role": "user", "content": "x"}]))
    assert text == "Tell me about the users."


def test_a_dead_server_is_recovered_once_when_a_recover_hook_restarts_it() -> None:
    script = Script(["back again"])
    with FakeServer(script) as srv:
        dead = f"http://127.0.0.1:{free_port()}/v1"
        llm = llm_for(dead, max_retries=0)
        calls = []

        def recover() -> bool:  # what the embedded server does: come back (here: point at a live one)
            calls.append(1)
            llm.client = llm.client.with_options(base_url=srv.base_url)
            return True

        llm.recover = recover
        assert llm.chat([{"role": "user", "content": "x"}]) == "back again"
    assert calls == [1]


def test_a_dropped_stream_is_an_error_and_the_session_keeps_the_answer() -> None:
    from interviewer.interview.clock import SimClock
    from interviewer.interview.context import Context
    from interviewer.interview.sessions import Sessions

    replies: list[FakeReply | str] = [FakeReply("Thanks. What is the business goal here?", drop_after=2),
                                      "Thanks. What is the business goal here?"]

    def respond(body: dict) -> FakeReply | str:
        if body.get("response_format"):
            return FakeReply(status=400)  # no json_schema: grading falls back, never blocks the turn
        if body.get("max_tokens") == 4:
            return "ok"
        no = '{"evidence": [], "rationale": "", "verdict": "no"}'
        return replies.pop(0) if body.get("stream") and replies else no

    with FakeServer(Script(respond)) as srv:
        sessions = Sessions(Context(questions="model", llm=llm_for(srv.base_url, max_retries=0), clock=SimClock()))
        sid, opening = sessions.start("payment_fraud")
        list(opening)
        got: list[str] = []
        with pytest.raises(LLMError):
            for delta in sessions.send(sid, "We should stop fraud at checkout."):
                got.append(delta)
        assert not got, "nothing of a reply is shown before it has been checked whole"
        view = sessions.load(sid)
        assert view.transcript[-1]["text"] == "We should stop fraud at checkout." and view.interrupted
        assert "".join(sessions.retry(sid)) == "Thanks. What is the business goal here?"
        assert len(sessions.load(sid).transcript) == 3
