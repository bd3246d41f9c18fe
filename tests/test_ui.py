"""Gradio handlers called directly (no server), on the scripted fake LLM."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import pytest

from interviewer.app.page import build_app
from interviewer.app.ui import UI
from interviewer.content.catalog import get_rubric
from interviewer.interview.clock import SimClock
from interviewer.interview.context import Context
from interviewer.interview.sessions import Sessions
from interviewer.testing.fake_grader import InterviewScript, JudgeScript
from interviewer.testing.fake_llm import FakeReply, Script, scripted_llm

RUBRIC = get_rubric("default")
REPLY = "Thanks. Who are the users, and what is the business goal?"


def make_ui(tmp_path: Path, table: dict | None = None, db: Path | None = None) -> tuple[UI, SimClock, InterviewScript]:
    script = InterviewScript(JudgeScript(RUBRIC, table or {}), reply=REPLY)
    clock = SimClock()
    llm = scripted_llm(Script(script))
    sessions = Sessions(Context(questions="model", llm=llm, clock=clock, strategy="per_flag"), db_path=db)
    return UI(sessions, llm, export_dir=tmp_path / "exports"), clock, script


def test_start_streams_the_opening_and_shows_the_timeline(tmp_path: Path) -> None:
    ui, _, _ = make_ui(tmp_path)
    outs = list(ui.start("payment_fraud", "senior", "default"))
    final = outs[-1]
    assert final.chat[0]["role"] == "assistant" and "catch fraud" in final.chat[0]["content"]
    assert 'class="phase current' in final.timeline and "Problem framing" in final.timeline
    assert final.session_id and final.files is None


def test_send_streams_reply_updates_flags_and_escapes_html(tmp_path: Path) -> None:
    ui, clock, _ = make_ui(tmp_path, {"pf_g_business_objective": ("yes", ["cut fraud losses"])})
    sid = list(ui.start("payment_fraud", "senior", "default"))[-1].session_id
    clock.advance(60)
    outs = list(ui.send("We want to cut fraud losses. <script>alert(1)</script>", sid))
    streamed = [o.chat[-1]["content"] for o in outs[:-1]]
    assert len(streamed) > 1 and streamed[-1] == REPLY
    user_msg = outs[-1].chat[-2]["content"]
    assert "<script>" not in user_msg and "&lt;script&gt;" in user_msg
    clock.advance(60)
    final = list(ui.send("Latency budget matters too.", sid))[-1]
    assert "cut fraud losses" in final.rubric and "<strong>Strength:</strong>" in final.rubric


def test_next_phase_and_end_give_a_scorecard_and_downloads(tmp_path: Path) -> None:
    ui, clock, _ = make_ui(tmp_path)
    sid = list(ui.start("payment_fraud", "mid", "default"))[-1].session_id
    clock.advance(120)
    after_next = list(ui.control("next", sid))[-1]
    assert 'data-phase="high_level_design"' in after_next.timeline
    assert after_next.timeline.index('class="phase done') < after_next.timeline.index('class="phase current')
    ended = list(ui.control("end", sid))[-1]
    assert 'id="score-chart"' in ended.card_html and "# Scorecard — payment_fraud" in ended.card_md
    assert ended.files is not None and sorted(Path(f).name for f in ended.files) == ["interview.json", "interview.md"]
    assert "Thanks for joining" in Path(ended.files[1]).read_text()


def test_empty_and_oversized_answers_are_refused_without_losing_anything(tmp_path: Path) -> None:
    ui, _, script = make_ui(tmp_path)
    sid = list(ui.start("payment_fraud", "senior", "default"))[-1].session_id
    before = len(script.interviewer_prompts)
    assert "Type an answer first" in list(ui.send("   ", sid))[-1].notice
    too_long = list(ui.send("x" * 200_000, sid))[-1]
    assert "200,000 characters, 194,000 over the 6,000-character limit" in too_long.notice
    assert too_long.keep == "x" * 200_000  # nothing lost: all of it goes back into the box
    assert len(script.interviewer_prompts) == before
    assert len(ui.sessions.load(sid).transcript) == 1


def flaky_ui(tmp_path: Path) -> tuple[UI, dict[str, bool]]:
    """A page whose model words replies (questions=model) and answers 503 while `down["v"]`; the
    grader's checks still work."""
    judge = JudgeScript(RUBRIC, {})
    down = {"v": True}

    def respond(body: dict) -> FakeReply | str:
        if body.get("response_format") or body.get("max_tokens") == 4:
            return judge(body)
        return FakeReply(status=503) if down["v"] else REPLY

    llm = scripted_llm(Script(respond))
    return UI(Sessions(Context(questions="model", llm=llm, clock=SimClock())), llm, export_dir=tmp_path), down


def test_backend_down_shows_a_message_keeps_the_answer_and_retry_works(tmp_path: Path) -> None:
    ui, down = flaky_ui(tmp_path)
    sid = list(ui.start("payment_fraud", "senior", "default"))[-1].session_id
    failed = list(ui.send("My answer about the fraud model.", sid))[-1]
    assert "503" in failed.chat[-1]["content"] and "Retry" in failed.chat[-1]["content"]
    assert failed.chat[-2]["content"] == "My answer about the fraud model."
    down["v"] = False
    retried = list(ui.control("retry", sid))[-1]
    assert retried.chat[-1]["content"] == REPLY and len(retried.chat) == 3


def test_end_after_a_turn_that_failed_midway_grades_the_kept_answer(tmp_path: Path) -> None:
    ui, _ = flaky_ui(tmp_path)  # down all along
    sessions = ui.sessions
    sid = list(ui.start("payment_fraud", "senior", "default"))[-1].session_id
    list(ui.send("Our goal is fewer fraud losses at checkout.", sid))  # the reply fails: the answer is kept
    assert sessions.load(sid).interrupted
    card = sessions.end(sid)  # no "retry it first"
    view = sessions.load(sid)
    assert view.done and card is not None
    assert "Our goal is fewer fraud losses at checkout." in [t["text"] for t in view.transcript]


def test_page_reload_and_app_restart_resume_the_interview(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    ui, clock, _ = make_ui(tmp_path, db=db)
    sid = list(ui.start("payment_fraud", "senior", "default"))[-1].session_id
    list(ui.send("Our goal is fewer fraud losses.", sid))
    restarted, _, _ = make_ui(tmp_path, db=db)  # a new process over the same store
    view = restarted.resume(sid)
    assert [m["role"] for m in view.chat] == ["assistant", "user", "assistant"]
    assert restarted.resume("missing").notice == "Your previous session was not found."
    assert restarted.on_load(sid)[0] == view.chat  # the page's load event shows it too


def test_the_page_load_event_never_wipes_an_interview_started_before_it_arrived(tmp_path: Path) -> None:
    import gradio as gr

    ui, _, _ = make_ui(tmp_path)
    # a fresh browser stores no session: the load event updates nothing, so the greeting of a Start
    # pressed while a slow first load was still running stays on the page
    for stored in ("", None):
        outs = ui.on_load(stored)
        assert len(outs) == len(ui.resume(stored).as_tuple()) and all(x == gr.skip() for x in outs)


def test_grade_writeup_tab(tmp_path: Path) -> None:
    ui, _, _ = make_ui(tmp_path, {"mod_g_baseline": ("yes", ["a logistic regression baseline"])})
    doc = "# Modeling\nI'd start with a logistic regression baseline on the existing rule features and labels.\n"
    chart, md, files, notice = ui.grade(doc, None, "payment_fraud", "senior", "default")
    assert notice.startswith("Saved in History as") and 'id="score-chart"' in chart
    assert "a logistic regression baseline" in md
    assert files and Path(files[1]).read_text().startswith("{")
    binary = tmp_path / "x.md"
    binary.write_bytes(b"\x00\x01\x02 binary")
    assert "binary" in ui.grade("", str(binary), "", "senior", "default")[3]
    assert "minimum" in ui.grade("", None, "", "senior", "default")[1]


def test_about_names_backend_and_usage(tmp_path: Path) -> None:
    ui, _, _ = make_ui(tmp_path)
    text = ui.about()
    assert "json_schema: True" in text and "Usage this process" in text


def test_app_builds(tmp_path: Path) -> None:
    ui, _, _ = make_ui(tmp_path)
    assert build_app(ui, secret="s") is not None


def test_gradio_client_against_a_launched_app(tmp_path: Path) -> None:
    from gradio_client import Client

    from interviewer.llm.embedded import free_port

    ui, clock, _ = make_ui(tmp_path, {"pf_g_business_objective": ("yes", ["fewer fraud losses"])})
    app = build_app(ui, secret="s")
    port = free_port()
    app.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, share=False)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)

        def text(msg: dict) -> str:
            content = msg["content"]
            return content if isinstance(content, str) else " ".join(part["text"] for part in content)

        started = client.predict("payment_fraud", "senior", "default", api_name="/start")
        assert "catch fraud" in text(started[0][0])
        sent = client.predict("Our goal is fewer fraud losses.", api_name="/send")
        assert text(sent[0][-1]) == REPLY and "Problem framing" in sent[1]
        ended = client.predict(api_name="/end")
        assert "# Scorecard — payment_fraud" in ended[4]
        graded = client.predict("# Modeling\nA logistic regression baseline on labels and features.", None,
                                "", "senior", "default", api_name="/grade")
        assert 'id="score-chart"' in graded[0]
    finally:
        app.close()


def test_about_explains_how_to_configure_a_backend_that_is_down(tmp_path: Path) -> None:
    from interviewer.llm.client import LLM
    from interviewer.llm.embedded import free_port
    from interviewer.llm.settings import Settings

    llm = LLM(Settings(base_url=f"http://127.0.0.1:{free_port()}/v1", max_retries=0))
    ui = UI(Sessions(Context(questions="model", llm=llm, clock=SimClock())), llm, export_dir=tmp_path)
    text = ui.about()
    assert "cannot reach" in text and "--base-url" in text
    sid = list(ui.start("payment_fraud", "senior", "default"))[-1].session_id  # opening needs no LLM
    failed = list(ui.send("An answer about fraud models.", sid))[-1]
    assert "cannot reach" in failed.chat[-1]["content"]
    assert failed.chat[-2]["content"] == "An answer about fraud models."


def test_the_answer_shows_before_the_model_says_anything(tmp_path: Path) -> None:
    ui, clock, script = make_ui(tmp_path)
    sid = list(ui.start("payment_fraud", "senior", "default"))[-1].session_id
    clock.advance(60)
    stream = ui.send("Chargebacks are the labels.", sid)
    first = next(stream)  # the handler's first update, before the LLM is called
    assert first.chat[-2] == {"role": "user", "content": "Chargebacks are the labels."}
    assert first.chat[-1] == {"role": "assistant", "content": "…"} and script.interviewer_prompts == []
    rest = list(stream)
    assert rest[-1].chat[-1]["content"] == REPLY


def test_an_answer_that_cannot_be_sent_goes_back_into_the_box(tmp_path: Path) -> None:
    ui, clock, _ = make_ui(tmp_path)
    assert list(ui.send("typed before start", ""))[-1].keep == "typed before start"
    sid = list(ui.start("payment_fraud", "senior", "default"))[-1].session_id
    list(ui.control("end", sid))
    out = list(ui.send("typed after the end", sid))[-1]
    assert out.keep == "typed after the end" and "ended" in out.notice


def test_start_asks_before_leaving_a_running_interview(tmp_path: Path) -> None:
    ui, _, _ = make_ui(tmp_path)
    sid = list(ui.start("payment_fraud", "senior", "default"))[-1].session_id
    asked = list(ui.start("search_ranking", "senior", "default", current=sid, confirmed=False))[-1]
    assert asked.armed and asked.session_id == sid and "Press Start again" in asked.notice
    fresh = list(ui.start("search_ranking", "senior", "default", current=sid, confirmed=True))[-1]
    assert fresh.session_id != sid and ui.pickers(fresh.session_id) == ("search_ranking", "senior", "default")


def test_the_poll_counts_the_phase_down_without_an_answer(tmp_path: Path) -> None:
    ui, clock, _ = make_ui(tmp_path)
    sid = list(ui.start("payment_fraud", "senior", "default"))[-1].session_id
    clock.advance(90)
    _, timeline = ui.tick(sid)
    assert "1.5 / 6 min · 4.5 min left" in timeline
    clock.advance(6 * 60)
    _, timeline = ui.tick(sid)
    assert "1.5 min over" in timeline and 'class="phase current over"' in timeline


def test_a_hidden_tab_stops_the_interview_clock(tmp_path: Path) -> None:
    ui, clock, _ = make_ui(tmp_path)
    sid = list(ui.start("payment_fraud", "senior", "default"))[-1].session_id
    clock.advance(60)
    ui.tick(sid, True)
    ui.tick(sid, False)  # the candidate switched tabs
    clock.advance(5 * 60)
    assert ui.tick(sid, False) == (gr.skip(), gr.skip())
    _, timeline = ui.tick(sid, True)  # back: five minutes off the clock
    assert "Total 1.0 / 45 min" in timeline and "5.0 min left" in timeline
    clock.advance(30)
    list(ui.send("We want to cut fraud losses.", sid))
    view = ui.sessions.load(sid)
    assert view.transcript[-2]["t"] == 90.0 and view.elapsed_min == pytest.approx(1.5)


def test_flags_are_told_apart_by_words_not_only_by_colour(tmp_path: Path) -> None:
    from interviewer.grading.scorecard import render_markdown

    ui, _, _ = make_ui(tmp_path, table={"pf_g_business_objective": ("yes", ["fewer fraud losses"])})
    sid = list(ui.start("payment_fraud", "senior", "default"))[-1].session_id
    list(ui.send("Our goal is fewer fraud losses without declining good customers.", sid))
    card = ui.sessions.end(sid)
    text = render_markdown(card)
    met = [f for ph in card.phases for f in ph.met]
    missing = [f for ph in card.phases for f in ph.missing]
    assert met and missing
    assert all(f"🟢 Strength: **{f.credited}**: {f.statement}" in text for f in met)
    assert all(f"🔴 Concern: **raised**: {f.statement}" in text for ph in card.phases for f in ph.raised)
    assert all(f"⚪ Not shown: {f.statement}" in text for f in missing)


def test_the_microphone_is_primed_with_the_running_interviews_terms(tmp_path: Path) -> None:
    ui, _, _ = make_ui(tmp_path)
    assert ui.vocabulary("") == "" and ui.vocabulary("no-such-session") == ""
    sid = list(ui.start("payment_fraud", "senior", "default"))[-1].session_id
    primed = ui.vocabulary(sid)
    assert primed.startswith("An ML system design interview: ") and "Terms: " in primed
    assert "BIN" in primed and "PR-AUC" in primed  # the problem's own jargon, then the fixed list


def test_a_send_reads_the_session_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One read of the stored session per answer: the page's own check; the reply's turn and the
    panels after it use the state the turn itself streamed (issue 27)."""
    import threading

    ui, clock, _ = make_ui(tmp_path, {"pf_g_business_objective": ("yes", ["cut fraud losses"])})
    sid = list(ui.start("payment_fraud", "senior", "default"))[-1].session_id
    reads = []
    graph = ui.sessions.graph
    real = graph.get_state
    here = threading.current_thread()  # a finished grade is written from its own thread: not this send's work
    monkeypatch.setattr(graph, "get_state",
                        lambda *a, **k: (threading.current_thread() is here and reads.append(1)) or real(*a, **k))
    for text in ("We want to cut fraud losses.", "Latency matters: 100 ms at p99."):
        clock.advance(60)
        reads.clear()
        final = list(ui.send(text, sid))[-1]
        assert len(reads) == 1, len(reads)
    assert "cut fraud losses" in final.rubric and final.chat[-1]["content"].endswith("?")
    assert ui.sessions.load(sid).transcript[-2]["text"] == "Latency matters: 100 ms at p99."
