"""The load script's own checks: a clean run has no leaks, and a real leak is caught."""

from __future__ import annotations

from benchmarks.load import EchoInterviewer, via_session_api
from interviewer.testing.fake_llm import FakeServer, Script


def test_concurrent_sessions_do_not_leak() -> None:
    script = EchoInterviewer()
    with FakeServer(Script(script)) as srv:
        row = via_session_api(srv.base_url, n=6, turns=2, script=script)
    assert row["errors"] == 0 and row["leaks"] == 0 and row["turns"] == 12
    assert row["overhead_p50_ms"] <= row["turn_p50_ms"]


def test_sessions_that_share_state_are_reported_as_leaks() -> None:
    script = EchoInterviewer()
    with FakeServer(Script(script)) as srv:  # every worker writes into the same session
        row = via_session_api(srv.base_url, n=3, turns=2, script=script, session_id=lambda i: "shared")
    assert row["leaks"] > 0 or row["errors"] > 0
    assert row["leaks"] > 0, row["first_error"]
