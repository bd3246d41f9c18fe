"""The LLM client's logic against the scripted fake (in-process, no sockets)."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, Field

from interviewer.llm.client import StructuredOutputError
from interviewer.testing.fake_llm import FakeReply, Script, scripted_llm


class Verdict(BaseModel):
    model_config = ConfigDict(extra="forbid")
    met: bool
    quote: str = Field(max_length=200)


PROBE = ['{"ok": true}', "yes"]  # json_schema probe, then streaming probe


def test_chat_records_usage_and_cached_tokens() -> None:
    script = Script([FakeReply("Hello there.", prompt_tokens=120, cached_tokens=100)])
    llm = scripted_llm(script)
    assert llm.chat([{"role": "user", "content": "hi"}], purpose="interviewer") == "Hello there."
    call = llm.usage.calls[-1]
    assert (call.purpose, call.prompt_tokens, call.cached_tokens) == ("interviewer", 120, 100)
    assert call.completion_tokens == 3 and call.latency_s >= 0
    assert llm.usage.totals("interviewer")["calls"] == 1


def test_stream_yields_deltas_and_time_to_first_token() -> None:
    script = Script([FakeReply("What is the business goal here?", prompt_tokens=50, cached_tokens=40)])
    llm = scripted_llm(script)
    deltas = list(llm.stream([{"role": "user", "content": "go"}], max_tokens=30))
    assert len(deltas) > 1 and "".join(deltas) == "What is the business goal here?"
    call = llm.usage.calls[-1]
    assert call.ttft_s is not None and call.ttft_s <= call.latency_s
    assert (call.prompt_tokens, call.cached_tokens) == (50, 40)
    assert script.requests[-1]["stream"] is True and script.requests[-1]["max_tokens"] == 30


def test_trailing_empty_assistant_message_is_never_sent() -> None:
    script = Script(["ok"])
    llm = scripted_llm(script)
    llm.chat([{"role": "user", "content": "a"}, {"role": "assistant", "content": "  "}])
    assert [m["role"] for m in script.requests[0]["messages"]] == ["user"]


def test_structured_uses_json_schema_when_the_server_supports_it() -> None:
    script = Script([*PROBE, '{"met": true, "quote": "a popularity baseline"}'])
    llm = scripted_llm(script)
    got = llm.structured([{"role": "user", "content": "grade"}], Verdict)
    assert got == Verdict(met=True, quote="a popularity baseline")
    fmt = script.requests[-1]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["schema"]["required"] == ["met", "quote"]


def test_structured_reasks_with_the_validation_error() -> None:
    script = Script([*PROBE, '{"met": "perhaps"', '{"met": true}', '{"met": false, "quote": ""}'])
    llm = scripted_llm(script)
    got = llm.structured([{"role": "user", "content": "grade"}], Verdict)
    assert got.met is False
    third = script.requests[-1]["messages"]
    assert [m["role"] for m in third] == ["user", "user"]  # the question, then only the latest fault
    assert "did not match" in third[-1]["content"] and "quote" in third[-1]["content"]
    assert llm.usage.calls[-1].attempts == 3


def test_truncated_reply_is_reasked_then_reported() -> None:
    cut = FakeReply('{"met": true, "quote": "abc', finish_reason="length")
    script = Script([*PROBE, cut, cut])
    llm = scripted_llm(script)
    with pytest.raises(StructuredOutputError, match="cut off"):
        llm.structured([{"role": "user", "content": "grade"}], Verdict, attempts=2)
    assert "cut off" in script.requests[-1]["messages"][-1]["content"]


def test_without_json_schema_the_schema_goes_in_the_prompt() -> None:
    script = Script([FakeReply("bad request", status=400), "yes", '{"met": true, "quote": "x"}'])
    llm = scripted_llm(script)
    assert llm.capabilities().json_schema is False
    assert llm.structured([{"role": "user", "content": "grade"}], Verdict).met
    last = script.requests[-1]
    assert "response_format" not in last and '"quote"' in last["messages"][-1]["content"]
