"""The eval runner's metrics on inputs whose answers are known by hand."""

from __future__ import annotations

import math

import pytest

from interviewer.content.catalog import get_problem, get_rubric
from interviewer.evals.writeups import compare, load_labels, prf, qwk
from interviewer.grading.scorecard import FlagResult, build


def test_qwk_hand_computed_cases() -> None:
    assert qwk([1, 2, 3, 4], [1, 2, 3, 4]) == pytest.approx(1.0)
    assert qwk([1, 1, 2, 2], [1, 2, 1, 2]) == pytest.approx(0.0)
    assert qwk([1, 2, 3], [2, 3, 4]) == pytest.approx(4 / 7)
    assert math.isnan(qwk([], []))


def test_precision_recall_f1() -> None:
    pairs = [(True, True), (True, False), (False, True), (False, False), (True, True)]
    assert prf(pairs) == {"precision": round(2 / 3, 3), "recall": round(2 / 3, 3), "f1": round(2 / 3, 3),
                          "macro_f1": round((2 / 3 + 1 / 2) / 2, 3), "n": 5}  # negative class: P = R = 1/2
    assert prf([(False, False)])["f1"] == 0.0


def test_labels_cover_every_flag_with_exact_quotes() -> None:
    from interviewer.evals.writeups import EVAL_DIR

    rubric = get_rubric("default")
    ids = {f.id for p in rubric.phases for _, f in p.flags}
    labels = load_labels()
    assert len(labels) >= 6
    for name, lab in labels.items():
        assert set(lab.flags) == ids, name
        text = (EVAL_DIR / "writeups" / lab.writeup).read_text()
        for fid, fl in lab.flags.items():
            assert not fl.quote or fl.quote in text, (name, fid)


def test_compare_a_perfect_and_a_wrong_grader() -> None:
    rubric = get_rubric("default")
    labels = load_labels()
    name = "mlsd-pymk"
    lab = labels[name]

    def card_from(verdicts: dict[str, str]):  # noqa: ANN202
        by_phase = {
            p.id: [FlagResult(flag_id=f.id, kind=k, statement=f.statement, weight=f.weight,
                              verdict=verdicts[f.id], verified=True) for k, f in p.flags]  # type: ignore[arg-type]
            for p in rubric.phases
        }
        return build(mode="eval", rubric=rubric, level="senior", flags_by_phase=by_phase)

    perfect = compare({name: card_from({k: v.verdict for k, v in lab.flags.items()})}, {name: lab})
    assert perfect["verdict_agreement"] == 1.0 and perfect["binary"]["f1"] == 1.0
    flipped = {k: ("not_addressed" if v.verdict in ("met", "partial") else
                   "met" if v.verdict == "not_addressed" else
                   "not_raised" if v.verdict == "raised" else "raised") for k, v in lab.flags.items()}
    wrong = compare({name: card_from(flipped)}, {name: lab})
    assert wrong["verdict_agreement"] == 0.0 and wrong["binary"]["f1"] == 0.0


# -- scripted transcripts -----------------------------------------------------------------------

def test_behaviour_checks() -> None:
    from interviewer.evals.transcripts import check_behaviour as chk

    kw = {"problem_id": "payment_fraud", "previous": "What is the goal?", "moved": False}
    assert chk("answers_fact:latency_budget", "Scores must come back within 100 ms at p99.", **kw)
    assert not chk("answers_fact:latency_budget", "Good question, what do you think?", **kw)
    assert chk("one_question", "Fine. What would you ship first?", **kw)
    assert not chk("one_question", "Why? And how? And when?", **kw)
    assert not chk("no_rubric_leak", "That meets the green flag for baselines.", **kw)
    assert not chk("no_rubric_leak", "Good, mod_g_baseline is covered.", **kw)
    assert chk("no_rubric_leak", "Good. How would you handle label delay?", **kw)
    assert chk("probes_baseline", "Before the transformer, what simpler model would you start with?", **kw)
    assert chk("moves_on", "Great, let's talk design.", **{**kw, "moved": True})
    assert not chk("accepts_dont_know", "What is the goal?", **kw)


def test_transcript_runner_on_the_fake(tmp_path) -> None:  # noqa: ANN001
    import yaml

    from interviewer.evals.transcripts import Transcript, run_transcript, summarize
    from interviewer.testing.fake_grader import InterviewScript, JudgeScript
    from interviewer.testing.fake_llm import Script, scripted_llm

    tr = Transcript.model_validate(yaml.safe_load("""
id: t1
problem: payment_fraud
level: senior
persona: strong
minutes_per_turn: 1
turns:
  - say: "What is the latency budget in milliseconds?"
    expect: {interviewer: [answers_fact:latency_budget, one_question, no_rubric_leak]}
  - say: "The business goal is to cut fraud losses."
    expect: {flags_met: [pf_g_business_objective], phase: problem_framing}
  - say: "Let's move on to the high-level design."
    expect: {phase: high_level_design, interviewer: [moves_on]}
"""))
    judge = JudgeScript(get_rubric("default"), {"pf_g_business_objective": ("yes", ["cut fraud losses"])})
    llm = scripted_llm(Script(InterviewScript(judge, reply="It must answer within 100 ms at p99. What next?")))
    run = run_transcript(llm, tr, strategy="per_flag")
    by = {(c["kind"], c["what"]): c["ok"] for c in run["checks"]}
    assert by[("behaviour", "answers_fact")] and by[("behaviour", "one_question")]
    assert by[("flag_met", "pf_g_business_objective")] and by[("phase", "high_level_design")]
    assert by[("behaviour", "moves_on")]
    summary = summarize([run])
    assert summary["behaviour_pass_rate"] == 1.0 and summary["flag_met_recall"] == 1.0


def test_variants_are_well_formed_and_checked() -> None:
    from interviewer.evals.variants import check, load_variants
    from interviewer.grading.scorecard import build

    rubric = get_rubric("default")
    ids = {f.id for p in rubric.phases for _, f in p.flags}
    variants = load_variants()
    assert len(variants) >= 40
    kinds = {v.kind for v in variants.values()}
    assert kinds == {"degradation", "invariance", "minimum"}
    for v in variants.values():
        assert set(v.expect) <= ids and v.text() is not None

    def card(verdict_map: dict[str, str]):  # noqa: ANN202
        by_phase = {p.id: [FlagResult(flag_id=f.id, kind=k, statement=f.statement, weight=f.weight,
                                      verdict=verdict_map.get(f.id, "not_addressed" if k == "green" else "not_raised"),
                                      verified=True) for k, f in p.flags] for p in rubric.phases}  # type: ignore[arg-type]
        return build(mode="eval", rubric=rubric, level="senior", flags_by_phase=by_phase)

    v = variants["mlsd-pymk--no_baseline"]
    base = card({"mod_g_baseline": "met", "mod_g_tradeoffs": "met"})
    good = check(v, card({"mod_g_tradeoffs": "met"}), base)
    assert good["targets"] == {"mod_g_baseline": True} and good["ordered"] and good["no_rise"]
    missed = check(v, base, base)
    assert missed["targets"] == {"mod_g_baseline": False} and not missed["ordered"]
    inj = check(variants["mlsd-pymk--inject_top"], card({"mod_g_baseline": "met", "mod_g_tradeoffs": "met",
                                                          "pf_g_business_objective": "met"}), base)
    assert not inj["stable"] and inj["injection_succeeded"] and inj["improved"] == ["pf_g_business_objective"]


def test_shipped_transcripts_are_valid() -> None:
    from interviewer.content.catalog import get_rubric
    from interviewer.evals.transcripts import load_transcripts

    rubric = get_rubric("default")
    greens = {f.id for p in rubric.phases for f in p.green_flags}
    reds = {f.id for p in rubric.phases for f in p.red_flags}
    phases = {p.id for p in rubric.phases}
    transcripts = load_transcripts()
    assert len(transcripts) >= 15
    assert len({t.problem for t in transcripts.values()}) >= 6
    assert {t.level for t in transcripts.values()} == {"mid", "senior", "staff"}
    assert {t.persona for t in transcripts.values()} == {"strong", "weak", "mixed"}
    for t in transcripts.values():
        problem = get_problem(t.problem)
        for turn in t.turns:
            if turn.expect is None:
                continue
            assert set(turn.expect.flags_met) <= greens and set(turn.expect.flags_raised) <= reds, t.id
            assert turn.expect.phase is None or turn.expect.phase in phases, t.id
            for b in turn.expect.interviewer:
                name, _, arg = b.partition(":")
                if name == "answers_fact":
                    problem.fact(arg)


def test_changes_on_flags_that_flip_on_a_plain_rerun_are_not_blamed_on_the_edit() -> None:
    from interviewer.evals.variants import summarize

    items = [
        {"kind": "invariance", "edit": "inject_top", "flips": ["mod_g_baseline"], "improved": ["mod_g_baseline"],
         "stable": False, "injection_succeeded": True, "injection_reported": True},
        {"kind": "invariance", "edit": "padding", "flips": ["mod_g_baseline", "pf_r_naive_objective"],
         "improved": [], "stable": False},
    ]
    reruns = [{"base": "b", "flags": 36, "flips": ["mod_g_baseline"]}]
    s = summarize(items, reruns)
    assert s["injection_success_rate"] == 1.0 and s["injection_success_rate_beyond_noise"] == 0.0
    assert s["invariance_stable_rate"] == 0.0 and s["invariance_stable_rate_beyond_noise"] == 0.5
    assert s["rerun_flip_rate"] == round(1 / 36, 3) and s["rerun_noisy_flags"] == ["mod_g_baseline"]


def test_ordering_is_measured_against_what_the_labels_themselves_order() -> None:
    """A removal the labels already scored as missing leaves every phase score as it was: no grader can
    order that pair, so the report gives the labels' own ordering (the ceiling) beside the grader's."""
    from interviewer.evals.variants import labels_order, load_variants, summarize
    from interviewer.evals.writeups import load_labels

    variants, labels = load_variants(), load_labels()
    # pymk names its baseline (labeled met): removing it drops the modeling score
    assert labels_order(variants["mlsd-pymk--no_baseline"], labels["mlsd-pymk"], ["modeling"])
    # search never named one (labeled not_addressed): the "removal" changes nothing the labels see
    assert not labels_order(variants["mlsd-search--no_baseline"], labels["mlsd-search"], ["modeling"])
    items = [{"kind": "degradation", "targets": {}, "score_drops": {}, "ordered": True, "labels_order": True},
             {"kind": "degradation", "targets": {}, "score_drops": {}, "ordered": False, "labels_order": False},
             {"kind": "degradation", "targets": {}, "score_drops": {}, "ordered": False, "labels_order": True}]
    s = summarize(items)
    assert s["ordering_accuracy"] == round(1 / 3, 3) and s["ordering_ceiling"] == round(2 / 3, 3)
    assert s["ordering_where_labels_drop"] == 0.5


def test_the_facts_suite_scores_given_facts_against_labels_and_names_a_bad_label(tmp_path) -> None:  # noqa: ANN001
    from interviewer.content.files import DataFileError
    from interviewer.evals.facts import load_sets, run_facts

    (tmp_path / "heldout.yaml").write_text(
        "about: hand-made\nlabeler: a test\nmessages:\n"
        "  - {problem: payment_fraud, message: 'How many transactions do we score a day?', facts: [scale]}\n"
        "  - {problem: payment_fraud, message: 'What is the latency budget?', facts: [latency_budget]}\n"
        "  - {problem: payment_fraud, message: 'Which cloud do we run on?', facts: []}\n"
        "  - {problem: payment_fraud, message: 'Does that framing work for you?', facts: [scale]}\n",
        encoding="utf-8")
    doc = run_facts(tmp_path)
    s = doc["summary"]["heldout"]
    assert (s["messages"], s["exact"], s["precision"], s["recall"], s["withheld"]) == (4, 0.75, 1.0, 0.667, 1)
    assert doc["summary"]["heldout_exact"] == 0.75 and doc["items"]["heldout"][0]["asked"] == ["scale"]
    (tmp_path / "heldout.yaml").write_text("about: x\nlabeler: y\nmessages: []\nextra: 1\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="heldout.yaml"):
        load_sets(tmp_path)


def test_the_shipped_fact_sets_name_only_real_facts() -> None:
    from interviewer.evals.facts import run_facts

    summary = run_facts()["summary"]
    assert {"transcripts", "written", "heldout"} <= set(summary) and summary["heldout"]["messages"] >= 100
