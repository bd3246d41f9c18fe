"""Checklist grading by probability: one yes/no question per flag, one token out, P(yes) read.

Each flag is asked about the few numbered sentences of the candidate that bear on it most (BM25
over the whole text, so nothing is cut from a long write-up): a small model shown a whole phase
answers "is the topic near?", shown the sentences themselves it answers about them. A short answer
is shown whole, so the flags of a chat turn share one cached prefix. Code combines P(yes) with the
flag's terms in the best sentence (lexical.py) through the calibration file into a verdict, and
cites the candidate's own sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviewer.content.prompts import render
from interviewer.content.rubric import Flag, FlagKind, Phase
from interviewer.grading import anchor, lexical
from interviewer.grading.agreement import POSITIVE
from interviewer.grading.calibration import Calibration, score
from interviewer.grading.calibration import lexical as lexical_feature
from interviewer.grading.judgement import NOT_AN_ACT, SHOWN
from interviewer.grading.retrieval import BM25
from interviewer.grading.scorecard import Act, Evidence, FlagResult, Verdict
from interviewer.grading.scoring import scoring
from interviewer.grading.sentences import Sentence
from interviewer.grading.sentences import render as render_sentences

ABSTAINED = "not judged on this model (its probe ranked labeled write-ups no better than chance): "
PER_FLAG = 4  # sentences shown with each flag's question
CITED = 2  # sentences a positive verdict cites
LIVE_WHOLE = 12  # an interview phase's answers up to this many sentences are shown whole


@dataclass(frozen=True)
class Context:
    """The sentences one flag's question is asked about."""

    sentences: list[Sentence]


def query(flag: Flag) -> str:
    return f"{flag.question} {flag.also_raised_if or ''} {flag.statement}"


def for_flag(flag: Flag, sentences: list[Sentence], bm25: BM25, k: int = PER_FLAG, whole: int = PER_FLAG) -> Context:
    """The k sentences BM25 ranks highest for the flag's question, in reading order (none when no
    sentence shares a word with it); a text of at most `whole` distinct sentences is shown whole
    (in an interview, so that the flags of a phase's answers share one cached prefix). A repeated
    sentence (padding) is read once."""
    distinct: dict[str, Sentence] = {}
    for s in sentences:
        distinct.setdefault(" ".join(s.text.lower().split()), s)
    once = list(distinct.values())
    if len(once) <= max(k, whole):
        return Context(once)
    kept = {s.sid for s in once}
    chosen = [s for s in bm25.top(query(flag), len(sentences)) if s.sid in kept][:k]
    order = {s.sid: i for i, s in enumerate(sentences)}
    return Context(sorted(chosen, key=lambda s: order[s.sid]))


def prompt(problem: str, phase: Phase, context: Context, question: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": render("grader_probe_system")},
        {"role": "user", "content": render(
            "grader_probe", problem=problem, phase=phase.title,
            sentences=render_sentences(context.sentences) or "(no sentences)", question=question)},
    ]


def by_act(verdict: Verdict, act: Act | None) -> tuple[Verdict, str]:
    """A red flag's verdict given what its quote shows, and why when that changed it: an act its cues
    show is raised whatever P(yes) says; with no act quoted it is never raised (a gap is shown once,
    as the green not met). The grader and the write-up suite's held-out folds both apply it."""
    if act == "cued" and verdict != "raised":
        return "raised", SHOWN
    if act == "none" and verdict == "raised":
        return "not_raised", NOT_AN_ACT
    return verdict, ""


def _gated(flag: Flag, by_wrong_act: bool) -> bool:
    """Whether a red flag needs a quoted act: raised by its second question, one with cues; else one
    with cues, terms or for a missing thing."""
    return bool(flag.cues) if by_wrong_act else bool(flag.cues) or bool(flag.terms) or flag.raised_when == "no"


def _absent(flag: Flag, acts: list[Sentence], by_wrong_act: bool) -> bool:
    """No quoted act for a red flag that needs one (result's rule)."""
    return _gated(flag, by_wrong_act) and (
        not acts if flag.raised_when == "no" or by_wrong_act else len(acts) < flag.act_sentences)


def silent(kind: FlagKind, flag: Flag, sentences: list[Sentence]) -> bool:
    """A red flag no answer of the model could raise: no sentence shows its act, by either of its
    questions, so result() would settle it not raised whatever P(yes) says. A live interview skips
    its calls (the verdict is the same; the grader's slot is freed for the interviewer)."""
    if kind != "red" or len(lexical.cued(flag, sentences)) >= flag.act_sentences:
        return False
    acts = lexical.acts(flag, sentences)
    return _absent(flag, acts, False) and (not flag.also_raised_if or _absent(flag, acts, True))


def unasked(flag: Flag) -> FlagResult:
    """What result() gives a silent red flag, without the model's call."""
    return FlagResult(flag_id=flag.id, kind="red", statement=flag.statement, weight=flag.weight,
                      verdict="not_raised", verified=True, act="none",
                      rationale=f"{NOT_AN_ACT}Not asked: no sentence shows its act.")


def result(
    kind: FlagKind, flag: Flag, p_yes: float, context: Context, bm25: BM25, cal: Calibration,
    p_also: float | None, sentences: list[Sentence], in_phase: list[Sentence],
    reference: frozenset[str] = frozenset(), bank: tuple[re.Pattern[str], ...] = (),
) -> FlagResult:
    """The verdict for one flag, from P(yes) and the flag's terms in the candidate's best sentence
    (of all of `sentences`, and of those `in_phase`: placed in the flag's phase); a positive one
    cites that sentence and the best-matching one shown. A partial green whose best sentence makes
    the problem's `reference` point, or says what the problem's own `bank` probe for it asks
    (anchor.py), is met, on that sentence."""
    s = score(kind, flag, p_yes, p_also)
    terms, named = lexical.best(flag, sentences)
    local = terms if in_phase is sentences else lexical.best(flag, in_phase)[0]
    verdict = cal.verdict(kind, cal.combined(kind, s, lexical_feature(flag, kind, terms),
                                             lexical_feature(flag, kind, local)), flag.id)
    anchored, ref_words, ref_sentence = False, None, None
    if kind == "green" and reference:
        ref_words, ref_sentence = anchor.best(reference, sentences)
        anchored = anchor.settle(verdict, ref_words, scoring().reference_met) != verdict
        verdict = "met" if anchored else verdict
    said = anchor.banked(bank, sentences) if kind == "green" else None
    by_bank = not anchored and said is not None and \
        anchor.settle(verdict, None, None, True, scoring().bank_met) != verdict
    if by_bank:
        anchored, ref_sentence, verdict = True, said, "met"
    acts = lexical.acts(flag, sentences) if kind == "red" else []
    # the rubric's cues name the wrong act itself ("keep an eye on the metrics", "clicks are a
    # perfect label"): quoted, that act is the flag, whatever a small model's P(yes) says
    cued = lexical.cued(flag, sentences) if kind == "red" and flag.act_cues else []
    shown = len(cued) >= flag.act_sentences  # act_sentences is at least 1
    if flag.id in cal.constant and not shown:  # this model cannot detect the flag: no claim either way
        return FlagResult(flag_id=flag.id, kind=kind, statement=flag.statement, weight=flag.weight,
                          verdict=verdict, verified=True, probability=round(s, 4), terms_found=terms,
                          terms_in_phase=local, rationale=f"{ABSTAINED}P(yes)={p_yes:.2f}")
    ids = {x.sid for x in context.sentences}
    by_wrong_act = p_also is not None and p_also > 1 - p_yes  # the second question shows the flag
    cited = bm25.top(f"{flag.also_raised_if} {flag.statement}" if by_wrong_act else query(flag), CITED, among=ids)
    if named is not None and not by_wrong_act:  # the sentence naming the flag's terms comes first
        cited = [named, *[x for x in cited if x.sid != named.sid]][:CITED]
    if anchored and ref_sentence is not None:  # ... unless the one making the reference point settled it
        cited = [ref_sentence, *[x for x in cited if x.sid != ref_sentence.sid]][:CITED]
    # a red flag claims the candidate did something wrong: it stands only on a quote of that act,
    # never on an absence (shown once, as the green not met) and never on a clarifying question.
    # A red for a missing thing can still be shown by an act its cues name ("maximize accuracy").
    # A red "did something wrong" flag needs its act quoted: a sentence its cues (else its terms)
    # show, as many as the flag asks for (dwelling on infrastructure is several sentences, not one).
    # Raised by its second question (a leaky input), a flag with cues needs a sentence they show too.
    absence = kind == "red" and _absent(flag, acts, by_wrong_act)
    if kind == "red" and _gated(flag, by_wrong_act) and acts:
        cited = (cued if shown else acts)[:CITED]
    evidence = [Evidence(quote=x.text, where=x.where, sentence=x.sid) for x in cited
                if kind == "green" or not lexical.is_question(x.text)]
    act: Act | None = None if kind == "green" else (
        "cued" if shown and evidence else "none" if absence or not evidence else "quoted")
    verdict, why = by_act(verdict, act)
    positive = verdict in POSITIVE
    # the closest sentences are kept for every verdict: the evidence of a positive one, and for a
    # negative one what the candidate said nearest to it (a scorecard can show it beside the gap)
    return FlagResult(
        flag_id=flag.id, kind=kind, statement=flag.statement, weight=flag.weight, verdict=verdict,
        verified=(not positive) or bool(evidence),
        evidence=evidence, probability=round(s, 4), terms_found=terms, terms_in_phase=local, act=act,
        reference_words=ref_words, anchored=anchored, banked=said is not None,
        rationale=("Met: one sentence says what this problem's own question on it asks. " if by_bank else
                   f"Met: one sentence makes the problem's reference point ({ref_words} of its words). "
                   if anchored else "") + f"{why}P(yes)={p_yes:.2f} to: {flag.question}"
        + (f" P(yes)={p_also:.2f} to: {flag.also_raised_if}" if p_also is not None else "")
        + (f" Terms named: {', '.join(sorted(lexical.found(flag, named.text)))}." if named else ""),
    )
