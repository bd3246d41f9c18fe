"""Shared fixtures: offline guards, the scripted fake LLM and interview sessions on it, cassette and
live backends."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest

import interviewer.llm.offline  # noqa: F401  (telemetry off before anything imports gradio)
from interviewer.content.catalog import get_rubric
from interviewer.interview.clock import SimClock
from interviewer.interview.context import Context
from interviewer.interview.sessions import Sessions
from interviewer.llm.client import LLM
from interviewer.llm.settings import GraderStrategy, Settings
from interviewer.testing.fake_grader import InterviewScript, JudgeScript
from interviewer.testing.fake_llm import Script, scripted_llm

os.environ.pop("OPENAI_API_KEY", None)
os.environ.pop("OPENAI_BASE_URL", None)
# Commands run by tests keep their sessions and History in a throwaway store, not the user's.
os.environ["INTERVIEWER_STORE"] = os.path.join(tempfile.mkdtemp(prefix="interviewer-test-store-"), "s.sqlite")

REPLAY_URL = "http://127.0.0.1:9/v1"  # never contacted: cassettes answer


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, object]:
    return {
        "filter_headers": ["authorization", "api-key", "x-api-key", "cookie", "set-cookie"],
        "match_on": ["method", "path", "body"],
        "decode_compressed_response": True,
    }


@pytest.fixture(scope="session")
def embedded_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """The real embedded server when recording cassettes; None when replaying them."""
    mode = request.config.getoption("--record-mode", default="none")
    if mode in (None, "none"):
        yield None
        return
    from interviewer.llm.embedded import EmbeddedServer

    server = EmbeddedServer(Settings.load({"parallel": 2}), progress=print).start()
    try:
        yield server.base_url
    finally:
        server.stop()


@pytest.fixture
def wire_llm(embedded_url: str | None) -> LLM:
    """An LLM on the wire: the recorded embedded-server exchange, replayed byte for byte."""
    settings = Settings(base_url=embedded_url or REPLAY_URL, model="local", max_retries=0)
    return LLM(settings)


Table = dict[str, tuple[str, list[str]]]  # flag id -> (the judge's verdict, its quotes)
Built = tuple[Sessions, InterviewScript, SimClock]


class SessionsFactory(Protocol):
    def __call__(self, table: Table | None = None, *, strategy: GraderStrategy = ..., db: Path | None = ...,
                 clock: SimClock | None = ..., pace: float = ..., **script: Any) -> Built: ...


def interview_sessions(table: Table | None = None, *, strategy: GraderStrategy = "per_flag", db: Path | None = None,
                       clock: SimClock | None = None, pace: float = 2.5, **script: Any) -> Built:
    """Interviews of the default framework on the scripted fake LLM and a simulated clock, with the
    script to read what was asked. `table` is the judge's verdicts; `script` InterviewScript's own
    options (reply, intent_yes); `db` a SQLite store (in memory without); `pace` the minutes an
    answer counts for moving on (0: the clock alone, for tests of what happens within one phase)."""
    said = InterviewScript(JudgeScript(get_rubric("default"), table or {}), **script)
    clock = clock or SimClock()
    context = Context(questions="model", llm=scripted_llm(Script(said)), clock=clock, strategy=strategy,
                      minutes_per_answer=pace)
    return Sessions(context, db_path=db), said, clock


@pytest.fixture
def make_sessions() -> SessionsFactory:
    """`make_sessions(table, reply=..., strategy=...)` -> (sessions, script, clock): one per call."""
    return interview_sessions


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """The real embedded llama.cpp server on the small model (the `live` tier)."""
    from interviewer.llm.embedded import EmbeddedServer

    server = EmbeddedServer(Settings.load({"local_model": "0.5b"}), progress=print).start()
    try:
        yield server.base_url
    finally:
        server.stop()


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, object]:
    """pytest-playwright drives Debian's Chromium (the browser tests)."""
    assert Path(CHROMIUM).exists(), "Chromium is missing: `make test` installs Debian's chromium package"
    return {"executable_path": CHROMIUM, "args": [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]}


BROWSER_REPLY = "How would you measure success for the business?"  # what the scripted model says every turn
GRADER_PACE_S = 0.05  # each grading call takes a moment, as a model's does, so progress can be seen


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The page on the scripted fake LLM: the business objective and the baseline are met when said."""
    from interviewer.app.page import build_app
    from interviewer.app.ui import UI
    from interviewer.app.views import CSS
    from interviewer.content.catalog import get_rubric
    from interviewer.interview.clock import SimClock
    from interviewer.interview.context import Context
    from interviewer.interview.sessions import Sessions
    from interviewer.llm.embedded import free_port
    from interviewer.testing.fake_grader import InterviewScript, JudgeScript
    from interviewer.testing.fake_llm import FakeReply, Script, scripted_llm

    judge = JudgeScript(get_rubric("default"), {"pf_g_business_objective": ("yes", ["cut fraud losses"]),
                                                "mod_g_baseline": ("yes", ["a logistic regression baseline"])})
    script = InterviewScript(judge, reply=BROWSER_REPLY)

    def paced(body: dict[str, object]) -> FakeReply:
        reply = script(body)
        reply = FakeReply(reply) if isinstance(reply, str) else reply
        if not body.get("stream"):
            reply.delay_s = max(reply.delay_s, GRADER_PACE_S)
        return reply

    llm = scripted_llm(Script(paced))
    ui = UI(Sessions(Context(questions="model", llm=llm, clock=SimClock())), llm,
            export_dir=tmp_path_factory.mktemp("exports"))
    app = build_app(ui, secret="browser-test")
    port = free_port()
    app.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, share=False, css=CSS)
    yield f"http://127.0.0.1:{port}/"
    app.close()
