"""The one LLM client: plain, streaming and structured chat on the openai SDK, with usage."""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import openai
from pydantic import BaseModel, ValidationError

from interviewer.llm import tokens
from interviewer.llm.settings import Settings
from interviewer.llm.usage import CallUsage, UsageLog, read_usage

T = TypeVar("T", bound=BaseModel)
Message = dict[str, str]

class LLMError(RuntimeError):
    """A failure the user should read: says what went wrong and what to try."""


class BackendUnavailable(LLMError):
    """The server cannot be reached or refuses us outright: no point sending more calls now."""


class StructuredOutputError(LLMError):
    """The model did not produce valid output for the schema after every re-ask."""


class NoLogprobs(LLMError):
    """The server gave no token probabilities: the grader takes its constrained yes/no fallback."""


YES, NO = {"yes"}, {"no"}


@dataclass(frozen=True)
class Capabilities:
    json_schema: bool
    streaming: bool
    model: str


def _add_usage(resp: Any, call: CallUsage) -> None:
    """Add one attempt's tokens to a call that may span several (a re-asked structured call)."""
    before = (call.prompt_tokens, call.cached_tokens, call.completion_tokens)
    read_usage(resp.usage, resp.model_extra, call)
    call.prompt_tokens += before[0]
    call.cached_tokens += before[1]
    call.completion_tokens += before[2]


def _clean(messages: list[Message]) -> list[Message]:
    """Never end on an empty assistant turn: llama.cpp takes it as a prefill and Qwen says nothing."""
    out = list(messages)
    while out and out[-1]["role"] == "assistant" and not out[-1]["content"].strip():
        out.pop()
    return out


class LLM:
    """Talks to any OpenAI-compatible server; the settings say which one."""

    def __init__(
        self,
        settings: Settings,
        *,
        base_url: str | None = None,
        http_client: Any = None,
        usage: UsageLog | None = None,
    ) -> None:
        self.settings = settings
        self.model = settings.resolved_model
        self.base_url = base_url or settings.resolved_base_url
        if self.base_url is None:
            raise LLMError("no LLM server: start the embedded model or set OPENAI_BASE_URL")
        key = settings.api_key.get_secret_value() if settings.api_key else "not-needed"
        self.client = openai.OpenAI(
            base_url=self.base_url,
            api_key=key,
            timeout=settings.timeout,
            max_retries=settings.max_retries,
            http_client=http_client,
        )
        self.usage = usage or UsageLog()
        # exact counts where the server is llama.cpp (the embedded model or a local server), else o200k
        self.tokens = tokens.Counter(self.base_url if self.model == "local" else None)
        # Called when the server cannot be reached; True means it was restarted: try once more.
        self.recover: Callable[[], bool] | None = None
        self._caps: Capabilities | None = None
        self._logprobs: bool | None = None
        self._caps_lock = threading.Lock()

    # -- errors -------------------------------------------------------------------------

    def explain(self, exc: Exception) -> LLMError:
        where = f"the LLM server at {self.base_url}"
        if isinstance(exc, openai.APITimeoutError):
            return LLMError(f"{where} did not answer within {self.settings.timeout:.0f}s; try again")
        if isinstance(exc, openai.APIConnectionError):
            return BackendUnavailable(f"cannot reach {where}; is it running? ({exc.__cause__ or exc})")
        if isinstance(exc, openai.AuthenticationError):
            return BackendUnavailable(f"{where} refused the API key; check OPENAI_API_KEY")
        if isinstance(exc, openai.RateLimitError):
            return LLMError(f"{where} is rate-limiting us (429) after retries; wait and try again")
        if isinstance(exc, openai.APIStatusError):
            return LLMError(f"{where} answered HTTP {exc.status_code}: {exc.message}")
        return LLMError(f"{where} failed: {exc}")

    def _params(self, max_tokens: int, stop: list[str] | None, slot: int | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": self.model,
            "temperature": self.settings.temperature,
            "max_tokens": max_tokens,
        }
        if stop:
            params["stop"] = stop
        if slot is not None and self.pins_slots:
            # llama.cpp: keep this caller's cached prefix in its own slot (interviewer 0, grader last)
            params["extra_body"] = {"id_slot": slot % self.settings.parallel}
        return params

    @property
    def pins_slots(self) -> bool:
        """The embedded llama.cpp server has several slots we can pin callers to."""
        return self.model == "local" and self.settings.parallel >= 2

    def _create(self, **kwargs: Any) -> Any:
        """A plain chat completion (the SDK's overloads are too narrow for dict-built params)."""
        return self._call(lambda: self.client.chat.completions.create(**kwargs))

    def _call(self, send: Callable[[], Any]) -> Any:
        """The one place a request leaves: a server that went away and was restarted is asked again."""
        try:
            return send()
        except openai.APIConnectionError:
            if self.recover is not None and self.recover():
                return send()
            raise

    @contextmanager
    def _metered(self, purpose: str, *, keep_failed: bool, attempts: int = 1) -> Iterator[CallUsage]:
        """One call's usage, timed and logged when the block ends. A call that raised is logged only
        with `keep_failed` (a stream or a re-asked structured call may have spent tokens before it
        failed; a plain call that raised got no reply to count)."""
        call = CallUsage(purpose=purpose, model=self.model, attempts=attempts)
        start = time.perf_counter()
        ok = False
        try:
            yield call
            ok = True
        finally:
            call.latency_s = time.perf_counter() - start
            if ok or keep_failed:
                self.usage.add(call)

    # -- calls --------------------------------------------------------------------------

    def chat(
        self, messages: list[Message], *, max_tokens: int = 512, purpose: str = "chat",
        stop: list[str] | None = None, slot: int | None = None,
    ) -> str:
        with self._metered(purpose, keep_failed=False) as call:
            try:
                resp = self._create(
                    messages=_clean(messages), **self._params(max_tokens, stop, slot)
                )
            except openai.OpenAIError as exc:
                raise self.explain(exc) from exc
            read_usage(resp.usage, resp.model_extra, call)
        return resp.choices[0].message.content or ""

    def yes_probability(self, messages: list[Message], *, purpose: str = "probe", slot: int | None = None) -> float:
        """P(yes) / (P(yes) + P(no)) for a one-token reply, from the server's top logprobs."""
        with self._metered(purpose, keep_failed=False) as call:
            try:
                resp = self._create(messages=_clean(messages), logprobs=True, top_logprobs=10,
                                    **self._params(1, None, slot))
            except openai.BadRequestError as exc:
                raise NoLogprobs(f"{self.model} refused logprobs: {exc.message}") from exc
            except openai.OpenAIError as exc:
                raise self.explain(exc) from exc
            read_usage(resp.usage, resp.model_extra, call)
        choice = resp.choices[0]
        content = choice.logprobs.content if choice.logprobs is not None else None
        if not content or not content[0].top_logprobs:
            raise NoLogprobs(f"{self.model} at {self.base_url} returned no token probabilities")
        yes = no = 0.0
        for top in content[0].top_logprobs:
            word = top.token.strip().lower()
            if word in YES:
                yes += math.exp(top.logprob)
            elif word in NO:
                no += math.exp(top.logprob)
        if yes + no == 0:  # neither word among the top tokens: no evidence either way
            return 0.5
        return yes / (yes + no)

    def supports_logprobs(self) -> bool:
        """Probed once, only by a grader that wants them (other callers never pay the call)."""
        with self._caps_lock:
            if self._logprobs is None:
                try:
                    self.yes_probability([{"role": "user", "content": "Is 2 greater than 1? Answer Yes or No."}],
                                         purpose="probe")
                    self._logprobs = True
                except NoLogprobs:
                    self._logprobs = False
            return self._logprobs

    def stream(
        self, messages: list[Message], *, max_tokens: int = 512, purpose: str = "chat",
        stop: list[str] | None = None, slot: int | None = None,
    ) -> Iterator[str]:
        """Yield text deltas as they arrive; usage is recorded when the stream ends."""
        finished = False
        chunks: Any = None
        with self._metered(purpose, keep_failed=True) as call:
            start = time.perf_counter()
            try:
                chunks = self._create(
                    messages=_clean(messages),
                    stream=True,
                    stream_options={"include_usage": True},
                    **self._params(max_tokens, stop, slot),
                )
                for chunk in chunks:
                    if chunk.usage is not None or (chunk.model_extra or {}).get("timings"):
                        read_usage(chunk.usage, chunk.model_extra, call)
                    if not chunk.choices:
                        continue
                    finished = finished or chunk.choices[0].finish_reason is not None
                    delta = chunk.choices[0].delta.content
                    if delta:
                        if call.ttft_s is None:
                            call.ttft_s = time.perf_counter() - start
                        yield delta
            except openai.OpenAIError as exc:
                raise self.explain(exc) from exc
            finally:
                if not finished and chunks is not None and hasattr(chunks, "close"):
                    chunks.close()  # a caller that stopped reading: free the connection (the server stops too)
        if not finished:  # the connection closed before the server said the reply was complete
            raise LLMError(f"the reply from the LLM server at {self.base_url} was cut off midway; try again")

    def structured(
        self, messages: list[Message], schema: type[T], *, max_tokens: int = 512,
        purpose: str = "structured", attempts: int = 3, slot: int | None = None,
    ) -> T:
        """Parse the reply into `schema` with the SDK's `parse()` where the server enforces a JSON
        schema, else from a prompt that shows it. The SDK retries the transport; a reply that is cut
        off or does not validate is asked again with what was wrong (the SDK does not re-ask)."""
        json_schema = self.capabilities().json_schema
        convo = _clean(messages)
        if not json_schema:
            hint = json.dumps(schema.model_json_schema())
            convo = convo[:-1] + [
                {**convo[-1], "content": f"{convo[-1]['content']}\n\nReply with JSON only, matching: {hint}"}
            ]
        params = self._params(max_tokens, None, slot)
        ask, problem = convo, ""
        with self._metered(purpose, keep_failed=True, attempts=0) as call:
            for _ in range(attempts):
                call.attempts += 1
                try:
                    return self._parse_once(ask, schema, params, json_schema, call)
                except openai.LengthFinishReasonError:
                    problem = f"the reply was cut off at {max_tokens} tokens"
                    fix = "Your reply was cut off. Reply again with shorter text in every field."
                except ValidationError as exc:
                    problem = f"invalid output: {exc.errors()[0]['msg']}"
                    fix = (f"Your reply did not match the required JSON schema: {exc}. "
                           "Reply again with only the corrected JSON.")
                except openai.OpenAIError as exc:
                    raise self.explain(exc) from exc
                ask = convo + [{"role": "user", "content": fix}]
        raise StructuredOutputError(
            f"{self.model} gave no valid {schema.__name__} after {attempts} tries ({problem})"
        )

    def _parse_once(
        self, convo: list[Message], schema: type[T], params: dict[str, Any], json_schema: bool, call: CallUsage,
    ) -> T:
        """One structured call; its usage is added to `call` even when the reply is cut off."""
        if json_schema:
            try:
                resp = self._call(lambda: self.client.chat.completions.parse(
                    messages=convo, response_format=schema, **params))  # type: ignore[arg-type]
            except openai.LengthFinishReasonError as exc:
                _add_usage(exc.completion, call)
                raise
            _add_usage(resp, call)
            parsed = resp.choices[0].message.parsed
            # no parse (a refusal, an empty reply): validating the text raises what was wrong
            return parsed if parsed is not None else schema.model_validate_json(resp.choices[0].message.content or "")
        resp = self._create(messages=convo, **params)
        _add_usage(resp, call)
        if resp.choices[0].finish_reason == "length":
            raise openai.LengthFinishReasonError(completion=resp)
        return schema.model_validate_json(resp.choices[0].message.content or "")

    # -- capabilities -------------------------------------------------------------------

    def capabilities(self) -> Capabilities:
        """Probe once: does the server enforce json_schema, and does it stream?"""
        with self._caps_lock:  # concurrent grader threads must not each probe
            if self._caps is None:
                self._caps = self._probe()
            return self._caps

    def _probe(self) -> Capabilities:
        probe_schema = {
            "type": "object",
            "properties": {"ok": {"type": "boolean"}},
            "required": ["ok"],
            "additionalProperties": False,
        }
        messages = [{"role": "user", "content": "Is 2 greater than 1? Answer in JSON."}]
        try:
            resp = self._create(
                messages=messages,
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": "probe", "schema": probe_schema, "strict": True},
                },
                **self._params(16, None),
            )
            json_schema = isinstance(json.loads(resp.choices[0].message.content or ""), dict)
        except (openai.BadRequestError, openai.UnprocessableEntityError, json.JSONDecodeError):
            json_schema = False
        except openai.OpenAIError as exc:
            raise self.explain(exc) from exc
        try:
            deltas = list(self.stream(messages, max_tokens=4, purpose="probe"))
            streaming = bool(deltas)
        except LLMError:
            streaming = False
        return Capabilities(json_schema=json_schema, streaming=streaming, model=self.model)
