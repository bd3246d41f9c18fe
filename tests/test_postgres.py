"""Sessions in PostgreSQL: two app processes serve the same interview (a real local server)."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewer.content.catalog import get_rubric
from interviewer.interview.clock import SimClock
from interviewer.interview.context import Context
from interviewer.interview.sessions import Sessions
from interviewer.interview.store import open_checkpointer
from interviewer.llm.embedded import free_port
from interviewer.storage import StoreError, redact
from interviewer.testing.fake_grader import InterviewScript, JudgeScript
from interviewer.testing.fake_llm import FakeServer, Script, scripted_llm

from .pg_server import postgres

ROOT = Path(__file__).resolve().parent.parent
REPLY = "How would you measure success for the business?"
# The scripted model says REPLY every turn; the interviewer never repeats it, and asks the
# phase's own question instead (it was not asked yet).
NEXT = "Let's start with the problem itself: what would you want to clarify first?"


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with postgres() as url:
        yield url


def script() -> Script:
    judge = JudgeScript(get_rubric("default"), {"pf_g_business_objective": ("yes", ["cut fraud losses"])})
    return Script(InterviewScript(judge, reply=REPLY))


def test_a_session_written_by_one_store_is_continued_by_another(pg_url: str) -> None:
    llm = scripted_llm(script())
    first = Sessions(Context(questions="model", llm=llm, clock=SimClock()), db_path=pg_url)
    sid, opening = first.start("payment_fraud")
    list(opening)
    assert "".join(first.send(sid, "We want to cut fraud losses.")) == REPLY
    second = Sessions(Context(questions="model",
                              llm=llm, clock=SimClock()), db_path=pg_url)  # its own pool, as another process has
    assert "".join(second.send(sid, "Latency must stay under 100 ms.")) == NEXT
    said = [t["text"] for t in first.load(sid).transcript if t["role"] == "candidate"]
    assert said == ["We want to cut fraud losses.", "Latency must stay under 100 ms."]


def test_an_unreachable_store_is_a_clear_error_without_the_password() -> None:
    url = f"postgresql://app:hunter2@127.0.0.1:{free_port()}/db"
    with pytest.raises(StoreError) as err:
        open_checkpointer(url)
    assert "cannot connect to the session store postgresql://app:***@127.0.0.1" in str(err.value)
    assert "hunter2" not in str(err.value) and "hunter2" not in redact(url)


def _serve(url: str, base_url: str, port: int, home: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "interviewer.app.cli", "serve", "--store", url, "--base-url", base_url,
         "--port", str(port)], cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={**__import__("os").environ, "INTERVIEWER_HOME": str(home), "GRADIO_ANALYTICS_ENABLED": "False",
             "INTERVIEWER_QUESTIONS": "model"})


def _wait_up(port: int, proc: subprocess.Popen[str], timeout: float = 90) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else "app exited"
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"app on port {port} did not come up")


def test_two_app_processes_serve_the_same_interview(pg_url: str, tmp_path: Path) -> None:
    from gradio_client import Client

    def text(msg: dict) -> str:
        content = msg["content"]
        return content if isinstance(content, str) else " ".join(part["text"] for part in content)

    with FakeServer(script()) as llm_server:
        ports = [free_port(), free_port()]
        apps = [_serve(pg_url, llm_server.base_url, p, tmp_path / "home") for p in ports]
        try:
            for port, proc in zip(ports, apps, strict=True):
                _wait_up(port, proc)
            a, b = (Client(f"http://127.0.0.1:{p}/", verbose=False) for p in ports)
            started = a.predict("payment_fraud", "senior", "default", api_name="/start")
            found = re.search(r"Session `([\w-]+)`", started[-1])  # the id the page shows for resuming
            assert found and "catch fraud" in text(started[0][0])
            sid = found.group(1)
            a.predict("We want to cut fraud losses.", api_name="/send")
            # The grade finishes on A after its reply; B sees it in the shared checkpoint, with no new answer.
            deadline, panel = time.monotonic() + 60, ""
            while "cut fraud losses" not in panel and time.monotonic() < deadline:
                panel = b.predict(sid, api_name="/panel")
                time.sleep(0.5)
            assert "cut fraud losses" in panel and "Strength:" in panel, panel
            resumed = b.predict(sid, api_name="/resume")  # the other process picks the session up by id
            assert [text(m) for m in resumed[0]][-1] == REPLY
            b_sent = b.predict("Checkout latency must stay under 100 ms.", api_name="/send")
            assert "We want to cut fraud losses." in [text(m) for m in b_sent[0]]
            a_sent = a.predict("Labels come from chargebacks.", api_name="/send")  # back on the first process
            said = [text(m) for m in a_sent[0] if m["role"] == "user"]
            assert said == ["We want to cut fraud losses.", "Checkout latency must stay under 100 ms.",
                            "Labels come from chargebacks."]
            ended = b.predict(api_name="/end")
            assert "# Scorecard — payment_fraud" in ended[4] and "cut fraud losses" in ended[4]
        finally:
            for proc in apps:
                proc.terminate()
                proc.wait(timeout=30)


def test_history_lives_in_the_postgres_store_too(pg_url: str) -> None:
    from interviewer.practice.history import SCHEMA_VERSION, History

    llm = scripted_llm(script())
    one = Sessions(Context(questions="model", llm=llm, clock=SimClock()), db_path=pg_url)
    sid, opening = one.start("payment_fraud")
    list(opening)
    "".join(one.send(sid, "We want to cut fraud losses."))
    one.end(sid)
    other = Sessions(Context(questions="model", llm=llm, clock=SimClock()), db_path=pg_url)  # another process's view
    rec = other.history.get(sid)
    assert rec is not None and rec.status == "ended" and rec.overall is not None
    assert History(pg_url).found_version == SCHEMA_VERSION
    other.delete(sid)
    assert one.history.get(sid) is None
