"""The app in real Chromium (Debian's package, installed by `make test`), on the scripted fake LLM."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import BROWSER_REPLY

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
REPLY = BROWSER_REPLY
# The scripted model says REPLY every turn; the interviewer never repeats it, and asks the
# phase's own question instead (it was not asked yet).
NEXT = "Let's start with the problem itself: what would you want to clarify first?"
ANSWER = "The business goal is to cut fraud losses while keeping false declines low."


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def send(page: Page, text: str) -> None:
    page.locator("#answer textarea").fill(text)
    page.locator("#send-btn").click()


def test_interview_end_to_end(page: Page, app_url: str) -> None:
    page.goto(app_url)
    page.locator("#start-btn").click()
    chat = page.locator("#chat")
    expect(chat).to_contain_text("Thanks for joining", timeout=20_000)
    expect(page.locator("#timeline .phase.current")).to_contain_text("Problem framing")

    send(page, ANSWER)
    expect(chat).to_contain_text(REPLY, timeout=20_000)
    send(page, "Latency matters at checkout, so the decision must be fast.")
    expect(chat).to_contain_text(NEXT, timeout=20_000)
    expect(chat.get_by_text(REPLY)).to_have_count(1)
    expect(page.locator("#rubric-panel")).to_contain_text("cut fraud losses", timeout=20_000)

    page.locator("#next-btn").click()
    expect(page.locator("#timeline .phase.current")).to_contain_text("High-level design", timeout=20_000)
    shot(page, "interview")

    page.locator("#end-btn").click()
    expect(page.locator("#score-chart")).to_be_visible(timeout=20_000)
    expect(page.locator("#scorecard")).to_contain_text("Scorecard", timeout=20_000)
    link = page.locator('#downloads a[download="interview.json"]')
    with page.expect_download() as download:
        link.click()
    saved = ARTIFACTS / "downloaded-interview.json"
    download.value.save_as(saved)
    assert '"scorecard"' in saved.read_text() and "cut fraud losses" in saved.read_text()
    shot(page, "scorecard")


def test_script_in_a_message_does_not_run(page: Page, app_url: str) -> None:
    page.goto(app_url)
    page.locator("#start-btn").click()
    expect(page.locator("#chat")).to_contain_text("Thanks for joining", timeout=20_000)
    evil = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\"> fraud model"
    send(page, evil)
    expect(page.locator("#chat")).to_contain_text(REPLY, timeout=20_000)
    expect(page.locator("#chat")).to_contain_text("<script>window.__pwned = 1</script>")
    assert page.evaluate("window.__pwned") is None


def test_grade_a_pasted_writeup(page: Page, app_url: str) -> None:
    page.goto(app_url)
    page.get_by_role("tab", name="Grade a write-up").click()
    doc = ("# Problem\nThe business objective is fewer fraud losses.\n\n# Modeling\n"
           "I'd start with a logistic regression baseline on transaction features and chargeback labels.\n")
    page.locator("#writeup textarea").fill(doc)
    page.locator("#grade-btn").click()
    expect(page.locator("#grade-chart #score-chart")).to_be_visible(timeout=30_000)
    expect(page.locator("#grade-scorecard")).to_contain_text("a logistic regression baseline")
    shot(page, "grade")


def test_an_answer_sent_while_a_reply_finishes_is_queued_not_lost(page: Page, app_url: str) -> None:
    page.goto(app_url)
    page.locator("#start-btn").click()
    expect(page.locator("#chat")).to_contain_text("Thanks for joining", timeout=20_000)
    send(page, "First answer about fraud losses.")
    send(page, "Second answer, sent at once, about chargeback labels.")  # no wait for the first reply
    expect(page.locator("#chat")).to_contain_text(NEXT, timeout=30_000)
    expect(page.locator("#chat").get_by_text(REPLY)).to_have_count(1)
    expect(page.locator("#chat")).to_contain_text("Second answer, sent at once")
    expect(page.locator("#answer textarea")).to_have_value("")


def test_text_typed_right_after_send_is_kept_in_the_box(page: Page, app_url: str) -> None:
    page.goto(app_url)
    page.locator("#start-btn").click()
    expect(page.locator("#chat")).to_contain_text("Thanks for joining", timeout=20_000)
    send(page, "An answer about fraud losses.")
    page.locator("#answer textarea").fill("A draft typed while the reply streams")
    expect(page.locator("#chat")).to_contain_text(REPLY, timeout=20_000)
    expect(page.locator("#chat")).to_contain_text("An answer about fraud losses.")
    expect(page.locator("#answer textarea")).to_have_value("A draft typed while the reply streams")


def test_the_chat_behaves(page: Page, app_url: str) -> None:
    """Text typed before Start is kept; Enter sends and Shift+Enter breaks the line; the chat has no
    trash button; consecutive interviewer messages stay separate; Start asks before leaving a
    running interview; a reload shows the running interview's problem in the picker."""
    page.goto(app_url)
    page.wait_for_timeout(2000)  # let the page's load events (resume, pickers) finish first
    box = page.locator("#answer textarea")
    box.fill("An answer typed before starting")
    page.locator("#send-btn").click()
    expect(page.locator("#answer-notice")).to_contain_text("Start an interview first", timeout=10_000)
    expect(box).to_have_value("An answer typed before starting")
    expect(page.locator("#chat").get_by_role("button", name="Clear")).to_have_count(0)

    page.locator("#start-btn").click()
    expect(page.locator("#chat")).to_contain_text("Thanks for joining", timeout=20_000)
    expect(page.locator("#session-id")).to_contain_text("Session", timeout=20_000)  # the turn's last update
    first_id = page.locator("#session-id").inner_text()
    box.fill("")
    box.type("First line")
    box.press("Shift+Enter")
    box.type("second line")
    expect(box).to_have_value("First line\nsecond line")
    box.press("Enter")
    expect(page.locator("#chat")).to_contain_text(REPLY, timeout=20_000)
    expect(box).to_have_value("")

    page.locator("#next-btn").click()
    expect(page.locator("#timeline .phase.current")).to_contain_text("High-level design", timeout=20_000)
    bot = page.locator("#chat .message-row.bot-row")
    texts = [t for t in bot.all_inner_texts() if t.strip()]
    assert any(t.strip().startswith("Let's move on to high-level design") for t in texts), texts
    assert not any(REPLY in t and "Let's move on" in t for t in texts), "two interviewer turns in one bubble"

    page.locator("#start-btn").click()
    expect(page.locator("#notice")).to_contain_text("An interview is running", timeout=10_000)
    expect(page.locator("#chat")).to_contain_text("Let's move on to high-level design")
    expect(page.locator("#session-id")).to_have_text(first_id)

    page.reload()
    expect(page.locator("#chat")).to_contain_text("Let's move on to high-level design", timeout=20_000)
    picker = page.locator("input[aria-label='Problem']").first
    expect(picker).not_to_have_value("Random problem", timeout=10_000)

    page.locator("#start-btn").click()  # after a reload the first press asks again
    expect(page.locator("#notice")).to_contain_text("An interview is running", timeout=10_000)
    page.locator("#start-btn").click()  # the second press starts anew
    expect(page.locator("#chat")).not_to_contain_text("Let's move on to high-level design", timeout=20_000)
    expect(page.locator("#session-id")).not_to_have_text(first_id, timeout=20_000)


DIAGRAM = ("flowchart LR\n  events[Payment events] --> features[Feature pipeline]\n  features --> train[Training]\n"
           "  train --> model[Fraud model]\n  features --> model\n  model --> decide[Approve or decline]\n"
           "  decide -->|chargebacks as labels| train\n  model --> monitor[Monitoring and alerts]\n")


def test_the_whiteboard_draws_saves_survives_a_reload_and_is_exported(page: Page, app_url: str) -> None:
    page.goto(app_url)
    page.locator("#start-btn").click()
    expect(page.locator("#chat")).to_contain_text("Thanks for joining", timeout=20_000)
    box = page.locator("#diagram-src textarea")
    box.fill(DIAGRAM)
    drawn = page.locator("#diagram-preview svg").filter(has_text="Fraud model")  # Mermaid's drawing
    expect(drawn).to_be_visible(timeout=20_000)
    page.locator("#diagram-save").click()
    expect(page.locator("#diagram-note")).to_contain_text("Saved version 1", timeout=20_000)
    expect(page.locator("#rubric-panel")).to_contain_text("✓ outcomes fed back to training", timeout=20_000)
    shot(page, "whiteboard")
    box.fill("flowchart LR\n  a[Events] --> b[Model\n")
    expect(page.locator("#diagram-note")).to_contain_text("line 2: unclosed", timeout=20_000)

    page.reload()
    expect(page.locator("#chat")).to_contain_text("Thanks for joining", timeout=20_000)
    expect(page.locator("#diagram-src textarea")).to_have_value(DIAGRAM, timeout=20_000)
    expect(drawn).to_be_visible(timeout=20_000)
    expect(page.locator("#diagram-note")).to_contain_text("Saved version 1", timeout=20_000)  # the save survives

    page.locator("#end-btn").click()
    link = page.locator('#downloads a[download="interview.md"]')
    expect(link).to_be_visible(timeout=20_000)
    with page.expect_download() as download:
        link.click()
    saved = ARTIFACTS / "downloaded-interview.md"
    download.value.save_as(saved)
    assert "```mermaid" in saved.read_text() and "Fraud model" in saved.read_text()
