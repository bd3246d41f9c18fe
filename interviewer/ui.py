"""The Gradio app. Handlers are plain functions so tests can call them without a server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gradio as gr  # noqa: E402  (after the offline guards)

from . import offline  # noqa: F401
from .llm import LLM, LLMError

SYSTEM = (
    "You are an interviewer for machine learning system design interviews. "
    "Reply in one to three sentences and ask one question at a time."
)


def chat_handler(llm: LLM) -> Any:
    def respond(message: str, history: list[dict[str, Any]]) -> Iterator[str]:
        text = (message or "").strip()
        if not text:
            yield "Please type an answer first."
            return
        messages = [{"role": "system", "content": SYSTEM}]
        messages += [{"role": h["role"], "content": str(h["content"])} for h in history]
        messages.append({"role": "user", "content": text})
        reply = ""
        try:
            for delta in llm.stream(messages, max_tokens=160, purpose="interviewer"):
                reply += delta
                yield reply
        except LLMError as exc:
            yield (reply + "\n\n" if reply else "") + f"⚠️ {exc}. Your message is kept; send it again."

    return respond


def build_app(llm: LLM) -> gr.Blocks:
    with gr.Blocks(title="mlsd-interviewer") as demo:
        gr.Markdown(f"# ML system design mock interviewer\nBackend: `{llm.model}` at `{llm.base_url}`")
        gr.ChatInterface(chat_handler(llm))
    return demo
