"""Interviewer turns on the embedded model: our time to first token vs the LLM call's own.

For each scripted turn we time send() from the call to the first streamed token (what the
candidate waits for) and compare it with the time to first token that the LLM client measured
for the same request (HTTP request to first token): their ratio is our overhead on the same
prompt. Also cached vs total prompt tokens per turn, as the server reports them.

    .venv/bin/python benchmarks/interview_turns.py [--local-model 1.5b] [--strategy per_flag]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import get_args

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import median, write  # noqa: E402
from interviewer.app.options import catalog_of, interview_context  # noqa: E402
from interviewer.interview.clock import SimClock  # noqa: E402
from interviewer.interview.context import Layout  # noqa: E402
from interviewer.interview.sessions import Sessions  # noqa: E402
from interviewer.llm.backend import open_backend  # noqa: E402
from interviewer.llm.settings import STRATEGIES, LocalModel, Settings  # noqa: E402

TURNS = [
    "How many transactions per second do we handle, and what's the latency budget for a decision?",
    "How do we get labels, and how long until we know a transaction was fraud?",
    "The business goal is to cut fraud losses without declining good customers, so I'd weight errors by "
    "transaction value. ML task: binary classification per transaction, judged by recall at a fixed "
    "false-decline rate.",
    "Let's move on to the high-level design.",
    "Transactions stream into a feature service; a model scores each; a policy layer approves, challenges "
    "or declines; chargebacks come back as labels for weekly retraining.",
    "Let's move on to data and features.",
    "Features: the card's spend velocity over 1h and 24h, whether the device is new to the card, and the "
    "merchant's historical fraud rate, each because fraudsters move fast on new devices.",
    "I don't know how I'd handle the label delay exactly.",
    "Labels: chargebacks arrive within about 60 days, so I'd train on transactions older than that and "
    "use manual-review outcomes as earlier, noisier labels.",
    "Let's move on to modeling.",
    "I'd start with a logistic regression baseline on those features, then try gradient-boosted trees, "
    "keeping the baseline to show what the complexity buys.",
    "Trees handle the skewed, non-linear spend features well; the trade-off is calibration, so I'd "
    "calibrate scores with isotonic regression before setting thresholds.",
    "Let's move on to inference and evaluation.",
    "Offline: precision-recall AUC and recall at a 0.1% false-decline rate on a time-based split. Online: "
    "an A/B test on fraud losses per dollar and the false-decline rate.",
    "Serving: the model runs in the payment path under 50 ms; features come from an online store fed by "
    "the stream, and the same code computes training features to avoid skew.",
    "Let's move on to deep dives.",
    "Monitoring: score distribution drift and feature nulls daily, alert if the decline rate moves by "
    "more than 20%, and retrain weekly or on drift.",
    "Fraudsters adapt, so I'd keep a small random holdout that is never blocked to measure true fraud "
    "rates without the model's own feedback loop.",
    "What did you think was the weakest part of my design?",
    "Thanks, that's all from me.",
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--local-model", choices=get_args(LocalModel), default="1.5b")
    ap.add_argument("--strategy", choices=STRATEGIES, default="auto",
                    help="grader strategy (auto = probe on the embedded model)")
    ap.add_argument("--transcript", type=Path, help="also write the transcript here (Markdown)")
    ap.add_argument("--layout", choices=get_args(Layout), default="cache_first",
                    help="naive: the turn's note ahead of the system prompt (for comparison only)")
    ap.add_argument("--no-grade", action="store_true", help="skip grading: the interviewer's calls alone")
    ap.add_argument("--name", default="interview_turns", help="results file name")
    ap.add_argument("--voice-idle", action="store_true",
                    help="load the offline voice models first and leave them idle (speech must not slow a turn)")
    ap.add_argument("--piped", action="store_true",
                    help="answers every 6 s without waiting for grading, as a script piped into `interviewer chat`: "
                         "the final card then grades what the turns could not")
    args = ap.parse_args()
    settings = Settings.load({"local_model": args.local_model, "grader_strategy": args.strategy})
    backend = open_backend(settings)
    try:
        llm = backend.llm
        clock = SimClock()
        deps = interview_context(settings, llm, catalog_of(settings))  # what `interviewer chat` and the app use
        deps.clock = clock
        deps.layout, deps.grade = args.layout, not args.no_grade
        sessions = Sessions(deps)
        if args.voice_idle:  # both models in memory, as in the app after the first spoken answer
            from interviewer.app.voice_ui import VoiceUI

            voice = VoiceUI(settings, llm)
            voice._transcriber()
            voice._voice()
        cold_ttft = None
        if deps.warm_prefix:  # the first answer without warming, on another problem (its own prefix)
            deps.warm_prefix = False
            cold_id, cold_open = sessions.start("eta_prediction", "senior", "default", session_id="cold")
            "".join(cold_open)
            start = time.perf_counter()
            stream = sessions.send(cold_id, "How many trips per day do we serve, and what latency do we need?")
            next(stream)
            cold_ttft = round(time.perf_counter() - start, 2)
            "".join(stream)
            sessions.flags_now(cold_id)
            deps.warm_prefix = True
        sid, opening = sessions.start("payment_fraud", "senior", "default", session_id="bench")
        "".join(opening)
        # the candidate reads the problem; meanwhile the server processes the stable prefix
        settle = time.perf_counter()
        if sid in deps.warming:
            deps.warming[sid].result()
        warm_s = round(time.perf_counter() - settle, 1)
        rows = []
        for i, text in enumerate(TURNS, 1):
            clock.advance(6 if args.piped else 60)
            calls_before = len([c for c in llm.usage.calls if c.purpose == "interviewer"])
            start = time.perf_counter()
            first = None
            reply = ""
            for delta in sessions.send(sid, text):
                if first is None:
                    first = time.perf_counter() - start
                reply += delta
            total = time.perf_counter() - start
            if sessions.load(sid).done:
                rows.append({"turn": i, "phase": "wrap-up", "our_ttft_s": round(first or total, 3), "llm_ttft_s": "-",
                             "ratio": "-", "turn_total_s": round(total, 3), "prompt_tokens": 0, "cached_tokens": 0,
                             "cached_pct": "-", "reply_tokens": 0, "grading_after_s": 0})
                break
            # the candidate reads and types while this turn is graded: wait for it, as they would
            settle = time.perf_counter()
            if not args.piped:
                sessions.flags_now(sid)
            grading_s = round(time.perf_counter() - settle, 1)
            calls = [c for c in llm.usage.calls if c.purpose == "interviewer"]
            if len(calls) == calls_before:  # entering a phase: the rubric's opener, no LLM call
                rows.append({"turn": i, "phase": sessions.load(sid).phase_id, "our_ttft_s": round(first or total, 3),
                             "llm_ttft_s": "-", "ratio": "-", "turn_total_s": round(total, 3), "prompt_tokens": 0,
                             "cached_tokens": 0, "cached_pct": "-", "reply_tokens": 0, "grading_after_s": grading_s})
                continue
            call = calls[-1]
            ours = first or total
            # a reply checked whole (a red flag's challenge, a phase bridge's clause) is a plain call:
            # its first token reaches the page when the call ends, so the call's latency is the baseline
            base = call.ttft_s or call.latency_s or ours
            rows.append({
                "turn": i, "phase": sessions.load(sid).phase_id, "our_ttft_s": round(ours, 2),
                "llm_ttft_s": round(base, 2), "ratio": round(ours / base, 3),
                "turn_total_s": round(total, 2), "prompt_tokens": call.prompt_tokens,
                "cached_tokens": call.cached_tokens,
                "cached_pct": round(100 * call.cached_tokens / max(call.prompt_tokens, 1), 1),
                "reply_tokens": call.completion_tokens, "grading_after_s": grading_s,
            })
        end_start = time.perf_counter()
        if sessions.load(sid).done:  # the candidate closed it ("that's all from me"): the wrap-up was that turn
            card = sessions.load(sid).scorecard
            scorecard_s = rows[-1]["turn_total_s"]
        else:
            card = sessions.end(sid)
            scorecard_s = time.perf_counter() - end_start
        view = sessions.load(sid)
        assert card is not None
    finally:
        backend.close()
    later = [r for r in rows[1:] if r["llm_ttft_s"] != "-"]
    after_first = [r["our_ttft_s"] for r in rows[1:] if r["phase"] != "wrap-up"]
    summary = {
        "median_ttft_all_turns_s": median([r["our_ttft_s"] for r in rows if r["phase"] != "wrap-up"]),
        "max_ttft_after_first_s": max(after_first) if after_first else None,
        "interviewer_llm_calls": len([c for c in llm.usage.calls if c.purpose == "interviewer"]),
        "median_grading_after_s": median([r["grading_after_s"] for r in rows if r["grading_after_s"]]),
        "median_our_ttft_s": median([r["our_ttft_s"] for r in later]),
        "median_llm_ttft_s": median([r["llm_ttft_s"] for r in later]),
        "median_ratio": median([r["ratio"] for r in later]),
        "median_turn_total_s": median([r["turn_total_s"] for r in later]),
        "median_cached_pct": median([r["cached_pct"] for r in later]),
        "scorecard_after_end_s": round(scorecard_s, 2),
        "first_turn_ttft_s": rows[0]["our_ttft_s"], "first_turn_ttft_without_warming_s": cold_ttft,
        "warm_up_while_reading_s": warm_s,
        "median_turn_total_all_s": median([r["turn_total_s"] for r in rows if r["llm_ttft_s"] != "-"]),
        "grader_strategy": args.strategy, "model": settings.local_model,
    }
    summary.update({"layout": args.layout, "grading": not args.no_grade, "piped": args.piped})
    write(args.name, rows, summary,
          notes="Embedded llama.cpp server, 2 slots (interviewer pinned to slot 0, grader to slot 1), the app's "
                "settings for it (questions authored: a reply makes an LLM call only when the model words it, "
                "so llm_ttft_s is '-' on authored turns): each turn is graded (the phases its answer belongs "
                "to, grader_strategy) "
                + ("after the reply; answers come every 6 s without waiting for it, as a script piped into "
                   "`interviewer chat` would (--piped): the final card grades what the turns could not. "
                   if args.piped else
                   "after the reply; the next answer comes once that grading is done (grading_after_s), as a "
                   "candidate's reading and typing time would allow. ")
                + "Opener turns make no LLM call. The stable "
                "prefix (system prompt + opening) is warmed while the candidate reads the problem "
                "(warm_up_while_reading_s); first_turn_ttft_without_warming_s is the same first question "
                "on another problem with warming off.")
    if args.transcript:
        lines = [f"# Interview transcript (embedded {settings.local_model}, simulated clock)", "",
                 "Command: `" + " ".join(["python", *sys.argv]) + "`", ""]
        lines += [f"**{'Interviewer' if t['role'] == 'interviewer' else 'Candidate'}** [{t['phase']}]: {t['text']}\n"
                  for t in view.transcript]
        lines += ["", card.to_markdown()]
        args.transcript.write_text("\n".join(lines))


if __name__ == "__main__":
    main()
