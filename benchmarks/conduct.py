"""What the conduct policy costs per turn: the intent rule, the turn plan and the reply guard.

Runs the code that sits between the candidate's answer and the first streamed token, on a
30-turn transcript, with no LLM: the time it adds to a turn (target: at most 50 ms).
Usage: python benchmarks/conduct.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import median, write  # noqa: E402
from interviewer.content.catalog import get_problem, get_rubric  # noqa: E402
from interviewer.interview import conduct, intent  # noqa: E402
from interviewer.interview.planner import plan_turn  # noqa: E402
from interviewer.interview.state import InterviewState, Turn  # noqa: E402

ANSWERS = [
    "I'd train a large multimodal transformer on every payment and decline anything above 0.5.",
    "Features: amount, country, device, time of day, merchant, history, velocity, IP, email domain, BIN.",
    "I don't know.",
    "The business goal is to cut fraud losses without declining good customers, weighted by value.",
    "After that we move on to the ranking model.",
]
REPLY = "Why start with a transformer before anything simpler, and what would it cost per payment at p99?"


def main() -> None:
    rubric, problem = get_rubric("default"), get_problem("payment_fraud")
    topics = intent.topic_words([p.title for p in rubric.phases])
    transcript: list[Turn] = [Turn(role="interviewer", text="Thanks for joining.", phase="problem_framing", t=0.0)]
    rows, times = [], []
    for turn in range(30):
        answer = ANSWERS[turn % len(ANSWERS)]
        transcript.append(Turn(role="candidate", text=answer, phase="problem_framing", t=turn * 60.0))
        state: InterviewState = {"transcript": transcript, "phase_index": 0, "probes": {}, "level": "senior"}
        start = time.perf_counter()
        kind = intent.classify(answer, None, topics)
        plan_turn({**state, "intent": kind}, rubric.phases, rubric.phases[0], problem, {}, 2)
        conduct.Guard([t["text"] for t in transcript], lambda _d: None).run(
            iter([REPLY[i:i + 4] for i in range(0, len(REPLY), 4)]))
        ms = (time.perf_counter() - start) * 1000
        times.append(ms)
        transcript.append(Turn(role="interviewer", text=f"{turn}: {REPLY}", phase="problem_framing", t=turn * 60.0))
        if turn % 5 == 4:
            rows.append({"turn": turn + 1, "transcript_turns": len(transcript), "conduct_ms": round(ms, 2)})
    write("conduct", rows, {"median_ms_per_turn": median(times), "max_ms_per_turn": round(max(times), 2),
                            "target_ms": 50})


if __name__ == "__main__":
    main()
