"""The interviewer listens: it makes a question smaller after "I don't know" on the topic named,
keeps the phase while the candidate is still asking, does not re-read a fact already given, and
pushes back on the most specific mistake, wherever in the interview it is said; answers every fact
a long first question asks, turns back a verdict or a hint asked for, parks a question about the
job, and meets an answer the clock moved on from with a planned question, not the generic opener.
Through the graph API (Sessions) on the scripted fake LLM, questions authored."""

from __future__ import annotations

from interviewer.content.catalog import Catalog, get_rubric
from interviewer.interview import policy
from interviewer.interview.clock import SimClock
from interviewer.interview.context import Context
from interviewer.interview.sessions import Sessions
from interviewer.testing.fake_grader import InterviewScript, JudgeScript
from interviewer.testing.fake_llm import Script, scripted_llm

RUBRIC = get_rubric("default")
GUIDE = Catalog.load().guide


def start(problem: str = "payment_fraud") -> tuple[Sessions, str, SimClock]:
    clock = SimClock()
    ctx = Context(llm=scripted_llm(Script(InterviewScript(JudgeScript(RUBRIC, {}), intent_yes=0.1))),
                  clock=clock, strategy="per_flag", grade=False)
    s = Sessions(ctx)
    sid, opening = s.start(problem)
    list(opening)
    return s, sid, clock


def say(s: Sessions, sid: str, text: str, clock: SimClock, minutes: float = 1.0) -> str:
    clock.advance(minutes * 60)
    return "".join(s.send(sid, text))


def test_i_dont_know_on_a_named_topic_gets_a_smaller_question_on_that_topic_then_moves_on() -> None:
    s, sid, clock = start("ads_click_prediction")
    say(s, sid, "The goal is revenue per impression, and I'd predict click probability for each ad.", clock)
    reply = say(s, sid, "I don't know how I'd calibrate the predicted probabilities well enough for pricing.", clock)
    assert GUIDE is not None
    assert reply == "That's fine. " + GUIDE.matching("calibrate")[0].ask
    again = say(s, sid, "Sorry, no idea.", clock)
    assert again.startswith("That's fine") and not any(i.ask in again for i in GUIDE.narrowing), \
        "a second don't-know in a row moves on instead of narrowing again"


def test_a_bare_i_dont_know_narrows_the_question_it_could_not_answer() -> None:
    s, sid, clock = start("payment_fraud")
    say(s, sid, "We want fewer fraud losses without declining good customers; I'd score each payment.", clock)
    transcript = s.load(sid).transcript
    last_question = transcript[-1]["text"]
    reply = say(s, sid, "I don't know.", clock)
    assert GUIDE is not None and reply.startswith("That's fine.")
    matched = GUIDE.matching(last_question)
    assert not matched or reply == "That's fine. " + matched[0].ask


def test_a_clarifying_question_keeps_the_phase_even_when_its_time_is_spent() -> None:
    s, sid, clock = start("payment_fraud")
    budget = RUBRIC.phase("problem_framing").budget.target_minutes
    reply = say(s, sid, "How many transactions do we score a day, and what share of them is fraud?", clock,
                minutes=budget + 0.5)
    assert s.load(sid).phase_id == "problem_framing", "still clarifying: the phase waits (within the grace)"
    assert "0.12%" in reply and "Let's move on" not in reply


def test_a_mistake_from_a_later_phase_is_challenged_when_it_is_said() -> None:
    s, sid, clock = start("payment_fraud")
    say(s, sid, "We want fewer fraud losses without declining good customers.", clock)
    reply = say(s, sid, "To evaluate it I'd report accuracy on the test set.", clock)
    flag = next(f for f in RUBRIC.phase("inference_and_evaluation").red_flags if f.id == "ie_r_accuracy_only")
    assert s.load(sid).phase_id == "problem_framing"
    assert reply.endswith(flag.challenge or "?") and reply.startswith('You said "')


def test_a_wrap_up_at_the_end_of_a_long_answer_asks_to_confirm_the_end() -> None:
    s, sid, clock = start("payment_fraud")
    reply = say(s, sid, "I think that covers it: chargeback labels, a transformer, accuracy-based evaluation and "
                "monitoring. I'm happy to wrap up here unless there's anything else.", clock)
    assert not s.load(sid).done and "end" in reply.lower()


def test_a_fact_already_given_is_not_read_again_unless_asked_again() -> None:
    s, sid, clock = start("payment_fraud")
    first = say(s, sid, "What latency budget does scoring get?", clock)
    assert "100 ms" in first
    reply = say(s, sid, "Given that latency budget, what does the merchant see when we decline?", clock)
    assert "100 ms" not in reply, "the budget was told; only the new ask is answered"
    again = say(s, sid, "Sorry, what was the latency budget again?", clock)
    assert "100 ms" in again


def test_a_leaky_feature_inside_a_feature_list_is_challenged_rather_than_the_list() -> None:
    s, sid, clock = start("search_ranking")
    reply = say(s, sid, "Features: query length, listing price, seller rating, listing age, shipping cost, photo "
                "count, title length, category, review count, and sales in the 24 hours after the search.", clock)
    leak = next(f for f in RUBRIC.phase("data_and_features").red_flags if f.id == "df_r_label_leakage_or_bias")
    assert leak.challenge and reply.endswith(leak.challenge)


def test_asked_to_move_on_after_a_mistake_the_interview_moves_but_pushes_back_first() -> None:
    s, sid, clock = start("video_recommendations")
    reply = say(s, sid, "The objective is simple: maximize watch time. Let's move on to the high-level design.", clock)
    assert s.load(sid).phase_id == "high_level_design", "the request is honoured"
    assert reply.startswith('Before we move on to high-level design: You said "maximize watch time". ')
    assert reply.endswith("?") and reply.count("?") == 1


def test_a_bank_challenge_does_not_fire_on_an_idea_the_candidate_rejects() -> None:
    bank = Catalog.load().bank("notification_ranking")
    assert bank is not None
    challenges = [i for i in bank.probes if i.move == "challenge"]
    rejected = "I'd train an uplift model rather than an open classifier, because opens are not incremental."
    assert not any(i.shown_in(rejected) for i in challenges)
    assert any(i.shown_in("I'd rank by a classifier trained on opens.") for i in challenges)


def test_a_first_turn_asking_six_things_gets_every_fact_asked_for() -> None:
    s, sid, clock = start()
    reply = say(s, sid, "Before I design anything: how many transactions do we see a day, and what is the latency "
                        "budget? What share of transactions is fraud? How do we find out a payment was fraud? "
                        "What runs today? And what does leadership want from this?", clock)
    for fact in ("15M card transactions", "100 ms", "0.12%", "35 days", "400 hand-written rules", "6 basis points"):
        assert fact in reply, fact  # at four facts a reply, the last two asks went unanswered
    assert "3-D Secure" not in reply and "PCI" not in reply  # not asked: not told


def test_a_verdict_asked_for_mid_answer_is_turned_back_not_met_with_no_figure() -> None:
    s, sid, clock = start()
    reply = say(s, sid, "Offline I'd use PR-AUC on a later month of transactions. Actually, let me ask you: is "
                        "PR-AUC the right metric here? What would you use?", clock)
    assert reply == policy.TURN_BACK


def test_a_hint_asked_for_is_turned_back_and_a_pointer_in_a_design_is_not_a_hint() -> None:
    s, sid, clock = start()
    reply = say(s, sid, "Honestly I'm unsure how to handle the delay. Could you give me a nudge? Is the concern "
                        "more about training or about evaluation?", clock)
    assert reply == policy.OWN_TAKE
    design = say(s, sid, "Each decision stores a pointer to the feature snapshot it used, so an analyst can replay "
                         "it later.", clock)
    assert design != policy.OWN_TAKE


def test_a_question_about_the_job_is_parked_for_the_end() -> None:
    s, sid, clock = start()
    reply = say(s, sid, "Quick unrelated aside: is this team hybrid or fully in the office?", clock)
    assert reply.startswith(policy.PARK) and reply.count("?") == 1


def test_the_clock_moving_on_after_a_substantive_answer_asks_no_generic_opener() -> None:
    s, sid, clock = start()
    say(s, sid, "How many transactions a day, and what share is fraud?", clock)
    reply = say(s, sid, "So the goal is fewer fraud losses without declining good customers: a false decline loses "
                        "the sale and sometimes the customer, and a missed fraud costs the amount plus a fee. I'd "
                        "frame it as scoring each payment for the probability of fraud, then choosing approve, "
                        "challenge or decline by expected cost, with thresholds set per merchant segment.",
                clock, minutes=12)
    state = s.graph.get_state(s._config(sid)).values
    hld = RUBRIC.phases[1]
    assert state["phase_index"] == 1 and state["bridge_why"] == "answer"  # the clock moved on after the answer
    assert hld.opener and hld.opener not in reply and reply.count("?") == 1


def test_an_unbacked_dismissal_is_pressed_quoting_it_and_an_argued_one_is_not() -> None:
    s, sid, clock = start("support_ticket_routing")
    reply = say(s, sid, "Some agents file tickets under the wrong product by habit, but across thousands of "
                        "tickets a week that averages out.", clock)
    assert reply.startswith('You said "') and "averages out" in reply and "have to be true" in reply
    argued = say(s, sid, "Position bias isn't a concern here because every restaurant list is sorted by distance "
                         "alone, so there is no ranking feedback to bias.", clock)
    assert "have to be true" not in argued


def test_asking_for_the_phase_the_interview_is_in_gets_its_question_and_nothing_described_is_asked_about() -> None:
    s, sid, clock = start()
    say(s, sid, "Let's move on to data and features.", clock)
    reply = say(s, sid, "I think the data part is pretty standard, can we move on to the model? That's the part I "
                        "know best.", clock)
    modeling = RUBRIC.phases[3]
    assert s.load(sid).phase_id == "modeling" and modeling.opener and modeling.opener in reply
    again = say(s, sid, "Sorry, can we move on to the model?", clock)
    assert s.load(sid).phase_id == "modeling" and again.startswith("Sure") and "just described" not in again


def test_a_statement_opening_on_a_wh_word_gets_no_fact() -> None:
    s, sid, clock = start("harmful_content_detection")
    reply = say(s, sid, "First quarter, I'd re-rank the review queue by expected views and severity. What I'm least "
                        "confident about is the target itself; I don't know whether these steps halve prevalence.",
                clock)
    assert "0.08%" not in reply and reply.count("?") == 1  # named, not asked: no fact read out, one question
    asked = say(s, sid, "What share of views land on violating content today?", clock)
    assert "0.08%" in asked


def test_a_question_asked_beside_a_mistake_is_answered_when_the_clock_moves_on() -> None:
    s, sid, clock = start()
    reply = say(s, sid, "So the goal is to maximize accuracy on every transaction, since fraud is what we are "
                        "judged on. Do we know what a false decline costs compared with a missed fraud?",
                clock, minutes=12)
    assert s.load(sid).phase_id != "problem_framing"  # the clock moved on
    assert "$15 chargeback fee" in reply and reply.count("?") == 1  # the fact, then the one pushback


def test_a_fact_that_quotes_a_question_is_given_and_a_move_follows_the_answer() -> None:
    """The feed's survey fact quotes its own question ("was this post worth your time?"): it is a
    fact, not the interviewer answering itself, so it is given (it was replaced by the phase's
    opener, leaving the candidate's question unanswered). And when the clock moves on as a fact is
    asked, the fact comes first, then the move with the new phase's own question."""
    s, sid, clock = start("news_feed_ranking")
    reply = say(s, sid, "Before labels: what do we log per impression, and is there any explicit quality signal "
                        "like a survey?", clock)
    assert "worth your time" in reply and "Logged per impression" in reply
    s, sid, clock = start("notification_ranking")
    budget = RUBRIC.phase("problem_framing").budget.target_minutes
    say(s, sid, "The goal is daily actives without raising the weekly disable rate; I'd rank each user's "
                "candidate pushes by the value a send adds over not sending, minus a cost for a disable, and "
                "send the top few under a daily cap.", clock, minutes=budget - 1)
    reply = say(s, sid, "Have we ever run a holdout where users got fewer notifications?", clock, minutes=budget + 8)
    fact, _, rest = reply.partition("Let's move on to")
    assert "A past holdout test" in fact and rest.endswith("?"), reply


def test_an_estimate_is_no_question_and_a_fact_asked_again_is_pointed_back_to() -> None:
    """"Roughly one to two thousand candidates per user." states an estimate: no "I don't have a
    figure for that". A fact asked for again is pointed back to ("As I mentioned: ..."), not ignored."""
    from interviewer.interview import intent

    assert intent.questions("Shared schools and workplaces. Roughly one to two thousand candidates per user.") == []
    assert intent.questions("Roughly how many orders a day?") == ["Roughly how many orders a day?"]
    s, sid, clock = start("image_search")
    first = say(s, sid, "How quickly does a newly uploaded photo need to show up in search?", clock)
    assert "10 minutes" in first
    again = say(s, sid, "I'd embed photos on upload and search per user. How quickly does a newly uploaded photo "
                        "need to show up in search?", clock)
    assert again.startswith(policy.MENTIONED) and "10 minutes" in again


def test_asking_to_move_on_to_what_was_just_named_goes_there_without_a_turn_back() -> None:
    """"Is it all right if we move on to that now?" after naming evaluation asks to move there, not
    for the interviewer's verdict, so it is neither turned back nor met with a question on the model."""
    s, sid, clock = start("ads_click_prediction")
    say(s, sid, "Let's skip ahead to modeling.", clock)
    reply = say(s, sid, "A wide-and-deep model on sparse ids and dense context, trained on log loss with negatives "
                        "downsampled and the rate corrected afterwards. The part I'd most like to spend time on is "
                        "evaluation and calibration. Is it all right if we move on to that now?", clock)
    assert s.load(sid).phase_id == "inference_and_evaluation"
    assert reply != policy.TURN_BACK and "what you just described" not in reply


def test_a_sentence_restating_a_given_fact_is_not_challenged_and_a_sketch_is_not_asked_for_again() -> None:
    """The candidate repeating the existing system ("Today a multi-task model predicts like, comment,
    share and dwell with hand-set weights") proposes nothing to push back on. And once an answer has
    laid the system out as a flow, entering high-level design does not ask them to sketch it."""
    s, sid, clock = start("news_feed_ranking")
    say(s, sid, "What does the current system do?", clock)
    reply = say(s, sid, "So today a multi-task model predicts like, comment, share and dwell, with a hand-set "
                        "weighted sum on top. What latency do we have for ranking?", clock)
    assert "You said" not in reply and "100 ms" in reply
    rubric = get_rubric()
    opener = rubric.phase("high_level_design").opener
    reply = say(s, sid, "At that rate the design is a funnel: candidate sources first, then a light first-pass "
                        "ranker over cached embeddings, then the heavy multi-task ranker, then a re-ranking layer "
                        "for diversity and integrity.", clock, minutes=12)
    assert s.load(sid).phase_id == "high_level_design" and opener and opener not in reply


def test_saying_the_design_is_done_asks_to_end_and_asking_for_the_crux_is_declined() -> None:
    from interviewer.interview import asks, intent

    assert intent.read("No, I think that's everything I had. That's my design.") == ("end", True)
    assert asks.is_extraction("I'd rather spend the time on whatever you consider the crux than guess at it.")
    assert asks.is_extraction("What would you expect to see from a really strong candidate on this one?")
    assert not asks.is_extraction("What do you want to see first, the data or the model?")
