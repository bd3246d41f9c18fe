"""The Gradio app. Handlers are plain methods, so tests call them without a server."""

from __future__ import annotations

import html
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr  # noqa: E402,I001  (after the offline guards)

from interviewer.app.views import chat_messages, export_files, rubric_panel, score_chart, timeline_html
from interviewer.content.catalog import Catalog
from interviewer.content.rubric import LEVELS
from interviewer.grading.grader import Grader
from interviewer.grading.scorecard import Scorecard
from interviewer.grading.writeup import InputError, grade_writeup, read_text, screen_writeup
from interviewer.interview.sessions import SessionError, Sessions
from interviewer.llm import offline  # noqa: F401,I001  (telemetry off before gradio is imported)
from interviewer.llm.client import LLM, LLMError

MAX_ANSWER_CHARS = 20_000
POLL_S = 3.0  # how often the flags panel looks for grades that landed


@dataclass
class Outputs:
    """Everything the interview tab shows, in the order the event wiring lists it."""

    chat: list[dict[str, str]]
    timeline: str
    rubric: str
    card_html: str
    card_md: str
    files: list[str] | None
    session_id: str
    notice: str = ""
    keep: str = ""  # an answer that could not be sent goes back into the box, never lost
    armed: bool = False  # Start was pressed while an interview runs: pressing it again starts anew
    partial: bool = False  # a streaming step: only the chat changes

    def as_tuple(self) -> tuple[Any, ...]:
        label = (f"Session `{self.session_id}` · resume it in a terminal with "
                 f"`interviewer chat --resume {self.session_id}`") if self.session_id else ""
        return (self.chat, self.timeline, self.rubric, self.card_html, self.card_md, self.files,
                self.session_id, self.notice, label)


class UI:
    def __init__(self, sessions: Sessions, llm: LLM, export_dir: Path | None = None) -> None:
        self.sessions = sessions
        self.llm = llm
        self.catalog = sessions.context.catalog  # the pickers and the write-up tab: the app's one catalog
        self.strategy = sessions.context.strategy
        self.export_dir = export_dir or Path(tempfile.mkdtemp(prefix="interviewer-exports-"))

    # -- interview tab -------------------------------------------------------------------

    def _outputs(self, sid: str, chat: list[dict[str, str]] | None = None, notice: str = "") -> Outputs:
        view = self.sessions.load(sid)
        card = view.scorecard
        files = export_files(view, card, self.export_dir / sid) if card else None
        return Outputs(
            chat=chat if chat is not None else chat_messages(view), timeline=timeline_html(view),
            rubric=rubric_panel(view), card_html=score_chart(card) if card else "",
            card_md=card.to_markdown() if card else "", files=files, session_id=sid, notice=notice,
        )

    def _stream(self, sid: str, stream: Iterator[str], chat: list[dict[str, str]]) -> Iterator[Outputs]:
        reply = ""
        chat = chat + [{"role": "assistant", "content": "…"}]
        yield Outputs(chat, "", "", "", "", None, sid, partial=True)  # the answer shows before the model starts
        try:
            for delta in stream:
                reply += delta
                chat[-1] = {"role": "assistant", "content": reply}
                yield Outputs(chat, "", "", "", "", None, sid, partial=True)
        except (LLMError, SessionError) as exc:
            what = "The model stopped responding" if isinstance(exc, LLMError) else "The turn did not run"
            chat[-1] = {"role": "assistant", "content": f"⚠️ {what}: {exc}. Your answer is saved; press Retry."}
            yield self._outputs(sid, chat, notice=str(exc))
            return
        yield self._outputs(sid)

    def start(self, problem: str, level: str, framework: str, current: str = "",
              confirmed: bool = True) -> Iterator[Outputs]:
        """A new interview; while `current` runs, only a second press (`confirmed`) leaves it."""
        if current and not confirmed:
            try:
                view = self.sessions.load(current)
            except SessionError:
                view = None
            if view is not None and not view.done:
                out = self._outputs(current, notice=(
                    f"An interview is running ({view.problem_id}, {view.elapsed_min:.0f} min in). Press Start "
                    f"again to leave it and begin a new one; it stays saved as session `{current}`."))
                out.armed = True
                yield out
                return
        try:
            sid, stream = self.sessions.start(problem or None, level, framework)
        except SessionError as exc:
            yield Outputs([], "", "", "", "", None, "", notice=str(exc))
            return
        yield from self._stream(sid, stream, [])

    def send(self, text: str, sid: str) -> Iterator[Outputs]:
        text = (text or "").strip()
        if not sid:
            yield Outputs([], "", "", "", "", None, "", notice="Start an interview first: your answer is kept.",
                          keep=text)
            return
        view = self.sessions.load(sid)
        if not text:
            yield self._outputs(sid, notice="Type an answer first.")
            return
        if len(text) > MAX_ANSWER_CHARS:
            out = self._outputs(sid, notice=f"That answer is {len(text):,} characters; the limit is "
                                            f"{MAX_ANSWER_CHARS:,}. Split it into several turns.")
            out.keep = text
            yield out
            return
        chat = chat_messages(view) + [{"role": "user", "content": html.escape(text)}]
        try:
            stream = self.sessions.send(sid, text)
        except SessionError as exc:
            out = self._outputs(sid, notice=f"{exc}. Your text is kept in the box.")
            out.keep = text
            yield out
            return
        yield from self._stream(sid, stream, chat)

    def control(self, action: str, sid: str) -> Iterator[Outputs]:
        if not sid:
            yield Outputs([], "", "", "", "", None, "", notice="Start an interview first.")
            return
        try:
            if action == "end":
                self.sessions.end(sid)
                yield self._outputs(sid)
                return
            stream = self.sessions.next_phase(sid) if action == "next" else self.sessions.retry(sid)
        except (SessionError, LLMError) as exc:
            yield self._outputs(sid, notice=str(exc))
            return
        yield from self._stream(sid, stream, chat_messages(self.sessions.load(sid)))

    def panel(self, sid: str | None) -> str:
        """The live flags panel, polled: a grade shows up when it lands, not on the next answer."""
        if not sid:
            return gr.skip()  # type: ignore[no-any-return]
        try:
            return rubric_panel(self.sessions.load(sid))
        except SessionError:
            return gr.skip()  # type: ignore[no-any-return]

    def pickers(self, sid: str | None) -> tuple[Any, Any, Any]:
        """After a reload the pickers show the running interview's problem, level and framework."""
        try:
            view = self.sessions.load(sid) if sid else None
        except SessionError:
            view = None
        if view is None:
            return gr.skip(), gr.skip(), gr.skip()
        return view.problem_id, view.level, view.framework

    def resume(self, sid: str | None) -> Outputs:
        """On page load: show the browser's running interview, if the store still has it."""
        if not sid:
            return Outputs([], "", "", "", "", None, "")
        try:
            return self._outputs(sid)
        except SessionError:
            return Outputs([], "", "", "", "", None, "", notice="Your previous session was not found.")

    # -- write-up tab --------------------------------------------------------------------

    def grade(self, text: str, upload: str | None, problem: str, level: str, framework: str,
              progress: Any = None) -> tuple[str, str, list[str] | None, str]:
        try:
            if upload:
                text = read_text(Path(upload).read_bytes(), Path(upload).name)
            rubric = self.catalog.rubric(framework)
            prob = self.catalog.problem(problem) if problem else None
            card = screen_writeup(text or "", rubric, prob, level)  # type: ignore[arg-type]
            if card is None:
                def tick(done: int, total: int, msg: str) -> None:
                    if progress is not None:
                        progress(done / total, desc=msg)

                grader = Grader(self.llm, rubric, prob, strategy=self.strategy, progress=tick)
                card = grade_writeup(grader, text, level)  # type: ignore[arg-type]
        except (InputError, LLMError, KeyError) as exc:
            msg = exc.args[0] if isinstance(exc, KeyError) else str(exc)
            return "", "", None, f"⚠️ {msg}"
        return score_chart(card), card.to_markdown(), self._export_card(card), ""

    def _export_card(self, card: Scorecard) -> list[str]:
        d = self.export_dir / f"writeup-{secrets.token_hex(6)}"
        d.mkdir(parents=True, exist_ok=True)
        (d / "scorecard.md").write_text(card.to_markdown(), encoding="utf-8")
        (d / "scorecard.json").write_text(card.to_json(), encoding="utf-8")
        return [str(d / "scorecard.md"), str(d / "scorecard.json")]

    # -- about tab -----------------------------------------------------------------------

    def about(self) -> str:
        try:
            caps = self.llm.capabilities()
            cap_text = f"json_schema: {caps.json_schema}, streaming: {caps.streaming}"
        except LLMError as exc:
            cap_text = (f"unavailable ({exc}). Start the server, or point the app at another one with "
                        "`--base-url http://host:port/v1 --model NAME` (or OPENAI_BASE_URL / OPENAI_API_KEY).")
        t = self.llm.usage.totals()
        calls = self.llm.usage.calls
        ttfts = sorted(c.ttft_s for c in calls if c.ttft_s is not None and c.purpose == "interviewer")
        median = f"{ttfts[len(ttfts) // 2]:.2f} s" if ttfts else "—"
        return (f"**Backend:** `{self.llm.model}` at `{self.llm.base_url}`  \n**Capabilities:** {cap_text}  \n"
                f"**Usage this process:** {int(t['calls'])} calls, {int(t['prompt_tokens'])} prompt tokens "
                f"({int(t['cached_tokens'])} cached), {int(t['completion_tokens'])} completion tokens, "
                f"cost ≈ ${t['cost_usd']:.4f}, median time to first interviewer token {median}.")


def problem_choices(catalog: Catalog) -> list[tuple[str, str]]:
    return [("Random problem", "")] + [(f"{p.title} ({p.domain})", p.id) for p in catalog.problems.values()]


TAKE_ANSWER_JS = """(text, sid) => {
  const box = document.querySelector('#answer textarea');
  if (box) { box.value = ''; box.dispatchEvent(new Event('input', {bubbles: true})); }
  return [text, sid];
}"""


# Enter sends, Shift+Enter breaks the line (as the placeholder says); Gradio's own multi-line box
# does the opposite, so its key handlers are pre-empted in the capture phase.
KEYS_JS = """() => {
  const onKey = (e) => {
    if (e.key !== 'Enter' || !e.target.closest || !e.target.closest('#answer')) return;
    e.stopImmediatePropagation();
    if (e.shiftKey || e.isComposing) return;  // a new line (the browser's default)
    e.preventDefault();
    if (e.type === 'keydown') document.querySelector('#send-btn').click();
  };
  for (const kind of ['keydown', 'keypress', 'keyup']) document.addEventListener(kind, onKey, true);
}"""


def build_app(ui: UI, secret: str | None = None) -> gr.Blocks:
    frameworks = [(r.title, r.id) for r in ui.catalog.rubrics.values()]
    problems = problem_choices(ui.catalog)
    with gr.Blocks(title="mlsd-interviewer") as demo:
        gr.Markdown("# ML system design mock interviewer")
        sid_store = gr.BrowserState("", storage_key="mlsd-interviewer-session", secret=secret)
        sid = gr.State("")
        armed = gr.State(False)
        with gr.Tab("Interview", id="interview"):
            with gr.Row():
                problem = gr.Dropdown(problems, value="", label="Problem")
                level = gr.Dropdown(list(LEVELS), value="senior", label="Level")
                framework = gr.Dropdown(frameworks, value="default", label="Framework")
                start = gr.Button("Start interview", variant="primary", elem_id="start-btn")
            notice = gr.Markdown(elem_id="notice")
            session_label = gr.Markdown(elem_id="session-id")
            with gr.Row():
                with gr.Column(scale=3):
                    chat = gr.Chatbot(label="Interview", height=460, elem_id="chat", feedback_options=None,
                                      group_consecutive_messages=False, buttons=["copy", "copy_all"])
                    answer = gr.Textbox(label="Your answer", lines=3, elem_id="answer",
                                        placeholder="Type your answer; Shift+Enter for a new line")
                    with gr.Row():
                        send = gr.Button("Send", variant="primary", elem_id="send-btn")
                        nxt = gr.Button("Next phase", elem_id="next-btn")
                        retry = gr.Button("Retry turn", elem_id="retry-btn")
                        end = gr.Button("End interview", variant="stop", elem_id="end-btn")
                with gr.Column(scale=2):
                    timeline = gr.HTML(label="Phases", elem_id="timeline-box")
                    rubric = gr.Markdown("_Flags appear here as your answers are graded._", elem_id="rubric-panel")
            card_html = gr.HTML(elem_id="scorecard-chart")
            card_md = gr.Markdown(elem_id="scorecard")
            files = gr.File(label="Download transcript and scorecard", file_count="multiple", elem_id="downloads")
        with gr.Tab("Grade a write-up", id="grade"):
            with gr.Row():
                g_problem = gr.Dropdown([("No specific problem", "")] + problems[1:], value="",
                                        label="Problem")
                g_level = gr.Dropdown(list(LEVELS), value="senior", label="Level")
                g_framework = gr.Dropdown(frameworks, value="default", label="Framework")
            g_text = gr.Textbox(label="Paste your design write-up", lines=14, elem_id="writeup")
            g_file = gr.File(label="…or upload a .md / .txt file", file_types=[".md", ".txt"], type="filepath")
            g_btn = gr.Button("Grade", variant="primary", elem_id="grade-btn")
            g_notice = gr.Markdown(elem_id="grade-notice")
            g_chart = gr.HTML(elem_id="grade-chart")
            g_md = gr.Markdown(elem_id="grade-scorecard")
            g_files = gr.File(label="Download scorecard", file_count="multiple")
        with gr.Tab("About", id="about"):
            about = gr.Markdown(elem_id="about")
            refresh = gr.Button("Refresh")

        outs = [chat, timeline, rubric, card_html, card_md, files, sid, notice, session_label]

        def unpack(gen: Iterator[Outputs]) -> Iterator[tuple[Any, ...]]:
            for o in gen:
                if not o.partial:
                    yield o.as_tuple()
                else:  # a streaming step: only the chat changes
                    yield (o.chat, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), o.session_id, gr.skip(),
                           gr.skip())

        def zip_outputs(gen: Iterator[Outputs]) -> Iterator[tuple[Outputs, tuple[Any, ...]]]:
            for o in gen:
                yield o, next(unpack(iter([o])))

        # Gradio needs real generator functions (not lambdas returning generators) to stream.
        def on_start(p: str, lv: str, f: str, s: str, armed: bool) -> Iterator[tuple[Any, ...]]:
            for o, row in zip_outputs(ui.start(p, lv, f, s, confirmed=armed)):
                yield (*row, o.armed)

        def on_send(t: str, s: str) -> Iterator[tuple[Any, ...]]:
            for o, row in zip_outputs(ui.send(t, s)):
                yield (*row, o.keep or gr.skip())

        def on_next(s: str) -> Iterator[tuple[Any, ...]]:
            yield from unpack(ui.control("next", s))

        def on_retry(s: str) -> Iterator[tuple[Any, ...]]:
            yield from unpack(ui.control("retry", s))

        def on_end(s: str) -> Iterator[tuple[Any, ...]]:
            yield from unpack(ui.control("end", s))

        start.click(on_start, [problem, level, framework, sid, armed], [*outs, armed],
                    api_name="start").then(lambda s: s, sid, sid_store)
        # The browser empties the box the moment Send is pressed and the answer travels with its own
        # event, so nothing typed afterwards is wiped and two quick answers never share a slot.
        # "multiple": an answer sent while the previous reply is finishing queues behind it.
        for trigger in (send.click, answer.submit):
            trigger(on_send, [answer, sid], [*outs, answer], js=TAKE_ANSWER_JS, trigger_mode="multiple")
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
        demo.load(lambda s: ui.resume(s).as_tuple(), sid_store, outs)
        demo.load(ui.pickers, sid_store, [problem, level, framework])
        demo.load(None, None, None, js=KEYS_JS)
        # The poll never waits behind a turn for a concurrency slot: it only reads the checkpoint.
        gr.Timer(POLL_S).tick(ui.panel, sid, rubric, show_progress="hidden", concurrency_limit=None,
                              trigger_mode="always_last")
        demo.load(ui.about, None, about)
        refresh.click(ui.about, None, about)
        def grade(t: str, f: str | None, p: str, lv: str, fw: str,
                  progress: gr.Progress = gr.Progress()) -> tuple[str, str, list[str] | None, str]:  # noqa: B008
            return ui.grade(t, f, p, lv, fw, progress)

        g_btn.click(grade, [g_text, g_file, g_problem, g_level, g_framework], [g_chart, g_md, g_files, g_notice],
                    api_name="grade")
    return demo
