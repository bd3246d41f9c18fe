"""Shared bits for benchmarks: machine facts and writing results with the command that made them."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, Any]:
    return {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
            "system": platform.system()}


def median(xs: list[float]) -> float:
    return round(statistics.median(xs), 3) if xs else float("nan")


def write(name: str, rows: list[dict[str, Any]], summary: dict[str, Any], notes: str = "",
          extra: dict[str, Any] | None = None) -> Path:
    """Write results as JSON and a Markdown table; print the table. `extra`: more JSON fields."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    meta = {"command": " ".join(["python", *sys.argv]), "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine()}
    data = {**meta, "summary": summary, "rows": rows, **(extra or {})}
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2))
    cols = list(rows[0]) if rows else []
    lines = [f"# {name}", "", f"Command: `{meta['command']}`  ", f"Date: {meta['date']}  ",
             f"Machine: {meta['machine']}", ""]
    if notes:
        lines += [notes, ""]
    lines += ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(r[c]) for c in cols) + " |" for r in rows]
    lines += ["", "Summary: " + ", ".join(f"{k} = {v}" for k, v in summary.items())]
    text = "\n".join(lines) + "\n"
    (RESULTS / f"{name}.md").write_text(text)
    print(text)
    return RESULTS / f"{name}.md"
