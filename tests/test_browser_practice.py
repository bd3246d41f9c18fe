"""History and Progress in real Chromium: replay a past session, see the chart, start a drill,
delete with a confirmation. Five graded sessions are made first through the session API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from interviewer.app.page import build_app
from interviewer.app.ui import UI
from interviewer.app.views import CSS
from interviewer.interview.sessions import Sessions
from interviewer.llm.embedded import free_port
from tests.test_practice import OBJECTIVE, five_sessions

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str], Sessions]]:
    sids, sessions = five_sessions(tmp_path_factory.mktemp("store") / "s.db")
    ui = UI(sessions, sessions.context.llm, export_dir=tmp_path_factory.mktemp("exports"))
    app = build_app(ui, secret="browser-test")
    port = free_port()
    app.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, share=False, css=CSS)
    yield f"http://127.0.0.1:{port}/", sids, sessions
    app.close()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_an_unfinished_session_is_resumed_from_history(page: Page, practice: tuple[str, list[str], Sessions]) -> None:
    url, _, sessions = practice
    sid, opening = sessions.start("payment_fraud")
    list(opening)
    said = "Chargebacks arrive weeks late, so the labels are delayed."
    "".join(sessions.send(sid, said))
    page.goto(url)
    page.get_by_role("tab", name="History").click()
    expect(page.locator("#history-table")).to_contain_text(sid, timeout=20_000)
    page.locator("#history-open").click()  # the picker starts on the newest: this one
    expect(page.locator("#history-notice")).to_contain_text("unfinished", timeout=20_000)
    page.locator("#history-resume").click()
    expect(page.locator("#chat")).to_contain_text(said, timeout=20_000)
    expect(page.locator("#session-id")).to_contain_text(sid)
    page.locator("#answer textarea").fill("Then a logistic regression baseline.")
    page.locator("#send-btn").click()
    expect(page.locator("#chat")).to_contain_text("Then a logistic regression baseline.", timeout=20_000)
    assert len(sessions.load(sid).transcript) == 5
    sessions.delete(sid)


def test_history_replays_a_session_and_progress_draws_the_chart(page: Page,
                                                                 practice: tuple[str, list[str], Sessions]) -> None:
    url, sids, _ = practice
    page.goto(url)
    page.get_by_role("tab", name="History").click()
    table = page.locator("#history-table")
    for sid in sids:
        expect(table).to_contain_text(sid, timeout=20_000)
    page.locator("#history-open").click()  # the picker starts on the newest
    expect(page.locator("#history-chat")).to_contain_text(OBJECTIVE, timeout=20_000)
    expect(page.locator("#history-card")).to_contain_text("Hire signal")
    expect(page.locator("#history-card")).to_contain_text("what a strong answer covers")
    shot(page, "history")

    page.get_by_role("tab", name="Progress").click()
    expect(page.locator("#progress-summary")).to_contain_text("5 graded sessions so far", timeout=20_000)
    expect(page.locator("#progress-plot canvas, #progress-plot svg").first).to_be_visible(timeout=20_000)
    expect(page.locator("#progress-summary")).to_contain_text("Strengths most often not shown")
    axis = page.locator("#progress-plot svg text")  # each attempt by its place, date and problem
    for k, day in enumerate(["01", "02", "03", "04", "05"], 1):
        expect(axis.filter(has_text=f"{k:02d} · 2025-12-{day} · payment_fraud")).to_have_count(1, timeout=20_000)
    shot(page, "progress")

    page.locator("#drill-btn").click()
    chat = page.locator("#chat")
    expect(chat).to_contain_text("-minute drill on", timeout=20_000)
    expect(page.locator("#timeline .phase.current")).to_be_visible()


def test_deleting_asks_first_and_removes_the_row(page: Page, practice: tuple[str, list[str], Sessions]) -> None:
    url, sids, _ = practice
    page.goto(url)
    page.get_by_role("tab", name="History").click()
    table = page.locator("#history-table")
    expect(table).to_contain_text(sids[0], timeout=20_000)
    rows = table.locator("[role=row]")  # the header and one per session
    before = rows.count()
    page.once("dialog", lambda d: d.dismiss())
    page.locator("#history-delete").click()
    expect(page.locator("#history-notice")).to_contain_text("Nothing deleted", timeout=20_000)
    expect(rows).to_have_count(before)
    page.once("dialog", lambda d: d.accept())
    page.locator("#history-delete").click()  # the picker's session: the newest
    expect(page.locator("#history-notice")).to_contain_text("gone from History", timeout=20_000)
    expect(rows).to_have_count(before - 1, timeout=20_000)


BROKEN_WORDS_JS = """() => {
  const broken = [];
  for (const th of document.querySelectorAll('#history-table [role=columnheader]')) {
    const walk = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      let at = 0;
      for (const part of n.textContent.split(/(\\s+)/)) {
        if (part.trim()) {
          const r = document.createRange();
          r.setStart(n, at); r.setEnd(n, at + part.length);
          if (new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size > 1) broken.push(part);
        }
        at += part.length;
      }
    }
  }
  return broken;
}"""


def test_a_row_click_picks_its_session_headers_read_whole_and_a_replay_has_no_trash(
        page: Page, practice: tuple[str, list[str], Sessions]) -> None:
    url, sids, _ = practice
    page.set_viewport_size({"width": 760, "height": 900})  # narrow: where headers broke mid-word
    page.goto(url)
    page.get_by_role("tab", name="History").click()
    table = page.locator("#history-table")
    expect(table).to_contain_text(sids[0], timeout=20_000)
    assert page.evaluate(BROKEN_WORDS_JS) == []
    assert page.locator("#history-table [role=columnheader]").filter(has_text="framework").count() == 1
    third = table.locator("[role=row]").filter(has_text="2025-12-03")  # the third session, oldest first
    third.get_by_role("gridcell").nth(2).click()
    picker = page.locator("#history-pick input")
    expect(picker).to_have_value(re.compile(f"2025-12-03 .*payment_fraud.*senior.*default.*{re.escape(sids[2])}"),
                                 timeout=20_000)
    expect(page.locator("#history-chat")).to_contain_text(OBJECTIVE, timeout=20_000)  # opened at once
    expect(page.locator("#history-card")).to_contain_text("Hire signal")
    expect(page.locator("#history-chat").get_by_role("button", name="Clear")).to_have_count(0)
    expect(page.locator("#history-chat").get_by_role("button", name="Copy conversation")).to_have_count(1)
    shot(page, "history-row-picked")
