"""One settings object. Precedence: CLI flags > environment > embedded default."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

OPENAI_URL = "https://api.openai.com/v1"
OPENAI_DEFAULT_MODEL = "gpt-4.1-mini"
EMBEDDED_ALIAS = "local"

# How the grader asks: one P(yes) per flag, one judgement per flag, or one call per phase. "auto"
# picks probe where the server gives logprobs (llama.cpp) and per_phase elsewhere (grading/grader.py).
Strategy = Literal["probe", "per_flag", "per_phase"]
GraderStrategy = Literal["auto", Strategy]
STRATEGIES: tuple[GraderStrategy, ...] = get_args(GraderStrategy)
Questions = Literal["authored", "model"]  # who words the interviewer's questions
LocalModel = Literal["1.5b", "0.5b"]  # the embedded model's size

# Environment: INTERVIEWER_<FIELD> for every field (pydantic-settings), with the SDK's own names for the
# server and key and the shorter names these settings have always had; ENV_ALIASES documents them.
ENV_ALIASES: dict[str, str] = {
    "base_url": "OPENAI_BASE_URL",
    "api_key": "OPENAI_API_KEY",
    "n_ctx": "INTERVIEWER_CTX",
    "grader_strategy": "INTERVIEWER_GRADER",
    "audio_backend": "INTERVIEWER_AUDIO",
}


def default_home() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mlsd-interviewer"


class Settings(BaseSettings):
    """Every setting of the app: the LLM, the grader, the session store, content folders, auth.

    pydantic-settings gives the one precedence: values passed in (CLI flags) > environment > default."""

    model_config = SettingsConfigDict(
        extra="forbid", frozen=True, env_prefix="INTERVIEWER_", env_ignore_empty=True,
        validate_by_name=True, validate_by_alias=True,
    )

    base_url: str | None = Field(None, validation_alias=ENV_ALIASES["base_url"],
                                 description="OpenAI-compatible /v1 URL; None = embedded.")
    api_key: SecretStr | None = Field(None, validation_alias=ENV_ALIASES["api_key"])
    model: str | None = None
    model_path: Path | None = Field(None, description="A GGUF of your own for the embedded server.")
    local_model: LocalModel = "1.5b"
    n_ctx: int = Field(8192, ge=512, validation_alias=ENV_ALIASES["n_ctx"])
    threads: int = Field(default_factory=lambda: max(1, os.cpu_count() or 1), ge=1)
    parallel: int = Field(2, ge=1, description="Embedded server slots (interviewer + grader).")
    timeout: float = Field(120.0, gt=0)
    max_retries: int = Field(3, ge=0)
    temperature: float = Field(0.0, ge=0, le=2)
    grader_strategy: GraderStrategy = Field("auto", validation_alias=ENV_ALIASES["grader_strategy"])
    questions: Questions = Field("authored", description=(
        "Who words the interviewer's questions: the authored banks (no LLM call), or a strong backend's "
        "model under the same guards."))
    home: Path = Field(default_factory=default_home)
    store: str | None = Field(None, description="Sessions: a SQLite file or a postgres:// URL; None = home.")
    auth: SecretStr | None = Field(None, description="user:password the app asks for.")
    rubrics_dir: Path | None = Field(None, description="A folder of your own rubrics, beside the bundled ones.")
    problems_dir: Path | None = Field(None, description="A folder of your own problems.")
    stt_model_path: Path | None = Field(None, description="Your own CTranslate2 Whisper folder (else Whisper base).")
    tts_voice_path: Path | None = Field(None, description="Your own Piper voice .onnx (its .onnx.json beside it).")
    stt_max_seconds: float = Field(300.0, gt=0, le=3600, description="The longest recording transcribed.")
    stt_model: str = Field("whisper-1", description="audio.transcriptions model on a remote backend.")
    tts_model: str = Field("gpt-4o-mini-tts", description="audio.speech model on a remote backend.")
    tts_voice: str = Field("alloy", description="audio.speech voice on a remote backend.")
    audio_backend: Literal["auto", "local", "remote"] = Field("auto", validation_alias=ENV_ALIASES["audio_backend"],
                                                              description=(
        "Voice: 'local' = faster-whisper and Piper here; 'remote' = the backend's audio endpoints; "
        "'auto' = remote on OpenAI, local otherwise (llama.cpp, vLLM and Ollama have no audio endpoints)."))

    @property
    def resolved_store(self) -> str | Path:
        return self.store or self.home / "sessions.sqlite"

    @property
    def auth_pair(self) -> tuple[str, str] | None:
        if self.auth is None:
            return None
        user, sep, password = self.auth.get_secret_value().partition(":")
        if not sep or not user or not password:
            raise ValueError("auth must be user:password")
        return user, password

    @property
    def remote_audio(self) -> bool:
        if self.audio_backend != "auto":
            return self.audio_backend == "remote"
        return self.api_key is not None and (self.base_url is None or "api.openai.com" in self.base_url)

    @property
    def embedded(self) -> bool:
        """No server named and no OpenAI key: we start the bundled model ourselves."""
        return self.base_url is None and self.api_key is None

    @property
    def resolved_base_url(self) -> str | None:
        if self.base_url:
            return self.base_url
        return None if self.embedded else OPENAI_URL

    @property
    def resolved_model(self) -> str:
        if self.model:
            return self.model
        if self.embedded:
            return EMBEDDED_ALIAS
        return OPENAI_DEFAULT_MODEL if self.resolved_base_url == OPENAI_URL else EMBEDDED_ALIAS

    def describe(self) -> str:
        where = "embedded llama.cpp" if self.embedded else self.resolved_base_url
        return f"{self.resolved_model} @ {where}"

    @classmethod
    def load(cls, flags: Mapping[str, Any] | None = None) -> Settings:
        """Settings from a command's flags (None means 'not given') over the environment."""
        return cls(**{key: value for key, value in (flags or {}).items() if value is not None})
