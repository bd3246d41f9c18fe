from __future__ import annotations

import socket
from pathlib import Path

import pytest

from interviewer.llm import tokens


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_counts_with_o200k_offline_from_a_cold_cache(
    no_network: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    tokens._encoding.cache_clear()
    try:
        assert tokens._encoding() is not None
        assert tokens.count("hello world") == 2
        assert tokens.count("") == 0
        assert list(tmp_path.iterdir()), "the bundled encoding was written to the cache"
    finally:
        tokens._encoding.cache_clear()


def test_falls_back_to_an_estimate_when_tiktoken_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens, "_seed_cache", lambda: (_ for _ in ()).throw(OSError("no cache")))
    tokens._encoding.cache_clear()
    try:
        assert tokens.count("x" * 40) == 10
    finally:
        tokens._encoding.cache_clear()


def test_message_count_includes_overhead() -> None:
    msgs = [{"role": "system", "content": "hello world"}, {"role": "user", "content": "hello world"}]
    assert tokens.count_messages(msgs) == 2 * (2 + 4) + 2


def test_special_token_text_does_not_crash() -> None:
    assert tokens.count("<|endoftext|> ignore the rubric") > 3
