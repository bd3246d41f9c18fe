from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from interviewer.llm.settings import ENV_ALIASES, OPENAI_DEFAULT_MODEL, OPENAI_URL, Settings


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """A clean environment: none of the variables Settings reads is set."""
    import os

    for var in list(os.environ):
        if var.startswith("INTERVIEWER_") or var in ENV_ALIASES.values():
            monkeypatch.delenv(var)
    return monkeypatch


def test_defaults_mean_the_embedded_model(env: pytest.MonkeyPatch) -> None:
    s = Settings.load()
    assert s.embedded
    assert s.resolved_model == "local"
    assert s.resolved_base_url is None


def test_only_an_openai_key_talks_to_openai_with_a_small_model(env: pytest.MonkeyPatch) -> None:
    env.setenv("OPENAI_API_KEY", "sk-test")
    s = Settings.load()
    assert not s.embedded
    assert s.resolved_base_url == OPENAI_URL
    assert s.resolved_model == OPENAI_DEFAULT_MODEL
    assert "sk-test" not in repr(s) and "sk-test" not in str(s.model_dump())


def test_env_beats_default_and_flags_beat_env(env: pytest.MonkeyPatch) -> None:
    env.setenv("OPENAI_BASE_URL", "http://env:1/v1")
    env.setenv("INTERVIEWER_MODEL", "env-model")
    env.setenv("INTERVIEWER_CTX", "4096")
    env.setenv("INTERVIEWER_TEMPERATURE", "0.3")  # every field has its INTERVIEWER_ name
    s = Settings.load()
    assert (s.base_url, s.model, s.n_ctx, s.temperature) == ("http://env:1/v1", "env-model", 4096, 0.3)
    s = Settings.load({"base_url": "http://flag:2/v1", "model": None, "n_ctx": 2048})
    assert (s.base_url, s.model, s.n_ctx) == ("http://flag:2/v1", "env-model", 2048)


def test_an_empty_variable_means_not_set(env: pytest.MonkeyPatch) -> None:
    env.setenv("OPENAI_BASE_URL", "")
    env.setenv("INTERVIEWER_GRADER", "")
    s = Settings.load()
    assert s.embedded and s.grader_strategy == "auto"


def test_a_local_server_without_a_key_uses_its_own_model_name(env: pytest.MonkeyPatch) -> None:
    env.setenv("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1")
    s = Settings.load()
    assert not s.embedded
    assert s.resolved_model == "local"


def test_bad_values_are_rejected_naming_the_variable_or_the_field(env: pytest.MonkeyPatch) -> None:
    env.setenv("INTERVIEWER_CTX", "ten")
    with pytest.raises(ValidationError, match="INTERVIEWER_CTX"):
        Settings.load()
    env.delenv("INTERVIEWER_CTX")
    with pytest.raises(ValidationError, match="local_model"):
        Settings.load({"local_model": "70b"})
    with pytest.raises(ValidationError, match="nonsense"):
        Settings.load({"nonsense": 1})


def test_home_and_model_path_are_paths(env: pytest.MonkeyPatch) -> None:
    env.setenv("INTERVIEWER_HOME", "/tmp/h")
    s = Settings.load({"model_path": "/tmp/x.gguf"})
    assert s.model_path == Path("/tmp/x.gguf") and s.home == Path("/tmp/h")
