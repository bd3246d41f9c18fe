"""The interview page's layout and feedback in real Chromium, on the scripted fake LLM: the
whiteboard beside the chat, the flags bounded and foldable, notices by the answer box, long answers
folded, grading that shows its progress, and flags readable without colour (axe-core's contrast rule)."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

from interviewer.app.ui import MAX_ANSWER_CHARS

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
BOARD = ("flowchart LR\n  events[Payment events] --> features[Feature pipeline]\n  features --> train[Training]\n"
         "  train --> model[Fraud model]\n  model --> serve[Online serving]\n  serve --> decide{Policy}\n"
         "  decide -->|chargebacks as labels| train\n  serve --> monitor[Monitoring and alerts]\n")


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def started(page: Page, url: str) -> None:
    page.goto(url)
    page.locator("#start-btn").click()
    expect(page.locator("#chat")).to_contain_text("Thanks for joining", timeout=20_000)


def send(page: Page, text: str) -> None:
    page.locator("#answer textarea").fill(text)
    page.locator("#send-btn").click()


def sign(mark: Locator) -> str:
    """The sign a flag's badge draws (CSS content, with its empty text for screen readers)."""
    return str(mark.evaluate("e => getComputedStyle(e, '::before').content"))


def box(page: Page, selector: str) -> dict[str, float]:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not drawn"
    return found


def test_the_whiteboard_sits_beside_the_chat_drawn_readably(page: Page, app_url: str) -> None:
    started(page, app_url)
    send(page, "The business goal is to cut fraud losses while keeping false declines low.")
    expect(page.locator("#chat")).to_contain_text("measure success", timeout=20_000)
    page.locator("#diagram-src textarea").fill(BOARD)
    page.locator("#diagram-save").click()
    panel = page.locator("#rubric-panel")
    expect(panel).to_contain_text("Strength:", timeout=20_000)
    # the two boxes are named, not joined by an arrow the diagram does not have
    expect(panel).to_contain_text("training and serving both drawn: Training, Online serving", timeout=20_000)
    expect(panel).not_to_contain_text("Training → Online serving")

    policy = page.locator("#diagram-preview svg g.node").filter(has_text="Policy")
    expect(policy.locator("polygon")).to_have_count(1, timeout=20_000)  # {Policy} is a diamond, as Mermaid draws it
    expect(page.locator("#diagram-preview svg g.node").filter(has_text="Training").locator("polygon")).to_have_count(0)
    scale = page.evaluate("() => { const s = document.querySelector('#diagram-preview .mermaid > svg');"
                          " return s.getBoundingClientRect().width / s.viewBox.baseVal.width; }")
    assert scale >= 0.74, f"the drawing is shrunk to {scale:.2f} of Mermaid's size: too small to read"

    chat, board, flags = box(page, "#chat"), box(page, "#whiteboard"), box(page, "#rubric-panel")
    assert board["x"] > chat["x"] + chat["width"] - 1, "the whiteboard is beside the chat, not under it"
    assert board["y"] < chat["y"] + chat["height"], "the whiteboard starts beside the chat, not below it"
    assert flags["height"] <= 280, f"the flags panel is {flags['height']:.0f} px tall: it must stay bounded"
    framework = page.locator("#framework-pick input")
    assert framework.evaluate("e => e.scrollWidth <= e.clientWidth"), "the framework's name is cut off"
    shot(page, "layout")

    page.get_by_text("Flags so far").click()  # folded away, and back
    expect(panel).to_be_hidden()
    shot(page, "layout-flags-folded")
    page.get_by_text("Flags so far").click()
    expect(panel).to_be_visible()


def test_notices_show_by_the_answer_box_and_long_answers_are_kept_and_folded(page: Page, app_url: str) -> None:
    started(page, app_url)
    answer, near = page.locator("#answer textarea"), page.locator("#answer-notice")
    page.locator("#send-btn").click()
    expect(near).to_contain_text("Type an answer first", timeout=10_000)
    expect(page.locator("#notice")).not_to_contain_text("Type an answer first")
    gap = box(page, "#answer-notice")["y"] - (box(page, "#answer")["y"] + box(page, "#answer")["height"])
    assert 0 <= gap < 40, f"the notice is {gap:.0f} px from the answer box"

    pasted = " ".join(f"word{i}" for i in range(4_000))[:20_000]
    send(page, pasted)
    over = f"{len(pasted):,} characters, {len(pasted) - MAX_ANSWER_CHARS:,} over the {MAX_ANSWER_CHARS:,}-character"
    expect(near).to_contain_text(over, timeout=10_000)
    expect(near).to_contain_text("All of it is still in the box")
    expect(answer).to_have_value(pasted)  # whole: nothing cut, nothing lost
    assert box(page, "#answer")["height"] < 500, "a long paste must not stretch the box down the page"
    shot(page, "answer-too-long")

    long = " ".join(f"part{i}" for i in range(300))  # ~2,400 characters: under the limit, sent
    send(page, long)
    folded = page.locator("#chat details.long-answer").last
    expect(folded).to_be_visible(timeout=20_000)
    expect(folded).to_contain_text(f"{len(long):,} characters: show all")
    assert box(page, "#chat details.long-answer >> nth=-1")["height"] < 200, "the long answer is not folded"
    expect(page.locator("#chat")).to_contain_text("measure success", timeout=20_000)
    shot(page, "answer-folded")
    folded.locator("summary").click()
    expect(folded).to_contain_text("part299")  # the whole answer, one click away
    assert box(page, "#chat details.long-answer >> nth=-1")["height"] > 200


WRITEUP = ("# Problem\nThe business objective is fewer fraud losses.\n\n# Modeling\n"
           "I'd start with a logistic regression baseline on transaction features and chargeback labels.\n")

WATCH_GRADE_JS = """() => {
  window.__seen = [];
  const btn = document.querySelector('#grade-btn');
  const note = () => window.__seen.push({disabled: btn.disabled, label: btn.innerText.trim(),
    progress: (document.querySelector('#grade-progress') || {}).innerText || ''});
  new MutationObserver(note).observe(document.body, {subtree: true, childList: true, characterData: true,
                                                     attributes: true, attributeFilter: ['disabled']});
}"""


def test_grading_holds_the_button_shows_progress_by_phase_and_brings_the_result_into_view(
        page: Page, app_url: str) -> None:
    page.goto(app_url)
    page.get_by_role("tab", name="Grade a write-up").click()
    page.locator("#writeup textarea").fill(WRITEUP)
    page.evaluate(WATCH_GRADE_JS)
    page.locator("#grade-btn").click()
    expect(page.locator("#grade-btn")).to_be_disabled(timeout=10_000)
    expect(page.locator("#grade-btn")).to_have_text("Grading…")
    expect(page.locator("#grade-progress")).to_contain_text("Problem framing", timeout=10_000)
    shot(page, "grading")
    expect(page.locator("#grade-chart #score-chart")).to_be_visible(timeout=60_000)
    expect(page.locator("#grade-btn")).to_be_enabled()
    expect(page.locator("#grade-btn")).to_have_text("Grade")
    expect(page.locator("#grade-notice")).to_be_in_viewport(timeout=10_000)  # scrolled to the result
    seen = page.evaluate("window.__seen")
    held = [s["progress"] for s in seen if s["disabled"]]
    assert any("✓ done" in p for p in held) and any("waiting" in p or "/" in p for p in held), held[-3:]
    counts = sorted({int(p.split(" of ")[0].split()[-1]) for p in held if " of " in p})
    assert len(counts) >= 3, f"progress moved only through {counts}"
    shot(page, "graded")


def test_flags_read_as_words_and_shapes_with_enough_contrast(page: Page, app_url: str) -> None:
    started(page, app_url)
    send(page, "The business goal is to cut fraud losses; I'd start with a logistic regression baseline.")
    panel = page.locator("#rubric-panel")
    expect(panel).to_contain_text("Strength:", timeout=20_000)
    assert sign(panel.locator(".flag-mark.strength").first) == '"+" / ""'  # a shape, silent to a screen reader
    assert "🟢" not in panel.inner_text() and "🔴" not in panel.inner_text()
    heard = panel.aria_snapshot()
    assert "Strength:" in heard and "+" not in heard.split("Strength:")[0]  # the word is read, not a colour
    page.locator("#end-btn").click()
    card = page.locator("#scorecard")
    expect(card).to_contain_text("Not shown:", timeout=20_000)
    assert sign(card.locator(".flag-mark.missing").first) == '"–" / ""'
    assert "⚪" not in card.inner_text()
    results = Axe().run(page, context={"include": [["#rubric-panel"], ["#scorecard"]]},
                        options={"runOnly": ["color-contrast"], "resultTypes": ["violations", "passes"]})
    assert results.violations_count == 0, results.generate_report()
    checked = [n["html"] for r in results.response["passes"] for n in r["nodes"]]
    assert any("Strength:" in h for h in checked) and any("Not shown:" in h for h in checked), checked[:5]
    shot(page, "flags-accessible")
