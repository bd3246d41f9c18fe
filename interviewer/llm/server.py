"""Launcher run as a child process: xllamacpp has no command-line entry point of its own."""

from __future__ import annotations

import argparse
import os
import signal
import threading


def main() -> None:
    ap = argparse.ArgumentParser(description="Serve a GGUF with llama.cpp's OpenAI-compatible server")
    ap.add_argument("--model", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--ctx", type=int, default=8192)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--parallel", type=int, default=2)
    ap.add_argument("--alias", default="local")
    args = ap.parse_args()

    import xllamacpp  # heavy import, only in the child

    p = xllamacpp.CommonParams()
    p.model.path = args.model
    p.n_ctx = args.ctx
    p.n_parallel = args.parallel
    p.port = args.port
    p.hostnames = ["127.0.0.1"]
    p.cpuparams.n_threads = args.threads
    p.cpuparams_batch.n_threads = args.threads
    p.model_alias = {args.alias}
    server = xllamacpp.Server(p)
    print(f"serving {args.model} at {server.listening_address}", flush=True)

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    parent = os.getppid()
    # If the app dies without stopping us (kill -9, SIGTERM without cleanup), don't linger.
    while not done.wait(1.0):
        if os.getppid() != parent:
            break
    del server


if __name__ == "__main__":
    main()
