"""Speech to text, offline: faster-whisper (CTranslate2, int8 on CPU) with Whisper base.

Silero VAD (`vad_filter=True`; its ONNX file ships inside faster-whisper) trims silence
before decoding, which saves compute and stops Whisper inventing words in quiet stretches."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interviewer.llm.embedded import ModelError, Progress
from interviewer.speech import INSTALL_HINT, SpeechError
from interviewer.speech.audio import DEFAULT_MAX_SECONDS, SAMPLE_RATE, Source, read_audio
from interviewer.speech.models import setting, whisper_dir
from interviewer.speech.vocabulary import JARGON, correct, prompt_terms


@dataclass(frozen=True)
class Transcript:
    """What was said, how long the audio was, and how long transcribing it took (decode included)."""

    text: str
    seconds_audio: float
    seconds_compute: float

    @property
    def real_time_factor(self) -> float:
        return self.seconds_compute / self.seconds_audio if self.seconds_audio else 0.0


# Whisper mishears the jargon of an ML design interview ("PR-AUC" as "PRAUC"); its decoder is
# primed with the terms a candidate is likely to say (faster-whisper's initial_prompt). The app
# passes `vocabulary.prompt(problem, rubric)` for the running interview; with none at hand, this
# one sentence. (The long jargon list alone, `vocabulary.prompt()`, heard the jargon set as well as
# the interview prompt but made two of the five plain round-trip answers worse, one past the
# test's 15 %: benchmarks/results/speech.md.)
VOCABULARY = ("An ML system design interview: the business objective, labels, features, embeddings, a baseline, "
              "logistic regression, XGBoost, a two-tower model, NDCG, PR-AUC, p99 latency, an A/B test, "
              "uplift, cold start, drift and monitoring.")


class Transcriber:
    """One loaded Whisper model; load it once and reuse it (loading takes about a second)."""

    def __init__(self, model_dir: str | Path | None = None, *, home: str | Path | None = None,
                 threads: int | None = None, max_seconds: float | None = None, beam_size: int = 5,
                 progress: Progress | None = None) -> None:
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:
            raise SpeechError(f"speech to text needs the voice extra: {INSTALL_HINT}") from exc
        self.model_dir = whisper_dir(model_dir, home, progress)
        self.max_seconds = float(setting(max_seconds) or DEFAULT_MAX_SECONDS)
        self.threads = int(setting(threads) or os.cpu_count() or 1)
        self.beam_size = beam_size
        try:
            self.model: Any = WhisperModel(str(self.model_dir), device="cpu", compute_type="int8",
                                           cpu_threads=self.threads, local_files_only=True)
        except (RuntimeError, ValueError, OSError) as exc:  # CTranslate2 reports a bad model as RuntimeError
            raise ModelError(f"could not load the Whisper model in {self.model_dir}: {exc}") from exc

    def transcribe(self, source: Source, language: str = "en", vocabulary: str = VOCABULARY,
                   hotwords: str | None = None, fix_spelling: bool = True) -> Transcript:
        """Text of a recording (path or bytes); `SpeechError` for empty, non-audio, corrupt,
        too long, or silent input. `vocabulary` primes the decoder with the interview's terms
        (`interviewer.speech.vocabulary.prompt`), and with `fix_spelling` the transcript writes
        them as listed there ('PRAUC' -> 'PR-AUC'). `hotwords` is faster-whisper's other hint,
        put before the prompt in the same window: slower and no better on our jargon set
        (benchmarks/results/speech.md), so the app does not use it."""
        start = time.perf_counter()
        samples = read_audio(source, self.max_seconds)
        segments, _info = self.model.transcribe(
            samples, language=language, beam_size=self.beam_size, vad_filter=True,
            condition_on_previous_text=False,  # an answer is short; this avoids repetition loops
            initial_prompt=vocabulary or None, hotwords=hotwords or None,
        )
        text = " ".join(seg.text.strip() for seg in segments).strip()
        if fix_spelling:
            text = correct(text, prompt_terms(vocabulary) or JARGON)
        seconds = len(samples) / SAMPLE_RATE
        if not text:
            raise SpeechError(f"no speech was heard in the {seconds:.1f} s recording: speak closer to the "
                              "microphone and try again")
        return Transcript(text, round(seconds, 3), round(time.perf_counter() - start, 3))
