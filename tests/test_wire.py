"""The real wire exchange with the embedded server, replayed from cassettes (record: `make record`)."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, Field

from interviewer.llm import LLM


class ProblemRead(BaseModel):
    model_config = ConfigDict(extra="forbid")
    task_type: str = Field(max_length=40)
    needs_realtime: bool
    first_question: str = Field(max_length=200)


PROMPT = [
    {"role": "system", "content": "You are an ML system design interviewer. Be brief."},
    {"role": "user", "content": "Design a system that flags fraudulent card payments at checkout."},
]


@pytest.mark.vcr
def test_streamed_reply_from_the_embedded_server(wire_llm: LLM) -> None:
    deltas = list(wire_llm.stream(PROMPT, max_tokens=60, purpose="interviewer"))
    text = "".join(deltas)
    assert len(deltas) > 3 and len(text.split()) >= 3
    call = wire_llm.usage.calls[-1]
    assert call.prompt_tokens > 20 and 0 < call.completion_tokens <= 60
    assert call.ttft_s is not None


@pytest.mark.vcr
def test_structured_output_is_schema_valid(wire_llm: LLM) -> None:
    ask = "Classify the ML task and give your first clarifying question."
    messages = PROMPT + [{"role": "user", "content": ask}]
    got = wire_llm.structured(messages, ProblemRead, max_tokens=150)
    assert isinstance(got, ProblemRead) and got.first_question.strip()
    assert wire_llm.capabilities().json_schema is True
