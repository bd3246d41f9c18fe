"""The Gradio page: components and the wiring of the handlers in ui.py to them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gradio as gr  # noqa: E402,I001  (after the offline guards)
import pandas as pd

from interviewer.app.grade_ui import GRADE_LABEL, grade_steps
from interviewer.app.history_ui import COLUMNS, HistoryUI
from interviewer.app.page_js import (
    BROWSER_SPEAK_JS,
    DELETE_JS,
    KEYS_JS,
    NATURAL_SIZE_JS,
    SHOW_GRADE_JS,
    TAKE_ANSWER_JS,
    VISIBLE_JS,
)
from interviewer.app.ui import MAX_ANSWER_CHARS, UI, Outputs
from interviewer.app.views import TEMPLATES, live_preview
from interviewer.app.voice_ui import MODES, VoiceUI
from interviewer.content.catalog import Catalog
from interviewer.content.rubric import LEVELS
from interviewer.llm import offline  # noqa: F401,I001  (telemetry off before gradio is imported)
from interviewer.llm.settings import Settings

POLL_S = 3.0  # how often the flags panel looks for grades that landed


def problem_choices(catalog: Catalog) -> list[tuple[str, str]]:
    return [("Random problem", "")] + [(f"{p.title} ({p.domain})", p.id) for p in catalog.problems.values()]


def build_app(ui: UI, secret: str | None = None, voice: VoiceUI | None = None) -> gr.Blocks:
    frameworks = [(r.title, r.id) for r in ui.catalog.rubrics.values()]
    problems = problem_choices(ui.catalog)
    hist = HistoryUI(ui.sessions, ui.export_dir / "history")
    voice = voice or VoiceUI(Settings(), ui.llm)
    with gr.Blocks(title="mlsd-interviewer") as demo:
        gr.Markdown("# ML system design mock interviewer")
        sid_store = gr.BrowserState("", storage_key="mlsd-interviewer-session", secret=secret)
        sid = gr.State("")
        armed = gr.State(False)
        with gr.Tabs() as tabs, gr.Tab("Interview", id="interview"):
            with gr.Row(equal_height=True):
                problem = gr.Dropdown(problems, value="", label="Problem", scale=3, min_width=220)
                level = gr.Dropdown(list(LEVELS), value="senior", label="Level", scale=1, min_width=120)
                framework = gr.Dropdown(frameworks, value="default", label="Framework", scale=3, min_width=220,
                                        elem_id="framework-pick")
                hints = gr.Checkbox(False, label="Allow hints", elem_id="hints-box", scale=1, min_width=120)
                start = gr.Button("Start interview", variant="primary", elem_id="start-btn", scale=1, min_width=160)
            notice = gr.Markdown(elem_id="notice")
            session_label = gr.Markdown(elem_id="session-id")
            with gr.Row():
                with gr.Column(scale=1, min_width=420):
                    chat = gr.Chatbot(label="Interview", height=460, elem_id="chat", feedback_options=None,
                                      group_consecutive_messages=False, buttons=["copy", "copy_all"])
                    answer = gr.Textbox(label="Your answer", lines=3, max_lines=12, elem_id="answer",
                                        info=f"Up to {MAX_ANSWER_CHARS:,} characters per answer.",
                                        placeholder="Type your answer; Shift+Enter for a new line")
                    answer_notice = gr.Markdown(elem_id="answer-notice")  # what happened to the answer, right here
                    with gr.Row():
                        send = gr.Button("Send", variant="primary", elem_id="send-btn")
                        nxt = gr.Button("Next phase", elem_id="next-btn")
                        retry = gr.Button("Retry turn", elem_id="retry-btn")
                        hint = gr.Button("Hint", elem_id="hint-btn")
                        end = gr.Button("End interview", variant="stop", elem_id="end-btn")
                    why = voice.reason()
                    with gr.Row(visible=why is None):
                        mic = gr.Audio(sources=["microphone"], type="filepath", elem_id="mic",
                                       label="Speak your answer (push to talk)")
                        with gr.Column():
                            speaker = gr.Radio(MODES, value=MODES[0], label="Read replies aloud", elem_id="speaker")
                            reply_audio = gr.Audio(label="Reply", autoplay=True, interactive=False, type="filepath",
                                                   elem_id="reply-audio",  # a plain <audio> player
                                                   waveform_options=gr.WaveformOptions(show_recording_waveform=False))
                    gr.Markdown(f"_Voice is off: {why}_" if why else "", elem_id="voice-note")
                with gr.Column(scale=1, min_width=420):
                    timeline = gr.HTML(label="Phases", elem_id="timeline-box")
                    with gr.Accordion("Whiteboard (Mermaid flowchart)", open=True, elem_id="whiteboard"):
                        d_preview = gr.Markdown(elem_id="diagram-preview")  # drawn at Mermaid's own size
                        d_note = gr.Markdown(elem_id="diagram-note")
                        d_src = gr.Textbox(label="Diagram", lines=6, elem_id="diagram-src",
                                           placeholder="flowchart LR\n  data[Events] --> model[Model]")
                        with gr.Row():
                            template = gr.Dropdown(list(TEMPLATES), value=None, label="Start from a template",
                                                   scale=2)
                            d_save = gr.Button("Save diagram", elem_id="diagram-save", scale=1)
                    # Bounded and collapsible: a long list of flags scrolls inside, never pushing the page down.
                    with gr.Accordion("Flags so far", open=True, elem_id="flags"):
                        rubric = gr.Markdown("_Flags appear here as your answers are graded._",
                                             elem_id="rubric-panel")
            card_html = gr.HTML(elem_id="scorecard-chart")
            card_md = gr.Markdown(elem_id="scorecard")
            files = gr.File(label="Download transcript and scorecard", file_count="multiple", elem_id="downloads")
        with tabs, gr.Tab("Grade a write-up", id="grade"):
            with gr.Row():
                g_problem = gr.Dropdown([("No specific problem", "")] + problems[1:], value="",
                                        label="Problem")
                g_level = gr.Dropdown(list(LEVELS), value="senior", label="Level")
                g_framework = gr.Dropdown(frameworks, value="default", label="Framework")
            g_text = gr.Textbox(label="Paste your design write-up", lines=14, elem_id="writeup")
            g_file = gr.File(label="…or upload a .md / .txt file", file_types=[".md", ".txt"], type="filepath")
            with gr.Row():
                g_btn = gr.Button(GRADE_LABEL, variant="primary", elem_id="grade-btn", scale=1)
                g_status = gr.Markdown(elem_id="grade-progress")  # phase by phase while grading
            g_notice = gr.Markdown(elem_id="grade-notice")
            g_chart = gr.HTML(elem_id="grade-chart")
            g_md = gr.Markdown(elem_id="grade-scorecard")
            g_files = gr.File(label="Download scorecard", file_count="multiple")
        with tabs, gr.Tab("History", id="history") as history_tab:
            with gr.Row():  # the picker gets the row's width: its line tells one session from another
                h_level = gr.Dropdown(["all", *LEVELS], value="all", label="Level", scale=1, min_width=120)
                h_pick = gr.Dropdown([], label="Session (or click its row below)", elem_id="history-pick", scale=6,
                                     allow_custom_value=True)
            with gr.Row():
                h_open = gr.Button("Open", elem_id="history-open")
                h_resume = gr.Button("Resume", elem_id="history-resume")
                h_delete = gr.Button("Delete", variant="stop", elem_id="history-delete")
                h_export = gr.DownloadButton("Export all (JSON)", elem_id="history-export")
            h_table = gr.Dataframe(pd.DataFrame(columns=COLUMNS), interactive=False, elem_id="history-table",
                                   wrap=True)  # rows when the tab is opened
            h_notice = gr.Markdown(elem_id="history-notice")
            h_chat = gr.Chatbot(label="Replay (read only)", height=360, elem_id="history-chat",
                                group_consecutive_messages=False, buttons=["copy", "copy_all"])
            h_chart = gr.HTML(elem_id="history-chart")
            h_card = gr.Markdown(elem_id="history-card")
        with tabs, gr.Tab("Progress", id="progress") as progress_tab:
            with gr.Row():
                p_level = gr.Dropdown(list(LEVELS), value="senior", label="Level")
                p_framework = gr.Dropdown(frameworks, value="default", label="Framework (for drills)")
                p_drill = gr.Button("Drill my weakest phase", variant="primary", elem_id="drill-btn")
            p_plot = gr.LinePlot(x="session", y="score", color="phase", y_lim=[1, 4], elem_id="progress-plot",
                                 title="Phase scores by session (1-4)", x_title="session · date · problem",
                                 x_label_angle=-20, tooltip=["session", "date", "phase", "score", "id"])
            p_md = gr.Markdown(elem_id="progress-summary")
        with tabs, gr.Tab("About", id="about"):
            about = gr.Markdown(elem_id="about")
            refresh = gr.Button("Refresh")

        outs = [chat, timeline, rubric, card_html, card_md, files, sid, answer_notice, notice, session_label]

        def unpack(gen: Iterator[Outputs]) -> Iterator[tuple[Any, ...]]:
            for o in gen:
                if not o.partial:
                    yield o.as_tuple()
                else:  # a streaming step: only the chat changes
                    yield (o.chat, *[gr.skip()] * 5, o.session_id, *[gr.skip()] * 3)

        def zip_outputs(gen: Iterator[Outputs], top: bool = False) -> Iterator[tuple[Outputs, tuple[Any, ...]]]:
            for o in gen:
                o.top = top  # Start's notices show beside Start; the rest under the answer box
                yield o, next(unpack(iter([o])))

        # Gradio needs real generator functions (not lambdas returning generators) to stream.
        def on_start(p: str, lv: str, f: str, s: str, armed: bool, h: bool) -> Iterator[tuple[Any, ...]]:
            for o, row in zip_outputs(ui.start(p, lv, f, s, confirmed=armed, hints=h), top=True):
                yield (*row, o.armed)

        def on_drill(lv: str, f: str, s: str, armed: bool, h: bool) -> Iterator[tuple[Any, ...]]:
            p, phase = hist.drill_choice(lv, f)
            for o, row in zip_outputs(ui.start(p, lv, f, s, confirmed=armed, hints=h, drill=phase), top=True):
                yield (*row, o.armed, gr.Tabs(selected="interview"), p, lv, f)

        def on_send(t: str, s: str) -> Iterator[tuple[Any, ...]]:
            for o, row in zip_outputs(ui.send(t, s)):
                yield (*row, o.keep or gr.skip())

        def on_next(s: str) -> Iterator[tuple[Any, ...]]:
            yield from unpack(ui.control("next", s))

        def on_retry(s: str) -> Iterator[tuple[Any, ...]]:
            yield from unpack(ui.control("retry", s))

        def on_end(s: str) -> Iterator[tuple[Any, ...]]:
            yield from unpack(ui.control("end", s))

        start.click(on_start, [problem, level, framework, sid, armed, hints], [*outs, armed],
                    api_name="start").then(lambda s: s, sid, sid_store).then(
            ui.diagram_of, sid, [d_src, d_preview, d_note])
        p_drill.click(on_drill, [p_level, p_framework, sid, armed, hints],
                      [*outs, armed, tabs, problem, level, framework], api_name="drill").then(
            lambda s: s, sid, sid_store)
        hint.click(lambda s: ui.hint(s).as_tuple(), sid, outs, api_name="hint")
        # The browser empties the box the moment Send is pressed and the answer travels with its own
        # event, so nothing typed afterwards is wiped and two quick answers never share a slot.
        # "multiple": an answer sent while the previous reply is finishing queues behind it.
        for trigger in (send.click, answer.submit):
            trigger(on_send, [answer, sid], [*outs, answer], js=TAKE_ANSWER_JS, trigger_mode="multiple").then(
                voice.speak, [chat, speaker], reply_audio).then(None, [chat, speaker], None, js=BROWSER_SPEAK_JS)
        mic.stop_recording(lambda rec, typed, s: voice.transcribe(rec, typed, ui.vocabulary(s)), [mic, answer, sid],
                           [answer, answer_notice]).then(lambda: None, None, mic)
        api_send = gr.Button(visible=False)
        api_send.click(on_send, [answer, sid], [*outs, answer], api_name="send")
        # API clients (and a second app process sharing a postgres store) pick a session up by its id.
        resume_id = gr.Textbox(visible=False)
        api_resume = gr.Button(visible=False)
        api_resume.click(lambda s: ui.resume(s).as_tuple(), resume_id, outs, api_name="resume")
        api_panel = gr.Button(visible=False)
        api_panel.click(ui.panel, resume_id, rubric, api_name="panel")
        nxt.click(on_next, sid, outs, api_name="next_phase")
        retry.click(on_retry, sid, outs, api_name="retry")
        end.click(on_end, sid, outs, api_name="end")
        demo.load(ui.on_load, sid_store, outs)
        demo.load(ui.pickers, sid_store, [problem, level, framework])
        demo.load(None, None, None, js=KEYS_JS)
        demo.load(None, None, None, js=NATURAL_SIZE_JS)
        # The poll never waits behind a turn for a concurrency slot: it only reads the checkpoint.
        # It is also the heartbeat: a hidden tab stops the interview clock (browsers still fire
        # timers in background tabs, only less often).
        visible = gr.Checkbox(True, visible=False)
        gr.Timer(POLL_S).tick(ui.tick, [sid, visible], [rubric, timeline], show_progress="hidden",
                              concurrency_limit=None, trigger_mode="always_last", js=VISIBLE_JS)
        def history_rows(lv: str) -> tuple[Any, Any]:
            frame, choices = hist.table(lv)
            return frame, gr.Dropdown(choices=choices, value=choices[0][1] if choices else None)

        def resume_past(rid: str) -> tuple[Any, ...]:
            rec = hist.history.get(rid) if rid else None
            if rec is None or rec.kind == "writeup":
                return (*[gr.skip()] * len(outs), gr.skip(), "Only an interview or a drill can be resumed.")
            o = ui.resume(rid)
            return (*o.as_tuple(), gr.Tabs(selected="interview"), "")

        def on_row(evt: gr.SelectData) -> str:
            """A click anywhere on a row picks that session (its id is the row's last cell)."""
            return str(evt.row_value[COLUMNS.index("id")])

        history_tab.select(history_rows, h_level, [h_table, h_pick])
        h_table.select(on_row, None, h_pick).then(hist.open, h_pick, [h_chat, h_chart, h_card, h_notice])
        h_level.change(history_rows, h_level, [h_table, h_pick])
        h_open.click(hist.open, h_pick, [h_chat, h_chart, h_card, h_notice], api_name="history_open")
        h_resume.click(resume_past, h_pick, [*outs, tabs, h_notice]).then(lambda s: s, sid, sid_store)
        h_delete.click(hist.delete, h_pick, h_notice, js=DELETE_JS).then(history_rows, h_level, [h_table, h_pick])
        h_export.click(hist.export, None, h_export)
        progress_tab.select(hist.progress, p_level, [p_plot, p_md])
        p_level.change(hist.progress, p_level, [p_plot, p_md])
        template.input(lambda name: TEMPLATES.get(name, ""), template, d_src)
        d_src.change(live_preview, [d_src, d_note], [d_preview, d_note], show_progress="hidden",
                     trigger_mode="always_last")
        d_save.click(ui.save_diagram, [sid, d_src], [d_preview, d_note, rubric], api_name="save_diagram")
        demo.load(ui.diagram_of, sid_store, [d_src, d_preview, d_note])
        demo.load(ui.about, None, about)
        refresh.click(ui.about, None, about)
        def grade(t: str, f: str | None, p: str, lv: str, fw: str) -> Iterator[tuple[Any, ...]]:
            yield from grade_steps(ui, t, f, p, lv, fw)

        g_btn.click(grade, [g_text, g_file, g_problem, g_level, g_framework],
                    [g_chart, g_md, g_files, g_notice, g_status, g_btn], api_name="grade",
                    show_progress="hidden").then(None, None, None, js=SHOW_GRADE_JS)
    return demo
