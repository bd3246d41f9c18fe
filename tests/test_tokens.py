from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from interviewer.llm import tokens
from interviewer.llm.client import LLM
from interviewer.llm.embedded import free_port
from interviewer.llm.settings import Settings


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


class _CharTokenizer(BaseHTTPRequestHandler):
    """llama.cpp's /tokenize and /detokenize, with one token per character (easy to check)."""

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        if self.path == "/tokenize":
            out: dict[str, object] = {"tokens": [ord(c) for c in body["content"]]}
        elif self.path == "/detokenize":
            out = {"content": "".join(chr(t) for t in body["tokens"])}
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(out).encode()
        self.send_response(200)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def tokenizer_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CharTokenizer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()


def test_the_embedded_servers_counts_are_exact_and_need_no_margin(tokenizer_url: str) -> None:
    llm = LLM(Settings(base_url=tokenizer_url, model="local", max_retries=0))
    assert llm.tokens.count("hello world") == 11  # the server's count, not o200k's 2
    assert llm.tokens.truncate("hello world", 5) == "hello"
    assert llm.tokens.margin == 1.0


def test_a_server_without_tokenize_falls_back_to_o200k_with_a_margin() -> None:
    llm = LLM(Settings(base_url=f"http://127.0.0.1:{free_port()}/v1", model="local", max_retries=0))
    assert llm.tokens.count("hello world") == 2 and llm.tokens.margin == tokens.Counter.ESTIMATE_MARGIN
    remote = LLM(Settings(base_url="https://api.example.invalid/v1", model="gpt-x", max_retries=0))
    assert remote.tokens.root is None and remote.tokens.count("hello world") == 2  # never asked
