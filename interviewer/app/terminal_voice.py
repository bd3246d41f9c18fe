"""`interviewer chat --voice`: answers spoken into the microphone (ALSA's arecord), replies read
aloud (aplay), transcribed and synthesised offline. Needs a sound device; says why when not."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import IO, Any

from interviewer.llm.settings import Settings
from interviewer.speech import SpeechError, available

MIN_RECORDING_S = 0.5


class TerminalVoice:
    def __init__(self, settings: Settings) -> None:
        why = available(settings.stt_model_path, settings.tts_voice_path)
        if why:
            raise SpeechError(why)
        self.arecord, self.aplay = shutil.which("arecord"), shutil.which("aplay")
        if not self.arecord or not self.aplay:
            raise SpeechError("chat --voice needs a microphone and a speaker through ALSA (arecord, aplay: "
                              "apt-get install alsa-utils); without them, type your answers")
        from interviewer.speech.stt import Transcriber
        from interviewer.speech.tts import Voice

        self.stt = Transcriber(settings.stt_model_path, home=settings.home, threads=settings.threads,
                               max_seconds=settings.stt_max_seconds)
        self.tts = Voice(settings.tts_voice_path)
        self.dir = Path(tempfile.mkdtemp(prefix="interviewer-chat-voice-"))

    def listen(self, stdin: IO[str], out: IO[str], vocabulary: str = "") -> str:
        """Record until Enter, then the words heard ('' when nothing was); `vocabulary` primes the
        transcriber with the interview's terms (`interviewer.speech.vocabulary.prompt`)."""
        wav = self.dir / "answer.wav"
        assert self.arecord is not None
        rec: Any = subprocess.Popen([self.arecord, "-q", "-f", "S16_LE", "-r", "16000", "-c", "1", str(wav)])
        out.write("[recording: press Enter to stop]\n")
        out.flush()
        started = time.monotonic()
        stdin.readline()
        time.sleep(max(0.0, MIN_RECORDING_S - (time.monotonic() - started)))  # arecord has begun its file
        rec.terminate()
        rec.wait(timeout=10)
        try:
            if vocabulary:
                return str(self.stt.transcribe(wav, vocabulary=vocabulary).text)
            return str(self.stt.transcribe(wav).text)
        finally:
            wav.unlink(missing_ok=True)  # the recording is not kept

    def say(self, text: str) -> None:
        assert self.aplay is not None
        wav = self.tts.say(text, self.dir / "reply.wav")
        subprocess.run([self.aplay, "-q", str(wav)], check=False, timeout=120)
