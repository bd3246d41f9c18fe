"""Peak memory (RSS) of the app alone and of the app with the embedded model loaded.

Starts `interviewer serve` in a child process, waits until it answers HTTP, drives one interview
turn through the Gradio API, and samples the RSS of the app and of its llama.cpp child (its own
process) every 0.2 s; reports the peaks.

    .venv/bin/python benchmarks/memory.py              # app on a fake server + app on the embedded model
    .venv/bin/python benchmarks/memory.py --fake-only  # quick: the app alone
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import write  # noqa: E402
from interviewer.content.catalog import get_rubric  # noqa: E402
from interviewer.llm.embedded import free_port  # noqa: E402
from interviewer.testing.fake_grader import InterviewScript, JudgeScript  # noqa: E402
from interviewer.testing.fake_llm import FakeServer, Script  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
(ROOT / "artifacts").mkdir(exist_ok=True)  # scratch space, git-ignored


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def measure(extra: list[str], label: str) -> dict[str, Any]:
    port = free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "interviewer.app.cli", "serve", "--port", str(port),
                             "--db", str(ROOT / "artifacts/bench-memory.sqlite"), *extra], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peaks = {"app": 0.0, "model_server": 0.0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peaks["app"] = max(peaks["app"], rss_mb(proc.pid))
            peaks["model_server"] = max(peaks["model_server"], sum(rss_mb(c) for c in children(proc.pid)))
            time.sleep(0.2)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    start = time.perf_counter()
    try:
        while True:
            assert proc.poll() is None, f"{label}: the app exited"
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        ready_s = time.perf_counter() - start
        from gradio_client import Client

        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        client.predict("payment_fraud", "senior", "default", api_name="/start")
        client.predict("The goal is to cut fraud losses; I'd start with a logistic regression baseline.",
                       api_name="/send")
        client.close()
        time.sleep(1.0)
    finally:
        stop.set()
        t.join()
        proc.terminate()
        proc.wait(timeout=60)
        (ROOT / "artifacts/bench-memory.sqlite").unlink(missing_ok=True)
    return {"setup": label, "app_peak_rss_mb": round(peaks["app"]), "model_server_peak_rss_mb": round(
        peaks["model_server"]), "total_peak_rss_mb": round(peaks["app"] + peaks["model_server"]),
        "ready_s": round(ready_s, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fake-only", action="store_true")
    args = ap.parse_args()
    rows = []
    with FakeServer(Script(InterviewScript(JudgeScript(get_rubric("default"), {})))) as srv:
        rows.append(measure(["--base-url", srv.base_url], "app alone (fake OpenAI-compatible server)"))
    if not args.fake_only:
        rows.append(measure([], "app + embedded Qwen2.5-Coder-1.5B Q4_K_M (llama.cpp child)"))
    write("memory", rows, {"machine_ram_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)},
          notes="Peak resident memory sampled every 0.2 s from start through one interview turn. The embedded "
                "model runs in its own process (llama.cpp via xllamacpp); its RSS counts the memory-mapped GGUF "
                "pages it touched.")


if __name__ == "__main__":
    main()
