"""The session API the UI, the CLI and the evals share: start, send, next_phase, end, load.

Every session is a LangGraph thread in a checkpointer (SQLite by default), so a session
survives the process: `load(session_id)` after a restart continues with the full transcript.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.types import Command

from interviewer.content.rubric import LEVELS, Rubric
from interviewer.diagram import DiagramError, parse
from interviewer.grading.scorecard import FlagResult, Scorecard
from interviewer.interview.context import Context
from interviewer.interview.graph import build_graph
from interviewer.interview.nodes import submit_grade
from interviewer.interview.state import InterviewInput, InterviewState, Turn, merge_flags
from interviewer.interview.store import open_checkpointer
from interviewer.interview.timing import IDLE_CAP_S, clock_s
from interviewer.practice.history import History, Record, card_fields

DIAGRAM_TURNS = 100_000  # grade keys of saved diagrams (answers use their turn number)


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
    flags: dict[str, FlagResult]
    done: bool
    rubric: Rubric
    total_minutes: float = 45.0
    grading: int = 0  # answers of this session still being graded in this process
    scorecard: Scorecard | None = None
    interrupted: bool = False  # a turn failed midway and can be retried
    drill_phase: str = ""  # a drill: one phase, its budget only
    hints: bool = False  # the candidate may ask for hints
    hints_used: int = 0
    diagrams: list[dict[str, Any]] = field(default_factory=list)  # every saved whiteboard, oldest first

    @property
    def diagram(self) -> str:
        """The latest whiteboard's Mermaid source ('' before the first save)."""
        return str(self.diagrams[-1]["source"]) if self.diagrams else ""


def new_session_id() -> str:
    """A random id that never starts with '-': on a command line ('history show ID', 'chat --resume
    ID') such an id would read as an option."""
    while (sid := secrets.token_urlsafe(16)).startswith("-"):
        pass
    return sid


class Sessions:
    """All interviews of one process: one compiled graph over one checkpointer."""

    def __init__(self, context: Context, checkpointer: Any = None, db_path: Path | str | None = None,
                 history: History | None = None) -> None:
        """`db_path`: a SQLite file or a postgres:// URL (see store.py); neither → in memory.
        History lives in the same store (its schema version is checked here, before anything runs)."""
        self.context = context
        self.history = history or History(db_path if checkpointer is None else None)
        self.checkpointer = checkpointer if checkpointer is not None else open_checkpointer(db_path)
        self.graph = build_graph(self.checkpointer)
        self._locks: dict[str, threading.Lock] = {}
        self._turns: dict[str, int] = {}  # turns run per session in this process (see _stream)
        self.after: dict[str, SessionView] = {}  # the view each session's last turn left (the page reuses it)
        self._locks_guard = threading.Lock()
        context.grades.publish = self._publish
        if self.history.found_version == 0:
            self._backfill()

    def _backfill(self) -> None:
        """A store from before History (schema version 0): list the sessions its threads hold."""
        threads = {c.config["configurable"]["thread_id"] for c in self.checkpointer.list(None)}
        for sid in sorted(threads - self.history.ids()):
            try:
                self._record(sid)
            except SessionError:  # a thread that never got past its start: nothing to list
                continue

    def _lock(self, session_id: str) -> threading.Lock:
        """One turn at a time per session: two answers sent at once run one after the other."""
        with self._locks_guard:
            return self._locks.setdefault(session_id, threading.Lock())

    @staticmethod
    def _config(session_id: str) -> RunnableConfig:
        return {"configurable": {"thread_id": session_id}}

    def _publish(self, session_id: str, results: dict[str, FlagResult]) -> None:
        """A finished grade enters the checkpoint while the interview waits for the candidate."""
        with self._lock(session_id):
            snapshot = self.graph.get_state(self._config(session_id))
            if snapshot.values.get("done") or snapshot.next != ("candidate",):
                return  # ended, or a failed turn awaits its retry: this process's collect merges it
            self.graph.update_state(self._config(session_id), {"flags": results}, as_node="interviewer")

    # -- public API ----------------------------------------------------------------------

    def start(self, problem_id: str | None = None, level: str = "senior", framework: str = "default",
              session_id: str | None = None, *, drill: str = "", hints: bool = False) -> tuple[str, Iterator[str]]:
        """Create a session; returns its id and the stream of the opening message. `drill`: one
        phase's id, for a short session of that phase only; `hints`: allow the Hint button."""
        if level not in LEVELS:
            raise SessionError(f"unknown level '{level}'; choose one of: {', '.join(LEVELS)}")
        try:
            problem = self.context.catalog.problem(problem_id)
            rubric = self.context.catalog.rubric(framework)
            if drill:
                rubric.phase(drill)
        except KeyError as exc:
            raise SessionError(exc.args[0]) from exc
        sid = session_id or new_session_id()
        init: InterviewInput = {"session_id": sid, "problem_id": problem.id, "framework": framework, "level": level,
                                "drill": drill, "hints": hints}
        return sid, self._stream(sid, init)

    def hint(self, session_id: str) -> str:
        """One nudge toward the heaviest green flag of this phase not met yet (never its answer);
        recorded in the transcript and counted on the scorecard."""
        with self._lock(session_id):
            view = self.load(session_id)
            self._check_waiting(view)
            if not view.hints:
                raise SessionError("hints are off for this interview: tick 'Allow hints' before you start")
            phase = view.rubric.phase(view.phase_id)
            snapshot = self.graph.get_state(self._config(session_id))
            given = set(snapshot.values.get("hints_given", []))
            open_flags = [f for f in phase.green_flags if f.hint and f.id not in given
                          and (view.flags.get(f.id) is None or view.flags[f.id].credited != "met")]
            if not open_flags:
                raise SessionError(f"no hint left for {phase.title.lower()}: you have covered what it asks, "
                                   "or used its hints")
            flag = max(open_flags, key=lambda f: f.weight)
            text = f"Hint: {flag.hint}"
            t = view.transcript[-1]["t"] if view.transcript else 0.0
            self.graph.update_state(self._config(session_id), {
                "hints_given": [flag.id], "transcript": [Turn(role="interviewer", text=text, phase=phase.id, t=t)]},
                as_node="interviewer")
        self._record(session_id)
        return text

    def save_diagram(self, session_id: str, source: str) -> None:
        """A new whiteboard version: checked, kept with its time, graded with the diagram phase's
        answers. A syntax error is a SessionError naming the line; nothing is saved then."""
        try:
            parse(source)
        except DiagramError as exc:
            raise SessionError(f"the diagram was not saved: {exc}") from exc
        with self._lock(session_id):
            view = self.load(session_id)
            self._check_waiting(view)
            if view.diagram == source:
                return
            t = round(view.elapsed_min * 60, 1)
            self.graph.update_state(self._config(session_id), {"diagrams": [{"t": t, "source": source}]},
                                    as_node="interviewer")
            state = self.graph.get_state(self._config(session_id)).values
        phase = next((p for p in view.rubric.phases if p.diagram), None)
        if phase is not None:
            submit_grade(state, self.context, phase, DIAGRAM_TURNS + len(view.diagrams) + 1)  # type: ignore[arg-type]

    def pause(self, session_id: str, seconds: float) -> None:
        """Take time off the interview clock (the page reports its tab was hidden that long)."""
        if seconds <= 0:
            return
        with self._lock(session_id):
            view = self.load(session_id)
            snapshot = self.graph.get_state(self._config(session_id))
            if view.done or snapshot.next != ("candidate",):
                return  # ended, or a reply is being written: that time counts
            self.graph.update_state(self._config(session_id), {"paused_s": seconds}, as_node="interviewer")

    def delete(self, session_id: str) -> None:
        """Gone from History, Progress and the store: the thread's checkpoints too."""
        with self._lock(session_id):  # after a running turn (which updates its row) has finished
            if not self.history.delete(session_id):
                raise SessionError(f"nothing in History with id '{session_id}'")
            self.checkpointer.delete_thread(session_id)  # a write-up has no thread: a no-op

    def _record(self, session_id: str, view: SessionView | None = None) -> Record:
        """History's row of a session, brought up to date with its view (after every turn)."""
        view = view or self.load(session_id)
        old = self.history.get(session_id)
        rec = old or Record(id=session_id, kind="drill" if view.drill_phase else "interview",
                            created=self.history.now(), problem_id=view.problem_id, level=view.level,
                            framework=view.framework, drill_phase=view.drill_phase)
        fields: dict[str, Any] = {"duration_min": round(view.elapsed_min, 2), "hints_used": view.hints_used}
        if view.done and view.scorecard:
            fields.update(card_fields(view.scorecard))
        return self.history.put(rec.model_copy(update=fields))

    def send(self, session_id: str, text: str, view: SessionView | None = None) -> Iterator[str]:
        """The candidate's answer; yields the interviewer's reply as it streams. `view`: the session
        as the caller just loaded it (saves reading it again)."""
        if not text or not text.strip():
            raise SessionError("the answer is empty: type something first")
        return self._resume(session_id, {"action": "answer", "text": text}, view)

    def next_phase(self, session_id: str) -> Iterator[str]:
        return self._resume(session_id, {"action": "next_phase", "text": ""})

    def end(self, session_id: str) -> Scorecard:
        """End now, whatever state the last turn is in: a turn that failed midway keeps its answer,
        which is graded with the rest (ending never needs a retry first)."""
        if self.load(session_id).interrupted:  # the reply failed: close that turn, back to waiting
            with self._lock(session_id):
                self.graph.update_state(self._config(session_id), {}, as_node="interviewer")
        for _ in self._resume(session_id, {"action": "end", "text": ""}):
            pass
        card = self.load(session_id).scorecard
        assert card is not None
        return card

    def retry(self, session_id: str) -> Iterator[str]:
        """Re-run a turn that failed midway (e.g. the LLM server was down); nothing typed is lost."""
        self.load(session_id)  # an unknown id is a SessionError
        snapshot = self.graph.get_state(self._config(session_id))
        if not snapshot.next or snapshot.next == ("candidate",):
            raise SessionError("nothing to retry: the interview is waiting for your answer")
        return self._stream(session_id, None)

    def _resume(self, session_id: str, value: dict[str, Any], view: SessionView | None = None) -> Iterator[str]:
        if self._lock(session_id).locked():  # a turn is running: check once it is done
            return self._stream(session_id, Command(resume=value))
        self._check_waiting(view or self.load(session_id))
        return self._stream(session_id, Command(resume=value), checked_at=self._turns.get(session_id, 0))

    @staticmethod
    def _check_waiting(view: SessionView) -> None:
        if view.done:
            raise SessionError("this interview has ended; start a new one")
        if view.interrupted:
            raise SessionError("the last turn did not finish; retry it first")

    def _stream(self, session_id: str, payload: Any, checked_at: int | None = None) -> Iterator[str]:
        """The turn's reply as it streams; then History's row and `self.after[session_id]`, the view
        the turn left, built from the stream's own final state (no second read of the store).
        `checked_at`: the session's turn count when the caller checked it was waiting; unless
        another turn ran since, the check is not read again."""
        def gen() -> Iterator[str]:
            final: Any = None
            with self._lock(session_id):
                if isinstance(payload, Command) and checked_at != self._turns.get(session_id, 0):
                    self._check_waiting(self.load(session_id))  # the turn before may have ended or failed
                self._turns[session_id] = self._turns.get(session_id, 0) + 1
                for mode, chunk in self.graph.stream(payload, self._config(session_id), context=self.context,
                                                     stream_mode=["custom", "values"], durability="sync"):
                    if mode == "values":
                        final = chunk
                    elif isinstance(chunk, dict) and "delta" in chunk:
                        yield str(chunk["delta"])
            # a finished turn waits for the candidate, or the interview is done
            view = self.view_of(session_id, final, () if final.get("done") else ("candidate",)) \
                if final else self.load(session_id)
            self._record(session_id, view)
            self.after[session_id] = view

        return gen()

    def flags_now(self, session_id: str, wait_s: float = 600.0) -> dict[str, FlagResult]:
        """The flags once every grade this process started for the session has landed."""
        self.context.grades.settle(session_id, wait_s)
        view = self.load(session_id)
        pending = self.context.grades.collect(session_id, 0.0)  # a grade the state could not take yet
        return merge_flags(view.flags, pending)

    def load(self, session_id: str) -> SessionView:
        snapshot = self.graph.get_state(self._config(session_id))
        return self.view_of(session_id, snapshot.values, snapshot.next)  # type: ignore[arg-type]

    def view_of(self, session_id: str, st: InterviewState, waiting: tuple[str, ...]) -> SessionView:
        """The session's view from its state and what the graph waits for next (no store read)."""
        if not st.get("framework"):
            raise SessionError(f"no interview session '{session_id}'")
        rubric = self.context.catalog.rubric(st["framework"])
        i = min(st.get("phase_index", 0), len(rubric.phases) - 1)
        phase = rubric.phases[i]
        now = self.context.clock.now()
        active = clock_s(st, now) if "started_at" in st else 0.0
        last_t = st["transcript"][-1]["t"] if st.get("transcript") else 0.0
        elapsed = (last_t + min(active - last_t, IDLE_CAP_S)) / 60.0  # an idle page does not run the clock
        card = st.get("scorecard")
        return SessionView(
            session_id=session_id, problem_id=st["problem_id"], framework=st["framework"], level=st["level"],
            transcript=list(st.get("transcript", [])), phase_id=phase.id, phase_title=phase.title,
            phase_index=i, phase_count=len(rubric.phases), elapsed_min=elapsed,
            phase_elapsed_min=elapsed - st.get("phase_started_at", 0.0) / 60.0,
            phase_budget_min=phase.budget.target_minutes, phase_minutes=dict(st.get("phase_minutes", {})),
            flags=dict(st.get("flags", {})), done=bool(st.get("done")), rubric=rubric,
            total_minutes=rubric.phase(st["drill"]).budget.target_minutes if st.get("drill") else rubric.total_minutes,
            grading=self.context.grades.running(session_id),
            scorecard=Scorecard.model_validate(card) if card else None,
            interrupted=bool(waiting) and waiting != ("candidate",),
            drill_phase=st.get("drill", ""), hints=bool(st.get("hints")), hints_used=len(st.get("hints_given", [])),
            diagrams=list(st.get("diagrams", [])),
        )
