"""mlsd-interviewer: an LLM-backed mock interviewer for ML system design interviews."""

from __future__ import annotations

__version__ = "0.1.0"
