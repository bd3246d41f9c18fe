"""Bring up the LLM the settings name: the embedded server, or a remote OpenAI-compatible one."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from interviewer.llm.client import LLM
from interviewer.llm.embedded import EmbeddedServer
from interviewer.llm.settings import Settings


def stderr_progress(msg: str) -> None:
    print(f"[interviewer] {msg}", file=sys.stderr, flush=True)


@dataclass
class Backend:
    llm: LLM
    server: EmbeddedServer | None = None

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()


def open_backend(settings: Settings, progress: bool = True) -> Backend:
    """Start the embedded model when no server is configured; one LLM client either way."""
    report = stderr_progress if progress else None
    if settings.embedded:
        server = EmbeddedServer(settings, progress=report).start()
        llm = LLM(settings, base_url=server.base_url)
        llm.recover = server.recover  # a crashed llama.cpp child is restarted, not fatal
        return Backend(llm, server)
    return Backend(LLM(settings))
