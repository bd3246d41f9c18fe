"""Voice in real Chromium with a fake microphone that plays a Piper recording: the spoken answer
becomes the answer box's text, is sent, and the reply is played (scripted fake LLM, real speech)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Playwright, expect

from interviewer.app.page import build_app
from interviewer.app.ui import UI
from interviewer.app.views import CSS
from interviewer.app.voice_ui import MODES, VoiceUI
from interviewer.content.catalog import get_rubric
from interviewer.interview.clock import SimClock
from interviewer.interview.context import Context
from interviewer.interview.sessions import Sessions
from interviewer.llm.embedded import free_port
from interviewer.llm.settings import Settings
from interviewer.speech import available
from interviewer.testing.fake_grader import InterviewScript, JudgeScript
from interviewer.testing.fake_llm import Script, scripted_llm
from tests.conftest import CHROMIUM

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
SAID = "I would start with a logistic regression baseline on the rule features."
REPLY = "Which metric would tell you the baseline is good enough?"


@pytest.fixture(scope="module")
def voice_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    assert available() is None, f"{available()} (make test installs the voice extra)"
    llm = scripted_llm(Script(InterviewScript(JudgeScript(get_rubric("default"), {}), reply=REPLY)))
    voice = VoiceUI(Settings(), llm)
    wav = tmp_path_factory.mktemp("mic") / "answer.wav"
    voice._voice().say(SAID, wav)
    ui = UI(Sessions(Context(questions="model", llm=llm, clock=SimClock())), llm,
            export_dir=tmp_path_factory.mktemp("exports"))
    app = build_app(ui, secret="browser-test", voice=voice)
    port = free_port()
    app.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, share=False, css=CSS)
    yield f"http://127.0.0.1:{port}/", wav
    app.close()


def test_a_spoken_answer_fills_the_box_is_sent_and_the_reply_is_played(playwright: Playwright,
                                                                        voice_app: tuple[str, Path]) -> None:
    url, wav = voice_app
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-gpu", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}", "--autoplay-policy=no-user-gesture-required"])
    try:
        page = browser.new_context(permissions=["microphone"]).new_page()
        page.goto(url)
        page.locator("#start-btn").click()
        expect(page.locator("#chat")).to_contain_text("Thanks for joining", timeout=20_000)
        page.locator("#speaker").get_by_text(MODES[1]).click()
        mic = page.locator("#mic")
        mic.get_by_role("button", name="Record").click()
        page.wait_for_timeout(4_500)  # the fake microphone plays the answer (about 4 s), looping
        mic.get_by_role("button", name="Stop").click()
        page.wait_for_function("() => document.querySelector('#answer textarea').value.toLowerCase()"
                               ".includes('regression baseline')", timeout=60_000)
        page.locator("#send-btn").click()
        expect(page.locator("#chat")).to_contain_text(re.compile("logistic regression baseline", re.IGNORECASE),
                                                      timeout=20_000)
        expect(page.locator("#chat")).to_contain_text(REPLY, timeout=20_000)
        page.wait_for_function("() => { const a = document.querySelector('#reply-audio audio');"
                               " return a && a.src && a.src.length > 0; }", timeout=60_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "voice.png"), full_page=True)
    finally:
        browser.close()
