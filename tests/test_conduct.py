"""What the interviewer may not say: praise, repeats, copies of the candidate; pushback on red flags."""

from __future__ import annotations

import pytest

from interviewer.content.catalog import get_rubric
from interviewer.interview import conduct
from interviewer.interview.clock import SimClock
from interviewer.interview.context import Context
from interviewer.interview.planner import as_them
from interviewer.interview.routing import GRACE_MIN
from interviewer.interview.sessions import Sessions
from interviewer.testing.fake_grader import InterviewScript, JudgeScript
from interviewer.testing.fake_llm import Script, scripted_llm
from tests.conftest import SessionsFactory

RUBRIC = get_rubric("default")


def guarded(reply: str, earlier: list[str], chunk: int = 3) -> tuple[str | None, str]:
    shown: list[str] = []
    deltas = iter([reply[i:i + chunk] for i in range(0, len(reply), chunk)])
    out = conduct.Guard(earlier, lambda d: shown.append(d["delta"])).run(deltas)
    return out, "".join(shown)


@pytest.mark.parametrize(("reply", "want"), [
    ("Great question! How many payments fail today?", "How many payments fail today?"),
    ("Absolutely! Great approach. Which label would you use?", "Which label would you use?"),
    ("That's a great point, but how would you serve it?", "But how would you serve it?"),
    ("Good. How would you measure that?", "How would you measure that?"),
    ("Sure, let me ask about labels: where do they come from?", "Let me ask about labels: where do they come from?"),
    ("Thanks. What is the business goal?", "Thanks. What is the business goal?"),
    ("Goodness of fit aside, which metric matters?", "Goodness of fit aside, which metric matters?"),
])
def test_praise_openers_never_reach_the_candidate(reply: str, want: str) -> None:
    out, shown = guarded(reply, [])
    assert out == shown == want


def test_a_reply_repeating_an_earlier_question_is_cut_before_anything_shows() -> None:
    earlier = ["How would you handle the delay between a payment and its chargeback label, in days?"]
    out, shown = guarded(earlier[0], earlier)
    assert out is None and shown == ""


def test_a_reply_that_starts_alike_but_differs_streams_on() -> None:
    earlier = ["How would you handle the delay between a payment and its chargeback label?"]
    out, shown = guarded("How would you handle merchants with no history at all?", earlier)
    assert out == shown == "How would you handle merchants with no history at all?"


def test_near_repeats_and_the_candidates_own_questions_count_as_asked() -> None:
    assert conduct.is_repeat("How many payments per second do we handle?",
                             ["how many payments per second do we handle"])
    assert not conduct.is_repeat("What is the latency budget?", ["How many payments per second do we handle?"])
    asked = [conduct.FALLBACKS[0]]
    assert conduct.fallback_question(asked) == conduct.FALLBACKS[1]


def test_jumping_to_a_transformer_in_problem_framing_is_challenged_in_the_next_reply(
        make_sessions: SessionsFactory) -> None:
    s, script, clock = make_sessions(reply="Why a transformer before anything simpler?", strategy="auto")
    sid, opening = s.start("harmful_content_detection")
    list(opening)
    clock.advance(30)
    "".join(s.send(sid, "I'd train a large multimodal transformer on every post and remove anything above 0.5."))
    flag = RUBRIC.flag("mod_r_jumps_to_complex")[2]
    assert "Challenge it" in script.last_notes and as_them(flag.statement) in script.last_notes
    assert s.load(sid).phase_id == "problem_framing"


@pytest.mark.parametrize(("model_says", "shown"), [
    ("Great idea! Why a transformer before anything simpler?", "Why a transformer before anything simpler?"),
    ("What if we could use a large, pre-trained transformer model instead of training one?", None),  # a suggestion
    ("That sounds like a solid plan for the posts.", None),  # no question at all
    ("But why? Consider using a simpler model, such as logistic regression, to get a baseline.", None),  # the answer
])
def test_a_red_flag_challenge_is_checked_whole_and_the_flags_own_pushback_replaces_a_suggestion(
        model_says: str, shown: str | None, make_sessions: SessionsFactory) -> None:
    s, _, clock = make_sessions(reply=model_says, strategy="auto")
    sid, opening = s.start("harmful_content_detection")
    list(opening)
    clock.advance(30)
    reply = "".join(s.send(sid, "I'd skip the simple stuff and go straight to a giant transformer, no baseline."))
    assert reply == (shown or RUBRIC.flag("mod_r_jumps_to_complex")[2].challenge)


def test_a_model_that_repeats_itself_is_replaced_by_a_question_not_asked_yet(make_sessions: SessionsFactory) -> None:
    s, _, clock = make_sessions(reply="What is the business goal here, and how would you measure it?", strategy="auto")
    sid, opening = s.start("payment_fraud")
    list(opening)
    replies = []
    for text in ["We want fewer fraud losses.", "Losses are measured in dollars per month.",
                 "Chargebacks tell us which payments were fraud."]:
        clock.advance(20)
        replies.append("".join(s.send(sid, text)))
    assert len(set(replies)) == 3, replies
    assert not any(r.lower().startswith(("great", "absolutely")) for r in replies)


def test_a_red_flag_shown_as_the_budget_runs_out_is_challenged_before_moving_on(make_sessions: SessionsFactory) -> None:
    s, script, clock = make_sessions(reply="Why monitor it that way, and what would you alert on?", strategy="auto")
    sid, opening = s.start("payment_fraud")
    list(opening)
    clock.advance(6 * 60 + 10)  # problem framing's 6 minutes are spent
    "".join(s.send(sid, "Once it ships we'd monitor it."))
    assert s.load(sid).phase_id == "problem_framing"
    assert "Challenge it" in script.last_notes
    clock.advance(60)
    "".join(s.send(sid, "We'd watch the fraud rate."))
    # still within the grace, and the phase's basics (the business objective) were never asked: one question
    assert s.load(sid).phase_id == "problem_framing"
    clock.advance(60)
    "".join(s.send(sid, "Fewer fraud losses."))
    assert s.load(sid).phase_id == "high_level_design", "the phase moves on once its grace is spent"


def test_a_challenge_the_model_botched_is_still_a_challenge(make_sessions: SessionsFactory) -> None:
    # the model parrots the candidate
    s, _, clock = make_sessions(reply="We'd route tickets with a model.",
                                strategy="auto")
    sid, opening = s.start("support_ticket_routing")
    list(opening)
    clock.advance(20)
    reply = "".join(s.send(sid, "We'd route tickets with a model."))
    assert reply == conduct.CHALLENGES[0]


def test_the_phase_opener_is_never_the_fallback_twice(make_sessions: SessionsFactory) -> None:
    s, _, clock = make_sessions(reply="Let's dig deeper into a few areas. "
                                      "What do you see as the riskiest part of this design?", strategy="auto")
    sid, opening = s.start("payment_fraud")
    list(opening)
    for _ in range(5):
        clock.advance(10)
        "".join(s.next_phase(sid))
    assert s.load(sid).phase_id == "deep_dives"
    replies = []
    for text in ["The riskiest part is label delay.", "Chargebacks take weeks.", "We'd train on matured labels."]:
        clock.advance(20)
        replies.append("".join(s.send(sid, text)))
    asked = [q for r in replies for q in conduct.questions(r)]
    assert len(asked) == len(set(asked)), replies


def test_a_budget_phase_change_answers_the_last_answer_in_one_clause_first() -> None:
    from interviewer.interview.bridge import clean_ack

    replies = ["Which signal tells you a payment was fraud?",
               "Great point! Delayed chargebacks mean the labels arrive weeks late. Shall we go on?"]
    script = InterviewScript(JudgeScript(RUBRIC, {}), reply=replies)
    clock = SimClock()
    s = Sessions(Context(questions="model", llm=scripted_llm(Script(script)), clock=clock, strategy="per_flag"))
    sid, opening = s.start("payment_fraud")
    list(opening)
    clock.advance(60)
    "".join(s.send(sid, "We want to cut fraud losses at checkout."))
    # the budget and its grace (which would wait for a basic never asked) are spent by the next answer
    clock.advance((RUBRIC.phases[0].budget.target_minutes + GRACE_MIN) * 60)
    reply = "".join(s.send(sid, "Labels come from chargebacks, which arrive about a month later."))
    assert reply == ("Delayed chargebacks mean the labels arrive weeks late. Let's move on to high-level design. "
                     + RUBRIC.phases[1].opener)
    assert "Time is up for problem framing" in script.last_notes
    # asked to move on: no clause, no LLM call
    calls = len(script.interviewer_prompts)
    clock.advance(60)
    assert "".join(s.send(sid, "Let's move on.")).startswith("Let's move on to data and features.")
    assert len(script.interviewer_prompts) == calls
    assert clean_ack("What about the labels?", []) == "" and clean_ack("Absolutely.", []) == ""
    assert clean_ack("Fair: chargebacks lag by weeks", ["x"]) == "Fair: chargebacks lag by weeks."


def test_a_near_repeat_after_an_acceptance_is_held_to_its_question_mark_and_replaced(
        make_sessions: SessionsFactory) -> None:
    earlier = ["Thanks for joining.", "How would you define fraud in this context?"]
    out, shown = guarded("That's fine. How would you define fraud in this context?", earlier)
    assert out is None and shown == ""
    out, shown = guarded("Why not consider a more robust approach that weighs severity, not accuracy?",
                         ["Why not consider a more nuanced approach that weighs severity, not accuracy?"])
    assert out is None and shown == ""
    out, shown = guarded("That's fine. Which label would you trust most?", earlier)  # new: streams
    assert out == shown == "That's fine. Which label would you trust most?"
    s, _, clock = make_sessions(reply=["What is the business goal?", "That's fine. What is the business goal?"],
                                strategy="auto")
    sid, opening = s.start("payment_fraud")
    list(opening)
    clock.advance(20)
    assert "".join(s.send(sid, "We'd build a classifier on past payments.")) == "What is the business goal?"
    clock.advance(20)
    reply = "".join(s.send(sid, "I don't know."))
    assert reply.startswith("That's fine. ") and "business goal" not in reply
