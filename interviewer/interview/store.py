"""Where sessions live: a checkpointer from a `--store` value.

SQLite (a file path; the default) keeps one process's sessions across restarts. A
`postgres://` URL lets several app processes serve the same sessions: every turn is a
checkpoint in the database, so any process can pick a session up by its id.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite import SqliteSaver

from interviewer.storage import StoreError, is_postgres, redact

# The state holds the grader's FlagResult as it is; the serializer may rebuild that type only.
SERDE = JsonPlusSerializer(allowed_msgpack_modules=[("interviewer.grading.scorecard", "FlagResult")])


def sqlite_saver(path: Path) -> SqliteSaver:
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteSaver(sqlite3.connect(str(path), check_same_thread=False), serde=SERDE)


def postgres_saver(url: str, max_size: int = 16) -> Any:
    """A pooled Postgres checkpointer with its tables created (idempotent)."""
    try:
        import psycopg
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool
    except ImportError as exc:  # the optional extra is missing
        raise StoreError("a postgres:// store needs the postgres extra: pip install -e '.[postgres]'") from exc
    try:  # one direct connection first: a refused or misspelt store fails at once, with its reason
        psycopg.connect(url, connect_timeout=10).close()
    except psycopg.Error as exc:
        raise StoreError(f"cannot connect to the session store {redact(url)}: {str(exc).strip()}") from exc
    pool = ConnectionPool(url, min_size=1, max_size=max_size, open=True, timeout=30,
                          kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row})
    saver = PostgresSaver(pool, serde=SERDE)  # type: ignore[arg-type]
    saver.setup()
    return saver


def open_checkpointer(store: str | Path | None) -> Any:
    """`None` → in memory; a postgres:// URL → Postgres; anything else → a SQLite file."""
    if store is None:
        return InMemorySaver(serde=SERDE)
    if is_postgres(store):
        return postgres_saver(str(store))
    return sqlite_saver(Path(store))
