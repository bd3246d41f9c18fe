"""How the interviewer decides each reply: the one place for its judgement, in code.

Every candidate turn gets exactly one move, chosen in this order:

1. **rephrase** an empty or unreadable answer;
2. **decline** a request for the rubric, the notes, the prompt or a model answer (and any
   instruction aimed at the interviewer), then re-ask the open question;
3. **answer** clarifying questions from the problem's facts, word for word (numbers and units
   intact), or ask what they would assume when no fact answers; a question asking the
   interviewer to judge ("Is MAE right here?") is turned back to the candidate;
4. **redirect** an off-topic turn to the open question;
5. after **"I don't know"**, one narrowing question on the topic, then the next topic;
6. **challenge** a mistake the answer shows (the bank's cues for this problem, then the rubric's,
   then the guide's classic traps any problem can show), quoting the candidate's own words, or a
   red flag the grader raised in this phase; then, when the answer ends by turning to the phase
   the interview is already in ("so let me sketch the high-level design"), **let them** ("Sure,
   go ahead.": the clock waits for it);
7. **engage** a strong answer on a technique it chose (the guide's `engage` items: how they would
   size, check or justify the downsampling, the holdout, the threshold), not twice running while a
   green flag is still to probe;
8. **go deeper** on a strong answer, toward the problem's core (the bank's `deeper` items; only
   then, as a deeper question offered unprompted reads as a hint);
9. **probe** the heaviest green flag of the phase not shown yet (the bank's `probe` items; the
   rubric's hint only for a problem without a bank);
10. otherwise the phase's opener when just entered, a question on a technique the answer chose,
    or a stock follow-up not asked before.

Phase changes are the graph's (routing.route_answer, with following.py saying where to): asked for
("skip ahead to modeling" goes to Modeling), an answer that moved to the next phase, the phase
covered, or its time spent. The
words come from authored content (problems/probes/, the rubric), so a move costs no LLM call and
every reply passes guards.py; only a strong backend may write whole questions (`questions=model`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from interviewer.content.probes import BankItem, Guide, ProbeBank
from interviewer.content.problems import HiddenFact, Problem
from interviewer.content.rubric import Flag, Phase, Rubric
from interviewer.grading import lexical
from interviewer.grading.scorecard import FlagResult
from interviewer.grading.sentences import Sentence
from interviewer.grading.triage import triage
from interviewer.interview import asks, conduct, facts, following, intent
from interviewer.interview.coverage import begun, candidate_sentences, covered, last_turn, placed_in, shown
from interviewer.interview.dont_know import NARROW, just_narrowed, narrowing_for, specific
from interviewer.interview.guards import words
from interviewer.interview.planner import verdict_of
from interviewer.interview.state import InterviewState

Kind = Literal["rephrase", "decline", "answer", "turn_back", "redirect", "narrow", "challenge", "deeper",
               "engage", "probe", "follow_up"]
STRONG_WORDS = 30  # an answer at least this long, with a number or a named trade-off, earns a deeper question
QUOTE_WORDS = 8  # a challenge quotes at most this many of the candidate's words
LONG_MATCH = 80  # characters: a cue matching more than this (a list) is less specific than a short one
DEEPER_PER_PHASE = 2

DECLINE_GRADE = "The grade isn't mine to hand out; it comes from what you show here."
DECLINES = ["I can't share my notes, the rubric or a model answer: working it out is the interview itself.",
            "That stays with me, I'm afraid.", "I'll keep that to myself; let's carry on."]
REPHRASE = "I couldn't follow that. Could you say it again, in terms of the system you're designing?"
REDIRECT = "Let's keep to the design problem."
# after "I don't know" with nothing left to narrow or probe: a fresh start, not "what you just described"
AFTER_DONT_KNOW = ["Which part of this problem do you feel most sure about, so we can start from there?",
                   "What would you do first on day one of this project?"]
TURN_BACK = "That's your call to make here. What would you choose, and what would make you change your mind?"
NO_FACT = "I don't have a figure for that. What would you assume, and why?"
GO_AHEAD = "Sure, go ahead."  # the candidate said they are turning to the phase the interview is in
_AGAIN = re.compile(r"\b(?:again|remind me|repeat (?:that|the)|one more time)\b", re.IGNORECASE)
_CHECKING = re.compile(r"\b(?:is that right|right\?|correct\?|does that (?:match|sound|make sense)|make sense\?|"
                       r"fair\?|agreed\?|okay\?|ok\?)", re.IGNORECASE)


@dataclass
class Move:
    """One reply's decision: what it does, its words, and what the state records of it."""

    kind: Kind
    text: str
    facts: list[HiddenFact] = field(default_factory=list)
    topic: str | None = None  # what a probe counts against (a flag, or "bank:<ask>")
    flag: Flag | None = None  # the flag probed or challenged, if any
    unanswered: list[str] = field(default_factory=list)  # questions no fact answered


def asked_so_far(state: InterviewState) -> list[str]:
    return [q for t in state["transcript"] if t["role"] == "interviewer" for q in conduct.questions(t["text"])]


_CLAUSE_END = re.compile(r"[.!?;:](?=\s|$)|\n|—|\(|\)")
QUOTE_MIN = 3  # a quote shorter than this ("Monitoring") reads as a fragment: the question stands alone


def said_first(text: str, span: tuple[int, int]) -> str:
    """'You said "…". ' before a challenge, when the candidate's words make a readable quote."""
    q = quote(text, span)
    return f'You said "{q}". ' if q else ""


def quote(text: str, span: tuple[int, int]) -> str:
    """The candidate's own words where the mistake was matched, in their case: up to QUOTE_WORDS
    words of the clause holding the match's end, ending there (then filled on from the clause's
    rest), with an ellipsis where cut. Not the clause's last words: in "Once it hits 95% I'd roll it
    out to all users, and after launch we'd watch app ratings." the act is the roll-out."""
    # clause ends before the match's last character, read on the whole text (a search cut short at the
    # match would take the point of "0.5" for a sentence's end)
    stops = [m.end() for m in _CLAUSE_END.finditer(text) if m.end() < span[1]]
    start = stops[-1] if stops else 0
    after = _CLAUSE_END.search(text, span[1])
    cut = span[1] + len(re.match(r"\S*", text[span[1]:]).group())  # type: ignore[union-attr]
    head = re.findall(r"\S+", text[start:cut])
    tail = re.findall(r"\S+", text[cut:after.start() if after else len(text)])
    kept = head[-QUOTE_WORDS:]
    room = QUOTE_WORDS - len(kept)
    said = " ".join(kept + tail[:room]).strip(" ,;:.\"'")
    if len(said.split()) < QUOTE_MIN:
        return ""
    return f"{'…' if len(head) > QUOTE_WORDS else ''}{said}{'…' if len(tail) > room else ''}"


def strong(text: str) -> bool:
    w = words(text)
    return len(w) >= STRONG_WORDS and (bool(re.search(r"\d", text)) or bool(
        re.search(r"\b(?:because|since|trade-?off|instead|rather than|versus|vs|so that)\b", text, re.I)))


def _fresh(items: list[BankItem], asked: list[str]) -> list[BankItem]:
    return [i for i in items if not conduct.asked_before(i.ask, asked)]


def subject(problem: Problem) -> frozenset[str]:
    """The words naming what the problem is about ("llm", "answer", "assistant"): a rubric cue that
    matches only these shows no mistake (challenge's `named`)."""
    return frozenset(words(problem.title))


def challenge(text: str, state: InterviewState, phase: Phase, phases: list[Phase], bank_items: list[BankItem],
              other_items: list[BankItem], asked: list[str], cap: int, named: frozenset[str] = frozenset(),
              traps: list[BankItem] | None = None) -> Move | None:
    """A mistake the answer itself shows, by the bank's cues, the rubric's, then the guide's classic
    `traps`: this phase's first, then the most specific (a cue matching a long stretch, like a
    feature list, yields to one that names the act, like a leaky feature inside the list), the
    bank's before the rubric's, the rubric's (the acts the card grades) before the guide's. A rubric
    cue that only names what the problem itself is about (`named`: "LLM" in "LLM answer assistant")
    shows no mistake."""
    probes = state.get("probes", {})
    found: list[tuple[tuple[bool, bool, bool, int], Move]] = []
    banked = _fresh(bank_items, asked) + _fresh(other_items, asked)
    for n, item in enumerate(banked + _fresh(traps or [], asked)):
        if item.move == "challenge" and (m := item.shown_in(text)) and probes.get(f"bank:{item.ask}", 0) < 1:
            trap = n >= len(banked)  # after every rubric flag (their n is below any trap's)
            key = (item not in bank_items, m.end() - m.start() > LONG_MATCH, trap, n + (10_000 if trap else 0))
            found.append((key, Move("challenge", f"{said_first(text, m.span())}{item.ask}", topic=f"bank:{item.ask}")))
    for n, flag in enumerate(f for ph in phases for f in ph.red_flags):
        # the answer's own justification anywhere in it (a latency budget beside the distillation) holds
        # the challenge back, not only one in the same sentence
        act = flag.act(text)
        m = act[1] if act else None
        if m is not None and set(words(m.group())) <= named:
            continue
        ask = flag.cue_challenges.get(act[0], flag.challenge) if act else flag.challenge  # that act's own pushback
        if ask and lexical.shows(flag, text) and probes.get(flag.id, 0) < cap and \
                not conduct.asked_before(ask, asked) and not flag.excused(text):
            key = (flag not in phase.red_flags, m is not None and m.end() - m.start() > LONG_MATCH, True, n)
            said = said_first(text, m.span()) if m else ""
            found.append((key, Move("challenge", said + ask, topic=flag.id, flag=flag)))
    return min(found, key=lambda f: f[0])[1] if found else None


def answer(text: str, state: InterviewState, matched: list[HiddenFact], unasked: list[str],
           pushed: Move | None) -> Move | None:
    """Each ask answered from the facts (a fact given before is not re-read unless asked "again"),
    tooling questions told they don't matter, the rest met with "what would you assume?"; then a
    challenge, if the same turn showed a mistake."""
    told = set(state.get("facts_revealed", []))
    again = bool(_AGAIN.search(text))  # "what was the budget again?": the one time a fact is re-read
    matched = [f for f in matched if f.id not in told or again]
    tooling = [a for a in unasked if facts.tooling(a)]
    rest = [a for a in unasked if a not in tooling and not _CHECKING.search(a)]
    parts = [f.fact.strip() for f in matched] + ([facts.TOOLING_ANSWER] if tooling else [])
    if rest and not parts:  # a part left open beside an answered one reads as confusing: no "for the rest"
        parts.append(NO_FACT)
    if not parts:  # every ask was about a fact already given: no re-reading, the talk goes on
        return None
    said = " ".join(parts)
    return Move("answer", f"{said} {pushed.text}" if pushed else said, facts=matched,
                topic=pushed.topic if pushed else None, unanswered=rest[:1])


def bank_items(bank: ProbeBank | None, rubric: Rubric, default: Rubric, phase: Phase,
               ) -> tuple[list[BankItem], list[BankItem]]:
    """The bank's items for this phase, and those of every other phase."""
    if bank is None:
        return [], []
    others = [i for p in rubric.phases if p is not phase for i in bank.for_phase(p, default)]
    return bank.for_phase(phase, default), others


def traps(guide: Guide | None, rubric: Rubric, default: Rubric) -> list[BankItem]:
    """The guide's challenges to the classic mistakes any problem can show, for every problem (one
    without a bank too)."""
    bank = guide.traps if guide else None
    return [i for p in rubric.phases for i in bank.for_phase(p, default)] if bank else []


def pushback(state: InterviewState, rubric: Rubric, default: Rubric, phase: Phase, bank: ProbeBank | None,
             cap: int, named: frozenset[str] = frozenset(), guide: Guide | None = None) -> Move | None:
    """The challenge to a mistake the last answer shows, not yet made (the phase waits for it,
    within a grace; a phase change asked for makes it first: "Before we move on ...")."""
    last = state["transcript"][-1]
    if last["role"] != "candidate" or not last["text"].strip():
        return None
    items, others = bank_items(bank, rubric, default, phase)
    return challenge(last["text"], state, phase, rubric.phases, items, others, asked_so_far(state), cap, named,
                     traps(guide, rubric, default))


def decide(state: InterviewState, rubric: Rubric, default: Rubric, phase: Phase, problem: Problem,
           bank: ProbeBank | None, flags: dict[str, FlagResult], cap: int, guide: Guide | None = None,
           entering: bool = False) -> Move:
    """This turn's move, from the state alone (see the module docstring for the order)."""
    last = state["transcript"][-1]
    text = last["text"].strip() if last["role"] == "candidate" else ""
    asked = asked_so_far(state)
    items, others = bank_items(bank, rubric, default, phase)
    common = traps(guide, rubric, default)
    said = candidate_sentences(state)
    named = subject(problem)
    # after a decline or a redirect the talk moves on to a question not asked yet (re-asking the last
    # one word for word reads as a loop)
    fresh = probe_missing(phase, items, asked, flags, state.get("probes", {}), cap, said, rubric)
    again = fresh.text if fresh else conduct.fallback_question(asked, phase_id=phase.id)
    screened = triage(text, problem.terms) if text and state.get("intent") != "stay" else None
    if not text or (screened and screened.status in ("empty", "gibberish")):
        return Move("rephrase", REPHRASE)
    if asks.is_extraction(text):
        given = sum(any(d in t["text"] for d in DECLINES) for t in state["transcript"] if t["role"] == "interviewer")
        first = DECLINE_GRADE if asks.GRADE_ASK.search(text) and not any(
            DECLINE_GRADE in t["text"] for t in state["transcript"]) else DECLINES[min(given, len(DECLINES) - 1)]
        return Move("decline", f"{first} {again}",
                    topic=fresh.topic if fresh else None, flag=fresh.flag if fresh else None)
    if state.get("intent") == "dont_know" or specific(text):
        return after_dont_know(state, phase, items, asked, flags, cap, said, guide, rubric)
    questions = intent.questions(text)
    matched, unasked = facts.answer_to(text, problem, guide.fact_topics if guide else {},
                                       frozenset(state.get("facts_revealed", [])))
    # "can we go to modeling?" asks for no fact: the interview goes there (routing), nothing to answer,
    # nor in the statement the same sentence opened with ("I think data is covered; can we go to ...?")
    requests = [a for a in unasked if following.request_clause(a, rubric.phases) is not None]
    unasked = [a for a in unasked if a not in requests and (not requests or a.rstrip().endswith("?"))]
    if questions and not matched and (asks.SMALL_TALK.search(text) or (
            screened and screened.status == "off_topic" and not asks.ENGINEERING & set(words(text)))):
        return Move("redirect", f"{REDIRECT} {again}")
    if questions:
        if not matched and asks.OPINION.search(" ".join(questions)):
            return Move("turn_back", TURN_BACK)
        replied = answer(text, state, matched, unasked,
                         challenge(text, state, phase, rubric.phases, items, others, asked, cap, named, common))
        if replied:
            return replied
    if pushed := challenge(text, state, phase, rubric.phases, items, others, asked, cap, named, common):
        return pushed
    if state.get("intent") == "stay" and following.closing_request(text, rubric.phases, last_words=True) \
            == rubric.phases.index(phase):
        return Move("follow_up", GO_AHEAD)  # "..., so let me sketch the high-level design" while on it: let them
    probes = state.get("probes", {})
    raised = [f for f in phase.red_flags if verdict_of(flags, f.id) == "raised" and probes.get(f.id, 0) < cap]
    for flag in raised:
        own = [i for i in _fresh(items, asked) if i.move == "challenge" and flag.id in i.flags]
        words_ = own[0].ask if own else flag.challenge
        if words_ and not conduct.asked_before(words_, asked):
            return Move("challenge", words_, topic=flag.id, flag=flag)
    probe = fresh  # this phase's heaviest missing green, as found above
    recent = " ".join(t["text"] for t in state["transcript"][-7:-1] if t["role"] == "candidate")
    chosen = None if entering else engaging(text, guide, asked, phase, recent)  # just announced: its opener
    if strong(text) and chosen and not (probe and state.get("last_probe") == "engage"):
        return Move("engage", chosen, topic="engage")
    deeper = [i for i in _fresh(items, asked) if i.move == "deeper" and not covered(i.ask, said)]
    went_deeper = probes.get(f"deeper:{phase.id}", 0)
    if strong(text) and deeper and went_deeper < DEEPER_PER_PHASE and state.get("last_probe") != "deeper":
        return Move("deeper", deeper[0].ask, topic=f"deeper:{phase.id}")
    if probe:
        return probe
    if entering and phase.opener and not conduct.asked_before(phase.opener, asked) and \
            not covered(phase.opener, said) and not _begun_here(state, text, rubric, phase, said):
        return Move("follow_up", phase.opener)  # a phase just entered: its own question, not one on the last
    if chosen:
        return Move("engage", chosen, topic="engage")
    return Move("follow_up", conduct.fallback_question(asked, phase_id=phase.id, answer=text))


def engaging(text: str, guide: Guide | None, asked: list[str], phase: Phase, recent: str = "") -> str | None:
    """The question on the first technique this answer chose not asked about yet, unless this answer
    or the `recent` ones already say what it asks."""
    chosen = guide.engaging(text, conduct.stage(phase.id), recent) if guide and text else []
    fresh = [i.ask for i in chosen if not conduct.asked_before(i.ask, asked)]
    return fresh[0] if fresh else None


def _begun_here(state: InterviewState, text: str, rubric: Rubric, phase: Phase, said: list[Sentence]) -> bool:
    """Whether the phase just entered was already begun, so its opener would ask for what was said.
    Entered by the clock: any earlier answer counts. Asked for at the start of an answer ("Let's move
    on to data. For data I'd ..."): that answer. Asked for at its end ("..., so let me go to
    modeling", "can we move on to data?"): nothing yet was said for it, so the opener stands."""
    if following.closing_request(text, rubric.phases) is not None:
        return False
    opened = following.opening_request(text, rubric.phases) is not None
    if state.get("bridge_why") == "asked" or opened:
        return opened and begun(phase, rubric, last_turn(said))
    return begun(phase, rubric, said)


def probe_missing(phase: Phase, items: list[BankItem], asked: list[str], flags: dict[str, FlagResult],
                  probes: dict[str, int], cap: int, said: list[Sentence] | None = None,
                  rubric: Rubric | None = None) -> Move | None:
    """The heaviest green flag of the phase not shown yet, asked by the bank, else by its rubric hint
    (neither when the candidate's recent answers already talk about what it asks)."""
    placed = placed_in(phase, rubric, said or []) if rubric else []  # once for all of the phase's flags
    missing = [f for f in phase.green_flags if not shown(f, flags, said or [], placed)]
    for flag in sorted(missing, key=lambda f: -f.weight):
        if probes.get(flag.id, 0) >= cap:
            continue
        own = [i for i in _fresh(items, asked) if i.move == "probe" and (flag.id in i.flags or set(
            flag.reference_from) & set(i.flags)) and not covered(i.ask, said or [])]
        # the rubric's generic hint stands in only for a problem without a bank of its own
        hint = flag.hint if not items and flag.hint and flag.hint.endswith("?") and \
            not covered(flag.hint, said or []) else None
        words_ = own[0].ask if own else hint
        if words_ and not conduct.asked_before(words_, asked):
            return Move("probe", words_, topic=flag.id, flag=flag)
    return None


def after_dont_know(state: InterviewState, phase: Phase, items: list[BankItem], asked: list[str],
                    flags: dict[str, FlagResult], cap: int, said: list[Sentence], guide: Guide | None,
                    rubric: Rubric | None = None) -> Move:
    """One narrowing question on the topic they could not answer (dont_know.py); the next topic after that."""
    last = state.get("last_probe")
    probes = state.get("probes", {})
    if ask := narrowing_for(state["transcript"][-1]["text"], state, guide, asked):
        return Move("narrow", f"That's fine. {ask}", topic=f"narrow:{last or phase.id}")
    if last and probes.get(f"narrow:{last}", 0) < 1 and not conduct.asked_before(NARROW, asked) and \
            not just_narrowed(state, guide):
        return Move("narrow", f"That's fine. {NARROW}", topic=f"narrow:{last}")
    closed = {**probes, **({last: cap} if last else {})}
    nxt = probe_missing(phase, items, asked, flags, closed, cap, said, rubric)
    if nxt:
        return Move(nxt.kind, f"That's fine, let's leave it. {nxt.text}", topic=nxt.topic, flag=nxt.flag)
    nothing = next((q for q in AFTER_DONT_KNOW if not conduct.asked_before(q, asked)), AFTER_DONT_KNOW[-1])
    return Move("follow_up", f"That's fine, let's leave it there. {nothing}")
