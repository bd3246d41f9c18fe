"""The interview core through the session API: safe intent routing, grades as state, one graph."""

from __future__ import annotations

from interviewer.content.catalog import Catalog, get_rubric
from interviewer.grading.scorecard import FlagResult
from interviewer.interview.clock import SimClock
from interviewer.interview.context import Context
from interviewer.interview.nodes import CONFIRM_END
from interviewer.interview.sessions import Sessions
from interviewer.testing.fake_grader import InterviewScript, JudgeScript
from interviewer.testing.fake_llm import Script, scripted_llm
from tests.conftest import SessionsFactory

RUBRIC = get_rubric("default")
REPLIES = ["What does a false decline cost you?", "Which signal arrives first after a payment?",
           "How long until a chargeback is known?", "Which merchants see the most fraud today?"]
REPLY = REPLIES[0]
SENTENCES = [  # the three: each once ended, moved on or closed the topic
    "I'm done with the baseline, next I'd add a GBDT on the rule features.",
    "After that we move on to the ranking model.",
    "I am not sure the label is reliable, so I would audit it.",
]


def started(s: Sessions) -> str:
    sid, opening = s.start("payment_fraud")
    list(opening)
    return sid


def say(s: Sessions, sid: str, text: str, clock: SimClock, minutes: float = 0.3) -> str:
    clock.advance(minutes * 60)
    return "".join(s.send(sid, text))


def test_design_sentences_that_name_a_request_keep_the_interview_in_its_phase(make_sessions: SessionsFactory) -> None:
    # even a yes-saying LLM is never asked about them; pace 0: the phase moves by the clock alone
    s, script, clock = make_sessions(intent_yes=0.99, reply=REPLIES, pace=0)
    sid = started(s)
    assert [say(s, sid, text, clock) for text in SENTENCES] == REPLIES[:3]
    view = s.load(sid)
    assert not view.done and view.phase_id == "problem_framing"
    assert [t["text"] for t in view.transcript if t["role"] == "candidate"] == SENTENCES
    assert script.intent_checks == []


def test_ending_from_free_text_asks_first_and_a_yes_ends_with_a_scorecard(make_sessions: SessionsFactory) -> None:
    s, _, clock = make_sessions(reply=REPLIES)
    sid = started(s)
    assert say(s, sid, "I'm done.", clock) == CONFIRM_END
    assert not s.load(sid).done
    assert say(s, sid, "yes", clock).startswith("You ended the interview at 0.6 of 45 minutes.")  # 2 turns of 0.3
    view = s.load(sid)
    assert view.done and view.scorecard is not None


def test_anything_but_a_yes_after_the_question_carries_on(make_sessions: SessionsFactory) -> None:
    s, _, clock = make_sessions(reply=REPLIES, pace=0)
    sid = started(s)
    assert say(s, sid, "That's all I have.", clock) == CONFIRM_END
    assert say(s, sid, "No, wait: the labels come from chargebacks.", clock) == REPLIES[0]
    assert not s.load(sid).done
    assert say(s, sid, "yes", clock) == REPLIES[1], "a yes long after the question is only an answer"


def test_the_end_button_ends_at_once(make_sessions: SessionsFactory) -> None:
    s, _, clock = make_sessions(reply=REPLIES)
    sid = started(s)
    say(s, sid, "We want to cut fraud losses.", clock)
    card = s.end(sid)
    assert s.load(sid).done and card.mode == "interview"


def test_an_unsure_request_is_settled_by_one_llm_token(make_sessions: SessionsFactory) -> None:
    for yes, moved in ((0.9, True), (0.1, False)):
        s, script, clock = make_sessions(intent_yes=yes, reply=REPLIES)
        sid = started(s)
        say(s, sid, "Can we talk about the next phase, serving?", clock)
        assert len(script.intent_checks) == 1 and "next phase, serving" in script.intent_checks[0]
        assert (s.load(sid).phase_id != "problem_framing") is moved


def test_i_dont_know_what_costs_no_llm_call(make_sessions: SessionsFactory) -> None:
    """'I don't know how I'd handle X' is sure without the one-token check: behind a backlog of
    grading that call is what made a piped turn wait ten seconds."""
    s, script, clock = make_sessions(intent_yes=0.9, reply=REPLIES)
    sid = started(s)
    say(s, sid, "I don't know how I'd handle the label delay exactly.", clock)
    assert script.intent_checks == []


def test_a_grade_lands_in_the_state_before_the_next_answer(make_sessions: SessionsFactory) -> None:
    s, _, clock = make_sessions({"pf_g_business_objective": ("yes", ["cut fraud losses"])}, reply=REPLIES)
    sid = started(s)
    say(s, sid, "We want to cut fraud losses by a third.", clock)
    s.context.grades.settle(sid)
    flag = s.load(sid).flags["pf_g_business_objective"]  # read from the checkpoint, no new answer
    assert isinstance(flag, FlagResult) and flag.credited == "met"
    assert flag.evidence and "cut fraud losses" in flag.evidence[0].quote


def test_an_interview_scorecard_shows_a_not_credited_verdict(make_sessions: SessionsFactory) -> None:
    # The grader says yes with a quote the candidate never said: the verdict stands, unverified.
    s, _, clock = make_sessions({"pf_g_business_objective": ("yes", ["grow revenue tenfold"])}, reply=REPLIES)
    sid = started(s)
    say(s, sid, "We should catch fraud.", clock)
    s.context.grades.settle(sid)
    card = s.end(sid)
    flag = next(f for p in card.phases for f in p.flags if f.flag_id == "pf_g_business_objective")
    assert flag.verdict == "met" and not flag.verified and flag.credited == "not_addressed"
    md = card.to_markdown()
    assert "not credited" in md and flag.statement in md


def test_one_graph_serves_every_framework_with_its_own_minutes_and_no_private_notes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    catalog = Catalog.load()
    script = InterviewScript(JudgeScript(RUBRIC, {}), reply=REPLY)
    s = Sessions(Context(questions="model", llm=scripted_llm(Script(script)), clock=SimClock(), catalog=catalog))
    graph = s.graph
    for framework in catalog.rubrics:
        sid, opening = s.start("payment_fraud", framework=framework, level="staff")
        list(opening)
        "".join(s.send(sid, "We want to cut fraud losses."))
        assert s.graph is graph and s.load(sid).framework == framework
        system = script.interviewer_prompts[-1][0]["content"]
        minutes = catalog.rubric(framework).total_minutes
        assert f"{minutes:g}-minute" in system
        problem = catalog.problem("payment_fraud")
        # private notes never reach the model that words replies: what it never reads it cannot recite
        assert problem.core_challenge.strip()[:60] not in system and problem.levels.staff.strip()[:60] not in system
        assert "staff level" in system
