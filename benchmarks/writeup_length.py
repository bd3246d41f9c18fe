"""Write-up grading time vs length and vs grader strategy on the embedded model.

Write-ups of 1k, 5k and 20k characters are cut (at paragraph ends) from the MIT-licensed
write-ups in evals/writeups/external/. By default each is graded whole (all six phases, 36
flags) with probability grading (probe: one token per flag over the four sentences that bear on
it, on both server slots at once, as a write-up is graded in the app).
The older structured strategies can be measured on the modeling phase alone for comparison:

    .venv/bin/python benchmarks/writeup_length.py [--lengths 1000 5000 20000] [--strategies probe per_flag]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import write  # noqa: E402
from interviewer.content.catalog import get_rubric  # noqa: E402
from interviewer.grading.grader import Grader  # noqa: E402
from interviewer.grading.writeup import grade_writeup  # noqa: E402
from interviewer.llm.backend import open_backend  # noqa: E402
from interviewer.llm.settings import Settings  # noqa: E402

EXTERNAL = Path(__file__).resolve().parent.parent / "evals" / "writeups" / "external"


def writeup_of(chars: int) -> str:
    """The first `chars` characters of the external write-ups, one after another, cut at a paragraph end."""
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(EXTERNAL.glob("*.md")))
    cut = text[:chars]
    end = cut.rfind("\n\n")
    return cut[:end] if end > chars // 2 else cut


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lengths", type=int, nargs="+", default=[1000, 5000, 20000])
    ap.add_argument("--strategies", nargs="+", default=["probe"], help="probe grades all phases; others modeling")
    ap.add_argument("--name", default="writeup_length")
    args = ap.parse_args()
    backend = open_backend(Settings.load({}))
    rubric = get_rubric("default")
    rows = []
    try:
        llm = backend.llm
        for n in args.lengths:
            doc = writeup_of(n)
            for strategy in args.strategies:
                phases = None if strategy == "probe" else ["modeling"]
                grader = Grader(llm, rubric, None, strategy=strategy)  # type: ignore[arg-type]
                mark = len(llm.usage.calls)
                start = time.perf_counter()
                card = grade_writeup(grader, doc, "senior", phases)
                dt = time.perf_counter() - start
                calls = llm.usage.calls[mark:]
                flags = sum(len(p.flags) for p in rubric.phases if phases is None or p.id in phases)
                prompt = sum(c.prompt_tokens for c in calls)
                rows.append({
                    "chars": len(doc), "strategy": strategy, "phases": "all 6" if phases is None else "modeling",
                    "flags": flags, "calls": len(calls), "seconds": round(dt, 1),
                    "s_per_flag": round(dt / flags, 1), "prompt_tokens": prompt,
                    "cached_pct": round(100 * sum(c.cached_tokens for c in calls) / max(prompt, 1), 1),
                    "completion_tokens": sum(c.completion_tokens for c in calls),
                    "sentences_left_out": sum(card.left_out.values()),
                })
                print(rows[-1], flush=True)
    finally:
        backend.close()
    write(args.name, rows, {"model": "embedded " + Settings.load({}).local_model},
          notes="Embedded llama.cpp (2 slots, 2 threads, 4,096 tokens per slot). probe: each flag is asked about "
                "the four sentences BM25 ranks highest for its question over the whole text (nothing is cut: "
                "sentences_left_out is 0), combined with the flag's terms by the shipped calibration; both "
                "slots at once. per_flag/per_phase (modeling only): text beyond a slot is cut, preferring the "
                "phase's sections.")


if __name__ == "__main__":
    main()
