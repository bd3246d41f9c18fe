"""The interview's scorecard grades what was said wherever it was said, claims a red flag only
on a quote of the act, matches terms as whole words, and is measured against labeled interviews."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from interviewer.app.cli import main
from interviewer.content.catalog import get_rubric
from interviewer.content.files import DataFileError
from interviewer.evals.interviews import compare_card, load_interviews, summarize
from interviewer.grading import lexical
from interviewer.grading.document import grade_answers
from interviewer.grading.placement import by_sentences, phases_of
from interviewer.grading.quotes import Segment
from tests.conftest import SessionsFactory
from tests.test_graph import say
from tests.test_probe_grader import RUBRIC, ProbeScript, flags_of, has, probe_grader

BASELINE = "As a baseline I'd keep today's rules plus a logistic regression on the same signals."


def test_restaurant_never_matches_rest_but_rest_api_does() -> None:
    swe = RUBRIC.flag("hld_r_swe_details")[2]
    assert lexical.found(swe, "We rank restaurants by predicted delivery time.") == set()
    assert lexical.found(swe, "Each restaurant's interest shows in its orders.") == set()
    assert lexical.found(swe, "A REST API in front of a database.") == {"rest", "api", "database"}
    label = RUBRIC.flag("df_r_label_leakage_or_bias")[2]
    stems = RUBRIC.flag("df_g_representation")[2]
    assert "leak" in lexical.found(label, "That feature leaks the outcome.")  # inflections count
    assert "normaliz" in lexical.found(stems, "Counts are normalized per day.")  # a declared stem


def test_an_answer_is_placed_by_its_content_not_the_clock() -> None:
    segs = [Segment("turn 1", "Who are the users? " + BASELINE + " Offline I'd report PR-AUC, online an A/B test.")]
    placed = by_sentences(segs, RUBRIC)
    assert {"problem_framing", "modeling", "inference_and_evaluation"} <= set(phases_of("turn 1", placed))


def test_a_baseline_said_in_high_level_design_is_credited_to_modeling(make_sessions: SessionsFactory) -> None:
    """Through the chat: the clock reads high-level design, the card still credits the baseline."""
    s, _, clock = make_sessions({"mod_g_baseline": ("yes", ["today's rules plus a logistic regression"])})
    sid, opening = s.start("payment_fraud")
    list(opening)
    say(s, sid, "The goal is to cut fraud losses on card payments without blocking good customers.", clock)
    "".join(s.next_phase(sid))
    assert s.load(sid).phase_id == "high_level_design"
    say(s, sid, f"Payments flow through a scoring service to approve or decline. {BASELINE}", clock)
    card = s.end(sid)
    modeling = next(p for p in card.phases if p.phase_id == "modeling")
    base = next(f for f in modeling.flags if f.flag_id == "mod_g_baseline")
    assert base.credited == "met" and base.evidence[0].where == "turn 2"
    assert "modeling" not in card.uncovered_phases and modeling.score > 1


def test_a_red_flag_is_never_shown_without_a_quote_of_the_act() -> None:
    """An agreeable judge says Yes to every question: a red flag for something missing still needs
    a sentence showing a wrong act, and a clarifying question is never that sentence."""
    answers = ["How many payments a day do we see, and how fast must we answer?",
               "The fraud model would be a transformer over each payment's raw fields.",
               "We'd monitor it."]
    no_baseline = RUBRIC.flag("mod_g_baseline")[2].question[:40]  # else it clears the transformer
    card = grade_answers(probe_grader(ProbeScript({no_baseline: lambda shown: 0.05, "": lambda shown: 0.97})),
                         answers, "senior")
    raised = [f for ph in card.phases for f in ph.raised]
    assert raised, "an act shown should still be raised"
    for f in raised:
        assert f.evidence and not any(e.quote.endswith("?") for e in f.evidence), f.flag_id
    flags = flags_of(card)
    assert flags["hld_r_no_feedback_loop"].credited == "not_raised"  # an absence, shown as a green not met
    assert flags["mod_r_jumps_to_complex"].credited == "raised"  # an act: "a transformer"
    greens = {f.flag_id for ph in card.phases for f in ph.met}
    for ph in card.phases:  # a card never holds a verdict and its contradiction
        for f in ph.raised:
            assert RUBRIC.flag(f.flag_id)[2].opposes not in greens


def test_an_act_the_rubric_names_is_raised_however_the_model_answers_and_its_green_is_partial() -> None:
    """A judge that says No to every red question: "keep an eye on the metrics" and "no need for a
    baseline" are the acts themselves, so they are raised with their quotes; the concrete monitoring
    said beside the vague promise is credited as partial, never as met beside the red. A word worth
    a question ("transformer") is not an act: the judge's No stands."""
    answers = ["After launch we'd track precision at the review queue's capacity per week and retrain weekly.",
               "Beyond that we'd keep an eye on the metrics.",
               "There's no need for a baseline here.",
               "The scorer would be a transformer over the payment's fields."]
    green_q = RUBRIC.flag("dd_g_concrete_monitoring")[2].question[:40]
    card = grade_answers(probe_grader(ProbeScript({green_q: lambda shown: 0.97, "": lambda shown: 0.02})),
                         answers, "senior")
    flags = flags_of(card)
    vague = flags["dd_r_vague_monitoring"]
    assert vague.credited == "raised" and vague.act == "cued"
    assert vague.evidence[0].quote == "Beyond that we'd keep an eye on the metrics."
    assert flags["dd_g_concrete_monitoring"].credited == "partial"
    assert flags["mod_r_jumps_to_complex"].credited == "raised"
    assert flags["mod_r_jumps_to_complex"].evidence[0].quote == "There's no need for a baseline here."
    word_only = grade_answers(probe_grader(ProbeScript({"": lambda shown: 0.02})), answers[3:], "senior")
    assert flags_of(word_only)["mod_r_jumps_to_complex"].credited == "not_raised"


def test_a_short_interview_that_covered_each_phase_is_read_by_its_evidence() -> None:
    answers = ["The goal is fewer fraud losses; the model predicts the probability a payment is fraud.",
               f"Payments flow from checkout through features and the scorer to approve or decline. {BASELINE}",
               "Offline PR-AUC at our review capacity; online an A/B test on losses per payment."]
    script = ProbeScript({"": has("fraud", 0.95, 0.2)})
    card = grade_answers(probe_grader(script), answers, "senior", total_minutes=45, elapsed=9)
    assert any("short" in n for n in card.notes) and "short (9 of 45 minutes)" in card.to_markdown()


# -- the labeled interviews ---------------------------------------------------------------------


def test_every_labeled_interview_loads_and_cites_its_own_answers() -> None:
    items = load_interviews()
    assert len(items) >= 12 and len({i.problem for i in items.values()}) >= 6
    assert {i.level for i in items.values()} == {"mid", "senior", "staff"}
    assert {i.persona for i in items.values()} == {"strong", "middling", "weak"}
    for item in items.values():
        text = " ".join(item.answers)
        assert {"default", "requirements_first"} <= set(item.labels)
        for lab in item.labels.values():
            for fid, verdict in lab.flags.items():
                if verdict in ("met", "partial", "raised"):
                    assert lab.evidence.get(fid) and all(q in text for q in lab.evidence[fid]), (item.id, fid)


def test_a_label_file_missing_a_flag_is_refused_by_name(tmp_path: Path) -> None:
    src = sorted(Path("evals/interviews").glob("*.yaml"))[0]
    doc = yaml.safe_load(src.read_text())
    doc["labels"]["default"]["flags"].pop("mod_g_baseline")
    (tmp_path / src.name).write_text(yaml.safe_dump(doc))
    with pytest.raises(DataFileError, match=f"{src.name}.*mod_g_baseline"):
        load_interviews(tmp_path)


def test_claim_precision_counts_only_what_the_labels_agree_with() -> None:
    item = load_interviews()["payment_fraud_staff_strong"]
    lab = item.labels["default"]
    card = grade_answers(probe_grader(ProbeScript({"": lambda shown: 0.97})), item.answers, item.level)
    got = compare_card(card, lab)
    assert got["claims"] and all(c["right"] == (lab.flags[c["flag"]] in ("met", "partial", "raised"))
                                 for c in got["claims"])
    const = compare_card(None, lab)
    assert const["claims"] == [] and const["hire"] == "strong_no_hire"
    row = {"id": item.id, "problem": item.problem, "persona": item.persona, "framework": "default"}
    summary = summarize([{**row, **got}, {**row, "id": "w", "persona": "weak", **const}])
    assert summary["claim_precision"] == pytest.approx(
        sum(c["right"] for c in got["claims"]) / len(got["claims"]), abs=1e-3)
    assert summary["strong_minus_weak"]["payment_fraud@default"] == pytest.approx(card.overall - 1.0, abs=0.01)


def test_unknown_suite_names_the_interviews_suite(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "nonsense"]) != 0
    assert "interviews" in capsys.readouterr().err


def test_the_interviews_suite_grades_each_labeled_framework_and_scores_the_constant_rule_too() -> None:
    from interviewer.evals.interviews import run_interviews

    items = {k: v for k, v in load_interviews().items() if k.startswith("payment_fraud")}
    seen: list[str] = []

    def grade(item, framework):  # type: ignore[no-untyped-def]
        script = ProbeScript({"": has("fraud", 0.9, 0.1)})
        return grade_answers(probe_grader(script), item.answers, item.level, mode="eval")

    body = run_interviews(grade, items, ["default"], seen.append)
    s = body["summary"]
    assert s["n_interviews"] == 3 and len(seen) == 3 and s["constant_rule"]["claims"] == 0
    assert s["constant_rule"]["phase_qwk"] == 0 and "payment_fraud@default" in s["strong_minus_weak"]
    assert all(r["card"]["mode"] == "eval" for r in body["items"])  # every verdict kept: replayable


def test_a_prompt_asked_by_two_graders_at_once_costs_one_call() -> None:
    import threading
    import time

    from interviewer.grading.grader import ProbeMemo

    memo, calls = ProbeMemo(), []

    def ask() -> float:
        calls.append(1)
        time.sleep(0.05)
        return 0.7

    got: list[float] = []
    threads = [threading.Thread(target=lambda: got.append(memo.get("same prompt", ask))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [0.7] * 4 and len(calls) == 1 and len(memo) == 1


def test_ending_drops_the_backlog_of_turn_grades_and_grades_once(make_sessions: SessionsFactory) -> None:
    """Answers given faster than they grade leave turn grades queued; at the end the final card
    grades every answer once, so the queued ones are dropped rather than run first."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from interviewer.interview.grades import Grades

    s, _, clock = make_sessions({"mod_g_baseline": ("yes", ["today's rules plus a logistic regression"])})
    s.context.grades.pool = ThreadPoolExecutor(max_workers=1)
    s.context.grade_wait_s, s.context.final_wait_s = 0.0, 5.0
    busy = threading.Event()
    s.context.grades.pool.submit(busy.wait, 300)  # the one grading worker is busy: every turn grade queues
    sid, opening = s.start("payment_fraud")
    list(opening)
    for text in ("The goal is to cut fraud losses.", BASELINE, "Labels come from chargebacks."):
        say(s, sid, text, clock)
    assert len(s.context.grades.pending[sid]) == 3
    card = s.end(sid)
    busy.set()
    assert s.context.grades.pending[sid] == {}  # dropped, not left to run after the card
    modeling = next(p for p in card.phases if p.phase_id == "modeling")
    assert next(f for f in modeling.flags if f.flag_id == "mod_g_baseline").credited == "met"
    assert isinstance(s.context.grades, Grades)


def test_a_sentence_that_dismisses_the_baseline_is_no_evidence_of_one(make_sessions: SessionsFactory) -> None:
    """'There's no need for a baseline' shows the jump to a complex model; a small judge may still
    say yes to 'proposed a baseline' on it. The card holds the red, never the green beside it."""
    said = "There's no need for a baseline here; I'd go straight to a transformer over the full history."
    s, _, clock = make_sessions({"mod_g_baseline": ("yes", [said]), "mod_r_jumps_to_complex": ("yes", [said])})
    sid, opening = s.start("payment_fraud")
    list(opening)
    say(s, sid, said, clock)
    card = s.end(sid)
    modeling = {f.flag_id: f for p in card.phases if p.phase_id == "modeling" for f in p.flags}
    assert modeling["mod_g_baseline"].credited == "not_addressed"
    assert "opposite red flag" in modeling["mod_g_baseline"].rationale
    assert modeling["mod_r_jumps_to_complex"].credited == "raised"
    assert modeling["mod_r_jumps_to_complex"].evidence[0].quote.startswith("There's no need for a baseline")


def test_the_phase_scoring_rule_is_data_and_a_bad_one_is_refused_by_name(tmp_path: Path) -> None:
    from interviewer.content.files import load_model
    from interviewer.grading.scoring import Scoring, scoring

    rule = scoring()
    assert 0 < rule.partial_credit < 1 and rule.bins == sorted(rule.bins)
    bad = tmp_path / "scoring.yaml"
    bad.write_text("method: x\npartial_credit: 0.4\nred_share: 1.0\nbins: [0.6, 0.3, 0.9]\n")
    with pytest.raises(DataFileError, match="scoring.yaml.*bins must rise"):
        load_model(bad, Scoring)


@pytest.mark.parametrize(("name", "least"), [("heldout", 12), ("heldout2", 8)])
def test_the_held_out_interviews_load_cite_their_own_answers_and_reach_new_problems(name: str, least: int) -> None:
    from interviewer.evals.interviews import HELDOUT_SETS

    held = load_interviews(HELDOUT_SETS[name])
    tuned = load_interviews()
    assert len(held) >= least and not set(held) & set(tuned)
    assert len({i.problem for i in held.values()} - {i.problem for i in tuned.values()}) >= 6
    for item in held.values():
        text = " ".join(item.answers)
        for lab in item.labels.values():
            for fid, verdict in lab.flags.items():
                if verdict in ("met", "partial", "raised"):
                    assert lab.evidence.get(fid) and all(q in text for q in lab.evidence[fid]), (item.id, fid)


def test_a_second_labeling_is_scored_as_a_card_against_the_first() -> None:
    """The ceiling: the same labels agree perfectly; the second labeling of heldout2 covers it all."""
    from interviewer.evals.interviews import HELDOUT_SETS, inter_rater

    first = load_interviews(HELDOUT_SETS["heldout2"])
    same = inter_rater(first, first)
    assert (same["phase_qwk"], same["hire_within_one"], same["claim_precision"]) == (1.0, 1.0, 1.0)
    second = load_interviews(HELDOUT_SETS["heldout2"] / "second")
    assert set(second) == set(first) and inter_rater(first, second)["n_cards"] == 2 * len(first)


# -- reference-anchored evidence -------------------------------------------------------------

ANCHORED = ("The yardstick is today's 400 rules plus the vendor score, compared at the same decline and "
            "review volume; gradient-boosted trees on the rules' inputs and velocity come first.")
GENERIC = "We should definitely have a baseline model before anything else, compared properly."


@pytest.mark.parametrize(("answer", "verdict", "anchored"), [(ANCHORED, "met", True), (GENERIC, "partial", False)])
def test_a_partial_green_that_makes_the_problems_reference_point_is_met_on_that_sentence(
        answer: str, verdict: str, anchored: bool) -> None:
    """A judge unsure of every question (P(yes) 0.6: partial): the sentence that makes the payment
    problem's own baseline point in the candidate's words is met and is the quote; a generic
    promise of a baseline stays partial."""
    card = grade_answers(probe_grader(ProbeScript({"": lambda shown: 0.6})),
                         ["The goal is fewer fraud losses without blocking good customers.", answer], "senior")
    baseline = flags_of(card)["mod_g_baseline"]
    assert (baseline.credited, baseline.anchored) == (verdict, anchored)
    assert baseline.evidence[0].quote == answer
    if anchored:
        assert baseline.reference_words >= 7 and "reference point" in baseline.rationale


def test_the_reference_never_creates_a_claim() -> None:
    """A judge that says No: the same sentence earns nothing, and no red flag moves."""
    card = grade_answers(probe_grader(ProbeScript({"": lambda shown: 0.02})), [ANCHORED], "senior")
    flags = flags_of(card)
    assert flags["mod_g_baseline"].credited == "not_addressed" and not flags["mod_g_baseline"].anchored
    assert not any(f.anchored for f in flags.values() if f.kind == "red")


def test_scoring_fit_reproduces_the_bundled_phase_score(tmp_path: Path) -> None:
    """The fitter scores stored verdicts with the same arithmetic as the scorecard."""
    from interviewer.evals.scoring_fit import PhaseCase, score
    from interviewer.grading.scorecard import FlagResult, phase_score
    from interviewer.grading.scoring import scoring

    rule = scoring()
    flags = [FlagResult(flag_id="g1", kind="green", statement="s", weight=1.0, verdict="met", verified=True),
             FlagResult(flag_id="g2", kind="green", statement="s", weight=1.5, verdict="partial", verified=True),
             FlagResult(flag_id="r1", kind="red", statement="s", weight=1.0, verdict="raised", verified=True),
             FlagResult(flag_id="r2", kind="red", statement="s", weight=1.0, verdict="not_raised", verified=True)]
    case = PhaseCase("p", "c", 1.0, ((1.0, "met", 0, False), (1.5, "partial", 0, False)),
                     ((1.0, "raised"), (1.0, "not_raised")), 3)
    anchoring = (rule.reference_met, rule.bank_met, (rule.flaw_share, rule.flaw_k))
    assert score(case, (anchoring, rule.partial_credit, rule.red_share, *rule.bins)) == phase_score(flags)[0]


def test_a_sentence_in_the_banks_own_words_is_found_and_met_only_when_the_rule_says_so() -> None:
    """The ETA bank's objective probe is not asked of a candidate who says late costs more than
    early; that stated sentence is bank evidence for the business objective (a question is not), and
    a partial green on it is met only under a rule with `bank_met`."""
    from interviewer.content.catalog import Catalog
    from interviewer.grading import anchor
    from interviewer.grading.sentences import Sentence

    flag = next(f for f in get_rubric().phases[0].green_flags if f.id == "pf_g_business_objective")
    cues = anchor.bank_cues(Catalog.load().bank("eta_prediction"), flag)
    said = [Sentence("S1", "Is being late worse than being early here?", "turn 1"),
            Sentence("S2", "Late deliveries hurt more than early ones, since they trigger refunds.", "turn 2")]
    assert cues and anchor.banked(cues, said) is said[1] and anchor.banked(cues, said[:1]) is None
    assert anchor.settle("partial", None, None, True, bank_met=True) == "met"
    assert anchor.settle("partial", None, None, True, bank_met=False) == "partial"
    assert anchor.settle("not_addressed", None, None, True, bank_met=True) == "not_addressed"


@pytest.mark.parametrize("item_id", ["eta_prediction_senior_weak", "notification_ranking_senior_strong"])
def test_an_interview_skips_only_the_red_flags_no_answer_could_raise(item_id: str) -> None:
    """The interview's grader does not ask a red flag no sentence shows the act of: every verdict is
    the same as when everything is asked, under a judge whose answers vary with what it is shown."""
    import zlib

    item = load_interviews()[item_id]

    def graded(skip: bool) -> tuple[dict[str, str], int]:
        script = ProbeScript({"": lambda shown: (zlib.crc32(shown.encode()) % 97) / 96})
        card = grade_answers(probe_grader(script, skip_silent=skip), item.answers, item.level)
        return {k: f.credited for k, f in flags_of(card).items()}, len(script.bodies)

    (asked_all, calls_all), (skipped, calls_skipped) = graded(False), graded(True)
    assert skipped == asked_all
    assert calls_skipped < calls_all


def test_a_naive_objective_with_a_modifier_is_still_the_act() -> None:
    """"maximize classification accuracy" is "maximize accuracy"; a business goal beside it excuses it."""
    naive = RUBRIC.flag("pf_r_naive_objective")[2]
    assert lexical.shows(naive, "The north star is clear: maximize classification accuracy on inbound mail.")
    assert lexical.shows(naive, "We optimize overall accuracy.")
    assert not lexical.shows(naive, "We maximize classification accuracy only as a proxy for fewer fraud losses.")


# -- mistakes the problem's bank presses ----------------------------------------------------


def test_a_mistake_the_problems_bank_presses_is_shown_in_its_phase_and_a_right_handling_is_not() -> None:
    """Rule-declined payments taken as fraud labels: the fraud bank's challenge shows on the card in
    the candidate's words, with the question it raises, in data and features, and not as a red flag;
    the same label choice that also says why declines never get a chargeback shows nothing; a
    question the candidate asks about it shows nothing either."""
    from interviewer.grading.scorecard import render_markdown

    weak = "Positives are chargebacks with a fraud reason code, plus the transactions our rules declined."
    card = grade_answers(probe_grader(ProbeScript({"": lambda shown: 0.5})), ["We want fewer fraud losses.", weak],
                         "senior")
    data = next(p for p in card.phases if p.phase_id == "data_and_features")
    assert [a.where for a in data.pressed] == ["turn 2"] and "rules declined" in data.pressed[0].quote
    assert "never had the chance to be charged back" in data.pressed[0].ask
    assert all(not p.pressed for p in card.phases if p.phase_id != "data_and_features")
    assert f"To defend: \"{data.pressed[0].quote}\" (turn 2)" in render_markdown(card)
    asked = "Should the transactions our rules declined count as positives, or are they unlabeled?"
    handled = weak + " Declined payments never get a chargeback, so their labels are missing: a selection bias."
    for answers in (["We want fewer fraud losses.", asked], ["We want fewer fraud losses.", handled]):
        quiet = grade_answers(probe_grader(ProbeScript({"": lambda shown: 0.5})), answers, "senior")
        assert not any(p.pressed for p in quiet.phases)
