"""OpenAI-compatible audio through the one LLM client: speech to text and text to speech on a
remote backend (`audio.transcriptions`, `audio.speech`), with the client's errors and usage."""

from __future__ import annotations

import time
from pathlib import Path

import openai

from interviewer.llm.client import LLM
from interviewer.llm.usage import CallUsage


def transcribe(llm: LLM, path: str | Path, model: str) -> str:
    """The text of a recording, from the backend's transcription endpoint."""
    call = CallUsage(purpose="stt", model=model)
    start = time.perf_counter()
    try:
        with open(path, "rb") as audio:
            resp = llm.client.audio.transcriptions.create(model=model, file=audio)
    except openai.OpenAIError as exc:
        raise llm.explain(exc) from exc
    call.latency_s = time.perf_counter() - start
    llm.usage.add(call)
    return str(getattr(resp, "text", resp)).strip()


def speech(llm: LLM, text: str, model: str, voice: str) -> bytes:
    """A WAV of `text`, from the backend's speech endpoint."""
    call = CallUsage(purpose="tts", model=model)
    start = time.perf_counter()
    try:
        resp = llm.client.audio.speech.create(model=model, voice=voice, input=text,  # type: ignore[arg-type]
                                              response_format="wav")
    except openai.OpenAIError as exc:
        raise llm.explain(exc) from exc
    call.latency_s = time.perf_counter() - start
    llm.usage.add(call)
    return bytes(resp.content)
