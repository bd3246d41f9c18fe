"""What each LLM call cost: tokens (cached included), latency, time to first token, per session."""

from __future__ import annotations

import contextvars
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

# Rough list prices (USD per 1M tokens: input, cached input, output) for the cost estimate.
PRICES: dict[str, tuple[float, float, float]] = {
    "gpt-4.1-mini": (0.40, 0.10, 1.60),
    "gpt-4.1-nano": (0.10, 0.025, 0.40),
    "gpt-4o-mini": (0.15, 0.075, 0.60),
    "gpt-4.1": (2.00, 0.50, 8.00),
}


# Which interview session a call belongs to, so usage can be reported per session.
current_session: contextvars.ContextVar[str] = contextvars.ContextVar("current_session", default="")


@dataclass
class CallUsage:
    purpose: str
    model: str
    prompt_tokens: int = 0
    cached_tokens: int = 0
    completion_tokens: int = 0
    latency_s: float = 0.0
    ttft_s: float | None = None
    attempts: int = 1
    session: str = field(default_factory=current_session.get)

    @property
    def cost_usd(self) -> float:
        price = PRICES.get(self.model)
        if price is None:
            return 0.0
        fresh = max(self.prompt_tokens - self.cached_tokens, 0)
        return (fresh * price[0] + self.cached_tokens * price[1] + self.completion_tokens * price[2]) / 1e6


@dataclass
class UsageLog:
    """Every call's usage; shared by chat, grading and evals, safe across threads."""

    calls: list[CallUsage] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, call: CallUsage) -> None:
        with self._lock:
            self.calls.append(call)

    def totals(self, purpose: str | None = None, session: str | None = None) -> dict[str, float]:
        with self._lock:
            calls = [c for c in self.calls if (purpose is None or c.purpose.startswith(purpose))
                     and (session is None or c.session == session)]
        return {
            "calls": len(calls),
            "prompt_tokens": sum(c.prompt_tokens for c in calls),
            "cached_tokens": sum(c.cached_tokens for c in calls),
            "completion_tokens": sum(c.completion_tokens for c in calls),
            "latency_s": round(sum(c.latency_s for c in calls), 3),
            "cost_usd": round(sum(c.cost_usd for c in calls), 6),
        }

    def as_dicts(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(c) for c in self.calls]


def read_usage(usage: Any, extra: dict[str, Any] | None, call: CallUsage) -> None:
    """Fill token counts from OpenAI's usage block, or llama.cpp's `timings` when that is all."""
    if usage is not None:
        call.prompt_tokens = usage.prompt_tokens or 0
        call.completion_tokens = usage.completion_tokens or 0
        details = getattr(usage, "prompt_tokens_details", None)
        if details is not None and details.cached_tokens:
            call.cached_tokens = details.cached_tokens
    timings = (extra or {}).get("timings")
    if isinstance(timings, dict) and not call.cached_tokens:
        call.cached_tokens = int(timings.get("cache_n") or 0)
