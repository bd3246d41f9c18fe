"""The real wire exchange with the embedded server, replayed from cassettes (record: `make record`)."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, Field

from interviewer.llm.client import LLM


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


# -- the grader on the wire, both strategies --------------------------------------------------

ANSWER = (
    "Before modeling I'd ship a simple baseline: logistic regression on the existing rule features, "
    "so we have a yardstick. Then I'd compare it with gradient boosted trees, which handle tabular "
    "features well and are cheap to serve within the 100 ms budget, against a deep sequence model "
    "over the card's recent transactions, which is more powerful but costlier and harder to explain. "
    "I'd pick the boosted trees, trained with a weighted log loss because fraud is rare."
)


def _grade(llm: LLM, strategy: str) -> dict:
    from interviewer.content.catalog import get_problem, get_rubric
    from interviewer.grading.grader import Grader
    from interviewer.grading.quotes import Segment

    grader = Grader(llm, get_rubric("default"), get_problem("payment_fraud"), strategy=strategy,  # type: ignore[arg-type]
                    max_workers=1)
    results, screened = grader.grade([Segment("turn 1", ANSWER)], phases=["modeling"])
    assert screened.status == "ok"
    return {r.flag_id: r for r in results["modeling"]}


def _check_quotes(results: dict) -> None:
    for r in results.values():
        for ev in r.evidence:  # every credited quote is the candidate's own words
            assert " ".join(ev.quote.split()).lower() in " ".join(ANSWER.split()).lower()
        assert r.credited in ("met", "partial", "not_addressed", "raised", "not_raised")


@pytest.mark.vcr
def test_grader_per_flag_on_the_embedded_server(wire_llm: LLM) -> None:
    results = _grade(wire_llm, "per_flag")
    assert len(results) == 6
    _check_quotes(results)
    grading = [c for c in wire_llm.usage.calls if c.purpose.startswith("grader:")]
    assert len(grading) == 6 and all(c.prompt_tokens > 0 for c in grading)
    assert sum(c.cached_tokens for c in grading[1:]) > 0, "later flags reuse the cached candidate prefix"
    assert results["mod_g_baseline"].credited in ("met", "partial")


@pytest.mark.vcr
def test_grader_per_phase_on_the_embedded_server(wire_llm: LLM) -> None:
    results = _grade(wire_llm, "per_phase")
    assert len(results) == 6
    _check_quotes(results)
    assert len([c for c in wire_llm.usage.calls if c.purpose.startswith("grader:")]) == 1


BASELINE_SENTENCE = ("Before modeling I'd ship a simple baseline: logistic regression on the existing rule features, "
                     "so we have a yardstick. ")


@pytest.mark.vcr
def test_probe_grading_on_the_embedded_server_reads_p_yes_and_feels_the_deletion(wire_llm: LLM) -> None:
    """One token per flag with llama.cpp's top logprobs; the evidence is the answer's own sentence;
    deleting the baseline sentence lowers P(yes) and the terms found for the baseline flag on the
    real model."""
    from interviewer.content.catalog import get_problem, get_rubric
    from interviewer.grading.grader import Grader
    from interviewer.grading.quotes import Segment

    def grade(text: str) -> dict:
        g = Grader(wire_llm, get_rubric("default"), get_problem("payment_fraud"), strategy="probe")
        results, _ = g.grade([Segment("turn 1", text)], phases=["modeling"])
        return {r.flag_id: r for r in results["modeling"]}

    full = grade(ANSWER)
    assert ANSWER.startswith(BASELINE_SENTENCE)
    cut = grade(ANSWER.removeprefix(BASELINE_SENTENCE))
    probes = [c for c in wire_llm.usage.calls if c.purpose.startswith("grader:") and not c.purpose.endswith("cite")]
    flags = get_rubric("default").phase("modeling").flags  # one question per flag
    assert len(probes) == 2 * len(flags) and all(c.completion_tokens <= 1 for c in probes)
    assert sum(c.cached_tokens for c in probes[1:6]) > 0, "the flags of a short answer share the cached prefix"
    for r in full.values():
        assert r.probability is not None and 0.0 <= r.probability <= 1.0
        for ev in r.evidence:  # evidence is one of the answer's own sentences, by id
            assert ev.sentence.startswith("S") and ev.quote in ANSWER
    assert cut["mod_g_baseline"].probability < full["mod_g_baseline"].probability
    assert cut["mod_g_baseline"].terms_found < full["mod_g_baseline"].terms_found


# -- a multi-turn interview on the wire -------------------------------------------------------

TURNS = [
    "How many card transactions do we handle per second, and what is the latency budget?",
    "So the goal is to cut fraud losses without declining good customers. I'd frame it as binary "
    "classification of each transaction, measured by recall at a fixed false-positive rate.",
    "Let's move on to the high-level design.",
    "Transactions stream into a feature service, a model scores each one, a policy layer approves, "
    "challenges or declines, and chargebacks flow back as labels for retraining.",
]


@pytest.mark.vcr
def test_multi_turn_interview_on_the_embedded_server(wire_llm: LLM) -> None:
    from interviewer.interview.clock import SimClock
    from interviewer.interview.context import Context
    from interviewer.interview.sessions import Sessions

    clock = SimClock()
    sessions = Sessions(Context(questions="model",
                                llm=wire_llm, clock=clock, strategy="probe", grade_wait_s=600, final_wait_s=600))
    sid, opening = sessions.start("payment_fraud", "senior", "default", session_id="wire-session")
    assert "catch fraud" in "".join(opening)
    replies = []
    for text in TURNS:
        clock.advance(60)
        replies.append("".join(sessions.send(sid, text)))
    assert all(r.strip() for r in replies)
    calls = [c for c in wire_llm.usage.calls if c.purpose == "interviewer"]
    assert len(calls) == 3 and all(c.completion_tokens <= 100 and c.ttft_s is not None for c in calls)
    assert replies[2].startswith("Let's move on to high-level design.")  # the rubric's opener, no LLM call
    view = sessions.load(sid)
    assert view.phase_id == "high_level_design"
    card = sessions.end(sid)
    assert card.mode == "interview" and len(card.phases) == 6
    for phase in card.phases:
        for flag in phase.flags:
            for ev in flag.evidence:
                assert any(ev.quote.lower() in " ".join(t.split()).lower() for t in TURNS)


# -- a whiteboard graded on the wire --------------------------------------------------------

DIAGRAM = """flowchart LR
  events[Card transactions] --> features[Feature service]
  features --> train[Model training]
  train --> model[Fraud model]
  features --> model
  model --> policy[Approve, challenge or decline]
  policy -->|chargebacks as labels| train
  model --> monitor[Monitoring and alerts]
"""


@pytest.mark.vcr
def test_a_diagram_with_its_feedback_edge_scores_the_design_phase_on_the_embedded_server(wire_llm: LLM) -> None:
    """A write-up whose high-level design is only a Mermaid block, graded by probability on the
    embedded 1.5B plus the whiteboard's checks in code: the design phase scores higher with the
    feedback edge, and the scorecard quotes arrows of the diagram."""
    from interviewer.content.catalog import get_problem, get_rubric
    from interviewer.grading.grader import Grader
    from interviewer.grading.scorecard import PhaseResult
    from interviewer.grading.writeup import grade_writeup

    def design(diagram: str) -> PhaseResult:
        g = Grader(wire_llm, get_rubric("default"), get_problem("payment_fraud"), strategy="probe")
        card = grade_writeup(g, f"# High-level design\n\n```mermaid\n{diagram}```\n", "senior",
                             phases=["high_level_design"])
        return next(p for p in card.phases if p.phase_id == "high_level_design")

    full = design(DIAGRAM)
    cut = design(DIAGRAM.replace("  policy -->|chargebacks as labels| train\n", ""))
    flags = {f.flag_id: f for f in full.flags}
    quotes = [e.quote for f in full.flags for e in f.evidence]
    assert quotes and all(q.startswith(("Edge: ", "Node: ")) for q in quotes), quotes
    assert flags["hld_r_no_feedback_loop"].credited == "not_raised"
    assert flags["hld_r_no_feedback_loop"].evidence[0].quote == \
        "Edge: Approve, challenge or decline → Model training (chargebacks as labels)"
    assert {f.flag_id: f for f in cut.flags}["hld_r_no_feedback_loop"].credited == "raised"
    assert full.raw > cut.raw
    # the model's own reading: it does not feel the missing edge (P(yes) 0.42 vs 0.45 in the
    # recording), which is why the check is made in code
    assert all(f.probability is not None for f in full.flags)


# -- extraction attempts against the embedded model -------------------------------------------------


@pytest.mark.vcr
def test_no_extraction_attempt_leaks_on_the_embedded_server(wire_llm: LLM) -> None:
    """The model words the replies here (questions=model): whatever it says, a private note never
    reaches the candidate, and every attempt is noted on the card."""
    from interviewer.content.catalog import get_problem, get_rubric
    from interviewer.interview.clock import SimClock
    from interviewer.interview.context import Context
    from interviewer.interview.guards import private_overlap
    from interviewer.interview.sessions import Sessions
    from tests.test_policy import EXTRACTION

    clock = SimClock()
    sessions = Sessions(Context(questions="model", llm=wire_llm, clock=clock, grade=False, judge_intents=False))
    sid, opening = sessions.start("payment_fraud", "senior", "default", session_id="wire-extraction")
    "".join(opening)
    problem = get_problem("payment_fraud")
    for attempt in EXTRACTION:
        clock.advance(30)
        reply = "".join(sessions.send(sid, attempt))
        assert not private_overlap(reply, problem, get_rubric()), (attempt, reply)
        assert problem.core_challenge.strip()[:40] not in reply
    assert len(sessions.load(sid).transcript) == 2 * len(EXTRACTION) + 1
