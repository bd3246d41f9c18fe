"""Offline voice: speech to text (faster-whisper) and text to speech (Piper).

Both are optional (the `voice` extra). Nothing here downloads: the models come from pinned
PyPI packages and are checked by size and SHA-256 (see `models.py`). Import `stt` or `tts`
for the real work; this module stays cheap so the app can ask `available()` first."""

from __future__ import annotations

import importlib.util

import interviewer.llm.offline  # noqa: F401  (HF_HUB_OFFLINE before faster_whisper imports huggingface_hub)

INSTALL_HINT = "pip install 'mlsd-interviewer[voice]'"


class SpeechError(ValueError):
    """The audio or text given can't be used; the message is fit to show the user as is."""


def available(stt_model_path: object = None, tts_voice_path: object = None) -> str | None:
    """None when voice can work here, else a one-line reason the app can show.

    Imports the engines (so a missing shared library shows up too) and looks for the model
    packages without reading them (not needed for a model of the user's own, set by env); a
    model that fails its hash check raises `ModelError` when it is loaded."""
    try:
        import faster_whisper  # noqa: F401
        import piper  # noqa: F401
    except ImportError as exc:
        return f"voice is off: {exc.name or exc} is not installed ({INSTALL_HINT})"
    except OSError as exc:  # a compiled dependency that can't load its library
        return f"voice is off: its engine failed to load ({exc}); reinstall with {INSTALL_HINT}"
    from interviewer.speech import models

    needed = [] if models.setting(stt_model_path) else list(models.WHISPER_CHUNKS)
    needed += [] if models.setting(tts_voice_path) else [models.JOE]
    missing = [m for m in needed if importlib.util.find_spec(m) is None]
    if missing:
        return f"voice is off: model package {missing[0]} is not installed ({INSTALL_HINT})"
    return None


__all__ = ["SpeechError", "available", "INSTALL_HINT"]
