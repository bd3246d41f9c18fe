"""Every session and every graded write-up, newest first: the store behind History and Progress.

One table beside the checkpoints, in the same database (the SQLite file, or the postgres://
store), holding what a listing needs without replaying a thread: date, problem, level,
framework, duration, scores, the flags missed, and the scorecard. A `mlsd_meta` row carries
the schema version: a store written by a newer version is refused at start with a message,
and a store from before history existed (version 0: checkpoints only) is filled from its
threads once (see `Sessions`).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from interviewer.grading.scorecard import Scorecard
from interviewer.storage import StoreError, is_postgres, redact

SCHEMA_VERSION = 1
Kind = Literal["interview", "drill", "writeup"]
Status = Literal["running", "ended"]

TABLES = [
    "CREATE TABLE IF NOT EXISTS mlsd_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS mlsd_history (id TEXT PRIMARY KEY, created DOUBLE PRECISION NOT NULL, "
    "level TEXT NOT NULL, data TEXT NOT NULL)",
]


class Record(BaseModel):
    """One row of History: what the list shows, and the scorecard once graded."""

    model_config = ConfigDict(extra="forbid")
    id: str
    kind: Kind
    created: float = Field(description="Wall-clock seconds (epoch) when it started.")
    problem_id: str | None
    level: str
    framework: str
    status: Status = "running"
    duration_min: float = 0.0
    overall: float | None = None
    hire_signal: str | None = None
    phase_scores: dict[str, int] = Field(default_factory=dict)
    missed: list[str] = Field(default_factory=list, description="Green flags not met and red flags raised.")
    graded: list[str] = Field(default_factory=list, description="Every flag the card graded.")
    drill_phase: str = ""
    hints_used: int = 0
    text: str = Field("", description="A write-up's own text (sessions keep theirs in the checkpoint).")
    scorecard: dict[str, Any] | None = None

    @property
    def card(self) -> Scorecard | None:
        return Scorecard.model_validate(self.scorecard) if self.scorecard else None


def card_fields(card: Scorecard) -> dict[str, Any]:
    """The parts of a scorecard History lists and Progress counts."""
    phases = card.phases
    return {
        "status": "ended", "overall": card.overall, "hire_signal": card.hire_signal,
        "phase_scores": {p.phase_id: p.score for p in phases},
        "missed": [f.flag_id for p in phases for f in p.missing + p.faults],
        "graded": [f.flag_id for p in phases for f in p.flags],
        "hints_used": card.hints_used, "scorecard": card.model_dump(mode="json"),
    }


class History:
    """The history table of one store; thread-safe (one connection, one lock)."""

    def __init__(self, store: str | Path | None, now: Callable[[], float] = time.time) -> None:
        self.now = now
        self._lock = threading.Lock()
        self._pg = is_postgres(store)
        self.where = redact(str(store)) if store else "memory"
        if self._pg:
            import psycopg  # the postgres extra; interview/store.py has already said so when it is missing

            try:
                self._conn: Any = psycopg.connect(str(store), autocommit=True, connect_timeout=10)
            except psycopg.Error as exc:
                raise StoreError(f"cannot open the history in {self.where}: {str(exc).strip()}") from exc
        else:
            if store:
                Path(store).parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(str(store) if store else ":memory:", check_same_thread=False,
                                         isolation_level=None)
        self.found_version = self._migrate()

    # -- schema ---------------------------------------------------------------------------

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        with self._lock:
            cur = self._conn.cursor()
            try:
                yield cur
            finally:
                cur.close()

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self._pg else sql

    def _migrate(self) -> int:
        """Create or check the tables; returns the version the store had (0: none yet)."""
        with self._cursor() as cur:
            for ddl in TABLES:
                cur.execute(ddl)
            cur.execute(self._sql("SELECT value FROM mlsd_meta WHERE key = ?"), ("schema_version",))
            row = cur.fetchone()
            found = int(row[0]) if row else 0
            if found > SCHEMA_VERSION:
                raise StoreError(
                    f"the session store {self.where} has schema version {found}, written by a newer "
                    f"mlsd-interviewer (this one reads up to version {SCHEMA_VERSION}): upgrade "
                    "mlsd-interviewer, or start with another --store")
            if found < SCHEMA_VERSION:  # version 0 -> 1: the tables above are the whole change
                cur.execute(self._sql("DELETE FROM mlsd_meta WHERE key = ?"), ("schema_version",))
                cur.execute(self._sql("INSERT INTO mlsd_meta (key, value) VALUES (?, ?)"),
                            ("schema_version", str(SCHEMA_VERSION)))
        return found

    # -- rows -----------------------------------------------------------------------------

    def put(self, record: Record) -> Record:
        data = record.model_dump_json()
        with self._cursor() as cur:
            cur.execute(self._sql("DELETE FROM mlsd_history WHERE id = ?"), (record.id,))
            cur.execute(self._sql("INSERT INTO mlsd_history (id, created, level, data) VALUES (?, ?, ?, ?)"),
                        (record.id, record.created, record.level, data))
        return record

    def get(self, record_id: str) -> Record | None:
        with self._cursor() as cur:
            cur.execute(self._sql("SELECT data FROM mlsd_history WHERE id = ?"), (record_id,))
            row = cur.fetchone()
        return Record.model_validate_json(row[0]) if row else None

    def update(self, record_id: str, **fields: Any) -> Record | None:
        old = self.get(record_id)
        return self.put(old.model_copy(update=fields)) if old else None

    def list(self, level: str | None = None) -> list[Record]:
        """Newest first; one level, or all."""
        sql, args = "SELECT data FROM mlsd_history", ()  # type: tuple[str, tuple[str, ...]]
        if level:
            sql, args = sql + " WHERE level = ?", (level,)
        with self._cursor() as cur:
            cur.execute(self._sql(sql + " ORDER BY created DESC, id"), args)
            rows = cur.fetchall()
        return [Record.model_validate_json(r[0]) for r in rows]

    def delete(self, record_id: str) -> bool:
        with self._cursor() as cur:
            cur.execute(self._sql("DELETE FROM mlsd_history WHERE id = ?"), (record_id,))
            return bool(cur.rowcount)

    def ids(self) -> set[str]:
        with self._cursor() as cur:
            cur.execute("SELECT id FROM mlsd_history")
            return {r[0] for r in cur.fetchall()}

    def add_writeup(self, text: str, card: Scorecard, record_id: str | None = None) -> Record:
        """A graded write-up enters History with its text, so it can be read again."""
        import secrets

        rec = Record(id=record_id or f"writeup-{secrets.token_urlsafe(8)}", kind="writeup", created=self.now(),
                     problem_id=card.problem_id, level=card.level, framework=card.framework, text=text)
        return self.put(rec.model_copy(update=card_fields(card)))

    def export(self) -> str:
        """Everything, as one JSON document (the History tab's and `interviewer history export`'s file)."""
        return json.dumps({"schema_version": SCHEMA_VERSION, "exported": self.now(),
                           "records": [r.model_dump(mode="json") for r in self.list()]}, indent=2)
