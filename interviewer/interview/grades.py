"""Grading answers in the background while the interview goes on.

A finished grade is published into the session's checkpoint at once (by the callback that
`Sessions` installs), so any process serving the session sees it before the next answer and
the live panel can show it. The futures stay for this process's own waits: a turn that waits
for earlier grades, wrap-up that waits for the last ones.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

from interviewer.grading.scorecard import FlagResult
from interviewer.interview.state import merge_flags

log = logging.getLogger(__name__)
Results = dict[str, FlagResult]
Publish = Callable[[str, Results], None]


@dataclass
class Grades:
    pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(max_workers=4))
    pending: dict[str, dict[int, Future[Results]]] = field(default_factory=dict)
    publish: Publish | None = None

    writers: dict[str, list[threading.Thread]] = field(default_factory=dict)

    def submit(self, session_id: str, turn_no: int, work: Callable[[], Results]) -> None:
        """Run `work` in the pool (keeping the caller's session tag on its LLM usage)."""
        ctx = contextvars.copy_context()

        def run() -> Results:
            got = ctx.run(work)
            if self.publish is not None:
                # Its own thread: the write waits for the session's turn lock, and a turn may be
                # waiting for this very result.
                writer = threading.Thread(target=self._write, args=(session_id, got), daemon=True)
                alive = [w for w in self.writers.get(session_id, []) if w.is_alive()]
                self.writers[session_id] = [*alive, writer]
                writer.start()
            return got

        self.pending.setdefault(session_id, {})[turn_no] = self.pool.submit(run)

    def _write(self, session_id: str, got: Results) -> None:
        assert self.publish is not None
        try:
            self.publish(session_id, got)
        except Exception:  # the state write failed: the turn's own collect still merges it
            log.exception("could not write a grade into session %s", session_id)

    def settle(self, session_id: str, wait_s: float = 600.0) -> None:
        """Wait until every grade started for the session is done and written (tests, evals)."""
        deadline = time.monotonic() + wait_s
        for fut in list(self.pending.get(session_id, {}).values()):
            with contextlib.suppress(Exception):
                fut.result(timeout=max(0.0, deadline - time.monotonic()))
        for writer in list(self.writers.get(session_id, [])):
            writer.join(timeout=max(0.0, deadline - time.monotonic()))

    def collect(self, session_id: str, wait_s: float) -> Results:
        """The grades that are done (waiting up to wait_s); a failed grade adds nothing."""
        merged: Results = {}
        deadline = time.monotonic() + wait_s
        for turn_no, fut in sorted(self.pending.get(session_id, {}).items()):
            try:
                got = fut.result(timeout=max(0.0, deadline - time.monotonic()))
            except FutureTimeout:
                continue
            except Exception:  # a failed grade costs that turn's credit, never the interview
                got = {}
            self.pending[session_id].pop(turn_no, None)
            merged = merge_flags(merged, got)
        return merged

    def drop_queued(self, session_id: str) -> int:
        """Cancel the session's turn grades that have not started: at the end the final card grades
        every flag once over all the answers, so a backlog of turn grades (answers given faster than
        they grade) would only delay it. Returns how many were dropped."""
        dropped = [n for n, fut in self.pending.get(session_id, {}).items() if fut.cancel()]
        for n in dropped:
            self.pending[session_id].pop(n, None)
        return len(dropped)

    def running(self, session_id: str) -> int:
        return sum(not f.done() for f in self.pending.get(session_id, {}).values())
