"""The live tier: the real embedded llama.cpp server (0.5B for speed), no cassette."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from pydantic import BaseModel, ConfigDict, Field

from interviewer.llm.client import LLM
from interviewer.llm.embedded import free_port
from interviewer.llm.settings import Settings

pytestmark = pytest.mark.live
ROOT = Path(__file__).resolve().parent.parent


class Clarification(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(max_length=200)
    about_scale: bool


def test_stream_and_structured_through_the_app_client(live_server: str) -> None:
    llm = LLM(Settings(base_url=live_server, model="local"), base_url=live_server)
    text = "".join(llm.stream([{"role": "user", "content": "Name one ML metric."}], max_tokens=20))
    assert text.strip()
    got = llm.structured(
        [{"role": "user", "content": "Ask one clarifying question about the number of users."}],
        Clarification, max_tokens=120,
    )
    assert isinstance(got, Clarification) and got.question.strip()
    caps = llm.capabilities()
    assert caps.json_schema and caps.streaming
    assert all(c.prompt_tokens > 0 for c in llm.usage.calls)
    n = llm.tokens.count("Ask one clarifying question about the number of users.")  # Qwen's own count
    assert llm.tokens.margin == 1.0 and 8 <= n <= 16
    assert "Ask one clarifying question about the number of users.".startswith(llm.tokens.truncate(
        "Ask one clarifying question about the number of users.", 3))


def test_app_serves_on_the_embedded_model_without_a_key(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    log = (tmp_path / "app.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--local-model", "0.5b", "--port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 180
        page = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.5)
        output = (tmp_path / "app.log").read_text(errors="replace")
        assert page is not None and page.status_code == 200, output
        assert "embedded model ready" in output and "mlsd-interviewer" in page.text
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    # the app's embedded llama.cpp child went with it
    import re

    llama_port = re.search(r"llama.cpp server on 127.0.0.1:(\d+)", output)
    assert llama_port is not None
    time.sleep(3)
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{llama_port.group(1)}/health", timeout=2)


def test_a_crashed_embedded_server_is_restarted() -> None:
    import os
    import signal

    from interviewer.llm.backend import open_backend

    backend = open_backend(Settings.load({"local_model": "0.5b", "parallel": 1}), progress=False)
    try:
        assert backend.server is not None and backend.server.proc is not None
        url = backend.llm.base_url
        os.kill(backend.server.proc.pid, signal.SIGKILL)
        backend.server.proc.wait()
        reply = backend.llm.chat([{"role": "user", "content": "Say OK."}], max_tokens=5)
        assert reply.strip() and backend.server.alive() and backend.llm.base_url == url
    finally:
        backend.close()
