"""Intent routing: design talk stays an answer; requests about the conversation are recognised."""

from __future__ import annotations

import pytest

from interviewer.interview import intent

# Real design sentences that contain the words a naive rule keys on: all must stay answers.
DESIGN = [
    "I'm done with the baseline, next I'd add a GBDT on the rule features.",
    "After that we move on to the ranking model.",
    "I am not sure the label is reliable, so I would audit it.",
    "Once we're done with candidate generation, the next stage is a heavier ranker.",
    "I don't know the exact QPS, but let's assume 10k requests per second at peak.",
    "We skip this step for cold-start users and fall back to popularity.",
    "Next, I'd move on to features: user history, item embeddings and context.",
    "I'm not sure whether to optimise for clicks or watch time; watch time is closer to satisfaction.",
    "The pipeline is done when the feature store has backfilled ninety days.",
    "Let's move on from logistic regression to a two-tower model once we have enough data.",
    "We can wrap up the offline evaluation with a replay test before any A/B test.",
    "I would end the experiment early only if the guardrail metrics degrade.",
    "That's all the features I have for the user side; for items I'd use content embeddings.",
    "No idea is too simple for a baseline, so I'd start with popularity by region.",
    "If the model is not sure, say below 0.6 confidence, we route the ticket to a human.",
    "I can't recall a case where raw clicks were a good label without debiasing for position.",
    "The next phase of the rollout is a 5% canary with automatic rollback.",
    "We stop training when validation AUC stops improving for three epochs.",
    "Finish the interview loop of retraining weekly, with daily incremental updates.",
    "I'm done defining the objective; the metric is precision at 95% recall.",
    "Moving on to serving, the ranker runs on CPU behind a feature cache.",
    "Let's skip ahead to how we would handle delayed fraud labels: chargebacks arrive weeks later.",
    "I pass the user embedding and the candidate embeddings to a dot-product scorer.",
    "Then we proceed to calibrate the scores with isotonic regression.",
    "I don't know of a better label than chargebacks, so we use them with a 60-day maturity window.",
    "The user can say they are done with a notification type, and we treat that as negative feedback.",
    "When the session ends we flush the features to the offline store.",
    "We'd move forward with the GBDT because it is cheap to serve and easy to debug.",
    "Honestly the hard part is the label: most fraud is never reported, so positives are missing.",
    "Next I'd talk about monitoring: feature drift, prediction drift, and delayed label metrics.",
    "Quit rates after a bad recommendation are a useful negative signal.",
    "I have no clue-based features yet, only behavioural ones, so I'd add text features from the ticket.",
    "Keep going with the two-stage design: retrieval for recall, ranking for precision.",
    "I'm finished with data; for modeling I'd start with logistic regression as a baseline.",
    "We are out of budget for GPUs, so serving has to stay on CPU with a distilled model.",
    "Beats me why people skip the baseline; I'd always ship logistic regression first.",
    "Pass the query through a BM25 retriever first, then rerank the top 100 with a cross-encoder.",
    "I'd call it a day for the batch job at midnight and retrain on the last 30 days.",
    "Stop the interview-style questionnaire from being shown twice: cap it per user per week.",
    "What's next in the queue gets scored by the ranker before it is shown.",
    "I'm stuck between two labels, clicks and dwell time, and I'd pick dwell over 30 seconds.",
    "No more questions from me on the data; the labels are chargebacks confirmed within 60 days.",
]

MOVE_ON = [
    "Let's move on.", "Can we move on?", "Move on please.", "Next question.", "Next topic, please.",
    "Can we go to the next part?", "I think we've covered this, let's move on.", "Let's skip this one.",
    "OK, next.", "Shall we move on to the next section?", "I'm happy to move on.", "What's next?",
    "Let's proceed.", "Skip this part.", "Could we go on to the next phase?", "Nothing more to add here.",
    "Let's move forward.", "Okay, let's keep going.", "Next step?", "That's it for this part.",
]
DONT_KNOW = [
    "I don't know.", "I do not know.", "No idea.", "Honestly, no clue.", "I'm not sure.",
    "I'm not familiar with that.", "I can't remember.", "Pass.", "I'll pass on this one.", "Beats me.",
    "I have no idea, sorry.", "I'm stuck here.", "I don't have an answer for that.", "Sorry, I don't know this one.",
    "I'm drawing a blank.", "That's beyond what I know.", "I'd have to look that up.", "Not sure, honestly.",
    "I've never done that.", "I really don't know.",
]
END = [
    "I'm done.", "End the interview.", "Let's wrap up.", "That's all I have.", "I'd like to stop now.",
    "We're done here.", "Can we end the interview?", "Let's stop here.", "I'm finished.", "Finish the interview.",
    "Wrap it up, please.", "I want to end now.", "That's everything from me.", "Stop the interview.",
    "I have to go, sorry.", "Let's call it a day.", "I'm done for today.", "No more questions.",
    "Show me my scorecard.", "Let's finish here.",
]


def test_the_tables_have_the_sizes_the_issue_asks_for() -> None:
    assert len(DESIGN) >= 40 and len(MOVE_ON) >= 20 and len(DONT_KNOW) >= 20 and len(END) >= 20


@pytest.mark.parametrize("text", DESIGN)
def test_design_sentences_stay_answers_without_asking_the_llm(text: str) -> None:
    def judge(_t: str, _k: intent.Intent) -> float:  # a judge that says yes to everything
        raise AssertionError(f"the rule was unsure about design talk: {text!r}")

    assert intent.read(text) == ("answer", True), text
    assert intent.classify(text, judge) == "answer"


@pytest.mark.parametrize(("kind", "text"), [("move_on", t) for t in MOVE_ON] + [("dont_know", t) for t in DONT_KNOW]
                         + [("end", t) for t in END])
def test_requests_are_recognised_by_the_rule_alone(kind: str, text: str) -> None:
    assert intent.classify(text) == kind, text


@pytest.mark.parametrize(("text", "kind"), [
    ("Can we talk about the next phase, serving?", "move_on"),
    ("Honestly no clue about the serving part.", "dont_know"),
    ("I think that's all I have for the whole design.", "end"),
])
def test_an_unsure_rule_asks_the_llm_and_follows_its_answer(text: str, kind: str) -> None:
    asked: list[tuple[str, str]] = []

    def judge(yes: float) -> intent.Judge:
        def f(t: str, k: intent.Intent) -> float:
            asked.append((t, k))
            return yes
        return f

    assert intent.read(text) == (kind, False)
    assert intent.classify(text, judge(0.9)) == kind
    assert intent.classify(text, judge(0.1)) == "answer"
    assert intent.classify(text) == "answer", "without an LLM an unsure request is an answer"
    assert asked == [(text, kind), (text, kind)]


@pytest.mark.parametrize(("text", "yes"), [
    ("yes", True), ("Yes, end it.", True), ("yeah", True), ("sure, go ahead", True), ("ok", True),
    ("no", False), ("no, let's continue", False), ("wait, one more thing", False), ("actually not yet", False),
    ("yes the label is chargebacks confirmed within sixty days of the payment", False),
])
def test_ending_needs_a_short_yes(text: str, yes: bool) -> None:
    assert intent.confirms(text) is yes


TOPICS = intent.topic_words(["Problem framing", "High-level design", "Data and features", "Modeling",
                             "Inference and evaluation", "Deep dives"])


@pytest.mark.parametrize("text", [
    "Let's move on to the high-level design.", "Can we move on to modeling?", "Next topic: data and features, please.",
])
def test_naming_the_phase_to_go_to_is_still_a_request(text: str) -> None:
    assert intent.read(text, TOPICS) == ("move_on", True)


def test_a_long_answer_may_end_on_a_request_to_move_on() -> None:
    answer = ("Offline I'd use AUC and log loss on the next day's impressions; online, an A/B test on revenue "
              "per thousand requests. Let's move on to deep dives.")
    assert intent.read(answer, TOPICS) == ("move_on", True)
    assert intent.read(answer.replace("Let's move on to deep dives.", "Next I'd move on to features."),
                       TOPICS) == ("answer", True)


@pytest.mark.parametrize("text", DESIGN)
def test_design_sentences_stay_answers_with_the_phase_names_known(text: str) -> None:
    assert intent.read(text, TOPICS) == ("answer", True), text


def test_a_bare_phase_name_moves_only_after_so() -> None:
    """'…, so evaluation and serving.' moves the interview; a sentence that merely opens on a topic
    ('On serving, a GPU …, so 50 ms is plenty') is content, whether or not a 'so' follows."""
    from interviewer.content.catalog import get_rubric
    from interviewer.interview.following import opening_request

    phases = get_rubric().phases
    assert opening_request("We're at the half-hour mark, so evaluation and serving. Offline I'd use PR-AUC.",
                           phases) == 4
    assert opening_request("On serving, a GPU does a forward pass in a few milliseconds, so 50 ms is plenty.",
                           phases) is None
    assert opening_request("On serving, a GPU does a forward pass in a few milliseconds.", phases) is None
