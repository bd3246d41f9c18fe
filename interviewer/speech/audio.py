"""Turn an upload into 16 kHz mono samples, or a clear `SpeechError` saying why it can't be.

PyAV (bundled FFmpeg, installed with faster-whisper) reads any container a browser records
(WAV, WebM/Opus, OGG, MP3, M4A). The length is checked from the header before decoding, so
a ten-minute file is refused in milliseconds, and again after decoding in case it lied."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np

from interviewer.speech import SpeechError

SAMPLE_RATE = 16_000
# Refuse, don't transcribe: 5 minutes of speech costs ~30-60 s of compute on 2 CPU cores, and
# an interview answer is rarely longer than two.
DEFAULT_MAX_SECONDS = 300.0
MIN_SECONDS = 0.2

Source = str | Path | bytes | bytearray | memoryview

EMPTY = "the recording is empty: nothing was recorded (check the microphone and try again)"
HINT = "record again, or upload WAV, MP3, OGG or WebM"
NOT_AUDIO = f"this file is not audio, or it is corrupt: {HINT}"


def _opener(source: Source) -> Any:
    """A function giving a fresh readable (path or buffer) each call; refuses empty input."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if not data:
            raise SpeechError(EMPTY)
        return lambda: io.BytesIO(data)
    path = Path(source)
    if not path.is_file():
        raise SpeechError(f"no audio file at {path}")
    if path.stat().st_size == 0:
        raise SpeechError(EMPTY)
    return lambda: str(path)


def _too_long(seconds: float, limit: float) -> SpeechError:
    return SpeechError(f"the recording is {seconds / 60:.1f} minutes long; the limit is {limit / 60:g} minutes: "
                       "answer in shorter parts")


def probe_seconds(opener: Any) -> float:
    """The length the header claims (0.0 when it gives none); refuses files with no audio track."""
    import av

    try:
        with av.open(opener(), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise SpeechError(f"this file has no audio track: {HINT}")
            stream = container.streams.audio[0]
            if container.duration:
                return float(container.duration / av.time_base)
            if stream.duration and stream.time_base:
                return float(stream.duration * stream.time_base)
            return 0.0
    except av.FFmpegError as exc:
        raise SpeechError(NOT_AUDIO) from exc


def read_audio(source: Source, max_seconds: float = DEFAULT_MAX_SECONDS) -> np.ndarray:
    """Float32 mono samples at 16 kHz, refused when empty, not audio, corrupt or too long."""
    from faster_whisper.audio import decode_audio

    opener = _opener(source)
    claimed = probe_seconds(opener)
    if claimed > max_seconds:
        raise _too_long(claimed, max_seconds)
    try:
        samples = decode_audio(opener(), sampling_rate=SAMPLE_RATE)
    except Exception as exc:  # FFmpeg, PyAV or numpy errors from a damaged stream all mean the same here
        raise SpeechError(NOT_AUDIO) from exc
    seconds = len(samples) / SAMPLE_RATE
    if seconds == 0:
        raise SpeechError(EMPTY)
    if seconds < MIN_SECONDS:
        raise SpeechError(f"the recording is only {seconds:.2f} s long: nothing to transcribe")
    if seconds > max_seconds:
        raise _too_long(seconds, max_seconds)
    return np.asarray(samples, dtype=np.float32)
