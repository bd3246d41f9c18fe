"""Fast benchmarks against an instant fake OpenAI-compatible server on 127.0.0.1 (`make bench`).

1. framework overhead per interview turn (graph + background grading) vs a bare client call;
2. prompt tokens per turn over a 60-turn session (must stay bounded);
3. write-up grading throughput vs grader concurrency;
4. transcript eval throughput vs concurrency.

    .venv/bin/python benchmarks/fake_server.py
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import median, write  # noqa: E402
from interviewer.content.catalog import get_rubric  # noqa: E402
from interviewer.evals.transcripts import Transcript, run_transcript  # noqa: E402
from interviewer.grading.grader import Grader  # noqa: E402
from interviewer.grading.writeup import grade_writeup  # noqa: E402
from interviewer.interview.clock import SimClock  # noqa: E402
from interviewer.interview.context import Context  # noqa: E402
from interviewer.interview.sessions import Sessions  # noqa: E402
from interviewer.llm import tokens  # noqa: E402
from interviewer.llm.client import LLM  # noqa: E402
from interviewer.llm.settings import Settings  # noqa: E402
from interviewer.testing.fake_grader import InterviewScript, JudgeScript  # noqa: E402
from interviewer.testing.fake_llm import FakeServer, Script  # noqa: E402

RUBRIC = get_rubric("default")
REPLY = "Thanks. How would you measure that against the business goal?"
ANSWERS = [
    "The business goal is to cut fraud losses while keeping false declines low.",
    "I'd start with a logistic regression baseline on the existing rule features.",
    "Features: spend velocity over the last hour, device age, merchant fraud rate.",
    "Offline I'd track recall at a fixed false-positive rate; online, fraud losses per dollar.",
]


def llm_for(url: str) -> LLM:
    return LLM(Settings(base_url=url, model="fake", max_retries=0, parallel=2))


def bench_turns(url: str, script: InterviewScript, turns: int = 40) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    llm = llm_for(url)
    clock = SimClock()
    sessions = Sessions(Context(questions="model", llm=llm, clock=clock, strategy="per_flag", grade_wait_s=5))
    sid, opening = sessions.start("payment_fraud", session_id="bench")
    "".join(opening)
    ours, bare, prompt_tokens = [], [], []
    for i in range(turns):
        clock.advance(20)
        start = time.perf_counter()
        "".join(sessions.send(sid, ANSWERS[i % len(ANSWERS)]))
        ours.append(time.perf_counter() - start)
        messages = script.interviewer_prompts[-1]
        prompt_tokens.append(tokens.count_messages(messages))
        start = time.perf_counter()
        "".join(llm.stream(messages, max_tokens=160, purpose="bare"))
        bare.append(time.perf_counter() - start)
    rows = [{"turn": i + 1, "ours_ms": round(o * 1000, 1), "bare_ms": round(b * 1000, 1), "prompt_tokens": p}
            for i, (o, b, p) in enumerate(zip(ours, bare, prompt_tokens, strict=True))]
    summary = {"median_turn_ms": round(median(ours) * 1000, 1), "median_bare_call_ms": round(median(bare) * 1000, 1),
               "median_overhead_ms": round((median(ours) - median(bare)) * 1000, 1)}
    return rows, summary


def bench_long_session(url: str, script: InterviewScript, turns: int = 60) -> dict[str, Any]:
    llm = llm_for(url)
    clock = SimClock()
    sessions = Sessions(Context(questions="model", llm=llm, clock=clock, strategy="per_flag", grade_wait_s=5))
    sid, opening = sessions.start("payment_fraud", session_id="long")
    "".join(opening)
    sizes = []
    first_q = "What is the latency budget in milliseconds?"
    for i in range(turns):
        clock.advance(1)  # stay in one phase: the worst case for transcript growth
        text = first_q if i in (0, turns - 1) else ANSWERS[i % len(ANSWERS)] + f" (point {i})"
        "".join(sessions.send(sid, text))
        sizes.append(tokens.count_messages(script.interviewer_prompts[-1]))
    last_notes = script.interviewer_prompts[-1][-1]["content"]
    return {"turns": turns, "prompt_tokens_turn_10": sizes[9], "prompt_tokens_turn_30": sizes[29],
            "prompt_tokens_turn_60": sizes[-1], "max_prompt_tokens": max(sizes),
            "early_fact_restated_at_turn_60": "100 ms" in last_notes}


def chatml(messages: list[dict[str, str]]) -> str:
    """The text a Qwen-style chat template feeds the model: what a server's prefix cache keys on."""
    return "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)


def common_prefix_tokens(a: str, b: str) -> int:
    ta, tb = tokens._encoding().encode(a), tokens._encoding().encode(b)
    n = 0
    for x, y in zip(ta, tb, strict=False):
        if x != y:
            break
        n += 1
    return n


def bench_layout(url: str, turns: int = 20) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Reusable prefix per turn: how much of each request matches the previous request plus its reply
    (what llama.cpp keeps in the slot), for our cache-first layout and a naive one."""
    rows: list[dict[str, Any]] = []
    summary: dict[str, Any] = {}
    for layout in ("cache_first", "naive"):
        judge = JudgeScript(RUBRIC, {})
        script = InterviewScript(judge, reply=REPLY)
        with FakeServer(Script(script)) as srv:
            clock = SimClock()
            sessions = Sessions(Context(questions="model",
                                        llm=llm_for(srv.base_url), clock=clock, grade=False, layout=layout))
            sid, opening = sessions.start("payment_fraud", session_id=f"layout-{layout}")
            "".join(opening)
            shares = []
            for i in range(turns):
                clock.advance(60)
                seen = len(script.interviewer_prompts)
                "".join(sessions.send(sid, ANSWERS[i % len(ANSWERS)]))
                prompts = script.interviewer_prompts
                if len(prompts) < 2 or len(prompts) == seen:  # an opener turn makes no request
                    continue
                before = chatml(prompts[-2]) + "<|im_start|>assistant\n" + REPLY
                now = chatml(prompts[-1])
                total = len(tokens._encoding().encode(now))
                share = common_prefix_tokens(before, now) / total
                shares.append(share)
                rows.append({"layout": layout, "turn": len(prompts), "prompt_tokens": total,
                             "reusable_pct": round(100 * share, 1)})
        summary[f"median_reusable_pct_{layout}"] = round(100 * median(shares), 1)
    del url
    return rows, summary


def bench_grading(url: str, workers: list[int]) -> list[dict[str, Any]]:
    doc = (Path(__file__).resolve().parent.parent / "evals/writeups/external/mlsd-search.md").read_text()
    rows = []
    for w in workers:
        llm = llm_for(url)
        grader = Grader(llm, RUBRIC, None, strategy="per_flag", max_workers=w)
        start = time.perf_counter()
        n = 4
        for _ in range(n):
            grade_writeup(grader, doc, "senior")
        dt = time.perf_counter() - start
        rows.append({"grader_workers": w, "writeups": n, "seconds": round(dt, 2),
                     "writeups_per_min": round(60 * n / dt, 1), "flag_calls_per_s": round(36 * n / dt, 1)})
    return rows


def bench_evals(url: str, concurrency: list[int]) -> list[dict[str, Any]]:
    tr = Transcript(id="bench", problem="payment_fraud", level="senior", persona="strong", minutes_per_turn=2,
                    turns=[{"say": a} for a in ANSWERS * 2])  # type: ignore[misc]
    rows = []
    for c in concurrency:
        llm = llm_for(url)
        jobs = [tr] * 8
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=c) as pool:
            list(pool.map(lambda t, llm=llm: run_transcript(llm, t, "per_flag"), jobs))
        dt = time.perf_counter() - start
        rows.append({"concurrency": c, "transcripts": len(jobs), "seconds": round(dt, 2),
                     "transcripts_per_min": round(60 * len(jobs) / dt, 1)})
    return rows


def main() -> None:
    judge = JudgeScript(RUBRIC, {"pf_g_business_objective": ("yes", ["cut fraud losses"])})
    script = InterviewScript(judge, reply=REPLY)
    with FakeServer(Script(script)) as srv:
        rows, summary = bench_turns(srv.base_url, script)
        summary.update(bench_long_session(srv.base_url, script))
        write("fake_turn_overhead", rows, summary,
              notes="Instant fake OpenAI-compatible server over HTTP on 127.0.0.1. ours = send() of a full "
                    "graph turn (routing, notes, checkpoint writes, background per-flag grading submitted); "
                    "bare = one LLM.stream() call with the same messages.")
        layout_rows, layout_summary = bench_layout(srv.base_url)
        write("prompt_layout", layout_rows, layout_summary,
              notes="Scripted 20-turn interview on the fake server, no grading. reusable_pct = tokens of this "
                    "request (ChatML text, o200k tokens) that equal the start of the previous request plus its "
                    "reply, i.e. what a prefix cache such as llama.cpp's slot cache can skip recomputing. "
                    "naive = the same content with the turn's note placed before the system prompt.")
        write("fake_grading_throughput", bench_grading(srv.base_url, [1, 2, 4, 8]), {},
              notes="Write-up grading (mlsd-search, 36 per-flag calls each) against the fake server.")
        write("fake_eval_throughput", bench_evals(srv.base_url, [1, 2, 4, 8]), {},
              notes="Scripted 8-turn transcripts, simulated clock, against the fake server.")


if __name__ == "__main__":
    main()
