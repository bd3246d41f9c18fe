"""Gradio handlers called directly (no server)."""

from __future__ import annotations

from interviewer.fake_llm import FakeReply, Script, scripted_llm
from interviewer.ui import build_app, chat_handler


def test_chat_streams_growing_reply() -> None:
    script = Script(["Who are the users, and what is the business goal?"])
    respond = chat_handler(scripted_llm(script))
    outs = list(respond("Design fraud detection", []))
    assert len(outs) > 1 and outs[-1] == "Who are the users, and what is the business goal?"
    assert all(outs[i + 1].startswith(outs[i]) for i in range(len(outs) - 1))
    assert script.requests[0]["messages"][-1] == {"role": "user", "content": "Design fraud detection"}


def test_backend_error_is_shown_and_message_kept() -> None:
    respond = chat_handler(scripted_llm(Script([FakeReply(status=500)])))
    outs = list(respond("my answer", []))
    assert "HTTP 500" in outs[-1] and "send it again" in outs[-1]


def test_empty_message_costs_no_call() -> None:
    script = Script([])
    assert list(chat_handler(scripted_llm(script))("   ", [])) == ["Please type an answer first."]
    assert script.requests == []


def test_app_builds() -> None:
    assert build_app(scripted_llm(Script([]))) is not None
