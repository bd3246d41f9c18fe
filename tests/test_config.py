from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from interviewer.llm.settings import OPENAI_DEFAULT_MODEL, OPENAI_URL, Settings


def test_defaults_mean_the_embedded_model() -> None:
    s = Settings.load(env={})
    assert s.embedded
    assert s.resolved_model == "local"
    assert s.resolved_base_url is None


def test_only_an_openai_key_talks_to_openai_with_a_small_model() -> None:
    s = Settings.load(env={"OPENAI_API_KEY": "sk-test"})
    assert not s.embedded
    assert s.resolved_base_url == OPENAI_URL
    assert s.resolved_model == OPENAI_DEFAULT_MODEL
    assert "sk-test" not in repr(s) and "sk-test" not in str(s.model_dump())


def test_env_beats_default_and_flags_beat_env() -> None:
    env = {"OPENAI_BASE_URL": "http://env:1/v1", "INTERVIEWER_MODEL": "env-model", "INTERVIEWER_CTX": "4096"}
    s = Settings.load(env=env)
    assert (s.base_url, s.model, s.n_ctx) == ("http://env:1/v1", "env-model", 4096)
    s = Settings.load({"base_url": "http://flag:2/v1", "model": None, "n_ctx": 2048}, env=env)
    assert (s.base_url, s.model, s.n_ctx) == ("http://flag:2/v1", "env-model", 2048)


def test_a_local_server_without_a_key_uses_its_own_model_name() -> None:
    s = Settings.load(env={"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1"})
    assert not s.embedded
    assert s.resolved_model == "local"


def test_bad_values_are_rejected_by_field() -> None:
    with pytest.raises(ValidationError, match="n_ctx"):
        Settings.load(env={"INTERVIEWER_CTX": "ten"})
    with pytest.raises(ValidationError, match="local_model"):
        Settings.load({"local_model": "70b"}, env={})


def test_home_and_model_path_are_paths() -> None:
    s = Settings.load({"model_path": "/tmp/x.gguf"}, env={"INTERVIEWER_HOME": "/tmp/h"})
    assert s.model_path == Path("/tmp/x.gguf") and s.home == Path("/tmp/h")
