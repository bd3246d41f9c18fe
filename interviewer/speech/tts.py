"""Text to speech, offline: Piper (ONNX) with the pinned en_US-joe-medium voice.

Piper phonemises the whole reply with its bundled espeak-ng data (fast), then synthesises one
sentence at a time; `sentences()` hands each sentence over as soon as it is made, so the first
one can play while the rest is still being synthesised."""

from __future__ import annotations

import io
import re
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from interviewer.llm.embedded import Progress
from interviewer.speech import INSTALL_HINT, SpeechError
from interviewer.speech.models import voice_files

MAX_CHARS = 20_000  # about 25 minutes of speech; a reply longer than that is a bug upstream

# Markdown the LLM may write that espeak would read out loud or stumble over.
_MARKUP = [
    (re.compile(r"```.*?```", re.S), " "),  # code blocks are not for speaking
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # [text](url) -> text
    (re.compile(r"[*_`#>|~]+"), " "),
    (re.compile(r"\s+"), " "),
]


def speakable(text: str) -> str:
    """The reply without markdown syntax, in one line."""
    for pattern, repl in _MARKUP:
        text = pattern.sub(repl, text)
    return text.strip()


def _checked(text: str) -> str:
    clean = speakable(text)
    if not clean:
        raise SpeechError("there is nothing to say: the text is empty")
    if len(clean) > MAX_CHARS:
        raise SpeechError(f"the text is {len(clean):,} characters; the limit for speech is {MAX_CHARS:,}")
    return clean


def wav_bytes(pcm: bytes, sample_rate: int) -> bytes:
    """16-bit mono PCM wrapped in a WAV header, playable on its own."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(pcm)
    return buf.getvalue()


class Voice:
    """One loaded Piper voice (about half a second to load); reuse it across replies."""

    def __init__(self, voice_path: str | Path | None = None, *, length_scale: float | None = None,
                 noise_scale: float | None = 0.0, noise_w_scale: float | None = 0.0,
                 progress: Progress | None = None) -> None:
        try:
            from piper import PiperVoice, SynthesisConfig
        except ImportError as exc:
            raise SpeechError(f"text to speech needs the voice extra: {INSTALL_HINT}") from exc
        self.model_path, config_path = voice_files(voice_path, progress)
        # espeak_data_dir defaults to the espeak-ng data inside the piper-tts wheel: nothing to fetch.
        self.voice: Any = PiperVoice.load(self.model_path, config_path=config_path)
        # No sampling noise by default: the same reply always sounds the same, and it is clearer.
        # With the voice's own noise (pass None) Whisper base's WER on our five answers changed
        # from run to run, up to 28 % on one; without it, 0-11 % every run (results/speech.md).
        self.config = SynthesisConfig(length_scale=length_scale, noise_scale=noise_scale,
                                      noise_w_scale=noise_w_scale)
        self.sample_rate = int(self.voice.config.sample_rate)

    def pcm(self, text: str) -> Iterator[bytes]:
        """Raw 16-bit mono PCM at `sample_rate`, one chunk per sentence."""
        return self._pcm(_checked(text))

    def _pcm(self, clean: str) -> Iterator[bytes]:
        for chunk in self.voice.synthesize(clean, syn_config=self.config):
            yield chunk.audio_int16_bytes

    def sentences(self, text: str) -> Iterator[bytes]:
        """One complete WAV file per sentence, each yielded as soon as it is synthesised."""
        return (wav_bytes(pcm, self.sample_rate) for pcm in self.pcm(text))

    def say(self, text: str, out_path: str | Path) -> Path:
        """The whole text as one WAV file."""
        chunks = self.pcm(text)  # refuses bad text before the file is created
        out = Path(out_path)
        out.parent.mkdir(parents=True, exist_ok=True)
        with wave.open(str(out), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(self.sample_rate)
            for pcm in chunks:
                wav.writeframes(pcm)
        return out
