"""No API key in cassettes, exports, scorecards or logs."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx2
import pytest

from interviewer.app.views import export_files
from interviewer.content.catalog import get_rubric
from interviewer.interview.clock import SimClock
from interviewer.interview.context import Context
from interviewer.interview.sessions import Sessions
from interviewer.llm.client import LLM
from interviewer.llm.settings import Settings
from interviewer.testing.fake_grader import InterviewScript, JudgeScript
from interviewer.testing.fake_llm import Script, transport

CASSETTES = Path(__file__).resolve().parent / "cassettes"
KEY = "sk-test-SECRET-0123456789"


def test_cassettes_carry_no_credentials() -> None:
    files = list(CASSETTES.rglob("*.yaml"))
    assert files, "cassettes exist"
    for path in files:
        text = path.read_text().lower()
        assert "authorization" not in text and "bearer" not in text and "sk-" not in text, path


def test_the_key_never_reaches_exports_scorecards_or_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    seen_headers: list[str] = []
    script = Script(InterviewScript(JudgeScript(get_rubric("default"), {})))
    inner = transport(script)

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen_headers.append(request.headers.get("authorization", ""))
        return inner.handle_request(request)

    settings = Settings(base_url="http://fake.invalid/v1", api_key=KEY, max_retries=0)  # type: ignore[arg-type]
    llm = LLM(settings, http_client=httpx2.Client(transport=httpx2.MockTransport(handler)))
    sessions = Sessions(Context(llm=llm, clock=SimClock()))
    sid, opening = sessions.start("payment_fraud")
    list(opening)
    list(sessions.send(sid, "We want fewer fraud losses."))
    card = sessions.end(sid)
    files = export_files(sessions.load(sid), card, tmp_path)
    assert seen_headers and all(h == f"Bearer {KEY}" for h in seen_headers), "the key is used on the wire"
    for f in files:
        assert KEY not in Path(f).read_text()
    assert KEY not in card.to_json() and KEY not in card.to_markdown()
    assert KEY not in caplog.text
    assert KEY not in repr(settings) and KEY not in str(llm.usage.as_dicts())
