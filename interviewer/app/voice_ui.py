"""Voice in the app: a recording becomes the answer box's text; a reply is read aloud.

Offline (the embedded backend) it is faster-whisper and Piper from the `voice` extra, loaded on
first use; on a remote backend, the same client's `audio.transcriptions` and `audio.speech`.
Speech runs between LLM turns (on release of the microphone, after a reply has ended), so it
never competes with the interviewer's reply for the two cores. Recordings are not kept; each
reply's WAV lives in a temporary folder for the page's player.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Any

from interviewer.llm import audio
from interviewer.llm.client import LLM, LLMError
from interviewer.llm.embedded import ModelError
from interviewer.llm.settings import Settings
from interviewer.speech import SpeechError, available

MODES = ["Off", "Offline voice (Piper)", "Browser voice"]


class VoiceUI:
    def __init__(self, settings: Settings, llm: LLM) -> None:
        self.settings = settings
        self.llm = llm
        self.remote = settings.remote_audio
        self._lock = threading.Lock()
        self._stt: Any = None
        self._tts: Any = None
        self.out_dir = Path(tempfile.mkdtemp(prefix="interviewer-voice-"))
        self.turn = 0

    def reason(self) -> str | None:
        """None when voice works here, else the one-line reason the page shows."""
        if self.remote:
            return None
        return available(self.settings.stt_model_path, self.settings.tts_voice_path)

    def _transcriber(self) -> Any:
        with self._lock:
            if self._stt is None:
                from interviewer.speech.stt import Transcriber

                self._stt = Transcriber(self.settings.stt_model_path, home=self.settings.home,
                                        threads=self.settings.threads, max_seconds=self.settings.stt_max_seconds)
            return self._stt

    def _voice(self) -> Any:
        with self._lock:
            if self._tts is None:
                from interviewer.speech.tts import Voice

                self._tts = Voice(self.settings.tts_voice_path)
            return self._tts

    def transcribe(self, recording: str | None, typed: str, vocabulary: str = "") -> tuple[str, str]:
        """(the answer box's new text, a notice): the words join what was typed, for a quick edit
        before Send. Bad audio leaves the box as it was and says why. `vocabulary`: the interview's
        prompt for the offline transcriber (`interviewer.speech.vocabulary.prompt`), else its default."""
        if not recording:
            return typed, ""
        why = self.reason()
        if why:
            return typed, f"⚠️ {why}"
        try:
            if self.remote:
                text = audio.transcribe(self.llm, recording, self.settings.stt_model)
            else:
                primed = {"vocabulary": vocabulary} if vocabulary else {}
                text = self._transcriber().transcribe(recording, **primed).text
        except (SpeechError, ModelError, LLMError, OSError) as exc:
            return typed, f"⚠️ {exc}"
        if not text:
            return typed, "⚠️ no speech was heard: record again, closer to the microphone"
        joined = f"{typed.rstrip()} {text}".strip() if typed.strip() else text
        return joined, "Your words are in the box: edit them if needed, then press Send."

    def speak(self, chat: list[dict[str, str]], mode: str) -> str | None:
        """The last interviewer reply as a WAV file for the page's player; None when the speaker is
        off or the browser speaks it. Piper makes it sentence by sentence (~0.2 s for the first on
        this CPU); the page gets one file, because Gradio's streaming audio needs ffmpeg."""
        if mode != MODES[1] or not chat or chat[-1].get("role") != "assistant" or self.reason():
            return None
        text = str(chat[-1]["content"])
        self.turn += 1
        path = self.out_dir / f"reply-{self.turn}.wav"  # a new name per reply: the player reloads
        try:
            if self.remote:
                path.write_bytes(audio.speech(self.llm, text, self.settings.tts_model, self.settings.tts_voice))
            else:
                self._voice().say(text, path)
        except (SpeechError, ModelError, LLMError):
            return None  # the reply is on screen; reading it aloud is a convenience
        return str(path)
