"""The Gradio app's handlers: plain methods, so tests call them without a server (page.py wires them)."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr  # noqa: E402,I001  (after the offline guards)

from interviewer.app.grade_ui import grade_writeup
from interviewer.app.views import (
    answer_bubble,
    chat_messages,
    diagram_preview,
    export_files,
    rubric_panel,
    score_chart,
    scorecard_md,
    timeline_html,
)
from interviewer.interview.sessions import SessionError, Sessions, SessionView
from interviewer.llm import offline  # noqa: F401,I001  (telemetry off before gradio is imported)
from interviewer.llm.client import LLM, LLMError
from interviewer.speech.vocabulary import prompt

MAX_ANSWER_CHARS = 6_000  # about 900 words: a long spoken answer; a pasted essay belongs in Grade a write-up


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
    top: bool = False  # the notice answers Start (shown beside it); others show under the answer box

    def as_tuple(self) -> tuple[Any, ...]:
        """(chat, timeline, flags, chart, scorecard, files, id, notice under the answer box, notice at
        the top, session line): each notice shows next to the control it answers, the other is emptied."""
        label = (f"Session `{self.session_id}` · resume it in a terminal with "
                 f"`interviewer chat --resume {self.session_id}`") if self.session_id else ""
        near, top = ("", self.notice) if self.top else (self.notice, "")
        return (self.chat, self.timeline, self.rubric, self.card_html, self.card_md, self.files,
                self.session_id, near, top, label)


class UI:
    def __init__(self, sessions: Sessions, llm: LLM, export_dir: Path | None = None) -> None:
        self.sessions = sessions
        self.llm = llm
        self.catalog = sessions.context.catalog  # the pickers and the write-up tab: the app's one catalog
        self.strategy = sessions.context.strategy
        self.export_dir = export_dir or Path(tempfile.mkdtemp(prefix="interviewer-exports-"))
        self.hidden_since: dict[str, float] = {}  # session -> clock reading when its tab went hidden

    # -- interview tab -------------------------------------------------------------------

    def _outputs(self, sid: str, chat: list[dict[str, str]] | None = None, notice: str = "",
                 view: SessionView | None = None) -> Outputs:
        view = view or self.sessions.load(sid)
        card = view.scorecard
        files = export_files(view, card, self.export_dir / sid) if card else None
        return Outputs(
            chat=chat if chat is not None else chat_messages(view), timeline=timeline_html(view),
            rubric=rubric_panel(view), card_html=score_chart(card) if card else "",
            card_md=scorecard_md(card) if card else "", files=files, session_id=sid, notice=notice,
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
        yield self._outputs(sid, view=self.sessions.after.pop(sid, None))  # the view the turn left

    def start(self, problem: str, level: str, framework: str, current: str = "",
              confirmed: bool = True, hints: bool = False, drill: str = "") -> Iterator[Outputs]:
        """A new interview (or a one-phase `drill`); while `current` runs, only a second press
        (`confirmed`) leaves it."""
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
            sid, stream = self.sessions.start(problem or None, level, framework, hints=hints, drill=drill)
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
            yield self._outputs(sid, notice="Type an answer first.", view=view)
            return
        if len(text) > MAX_ANSWER_CHARS:
            out = self._outputs(sid, notice=too_long(text), view=view)
            out.keep = text
            yield out
            return
        chat = chat_messages(view) + [{"role": "user", "content": answer_bubble(text)}]
        try:
            stream = self.sessions.send(sid, text, view)
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

    def hint(self, sid: str) -> Outputs:
        """One nudge toward what this phase still misses; it shows in the chat and on the scorecard."""
        if not sid:
            return Outputs([], "", "", "", "", None, "", notice="Start an interview first.")
        try:
            self.sessions.hint(sid)
        except SessionError as exc:
            return self._outputs(sid, notice=str(exc))
        return self._outputs(sid)

    # -- whiteboard ---------------------------------------------------------------------

    def save_diagram(self, sid: str, source: str) -> tuple[str, str, Any]:
        """(preview, error or note, flags panel): a version with its time, graded like an answer."""
        preview, error = diagram_preview(source)
        if not sid:
            return preview, "Start an interview first: the diagram stays in the box.", gr.skip()
        if error:
            return preview, f"{error} — not saved; the text stays in the box.", gr.skip()
        try:
            self.sessions.save_diagram(sid, source)
        except SessionError as exc:
            return preview, f"⚠️ {exc}", gr.skip()
        view = self.sessions.load(sid)
        return preview, saved_note(view), rubric_panel(view)

    def diagram_of(self, sid: str | None) -> tuple[Any, Any, Any]:
        """After a reload or a new start: the session's last saved diagram in the box, drawn, with
        its "Saved version N" line (a session with none leaves the box as it is: nothing typed is
        thrown away)."""
        try:
            view = self.sessions.load(sid) if sid else None
        except SessionError:
            view = None
        if view is None or not view.diagram:
            return gr.skip(), gr.skip(), gr.skip()
        return view.diagram, diagram_preview(view.diagram)[0], saved_note(view)

    def vocabulary(self, sid: str | None) -> str:
        """What speech to text is primed with for the running interview: its problem's and rubric's
        terms and the ML jargon list ('' without an interview: the transcriber's own default)."""
        try:
            view = self.sessions.load(sid) if sid else None
        except SessionError:
            view = None
        if view is None:
            return ""
        return prompt(self.catalog.problem(view.problem_id), view.rubric)

    def panel(self, sid: str | None) -> str:
        """The live flags panel, polled: a grade shows up when it lands, not on the next answer."""
        if not sid:
            return gr.skip()  # type: ignore[no-any-return]
        try:
            return rubric_panel(self.sessions.load(sid))
        except SessionError:
            return gr.skip()  # type: ignore[no-any-return]

    def tick(self, sid: str | None, visible: bool = True) -> tuple[Any, Any]:
        """The poll (the page's heartbeat): flags that landed, and the timeline's clock (a live
        countdown of the phase). While the tab is hidden the interview clock stops: the time
        between the first hidden beat and the next visible one is taken off it."""
        if sid and not visible:
            self.hidden_since.setdefault(sid, self.sessions.context.clock.now())
            return gr.skip(), gr.skip()
        if sid and sid in self.hidden_since:
            away = self.sessions.context.clock.now() - self.hidden_since.pop(sid)
            with contextlib.suppress(SessionError):  # the session was deleted meanwhile
                self.sessions.pause(sid, away)
        try:
            view = self.sessions.load(sid) if sid else None
        except SessionError:
            view = None
        if view is None:
            return gr.skip(), gr.skip()
        return rubric_panel(view), timeline_html(view)

    def pickers(self, sid: str | None) -> tuple[Any, Any, Any]:
        """After a reload the pickers show the running interview's problem, level and framework."""
        try:
            view = self.sessions.load(sid) if sid else None
        except SessionError:
            view = None
        if view is None:
            return gr.skip(), gr.skip(), gr.skip()
        return view.problem_id, view.level, view.framework

    def on_load(self, sid: str | None) -> tuple[Any, ...]:
        """The page's load event: the browser's running interview; with none stored, no update at
        all, so an interview started while the page was still loading is not wiped by this event."""
        if not sid:
            return tuple(gr.skip() for _ in self.resume(sid).as_tuple())
        return self.resume(sid).as_tuple()

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
        """(chart, scorecard, files, notice) of a pasted or uploaded write-up; see grade_ui."""
        return grade_writeup(self, text, upload, problem, level, framework, progress)

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


def too_long(text: str) -> str:
    """Why an answer was not sent, with its numbers, and that nothing of it was lost."""
    return (f"⚠️ Not sent: this answer is {len(text):,} characters, {len(text) - MAX_ANSWER_CHARS:,} over the "
            f"{MAX_ANSWER_CHARS:,}-character limit. All of it is still in the box: send it in parts of up to "
            f"{MAX_ANSWER_CHARS:,} characters, or grade it whole in the Grade a write-up tab.")


def saved_note(view: SessionView) -> str:
    return f"Saved version {len(view.diagrams)} at {view.diagrams[-1]['t'] / 60:.1f} min."
