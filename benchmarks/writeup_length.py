"""Write-up grading time vs length and vs grader strategy on the embedded model.

Write-ups of 1k, 5k and 20k characters are cut (at paragraph ends) from the MIT-licensed
write-ups in evals/writeups/external/. Each is graded on the modeling phase (6 flags) both ways:
per_phase (one call for all six verdicts) and per_flag (one call per flag; the text is the cached
prefix). A whole write-up is six phases: about six times these figures.

    .venv/bin/python benchmarks/writeup_length.py [--lengths 1000 5000 20000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import write  # noqa: E402
from interviewer.backend import open_backend  # noqa: E402
from interviewer.config import Settings  # noqa: E402
from interviewer.grader import Grader  # noqa: E402
from interviewer.rubric import get_rubric  # noqa: E402
from interviewer.writeup import grade_writeup  # noqa: E402

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
    args = ap.parse_args()
    backend = open_backend(Settings.load({}))
    rubric = get_rubric("default")
    rows = []
    try:
        llm = backend.llm
        for n in args.lengths:
            doc = writeup_of(n)
            for strategy, phases in (("per_phase", ["modeling"]), ("per_flag", ["modeling"])):
                grader = Grader(llm, rubric, None, strategy=strategy)  # type: ignore[arg-type]
                mark = len(llm.usage.calls)
                start = time.perf_counter()
                grade_writeup(grader, doc, "senior", phases)
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
                })
                print(rows[-1], flush=True)
    finally:
        backend.close()
    write("writeup_length", rows, {"model": "embedded " + Settings.load({}).local_model},
          notes="Embedded llama.cpp (2 slots, 2 threads, 4,096 tokens per slot). Text beyond what fits a slot "
                "next to the question and the reply is cut, preferring the sections placed in the phase graded: "
                "about 2,840 tokens per per-flag call and about 1,000 per per-phase call (which must also hold "
                "every criterion and room for six verdicts).")


if __name__ == "__main__":
    main()
