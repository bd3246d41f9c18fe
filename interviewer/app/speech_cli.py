"""`interviewer speech`: transcribe a recording, or say a text into a WAV (the app's voice, offline)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from interviewer.llm.client import LLM
from interviewer.llm.flags import settings_from
from interviewer.llm.settings import Settings
from interviewer.speech import SpeechError, available


def offline_reason(settings: Settings) -> None:
    why = available(settings.stt_model_path, settings.tts_voice_path)
    if why:
        raise SpeechError(why)


def cmd_speech(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if args.action == "transcribe":
        if settings.remote_audio:
            from interviewer.llm import audio

            print(audio.transcribe(LLM(settings), args.target, settings.stt_model))
            return 0
        offline_reason(settings)
        from interviewer.speech.stt import Transcriber

        done = Transcriber(settings.stt_model_path, home=settings.home, threads=settings.threads,
                           max_seconds=settings.stt_max_seconds).transcribe(args.target)
        print(done.text)
        print(f"[{done.seconds_audio:.1f} s of audio in {done.seconds_compute:.1f} s]", file=sys.stderr)
        return 0
    if not args.out:
        raise SpeechError("speech say needs --out FILE.wav")
    if settings.remote_audio:
        from interviewer.llm import audio

        with open(args.out, "wb") as f:
            f.write(audio.speech(LLM(settings), args.target, settings.tts_model, settings.tts_voice))
    else:
        offline_reason(settings)
        from interviewer.speech.tts import Voice

        Voice(settings.tts_voice_path).say(args.target, args.out)
    print(f"written to {args.out}", file=sys.stderr)
    return 0


def add_command(sub: Any) -> None:
    p = sub.add_parser("speech", help="offline voice: transcribe FILE.wav, or say TEXT --out FILE.wav")
    p.add_argument("action", choices=["transcribe", "say"])
    p.add_argument("target", help="transcribe: an audio file; say: the text to speak")
    p.add_argument("--out", help="say: the WAV file to write")
    p.set_defaults(func=cmd_speech)
