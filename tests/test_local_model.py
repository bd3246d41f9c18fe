"""The embedded model's file handling: assembly, verification, refusal of bad files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from interviewer.llm import embedded as local_model
from interviewer.llm.embedded import MODELS, ModelError, ModelSpec, assemble, resolve_model, verify
from interviewer.llm.settings import Settings


def tiny_spec(chunks: list[bytes]) -> ModelSpec:
    data = b"".join(chunks)
    return ModelSpec("tiny", "tiny.gguf", len(data), hashlib.sha256(data).hexdigest(), ("a", "b"))


def fake_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunks: list[bytes]) -> None:
    paths = []
    for i, c in enumerate(chunks):
        p = tmp_path / f"part{i}.bin"
        p.write_bytes(c)
        paths.append(p)
    monkeypatch.setattr(local_model, "chunk_paths", lambda spec: paths)


def test_assembles_chunks_in_order_and_verifies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chunks = [b"GGUF" + b"\x01" * 100, b"\x02" * 50]
    fake_chunks(tmp_path, monkeypatch, chunks)
    out = assemble(tiny_spec(chunks), tmp_path / "m" / "tiny.gguf")
    assert out.read_bytes() == b"".join(chunks)
    verify(out, tiny_spec(chunks))


def test_wrong_chunks_are_refused_and_nothing_is_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = tiny_spec([b"a" * 10, b"b" * 10])
    fake_chunks(tmp_path, monkeypatch, [b"a" * 10, b"c" * 10])
    dest = tmp_path / "m" / "tiny.gguf"
    with pytest.raises(ModelError, match="not the pinned versions"):
        assemble(spec, dest)
    assert not dest.exists() and not dest.with_suffix(".partial").exists()


def test_truncated_model_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    spec = MODELS["0.5b"]
    bad = tmp_path / "models" / spec.filename
    bad.parent.mkdir()
    bad.write_bytes(b"GGUF" + b"\0" * 1000)
    settings = Settings(home=tmp_path, local_model="0.5b")
    with pytest.raises(ModelError, match=rf"{bad}.*truncated"):
        resolve_model(settings)


def test_corrupted_model_of_the_right_size_is_refused(tmp_path: Path) -> None:
    spec = MODELS["0.5b"]
    bad = tmp_path / "models" / spec.filename
    bad.parent.mkdir()
    with bad.open("wb") as fh:  # sparse file: right size, wrong bytes
        fh.truncate(spec.size)
    with pytest.raises(ModelError, match=rf"{bad} has SHA-256 .* refusing to load it"):
        resolve_model(Settings(home=tmp_path, local_model="0.5b"))


def test_a_user_gguf_that_does_not_exist_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "mine.gguf"
    with pytest.raises(ModelError, match="mine.gguf does not exist"):
        resolve_model(Settings(model_path=missing))


def test_missing_chunk_package_says_how_to_install() -> None:
    spec = ModelSpec("x", "x.gguf", 1, "0" * 64, ("no_such_chunk_part1",))
    with pytest.raises(ModelError, match="not installed"):
        local_model.chunk_paths(spec)
