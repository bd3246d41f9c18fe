"""The grader: rubric verdicts with verified evidence, for live answers, write-ups and evals.

Three strategies, one interface:
- probe (default where the server gives token probabilities, the embedded model included): the
  text is numbered once into sentences, each flag's detection question is asked over the few
  sentences that bear on it with one token out, and the calibration combines P(yes) with the flag's
  terms in the best sentence into a verdict (probe.py, lexical.py, calibration.py). Evidence is
  the candidate's own sentence, so it cannot be made up.
  Without logprobs it asks the same questions as a constrained yes/no.
- per_flag / per_phase: a structured verdict with free-text quotes, verified in code (quotes.py);
  per_phase judges all flags of a phase in one call, for strong models without logprobs.
The prompt puts the stable grader text and the candidate's words first and the question last, so
the server reuses the cached prefix across the flags of a phase.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, create_model

from interviewer.content.probes import ProbeBank
from interviewer.content.problems import Problem
from interviewer.content.prompts import render
from interviewer.content.rubric import Flag, FlagKind, Phase, Rubric
from interviewer.grading import anchor, probe
from interviewer.grading.calibration import Calibration, load_calibration
from interviewer.grading.coherence import cohere
from interviewer.grading.judgement import (
    GREEN_CHOICES,
    RED_CHOICES,
    GreenJudgement,
    Judgement,
    RedJudgement,
    phase_schema,
    to_result,
)
from interviewer.grading.quotes import Segment
from interviewer.grading.retrieval import BM25
from interviewer.grading.scorecard import NOT_GRADED, Evidence, FlagResult, empty_result, empty_results
from interviewer.grading.sentences import Sentence, number
from interviewer.grading.triage import REMOVED, Triage, triage
from interviewer.llm.client import LLM, BackendUnavailable, LLMError, NoLogprobs
from interviewer.llm.settings import GraderStrategy, Strategy

GRADER_SLOT = -1  # the embedded server's last slot: the interviewer keeps slot 0 and its cache
Progress = Callable[[int, int, str], None]  # (calls done, calls planned, message)
FLAG_REPLY_TOKENS = 400  # room for one verdict with its quotes
PHASE_REPLY_TOKENS = 350  # per flag, for a call that judges a whole phase
MEMO_SIZE = 50_000  # remembered probes (a 45-minute interview asks a few hundred)


class ProbeMemo:
    """P(yes) by prompt for the graders of one process (an interview's turns and its final card).
    Single flight: a prompt being asked is asked once, a second asker waits for the first answer
    (two turns' grades can run at once), so the same prompt never costs two calls."""

    def __init__(self, size: int = MEMO_SIZE) -> None:
        self.size = size
        self._done: dict[str, float] = {}
        self._asking: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def get(self, key: str, ask: Callable[[], float]) -> float:
        while True:
            with self._lock:
                if key in self._done:
                    return self._done[key]
                waiting = self._asking.get(key)
                if waiting is None:
                    self._asking[key] = threading.Event()
                    break
            waiting.wait()  # the first asker's answer (or its failure: then ask again)
        try:
            p = ask()
            with self._lock:
                if len(self._done) >= self.size:
                    self._done.clear()
                self._done[key] = p
            return p
        finally:
            with self._lock:
                self._asking.pop(key).set()

    def __len__(self) -> int:
        return len(self._done)

    def save(self, path: Path) -> None:
        """Write the answers down (an eval's `--memo`: a re-run after a change to the rules that
        read P(yes) asks the model nothing it was asked before)."""
        with self._lock:
            path.write_text(json.dumps(self._done, sort_keys=True), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> ProbeMemo:
        memo = cls()
        if path.is_file():
            memo._done = {str(k): float(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
        return memo


class YesNo(BaseModel):
    """The fallback for servers without logprobs: the same question, a constrained answer."""

    model_config = ConfigDict(extra="forbid")
    answer: Literal["yes", "no"]


def _bundled_bank(problem_id: str) -> ProbeBank | None:
    from interviewer.content.catalog import Catalog  # the catalog imports grading's rubric checks

    return Catalog.load().bank(problem_id)


def model_family(llm: LLM) -> str:
    """Which calibration file applies: the embedded model's own, else the served model's name."""
    s = llm.settings
    if llm.model == "local":
        return "custom-gguf" if s.model_path else f"qwen2.5-coder-{s.local_model}"
    return llm.model


class Grader:
    """Grades candidate text against a rubric; the same object serves chat, write-ups and evals."""

    def __init__(
        self, llm: LLM, rubric: Rubric, problem: Problem | None = None, *,
        strategy: GraderStrategy = "auto", max_workers: int | None = None,
        input_tokens: int | None = None, progress: Progress | None = None,
        calibration: Calibration | None = None, live: bool = False, memo: ProbeMemo | None = None,
        skip_silent: bool = False, bank: ProbeBank | None = None,
    ) -> None:
        self.llm = llm
        self.rubric = rubric
        self.problem = problem
        # the problem's question bank: its probes' `unless` are evidence in the problem's own words
        self.bank = bank if bank is not None or problem is None else _bundled_bank(problem.id)
        embedded = llm.model == "local"
        if strategy == "auto":  # llama.cpp gives logprobs; a remote server is asked once
            strategy = "probe" if embedded or llm.supports_logprobs() else "per_phase"
        self.strategy: Strategy = strategy
        self.calibration = calibration or load_calibration(model_family(llm))
        # live (an interview): one flag after another in the grader's own slot, so the interviewer's
        # cached prefix stays; otherwise (a write-up, an eval) every slot at once
        self.live = live
        self.memo = memo  # P(yes) by prompt, shared by the graders of one process (an interview's turns)
        # an interview skips the red flags no answer could raise (probe.silent: same verdicts, fewer
        # calls); write-ups and evals ask them all, since calibration is fitted on every P(yes)
        self.skip_silent = skip_silent
        self.left_out: dict[str, int] = {}
        self._constrained = False  # set when the server turned out to give no logprobs
        s = llm.settings
        self.max_workers = max_workers or (s.parallel if embedded else 8)
        # llama.cpp splits its context across slots; leave room for the prompt and the reply.
        self.input_tokens = input_tokens or (max(1024, s.n_ctx // s.parallel - 900) if embedded else 60_000)
        self.progress = progress
        self._done = self._total = 0
        self._abort = ""
        self._count = threading.Lock()
        problem_text = f"{problem.title}. {problem.statement}" if problem else "(a pasted design write-up)"
        self.system = render("grader_system", problem=problem_text)

    # -- public -------------------------------------------------------------------------

    def screen(self, segments: list[Segment]) -> tuple[Triage, list[Segment]]:
        """Triage the whole text; return the verdict and segments with grader-directed text cut."""
        whole = triage("\n\n".join(s.text for s in segments), self.problem.terms if self.problem else set())
        cleaned = [Segment(s.where, triage(s.text).clean_text or s.text) for s in segments]
        return whole, cleaned

    def grade(
        self, segments: list[Segment], phases: list[str] | None = None,
        prefer: dict[str, set[str]] | None = None,
    ) -> tuple[dict[str, list[FlagResult]], Triage]:
        """Grade the named phases (default: all) concurrently; no call for text not worth it."""
        screened, cleaned = self.screen(segments)
        wanted = [p for p in self.rubric.phases if phases is None or p.id in phases]
        if screened.status != "ok":
            return {p.id: empty_results(p) for p in wanted}, screened
        if self.strategy == "probe":
            return self._coherent(self._grade_probe(cleaned, wanted, prefer or {})), screened
        jobs: list[tuple[Phase, list[Segment]]] = [
            (p, self.fit(cleaned, (prefer or {}).get(p.id, set()), self.budget(p))) for p in wanted
        ]
        self._done = 0
        self._abort = ""  # set when the server is unreachable: the remaining calls are not sent
        self._total = len(jobs) if self.strategy == "per_phase" else sum(len(p.flags) for p in wanted)
        with ThreadPoolExecutor(max_workers=self.max_workers) as pool:
            # each call runs in a copy of this context, so usage stays tagged with the session
            if self.strategy == "per_phase":
                futures = {p.id: pool.submit(copy_context().run, self._grade_phase_at_once, p, segs)
                           for p, segs in jobs}
                out = {pid: f.result() for pid, f in futures.items()}
            else:
                per_flag = {
                    (p.id, f.id): pool.submit(copy_context().run, self._grade_one_flag, p, kind, f, segs)
                    for p, segs in jobs for kind, f in p.flags
                }
                out = {p.id: [per_flag[(p.id, f.id)].result() for _, f in p.flags] for p, _ in jobs}
        return self._coherent(out), screened

    def _coherent(self, results: dict[str, list[FlagResult]]) -> dict[str, list[FlagResult]]:
        """Each phase's verdicts with the red flags its greens settle (coherence.py)."""
        phases = {p.id: p for p in self.rubric.phases}
        return {pid: cohere(phases[pid], rs) for pid, rs in results.items()}

    def budget(self, phase: Phase) -> int:
        """Tokens left for candidate text in one call to a local server: its slot holds the system
        prompt, the question (every criterion, for a per-phase call), the text and the reply. Our
        count is the server's own where it gives one, else o200k with a margin (tokens.Counter)."""
        if self.llm.model != "local":
            return self.input_tokens
        s = self.llm.settings
        if self.strategy == "per_phase":
            question, reply = self._phase_prompt(phase, ""), PHASE_REPLY_TOKENS * len(phase.flags)
        else:
            question = max((self._flag_prompt(phase, k, f, "") for k, f in phase.flags), key=len)
            reply = FLAG_REPLY_TOKENS
        count = self.llm.tokens
        overhead = count.count(self.system) + count.count(question) + 60  # + chat template and headers
        return max(200, min(self.input_tokens, int((s.n_ctx // s.parallel - reply) / count.margin) - overhead))

    def fit(self, segments: list[Segment], prefer: set[str], budget: int | None = None) -> list[Segment]:
        """Keep the candidate text within the server's budget: preferred segments first."""
        limit, count = budget or self.input_tokens, self.llm.tokens
        if count.count(self._candidate(segments)) <= limit:
            return segments
        ordered = [s for s in segments if s.where in prefer] + [s for s in segments if s.where not in prefer]
        kept: list[Segment] = []
        used = 0
        for seg in ordered:
            n = count.count(seg.text) + count.count(seg.where) + 4  # its "[where]" header and spacing
            if used + n > limit:
                room = limit - used - count.count(seg.where) - 4
                if room > 100:
                    kept.append(Segment(seg.where, count.truncate(seg.text, room)))
                break
            kept.append(seg)
            used += n
        order = [s.where for s in segments]
        return sorted(kept, key=lambda s: order.index(s.where))

    # -- calls --------------------------------------------------------------------------

    def _candidate(self, segments: list[Segment]) -> str:
        body = "\n\n".join(f"[{s.where}]\n{s.text}" if len(segments) > 1 else s.text for s in segments)
        return body.replace("</candidate>", "<\\/candidate>").replace("<candidate>", "<\\candidate>")

    @staticmethod
    def _flag_prompt(phase: Phase, kind: FlagKind, flag: Flag, candidate: str) -> str:
        return render("grader_flag", candidate=candidate, kind=kind, phase=phase.title, statement=flag.statement,
                      evidence=flag.evidence, choices=GREEN_CHOICES if kind == "green" else RED_CHOICES)

    @staticmethod
    def _phase_prompt(phase: Phase, candidate: str) -> str:
        criteria = "\n".join(f"- {f.id} ({k}): {f.statement} Evidence: {f.evidence}" for k, f in phase.flags)
        return render("grader_phase", candidate=candidate, phase=phase.title, criteria=criteria)

    def _say(self, msg: str) -> None:
        """One call finished (graded or not): report how far the whole grading is."""
        with self._count:
            self._done += 1
            done = self._done
        if self.progress:
            self.progress(done, self._total, msg)

    def _not_graded(self, what: str, exc: LLMError) -> str:
        """Say that a call failed and give the reason its results carry; a server that cannot be
        reached stops the calls still to come (they would fail the same way, each after a timeout)."""
        self._say(f"{what}: not graded ({exc})")
        if isinstance(exc, BackendUnavailable):
            self._abort = str(exc)
        return f"{NOT_GRADED}{exc}"

    def _grade_one_flag(self, phase: Phase, kind: FlagKind, flag: Flag, segments: list[Segment]) -> FlagResult:
        if self._abort:
            return empty_result(kind, flag, f"{NOT_GRADED}{self._abort}")
        user = self._flag_prompt(phase, kind, flag, self._candidate(segments))
        schema: type[Judgement] = GreenJudgement if kind == "green" else RedJudgement
        start = time.perf_counter()
        try:
            judged = self.llm.structured(
                [{"role": "system", "content": self.system}, {"role": "user", "content": user}],
                schema, max_tokens=FLAG_REPLY_TOKENS, purpose=f"grader:{flag.id}",
            )
        except LLMError as exc:
            return empty_result(kind, flag, self._not_graded(flag.id, exc))
        self._say(f"graded {flag.id} in {time.perf_counter() - start:.1f}s")
        return to_result(kind, flag, judged, segments)

    def _grade_phase_at_once(self, phase: Phase, segments: list[Segment]) -> list[FlagResult]:
        if self._abort:
            return empty_results(phase, f"{NOT_GRADED}{self._abort}")
        user = self._phase_prompt(phase, self._candidate(segments))
        try:
            judged = self.llm.structured(
                [{"role": "system", "content": self.system}, {"role": "user", "content": user}],
                phase_schema(phase), max_tokens=PHASE_REPLY_TOKENS * len(phase.flags), purpose=f"grader:{phase.id}",
            )
        except LLMError as exc:
            return empty_results(phase, self._not_graded(phase.id, exc))
        self._say(f"graded phase {phase.id}")
        return [to_result(kind, f, getattr(judged, f.id), segments) for kind, f in phase.flags]


    # -- probe ----------------------------------------------------------------------------

    def _grade_probe(self, segments: list[Segment], wanted: list[Phase],
                     placed: dict[str, set[str]]) -> dict[str, list[FlagResult]]:
        """Flag by flag, each on its own sentences. In an interview the grader keeps to its slot (the
        interviewer's cache stays); a write-up uses every slot of the server at once. `placed` names
        the segments that belong to each phase (a write-up's sections); without it, all do."""
        # what stands where an injection was cut is not the candidate's: it is not numbered or shown
        sentences = number([Segment(s.where, s.text.replace(REMOVED, " ")) for s in segments])
        bm25 = BM25(sentences)
        problem = f"{self.problem.title}. {self.problem.statement.strip()}" if self.problem else "(a design write-up)"
        self._done, self._abort = 0, ""
        self._total = sum(len(p.flags) for p in wanted)
        self.left_out = {}  # each flag's sentences are retrieved from the whole text: nothing is cut
        jobs = [(phase, kind, flag) for phase in wanted for kind, flag in phase.flags]
        own = {p.id: [s for s in sentences if s.where in placed[p.id]] if placed.get(p.id) else sentences
               for p in wanted}

        def one(job: tuple[Phase, FlagKind, Flag]) -> FlagResult:
            return self._probe_one(*job, sentences, bm25, problem, own[job[0].id])

        if self.live or self.max_workers == 1:
            done = [one(j) for j in jobs]
        else:
            with ThreadPoolExecutor(max_workers=self.max_workers) as pool:
                done = list(pool.map(lambda j: copy_context().run(one, j), jobs))
        results = iter(done)
        return {phase.id: [next(results) for _ in phase.flags] for phase in wanted}

    @property
    def slot(self) -> int | None:
        return GRADER_SLOT if self.live else None

    def _probe_one(self, phase: Phase, kind: FlagKind, flag: Flag, sentences: list[Sentence], bm25: BM25,
                   problem: str, in_phase: list[Sentence]) -> FlagResult:
        if self._abort:
            return empty_result(kind, flag, f"{NOT_GRADED}{self._abort}")
        if self.skip_silent and probe.silent(kind, flag, sentences):  # its verdict needs no call
            return probe.unasked(flag)
        ctx = probe.for_flag(flag, sentences, bm25, whole=probe.LIVE_WHOLE if self.live else probe.PER_FLAG)
        messages = probe.prompt(problem, phase, ctx, flag.question)
        start = time.perf_counter()
        try:  # no sentence shares a word with the question: nothing shows it, no call needed
            p_yes = self._p_yes(messages, flag.id) if ctx.sentences else 0.0
            p_also = None
            if flag.also_raised_if:
                also = probe.Context(bm25.top(f"{flag.also_raised_if} {flag.statement}", probe.PER_FLAG))
                p_also = self._p_yes(probe.prompt(problem, phase, also, flag.also_raised_if), flag.id) \
                    if also.sentences else 0.0
        except LLMError as exc:
            return empty_result(kind, flag, self._not_graded(flag.id, exc))
        res = probe.result(kind, flag, p_yes, ctx, bm25, self.calibration, p_also, sentences, in_phase,
                           anchor.reference_words(self.problem, flag) if kind == "green" else frozenset(),
                           anchor.bank_cues(self.bank, flag) if kind == "green" else ())
        if not res.verified:  # positive, but no sentence shares a word with the question: ask which one
            res = self._cite(res, messages, ctx)
        self._say(f"graded {flag.id} in {time.perf_counter() - start:.1f}s")
        return res

    def _cite(self, res: FlagResult, messages: list[dict[str, str]], ctx: probe.Context) -> FlagResult:
        """The model picks the sentence from the closed set of ids shown; anything else earns nothing."""
        ids = [f"S{i}" for i in range(1, len(ctx.sentences) + 1)]  # the excerpt's own numbering
        schema = create_model("Citation", __config__=ConfigDict(extra="forbid"),
                              sentence=(Literal[tuple(ids)], ...))  # type: ignore[valid-type,arg-type]
        ask = messages[:-1] + [{**messages[-1], "content": messages[-1]["content"].rsplit("\n", 1)[0]
                                + "\nWhich one sentence shows it best? Reply with its id, like S3."}]
        try:
            got = self.llm.structured(ask, schema, max_tokens=16, purpose=f"grader:{res.flag_id}:cite",
                                      attempts=1, slot=self.slot)
        except LLMError:
            return res
        chosen = ctx.sentences[int(got.sentence[1:]) - 1]  # type: ignore[attr-defined]
        return res.model_copy(update={"verified": True, "evidence": [
            Evidence(quote=chosen.text, where=chosen.where, sentence=chosen.sid)]})

    def _p_yes(self, messages: list[dict[str, str]], flag_id: str) -> float:
        """P(yes) from logprobs; from a constrained yes/no (0 or 1) when the server has none. The
        same prompt asked again (an interview's final card) is answered from the memo."""
        if self.memo is None:
            return self._ask_yes(messages, flag_id)
        key = hashlib.sha256(f"{self.llm.model}\n{json.dumps(messages)}".encode()).hexdigest()
        return self.memo.get(key, lambda: self._ask_yes(messages, flag_id))

    def _ask_yes(self, messages: list[dict[str, str]], flag_id: str) -> float:
        if not self._constrained:
            try:
                return self.llm.yes_probability(messages, purpose=f"grader:{flag_id}", slot=self.slot)
            except NoLogprobs:
                self._constrained = True
        reply = self.llm.structured(messages, YesNo, max_tokens=16, purpose=f"grader:{flag_id}", slot=self.slot)
        return 1.0 if reply.answer == "yes" else 0.0
