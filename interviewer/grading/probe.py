"""Checklist grading by probability: one yes/no question per flag, one token out, P(yes) read.

Per phase, the grader shows the model the candidate's numbered sentences that matter for that
phase (its own sections plus the sentences BM25 ranks highest for each of its flags), then asks
each flag's detection question last, so the flags of a phase share the cached prefix. Code turns
P(yes) into a verdict through the calibrated thresholds and cites the candidate's own sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

from interviewer.content.prompts import render
from interviewer.content.rubric import Flag, FlagKind, Phase
from interviewer.grading.agreement import POSITIVE
from interviewer.grading.calibration import Calibration, score
from interviewer.grading.retrieval import BM25
from interviewer.grading.scorecard import Evidence, FlagResult
from interviewer.grading.sentences import Sentence
from interviewer.grading.sentences import render as render_sentences
from interviewer.llm import tokens

ABSTAINED = "not judged on this model (its probe ranked labeled write-ups no better than chance): "
PER_FLAG = 4  # sentences retrieved for each flag's question
CITED = 2  # sentences a positive verdict cites


@dataclass(frozen=True)
class Context:
    """The sentences one phase is graded on, and how many of the text's sentences it left out."""

    sentences: list[Sentence]
    left_out: int


def query(flag: Flag) -> str:
    return f"{flag.question} {flag.also_raised_if or ''} {flag.statement}"


def select(phase: Phase, sentences: list[Sentence], bm25: BM25, own: set[str], budget: int) -> Context:
    """The phase's own sentences and each flag's best matches, in reading order, within `budget` tokens.

    Retrieved sentences go in first (they are what the questions are about), then the phase's own
    sections by relevance, until the budget is spent; nothing is cut silently: `left_out` counts
    what stayed out of a phase whose own text did not fit.
    """
    ranked: list[Sentence] = []
    for _, flag in phase.flags:
        ranked += [s for s in bm25.top(query(flag), PER_FLAG) if s not in ranked]
    own_sents = [s for s in sentences if s.where in own]
    relevance = bm25.scores(" ".join(query(f) for _, f in phase.flags))
    by_id = {s.sid: r for s, r in zip(sentences, relevance, strict=True)}
    ranked += sorted((s for s in own_sents if s not in ranked), key=lambda s: -by_id[s.sid])
    chosen: list[Sentence] = []
    seen: set[str] = set()
    used = 0
    for s in ranked:
        key = " ".join(s.text.lower().split())
        n = tokens.count(s.text) + 4
        if key in seen or used + n > budget:  # a repeated sentence (padding) is read once
            continue
        chosen.append(s)
        seen.add(key)
        used += n
    order = {s.sid: i for i, s in enumerate(sentences)}
    chosen.sort(key=lambda s: order[s.sid])
    kept = {" ".join(s.text.lower().split()) for s in chosen}
    left = sum(1 for s in own_sents if " ".join(s.text.lower().split()) not in kept)
    return Context(chosen, left)


def prompt(problem: str, phase: Phase, context: Context, question: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": render("grader_probe_system")},
        {"role": "user", "content": render(
            "grader_probe", problem=problem, phase=phase.title,
            sentences=render_sentences(context.sentences) or "(no sentences)", question=question)},
    ]


def result(
    kind: FlagKind, flag: Flag, p_yes: float, context: Context, bm25: BM25, cal: Calibration,
    p_also: float | None = None,
) -> FlagResult:
    """The verdict for one flag; a positive one cites the candidate's best-matching sentences."""
    s = score(kind, flag, p_yes, p_also)
    verdict = cal.verdict(kind, s, flag.id)
    if flag.id in cal.constant:  # this model cannot detect the flag: no claim either way
        return FlagResult(flag_id=flag.id, kind=kind, statement=flag.statement, weight=flag.weight,
                          verdict=verdict, verified=True, probability=round(s, 4),
                          rationale=f"{ABSTAINED}P(yes)={p_yes:.2f}")
    ids = {x.sid for x in context.sentences}
    by_wrong_act = p_also is not None and p_also > 1 - p_yes  # the second question shows the flag
    cited = bm25.top(f"{flag.also_raised_if} {flag.statement}" if by_wrong_act else query(flag), CITED, among=ids)
    absence = kind == "red" and flag.raised_when == "no" and not by_wrong_act
    positive = verdict in POSITIVE
    # the closest sentences are kept for every verdict: the evidence of a positive one, and for a
    # negative one what the candidate said nearest to it (a scorecard can show it beside the gap)
    evidence = [Evidence(quote=x.text, where=x.where, sentence=x.sid) for x in cited]
    return FlagResult(
        flag_id=flag.id, kind=kind, statement=flag.statement, weight=flag.weight, verdict=verdict,
        # a missing thing is shown by the absence itself; anything else needs a sentence to cite
        verified=(not positive) or absence or bool(evidence),
        evidence=evidence, probability=round(s, 4),
        rationale=f"P(yes)={p_yes:.2f} to: {flag.question}"
        + (f" P(yes)={p_also:.2f} to: {flag.also_raised_if}" if p_also is not None else ""),
    )


