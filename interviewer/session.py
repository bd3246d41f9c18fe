"""The session API the UI, the CLI and the evals share: start, send, next_phase, end, load.

Every session is a LangGraph thread in a checkpointer (SQLite by default), so a session
survives the process: `load(session_id)` after a restart continues with the full transcript.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langgraph.types import Command

from .graph import Deps, build_graph
from .problems import get_problem
from .rubric import LEVELS, get_rubric
from .scorecard import Scorecard
from .state import InterviewState, Turn, merge_flags
from .store import open_checkpointer


class SessionError(ValueError):
    """A session request that cannot be served, with a message for the user."""


@dataclass
class SessionView:
    """What a caller shows: transcript, phase, clock and the flags so far."""

    session_id: str
    problem_id: str
    framework: str
    level: str
    transcript: list[Turn]
    phase_id: str
    phase_title: str
    phase_index: int
    phase_count: int
    elapsed_min: float
    phase_elapsed_min: float
    phase_budget_min: float
    phase_minutes: dict[str, float]
    flags: dict[str, Any]
    done: bool
    scorecard: Scorecard | None = None
    interrupted: bool = False  # a turn failed midway and can be retried


class Sessions:
    """All interviews of one process, over one checkpointer."""

    def __init__(self, deps: Deps, checkpointer: Any = None, db_path: Path | str | None = None) -> None:
        """`db_path`: a SQLite file or a postgres:// URL (see store.py); neither → in memory."""
        self.deps = deps
        self.checkpointer = checkpointer if checkpointer is not None else open_checkpointer(db_path)
        self._graphs: dict[str, Any] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def _lock(self, session_id: str) -> threading.Lock:
        """One turn at a time per session: two answers sent at once run one after the other."""
        with self._locks_guard:
            return self._locks.setdefault(session_id, threading.Lock())

    def graph(self, framework: str) -> Any:
        if framework not in self._graphs:
            self._graphs[framework] = build_graph(get_rubric(framework), self.deps, self.checkpointer)
        return self._graphs[framework]

    @staticmethod
    def _config(session_id: str) -> dict[str, Any]:
        return {"configurable": {"thread_id": session_id}}

    def _framework_of(self, session_id: str) -> str:
        tup = self.checkpointer.get_tuple(self._config(session_id))
        if tup is None:
            raise SessionError(f"no interview session '{session_id}'")
        return str(tup.checkpoint["channel_values"].get("framework", "default"))

    # -- public API ----------------------------------------------------------------------

    def start(self, problem_id: str | None = None, level: str = "senior", framework: str = "default",
              session_id: str | None = None) -> tuple[str, Iterator[str]]:
        """Create a session; returns its id and the stream of the opening message."""
        if level not in LEVELS:
            raise SessionError(f"unknown level '{level}'; choose one of: {', '.join(LEVELS)}")
        try:
            problem = get_problem(problem_id, self.deps.problems_dir)
            get_rubric(framework)
        except KeyError as exc:
            raise SessionError(exc.args[0]) from exc
        sid = session_id or secrets.token_urlsafe(16)
        init: dict[str, Any] = {"session_id": sid, "problem_id": problem.id, "framework": framework, "level": level}
        return sid, self._stream(sid, framework, init)

    def send(self, session_id: str, text: str) -> Iterator[str]:
        """The candidate's answer; yields the interviewer's reply as it streams."""
        if not text or not text.strip():
            raise SessionError("the answer is empty: type something first")
        return self._resume(session_id, {"action": "answer", "text": text})

    def next_phase(self, session_id: str) -> Iterator[str]:
        return self._resume(session_id, {"action": "next_phase", "text": ""})

    def end(self, session_id: str) -> Scorecard:
        for _ in self._resume(session_id, {"action": "end", "text": ""}):
            pass
        card = self.load(session_id).scorecard
        assert card is not None
        return card

    def retry(self, session_id: str) -> Iterator[str]:
        """Re-run a turn that failed midway (e.g. the LLM server was down); nothing typed is lost."""
        framework = self._framework_of(session_id)
        snapshot = self.graph(framework).get_state(self._config(session_id))
        if not snapshot.next or snapshot.next == ("candidate",):
            raise SessionError("nothing to retry: the interview is waiting for your answer")
        return self._stream(session_id, framework, None)

    def _resume(self, session_id: str, value: dict[str, Any]) -> Iterator[str]:
        if not self._lock(session_id).locked():  # else a turn is running: check once it is done
            self._check_waiting(self.load(session_id))
        return self._stream(session_id, self._framework_of(session_id), Command(resume=value))

    @staticmethod
    def _check_waiting(view: SessionView) -> None:
        if view.done:
            raise SessionError("this interview has ended; start a new one")
        if view.interrupted:
            raise SessionError("the last turn did not finish; retry it first")

    def _stream(self, session_id: str, framework: str, payload: Any) -> Iterator[str]:
        graph = self.graph(framework)

        def gen() -> Iterator[str]:
            with self._lock(session_id):
                if isinstance(payload, Command):  # the turn before may have ended or failed meanwhile
                    self._check_waiting(self.load(session_id))
                for chunk in graph.stream(payload, self._config(session_id), stream_mode="custom", durability="sync"):
                    if isinstance(chunk, dict) and "delta" in chunk:
                        yield str(chunk["delta"])

        return gen()

    def flags_now(self, session_id: str, wait_s: float = 600.0) -> dict[str, Any]:
        """The flags so far including grades still running (waited for); the state is not changed."""
        flags: dict[str, Any] = dict(self.load(session_id).flags)
        for fut in list(self.deps.pending.get(session_id, {}).values()):
            try:
                flags = merge_flags(flags, fut.result(timeout=wait_s))
            except Exception:  # a failed grade simply adds nothing
                continue
        return flags

    def load(self, session_id: str) -> SessionView:
        framework = self._framework_of(session_id)
        rubric = get_rubric(framework)
        snapshot = self.graph(framework).get_state(self._config(session_id))
        st: InterviewState = snapshot.values  # type: ignore[assignment]
        i = min(st.get("phase_index", 0), len(rubric.phases) - 1)
        phase = rubric.phases[i]
        started = st.get("started_at", self.deps.clock.now())
        elapsed = (self.deps.clock.now() - started) / 60.0
        card = st.get("scorecard")
        return SessionView(
            session_id=session_id, problem_id=st["problem_id"], framework=framework, level=st["level"],
            transcript=list(st.get("transcript", [])), phase_id=phase.id, phase_title=phase.title,
            phase_index=i, phase_count=len(rubric.phases), elapsed_min=elapsed,
            phase_elapsed_min=elapsed - st.get("phase_started_at", 0.0) / 60.0,
            phase_budget_min=phase.budget.target_minutes, phase_minutes=dict(st.get("phase_minutes", {})),
            flags=dict(st.get("flags", {})), done=bool(st.get("done")),
            scorecard=Scorecard.model_validate(card) if card else None,
            interrupted=bool(snapshot.next) and snapshot.next != ("candidate",),
        )
