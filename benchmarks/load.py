"""Load: N concurrent interviews through the session API and through the HTTP app (Gradio API),
against a fast fake OpenAI-compatible server on 127.0.0.1. Checks that nothing leaks between
sessions and records the framework's overhead per turn (our turn minus its own LLM call).

    .venv/bin/python benchmarks/load.py --sessions 50 --turns 5

Every candidate line carries a tag `S<session>T<turn>`; the fake interviewer echoes the tag of
the answer it is replying to. A leak is any LLM request (interviewer or grader) holding tags of
two sessions, any transcript holding another session's tag, or a reply echoing the wrong tag.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import write  # noqa: E402
from interviewer.content.catalog import get_rubric  # noqa: E402
from interviewer.interview.clock import SimClock  # noqa: E402
from interviewer.interview.context import Context  # noqa: E402
from interviewer.interview.sessions import Sessions  # noqa: E402
from interviewer.llm.client import LLM  # noqa: E402
from interviewer.llm.embedded import free_port  # noqa: E402
from interviewer.llm.settings import Settings  # noqa: E402
from interviewer.testing.fake_grader import InterviewScript, JudgeScript  # noqa: E402
from interviewer.testing.fake_llm import FakeServer, Script  # noqa: E402

TAG = re.compile(r"\bS(\d+)T(\d+)\b")
ANSWER = "S{s}T{t}: the goal is fewer fraud losses; I'd start with a logistic regression baseline."


class EchoInterviewer:
    """Grades through the fake judge; interviewer replies echo the tag of the answer they follow."""

    def __init__(self) -> None:
        self.inner = InterviewScript(JudgeScript(get_rubric("default"), {}))
        self.mixed: list[set[str]] = []  # requests that held tags of more than one session

    def __call__(self, body: dict[str, Any]) -> Any:
        text = " ".join(str(m.get("content", "")) for m in body["messages"])
        sessions = {s for s, _ in TAG.findall(text)}
        if len(sessions) > 1:
            self.mixed.append(sessions)
        if body.get("response_format") or body.get("max_tokens") == 4:
            return self.inner(body)
        tags = TAG.findall(text)
        last = f"S{tags[-1][0]}T{tags[-1][1]}" if tags else "none"
        return f"Noted {last}. What would you check next?"


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(q * len(xs)))] * 1000, 1) if xs else float("nan")


def row(path: str, n: int, turn_s: list[float], overhead_s: list[float], errors: list[str], leaks: list[str],
        wall: float) -> dict[str, Any]:
    return {"path": path, "sessions": n, "turns": len(turn_s), "errors": len(errors), "leaks": len(leaks),
            "turn_p50_ms": pct(turn_s, 0.5), "turn_p95_ms": pct(turn_s, 0.95),
            "overhead_p50_ms": pct(overhead_s, 0.5), "overhead_p95_ms": pct(overhead_s, 0.95),
            "turns_per_s": round(len(turn_s) / wall, 1), "first_error": errors[0] if errors else "",
            "first_leak": leaks[0] if leaks else ""}


def interviewer_call_s(llm: LLM, sid: str, before: int) -> float:
    calls = [c for c in llm.usage.calls[before:] if c.session == sid and c.purpose == "interviewer"]
    return calls[-1].latency_s if calls else 0.0


def via_session_api(url: str, n: int, turns: int, script: EchoInterviewer,
                    session_id: Any = "load-{}".format) -> dict[str, Any]:
    """`session_id` maps a worker to its session (tests pass a shared id to prove leaks are caught)."""
    llm = LLM(Settings(base_url=url, model="fake", max_retries=0, parallel=8))
    with tempfile.TemporaryDirectory() as tmp:
        sessions = Sessions(Context(questions="model", llm=llm, clock=SimClock(), strategy="per_flag", grade_wait_s=5),
                            db_path=Path(tmp) / "load.sqlite")
        turn_s: list[float] = []
        overhead_s: list[float] = []
        errors: list[str] = []
        wrong: list[str] = []

        def one(i: int) -> None:
            try:
                sid, opening = sessions.start("payment_fraud", session_id=session_id(i))
                "".join(opening)
                for t in range(1, turns + 1):
                    mark = len(llm.usage.calls)
                    start = time.perf_counter()
                    reply = "".join(sessions.send(sid, ANSWER.format(s=i, t=t)))
                    took = time.perf_counter() - start
                    turn_s.append(took)
                    overhead_s.append(took - interviewer_call_s(llm, sid, mark))
                    if f"S{i}T{t}" not in reply:
                        wrong.append(f"session {i} turn {t}: {reply!r}")
                seen = {s for turn in sessions.load(sid).transcript for s, _ in TAG.findall(turn["text"])}
                if seen != {str(i)}:
                    wrong.append(f"session {i} transcript holds sessions {sorted(seen)}")
            except Exception as exc:  # counted, never hidden
                errors.append(f"session {i}: {exc!r}")

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=n) as pool:
            list(pool.map(one, range(n)))
        wall = time.perf_counter() - start
    return row("session API", n, turn_s, overhead_s, errors, wrong + [str(m) for m in script.mixed], wall)


def via_http_app(url: str, n: int, turns: int, script: EchoInterviewer) -> dict[str, Any]:
    from gradio_client import Client

    from interviewer.app.page import build_app
    from interviewer.app.ui import UI

    llm = LLM(Settings(base_url=url, model="fake", max_retries=0, parallel=8))
    with tempfile.TemporaryDirectory() as tmp:
        sessions = Sessions(Context(questions="model", llm=llm, clock=SimClock(), strategy="per_flag", grade_wait_s=5),
                            db_path=Path(tmp) / "load.sqlite")
        app = build_app(UI(sessions, llm, export_dir=Path(tmp) / "exports"), secret="load")
        port = free_port()
        app.queue(default_concurrency_limit=8).launch(server_name="127.0.0.1", server_port=port,
                                                      prevent_thread_lock=True, share=False)
        turn_s: list[float] = []
        overhead_s: list[float] = []
        errors: list[str] = []
        wrong: list[str] = []

        def text(msg: dict[str, Any]) -> str:
            c = msg["content"]
            return c if isinstance(c, str) else " ".join(p.get("text", "") for p in c)

        def one(i: int) -> None:
            try:
                client = Client(f"http://127.0.0.1:{port}/", verbose=False)
                started = client.predict("payment_fraud", "senior", "default", api_name="/start")
                sid = re.search(r"Session `([\w-]+)`", started[-1]).group(1)  # type: ignore[union-attr]
                for t in range(1, turns + 1):
                    mark = len(llm.usage.calls)
                    start = time.perf_counter()
                    out = client.predict(ANSWER.format(s=i, t=t), api_name="/send")
                    took = time.perf_counter() - start
                    turn_s.append(took)
                    overhead_s.append(took - interviewer_call_s(llm, sid, mark))
                    chat = [text(m) for m in out[0]]
                    if f"S{i}T{t}" not in chat[-1]:
                        wrong.append(f"session {i} turn {t}: {chat[-1]!r}")
                    seen = {s for line in chat for s, _ in TAG.findall(line)}
                    if seen != {str(i)}:
                        wrong.append(f"session {i} sees sessions {sorted(seen)}")
                client.close()
            except Exception as exc:
                errors.append(f"session {i}: {exc!r}")

        start = time.perf_counter()
        try:
            with ThreadPoolExecutor(max_workers=n) as pool:
                list(pool.map(one, range(n)))
        finally:
            app.close()
        wall = time.perf_counter() - start
    return row("HTTP app", n, turn_s, overhead_s, errors, wrong + [str(m) for m in script.mixed], wall)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--turns", type=int, default=5)
    args = ap.parse_args()
    rows = []
    for run in (via_session_api, via_http_app):
        for n in (1, args.sessions):  # alone, then all at once
            script = EchoInterviewer()
            with FakeServer(Script(script)) as srv:
                rows.append(run(srv.base_url, n, args.turns, script))
    ok = all(r["errors"] == 0 and r["leaks"] == 0 and r["turns"] == r["sessions"] * args.turns for r in rows)
    write("load", rows, {"sessions": args.sessions, "turns_each": args.turns, "all_ok": ok,
                         "median_overhead_ms": round(statistics.median(r["overhead_p50_ms"] for r in rows), 1)},
          notes="Overhead = our turn (graph, checkpoint, background grading, and for HTTP the Gradio queue and "
                "client) minus the interviewer's own LLM call, per turn. Fake server replies at once. With N "
                "sessions at once on this machine's cores, the turn time is mostly waiting for CPU (Little's law: "
                "N / turns_per_s); the one-session rows show the cost of a turn itself.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
