"""What every store of the app shares: its error, which backend a `--store` value names, and how
a URL is shown without its password. Below both the session checkpoints (interview/store.py) and
the history table (practice/history.py), which live in the same store."""

from __future__ import annotations

from pathlib import Path


class StoreError(RuntimeError):
    """A session store that cannot be opened; the message says which and why."""


def is_postgres(store: str | Path | None) -> bool:
    return isinstance(store, str) and store.startswith(("postgres://", "postgresql://"))


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else f"{scheme}://{user}@{host}"
