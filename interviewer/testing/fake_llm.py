"""A scripted stand-in for an OpenAI-compatible server, for tests, benchmarks and fault drills.

The same responder serves two ways: in-process through an httpx2 MockTransport (no HTTP at
all, for logic tests) or over real HTTP on 127.0.0.1 (for retries, timeouts, load). Either
way every byte goes through the real `LLM` client, so tests exercise our code, not a mock of it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx2

from interviewer.llm.client import LLM
from interviewer.llm.settings import Settings


@dataclass
class FakeReply:
    content: str = ""
    status: int = 200
    finish_reason: str = "stop"
    delay_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    prompt_tokens: int = 0
    cached_tokens: int = 0
    drop_after: int | None = None  # streaming: close the connection after this many events
    top_logprobs: dict[str, float] | None = None  # token -> probability, for a logprobs request


Responder = Callable[[dict[str, Any]], "FakeReply | str"]


def silent_wav(seconds: float = 0.5, rate: int = 16_000) -> bytes:
    """A valid WAV of silence: what the fake audio.speech endpoint returns."""
    import io
    import wave

    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\0\0" * int(seconds * rate))
    return buf.getvalue()


class Script:
    """Replies in order (strings or FakeReply), or computed by a function; records requests."""

    def __init__(self, replies: list[FakeReply | str] | Responder) -> None:
        self._replies = replies
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self.heard = "I would start with a logistic regression baseline."  # what audio.transcriptions returns
        self.audio_calls: list[str] = []  # the audio endpoints asked, in order

    def __call__(self, body: dict[str, Any]) -> FakeReply:
        with self._lock:
            self.requests.append(body)
            if callable(self._replies):
                reply = self._replies(body)
            elif not self._replies:
                raise AssertionError(f"fake LLM: no scripted reply left for request {len(self.requests)}")
            else:
                reply = self._replies.pop(0)
        return FakeReply(reply) if isinstance(reply, str) else reply

    @property
    def last_user(self) -> str:
        return str(self.requests[-1]["messages"][-1]["content"])


def _usage(reply: FakeReply, body: dict[str, Any]) -> dict[str, Any]:
    prompt = reply.prompt_tokens or sum(len(str(m.get("content", ""))) // 4 for m in body["messages"])
    return {
        "prompt_tokens": prompt,
        "completion_tokens": max(1, len(reply.content) // 4),
        "total_tokens": prompt + max(1, len(reply.content) // 4),
        "prompt_tokens_details": {"cached_tokens": reply.cached_tokens},
    }


def _logprobs(reply: FakeReply, body: dict[str, Any]) -> dict[str, Any] | None:
    """llama.cpp's shape: the first token's top alternatives, only when logprobs were asked for."""
    if not body.get("logprobs") or reply.top_logprobs is None:
        return None
    import math

    tops = [{"token": t, "logprob": math.log(max(p, 1e-12)), "bytes": list(t.encode())}
            for t, p in sorted(reply.top_logprobs.items(), key=lambda kv: -kv[1])]
    first = tops[0] if tops else {"token": reply.content, "logprob": 0.0, "bytes": []}
    return {"content": [{**first, "top_logprobs": tops}]}


def completion_json(reply: FakeReply, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model", "fake"),
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": reply.content},
            "finish_reason": reply.finish_reason,
            "logprobs": _logprobs(reply, body),
        }],
        "usage": _usage(reply, body),
    }


def sse_chunks(reply: FakeReply, body: dict[str, Any], pieces: int = 4) -> list[bytes]:
    """The reply as server-sent events, split into a few deltas, ending with usage and [DONE]."""
    text = reply.content
    step = max(1, -(-len(text) // pieces))
    deltas = [text[i : i + step] for i in range(0, len(text), step)] or [""]
    base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0,
            "model": body.get("model", "fake")}
    events = []
    for i, delta in enumerate(deltas):
        choice = {"index": 0, "delta": {"role": "assistant", "content": delta},
                  "finish_reason": reply.finish_reason if i == len(deltas) - 1 else None}
        events.append({**base, "choices": [choice]})
    events.append({**base, "choices": [], "usage": _usage(reply, body)})
    return [f"data: {json.dumps(e)}\n\n".encode() for e in events] + [b"data: [DONE]\n\n"]


def _error_json(reply: FakeReply) -> dict[str, Any]:
    return {"error": {"message": reply.content or f"fake error {reply.status}", "type": "fake"}}


def transport(script: Script) -> httpx2.MockTransport:
    def handle(request: httpx2.Request) -> httpx2.Response:
        if request.url.path.endswith("/audio/transcriptions"):
            script.audio_calls.append("transcriptions")
            return httpx2.Response(200, json={"text": script.heard})
        if request.url.path.endswith("/audio/speech"):
            script.audio_calls.append("speech")
            return httpx2.Response(200, content=silent_wav(), headers={"content-type": "audio/wav"})
        body = json.loads(request.content or b"{}")
        reply = script(body)
        if reply.delay_s:
            time.sleep(reply.delay_s)
        if reply.status != 200:
            return httpx2.Response(reply.status, json=_error_json(reply), headers=reply.headers)
        if body.get("stream"):
            return httpx2.Response(200, content=b"".join(sse_chunks(reply, body)),
                                   headers={"content-type": "text/event-stream"})
        return httpx2.Response(200, json=completion_json(reply, body), headers=reply.headers)

    return httpx2.MockTransport(handle)


def scripted_llm(script: Script, settings: Settings | None = None, **kw: Any) -> LLM:
    """An LLM whose every call is answered in-process by `script` (no sockets)."""
    settings = settings or Settings(base_url="http://fake.invalid/v1", max_retries=0)
    return LLM(settings, http_client=httpx2.Client(transport=transport(script)), **kw)


class FakeServer:
    """The script over real HTTP on 127.0.0.1, for wire-level faults and load."""

    def __init__(self, script: Script) -> None:
        self.script = script
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, payload: bytes, ctype: str, headers: dict[str, str]) -> None:
                self.send_response(status)
                self.send_header("content-type", ctype)
                self.send_header("content-length", str(len(payload)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:  # noqa: N802
                self._send(200, b'{"status":"ok"}', "application/json", {})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                reply = outer.script(body)
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                if reply.status != 200:
                    self._send(reply.status, json.dumps(_error_json(reply)).encode(),
                               "application/json", reply.headers)
                elif body.get("stream") and reply.drop_after is not None:
                    self.send_response(200)  # a stream that dies midway: no length, then a cut
                    self.send_header("content-type", "text/event-stream")
                    self.end_headers()
                    for event in sse_chunks(reply, body)[: reply.drop_after]:
                        self.wfile.write(event)
                        self.wfile.flush()
                    self.close_connection = True
                elif body.get("stream"):
                    self._send(200, b"".join(sse_chunks(reply, body)), "text/event-stream", {})
                else:
                    self._send(200, json.dumps(completion_json(reply, body)).encode(),
                               "application/json", reply.headers)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
