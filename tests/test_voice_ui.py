"""Voice through the page's handlers: a recording becomes the answer box's text, a reply is read
aloud sentence by sentence; bad audio says why and loses nothing; OpenAI audio on a remote backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from interviewer.app.voice_ui import MODES, VoiceUI
from interviewer.llm.settings import Settings
from interviewer.speech import available
from interviewer.testing.fake_llm import Script, scripted_llm

SAID = "I would start with a logistic regression baseline and measure PR-AUC."


@pytest.fixture(scope="module")
def voice() -> VoiceUI:
    assert available() is None, f"{available()} (make test installs the voice extra)"
    return VoiceUI(Settings(), scripted_llm(Script(["unused"])))


@pytest.fixture(scope="module")
def spoken(voice: VoiceUI, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("voice") / "answer.wav"
    voice._voice().say(SAID, path)
    return str(path)


def test_a_recording_becomes_the_answer_box_text_for_an_edit(voice: VoiceUI, spoken: str) -> None:
    text, note = voice.transcribe(spoken, "")
    assert "logistic regression baseline" in text.lower() and "edit them" in note
    joined, _ = voice.transcribe(spoken, "Labels come from chargebacks.")
    assert joined.startswith("Labels come from chargebacks. ") and "baseline" in joined.lower()


@pytest.mark.parametrize("content", [b"", b"just some text, not audio", b"RIFF\x10\x00\x00\x00WAVEfmt garbage"])
def test_bad_audio_says_why_and_keeps_what_was_typed(voice: VoiceUI, tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(content)
    text, note = voice.transcribe(str(bad), "typed so far")
    assert text == "typed so far" and note.startswith("⚠️ ") and "Traceback" not in note


def test_a_reply_is_read_aloud_only_when_asked(voice: VoiceUI) -> None:
    chat = [{"role": "user", "content": "x"},
            {"role": "assistant", "content": "Fair enough. Which metric would you watch first?"}]
    wav = voice.speak(chat, MODES[1])
    assert wav and Path(wav).read_bytes().startswith(b"RIFF") and Path(wav).stat().st_size > 20_000
    assert voice.speak(chat, MODES[1]) != wav  # a new file per reply: the player reloads
    assert voice.speak(chat, MODES[0]) is None and voice.speak(chat, MODES[2]) is None
    assert len(list(voice._voice().sentences(chat[-1]["content"]))) == 2  # made sentence by sentence


def test_on_openai_the_audio_endpoints_of_the_same_client_are_used(tmp_path: Path) -> None:
    script = Script(["unused"])
    settings = Settings(api_key=SecretStr("sk-test"))
    assert settings.remote_audio and not Settings().remote_audio
    assert not Settings(base_url="http://127.0.0.1:8080/v1", api_key=SecretStr("x")).remote_audio
    llm = scripted_llm(script)
    voice = VoiceUI(settings, llm)
    rec = tmp_path / "a.wav"
    rec.write_bytes(b"RIFF....")
    assert voice.transcribe(str(rec), "")[0] == script.heard
    wav = voice.speak([{"role": "assistant", "content": "Which metric first?"}], MODES[1])
    assert wav and Path(wav).read_bytes().startswith(b"RIFF")
    assert script.audio_calls == ["transcriptions", "speech"]
    assert [c.purpose for c in llm.usage.calls] == ["stt", "tts"]


def test_the_speech_command_says_and_transcribes(tmp_path: Path) -> None:
    import subprocess
    import sys

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "interviewer.app.cli", "speech", *args], capture_output=True,
                              text=True, timeout=180)

    wav = tmp_path / "said.wav"
    said = run("say", "My p99 latency budget is one hundred milliseconds.", "--out", str(wav))
    assert said.returncode == 0, said.stderr
    heard = run("transcribe", str(wav))
    assert heard.returncode == 0 and "latency budget" in heard.stdout.lower(), heard.stderr
    (tmp_path / "bad.wav").write_text("not audio")
    bad = run("transcribe", str(tmp_path / "bad.wav"))
    assert bad.returncode == 2 and bad.stderr.startswith("error: this file is not audio")
    assert "Traceback" not in bad.stderr
    assert run("say", "hello").returncode == 2


def test_chat_voice_records_with_arecord_and_reads_replies_with_aplay(tmp_path: Path, spoken: str) -> None:
    """A sound device stood in for by fake arecord (it 'records' a Piper WAV) and aplay (logs)."""
    import os
    import stat
    import subprocess
    import sys

    from interviewer.content.catalog import get_rubric
    from interviewer.testing.fake_grader import InterviewScript, JudgeScript
    from interviewer.testing.fake_llm import FakeServer

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    played = tmp_path / "played.log"
    (bin_dir / "arecord").write_text(f'#!/bin/sh\nfor a; do out="$a"; done\ncp "{spoken}" "$out"\n'
                                     "trap 'exit 0' TERM\nwhile :; do sleep 0.1; done\n")
    (bin_dir / "aplay").write_text(f'#!/bin/sh\nfor a; do f="$a"; done\nwc -c < "$f" >> "{played}"\n')
    for f in bin_dir.iterdir():
        f.chmod(f.stat().st_mode | stat.S_IEXEC)
    script = InterviewScript(JudgeScript(get_rubric("default"), {}), reply="Which metric would you watch first?")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "INTERVIEWER_QUESTIONS": "model"}
    with FakeServer(Script(script)) as srv:
        out = subprocess.run([sys.executable, "-m", "interviewer.app.cli", "chat", "--voice", "--problem",
                              "payment_fraud", "--base-url", srv.base_url, "--db", str(tmp_path / "s.sqlite")],
                             input="\n\n/end\n", capture_output=True, text=True, timeout=180, env=env)
    assert out.returncode == 0, out.stderr
    assert "[recording: press Enter to stop]" in out.stdout
    assert "you (spoken)> " in out.stdout and "regression baseline" in out.stdout.lower()
    assert "interviewer> Which metric would you watch first?" in out.stdout
    assert [int(n) > 10_000 for n in played.read_text().split()] == [True]  # the reply, read aloud
    no_alsa = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    refused = subprocess.run([sys.executable, "-m", "interviewer.app.cli", "chat", "--voice"], input="",
                             capture_output=True, text=True, timeout=60, env=no_alsa)
    assert refused.returncode == 2 and "needs a microphone and a speaker" in refused.stderr
