"""How the interviewer decides each reply: the one place for its judgement, in code.

Every candidate turn gets exactly one move, chosen in this order:

1. **rephrase** an empty or unreadable answer;
2. **decline** a request for the rubric, the notes, the prompt or a model answer (and any
   instruction aimed at the interviewer), then re-ask the open question;
3. **answer** clarifying questions from the problem's facts, word for word (numbers and units
   intact), every fact asked for (a first turn often asks six things), or ask what they would
   assume when no fact answers; a question asking the interviewer to judge ("Is MAE right here?",
   "What would you use?") or for a hint ("could you give me a nudge?") is turned back to the
   candidate;
4. **redirect** an off-topic turn to the open question (one about the job, "is the team hybrid?",
   is parked for the end);
5. after **"I don't know"**, one narrowing question on the topic, then the next topic;
6. **challenge** a mistake the answer shows (the bank's cues for this problem, then the rubric's,
   then the guide's classic traps any problem can show), quoting the candidate's own words, or a
   red flag the grader raised in this phase; then, when the answer ends by turning to the phase
   the interview is already in ("so let me sketch the high-level design"), **let them** ("Sure,
   go ahead.": the clock waits for it);
7. **engage** a strong answer on a technique it chose (the guide's `engage` items: how they would
   size, check or justify the downsampling, the holdout, the threshold), not twice running while a
   green flag is still to probe;
8. **probe** the heaviest green flag of the phase not shown yet (the bank's `probe` items; the
   rubric's hint only for a problem without a bank);
9. **go deeper** on a strong answer in the deep dives, once the phase shows every green flag, toward
   the problem's core (the bank's `deeper` items, the phase's own then every other phase's: asked in
   earlier phases, 0.32 of 110 were acceptable, most of them read as a hint, a question on what was
   already said, or one off the answer's point);
10. otherwise the phase's opener when just entered, a question on a technique the answer chose,
    or a stock follow-up not asked before.

Phase changes are the graph's (routing.route_answer, with following.py saying where to): asked for
("skip ahead to modeling" goes to Modeling), an answer that moved to the next phase, the phase
covered, or its time spent (a phase waits, within a grace, for one question on a green flag never
shown nor asked). When the clock moves on right after a substantive answer, the new phase's move
is planned here too, rather than its generic opener (which asked for what had just been said).
The words come from authored content (problems/probes/, the rubric), so a move costs no LLM call
and every reply passes guards.py; only a strong backend may write whole questions
(`questions=model`). An item the candidate's answers already hold (its `unless`: for a probe or a
deeper question any answer so far, for a challenge this one) is not asked. Challenges and their
quotes are in challenge.py; the Move and the items still open to ask in moves.py.
"""

from __future__ import annotations

import re

from interviewer.content.probes import BankItem, Guide, ProbeBank
from interviewer.content.problems import HiddenFact, Problem
from interviewer.content.rubric import Phase, Rubric
from interviewer.grading.scorecard import FlagResult
from interviewer.grading.sentences import Sentence
from interviewer.grading.triage import triage
from interviewer.interview import asks, conduct, facts, following, intent
from interviewer.interview.challenge import challenge, subject
from interviewer.interview.coverage import begun, candidate_sentences, covered, last_turn, placed_in, shown
from interviewer.interview.dont_know import NARROW, just_narrowed, narrowing_for, specific
from interviewer.interview.guards import words
from interviewer.interview.moves import (
    Move,
    asked_so_far,
    bank_items,
    open_items,
    sentences_text,
    this_answer,
    traps,
)
from interviewer.interview.planner import verdict_of
from interviewer.interview.state import InterviewState

STRONG_WORDS = 30  # an answer at least this long, with a number or a named trade-off, earns a deeper question
SUBSTANTIVE_WORDS = 40  # an answer this long says something of its own: not a bare request, and no generic opener
DEEPER_PER_PHASE = 2

DECLINE_GRADE = "The grade isn't mine to hand out; it comes from what you show here."
DECLINES = ["I can't share my notes, the rubric or a model answer: working it out is the interview itself.",
            "That stays with me, I'm afraid.", "I'll keep that to myself; let's carry on."]
REPHRASE = "I couldn't follow that. Could you say it again, in terms of the system you're designing?"
REDIRECT = "Let's keep to the design problem."
PARK = "Happy to come back to that at the end; for now, let's keep to the design."
# after "I don't know" with nothing left to narrow or probe: a fresh start, not "what you just described"
AFTER_DONT_KNOW = ["Which part of this problem do you feel most sure about, so we can start from there?",
                   "What would you do first on day one of this project?"]
OWN_TAKE = "I'd rather hear your own take first: which way would you lean, and why?"  # asked for a hint
TURN_BACK = "That's your call to make here. What would you choose, and what would make you change your mind?"
NO_FACT = "I don't have a figure for that. What would you assume, and why?"
MENTIONED = "As I mentioned:"  # a fact asked for again
GO_AHEAD = "Sure, go ahead."  # the candidate said they are turning to the phase the interview is in
_AGAIN = re.compile(r"\b(?:again|remind me|repeat (?:that|the)|one more time)\b", re.IGNORECASE)
_CHECKING = re.compile(r"\b(?:is that right|right\?|correct\?|does that (?:match|sound|make sense)|make sense\?|"
                       r"fair\?|agreed\?|okay\?|ok\?)", re.IGNORECASE)


def strong(text: str) -> bool:
    w = words(text)
    return len(w) >= STRONG_WORDS and (bool(re.search(r"\d", text)) or bool(
        re.search(r"\b(?:because|since|trade-?off|instead|rather than|versus|vs|so that)\b", text, re.I)))


def answer(text: str, state: InterviewState, matched: list[HiddenFact], unasked: list[str],
           pushed: Move | None, again_asked: list[HiddenFact] | None = None) -> Move | None:
    """Each ask answered from the facts (a fact given before is pointed back to, "As I mentioned: ...", when
    nothing new is asked),
    tooling questions told they don't matter, the rest met with "what would you assume?"; then a
    challenge, if the same turn showed a mistake."""
    told = set(state.get("facts_revealed", []))
    again = bool(_AGAIN.search(text))  # "what was the budget again?": the one time a fact is re-read
    given = [f for f in again_asked or [] if f in matched and not again]
    matched = [f for f in matched if f.id not in told or again]
    tooling = [a for a in unasked if facts.tooling(a)]
    rest = [a for a in unasked if a not in tooling and not _CHECKING.search(a)]
    parts = [f.fact.strip() for f in matched] + ([facts.TOOLING_ANSWER] if tooling else [])
    if not parts and given:  # asked again for what was told: pointed back to, not ignored
        parts = [MENTIONED, *[f.fact.strip() for f in given[:2]]]
    if rest and not parts:  # a part left open beside an answered one reads as confusing: no "for the rest"
        parts.append(NO_FACT)
    if not parts:
        return None
    said = " ".join(parts)
    return Move("answer", f"{said} {pushed.text}" if pushed else said, facts=matched,
                topic=pushed.topic if pushed else None, unanswered=rest[:1])


def pushback(state: InterviewState, rubric: Rubric, default: Rubric, phase: Phase, bank: ProbeBank | None,
             cap: int, named: frozenset[str] = frozenset(), guide: Guide | None = None,
             problem: Problem | None = None) -> Move | None:
    """The challenge to a mistake the last answer shows, not yet made (the phase waits for it,
    within a grace; a phase change asked for makes it first: "Before we move on ...")."""
    last = state["transcript"][-1]
    if last["role"] != "candidate" or not last["text"].strip():
        return None
    items, others = bank_items(bank, rubric, default, phase)
    return challenge(last["text"], state, phase, rubric.phases, items, others, asked_so_far(state), cap, named,
                     traps(guide, rubric, default), told_text(state, problem))


def told_text(state: InterviewState, problem: Problem | None) -> str:
    """The facts given so far, as one text (a sentence restating them proposes nothing)."""
    told = set(state.get("facts_revealed", []))
    return " ".join(f.fact for f in problem.hidden_facts if f.id in told) if problem else ""


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
    again = fresh.text if fresh else conduct.fallback_question(asked, phase_id=phase.id, after_answer=False)
    screened = triage(text, problem.terms) if text and state.get("intent") != "stay" else None
    if not text or (screened and screened.status in ("empty", "gibberish")):
        return Move("rephrase", REPHRASE)
    if asks.is_extraction(text):
        given = sum(any(d in t["text"] for d in DECLINES) for t in state["transcript"] if t["role"] == "interviewer")
        first = DECLINE_GRADE if asks.GRADE_ASK.search(text) and not any(
            DECLINE_GRADE in t["text"] for t in state["transcript"]) else DECLINES[min(given, len(DECLINES) - 1)]
        return Move("decline", f"{first} {again}",
                    topic=fresh.topic if fresh else None, flag=fresh.flag if fresh else None)
    questions = intent.questions(text)
    if any(asks.HINT.search(q) for q in questions) and not conduct.asked_before(OWN_TAKE, asked):
        return Move("turn_back", OWN_TAKE)  # "could you give me a nudge? quality or serving?"
    if state.get("intent") == "dont_know" or specific(text):
        return after_dont_know(state, phase, items, asked, flags, cap, said, guide, rubric)
    matched, unasked = facts.answer_to(text, problem, guide.fact_topics if guide else {},
                                       frozenset(state.get("facts_revealed", [])))
    # "can we go to modeling?" asks for no fact: the interview goes there (routing), nothing to answer,
    # nor in the statement the same sentence opened with ("I think data is covered; can we go to ...?")
    targets = {a: following.request_clause(a, rubric.phases) for a in facts.asks(text)}  # every ask, once
    requests = [a for a in unasked if targets.get(a) is not None]
    unasked = [a for a in unasked if a not in requests and (not requests or a.rstrip().endswith("?"))]
    here = rubric.phases.index(phase)
    if requests and not entering and all(targets[a] == here for a in requests):
        # "can we move on to the model?" while the interview is already there: agree, and its question
        opener = fresh_opener(phase, asked, said)
        return Move("follow_up", f"Sure. {opener}" if opener else GO_AHEAD)
    if questions and not matched and asks.LOGISTICS.search(" ".join(questions)):
        return Move("redirect", f"{PARK} {again}")
    if questions and not matched and (asks.SMALL_TALK.search(" ".join(questions)) or (
            screened and screened.status == "off_topic" and not asks.ENGINEERING & set(words(text)))):
        return Move("redirect", f"{REDIRECT} {again}")
    told = set(state.get("facts_revealed", []))
    restated = told_text(state, problem)  # a sentence restating these proposes nothing to challenge
    if questions:  # a fact already given does not answer "is NDCG right here?" a second time
        # "is it all right if we move on?" asks to move, not for a verdict
        if all(f.id in told for f in matched) and any(asks.OPINION.search(q) and q not in requests
                                                      and not following.asks_to_move(q) for q in questions):
            return Move("turn_back", TURN_BACK)
        moving = [a for a, target in targets.items() if target is not None]
        strongly = facts.asked_again(text, problem, guide.fact_topics if guide else {}, frozenset(told), moving)
        replied = answer(text, state, matched, unasked,
                         challenge(text, state, phase, rubric.phases, items, others, asked, cap, named, common,
                                   restated), strongly)
        if replied:
            return replied
    if pushed := challenge(text, state, phase, rubric.phases, items, others, asked, cap, named, common, restated):
        return pushed
    # a turn that mostly asks to move ("the data part is standard, can we move on to the model?") said
    # nothing to ask about: the phase it asked for gets its own question
    moved_only = bool(requests) and len(text.split()) < SUBSTANTIVE_WORDS
    if entering and moved_only and phase.opener and not conduct.asked_before(phase.opener, asked):
        return Move("follow_up", phase.opener)
    if state.get("intent") == "stay" and following.closing_request(text, rubric.phases, last_words=True) == here:
        return Move("follow_up", GO_AHEAD)  # "..., so let me sketch the high-level design" while on it: let them
    probes = state.get("probes", {})
    raised = [f for f in phase.red_flags if verdict_of(flags, f.id) == "raised" and probes.get(f.id, 0) < cap]
    for flag in raised:
        own = [i for i in open_items(items, asked, this_answer(text))
               if i.move == "challenge" and flag.id in i.flags]
        words_ = own[0].ask if own else flag.challenge
        if words_ and not conduct.asked_before(words_, asked):
            return Move("challenge", words_, topic=flag.id, flag=flag)
    probe = fresh  # this phase's heaviest missing green, as found above
    recent = " ".join(t["text"] for t in state["transcript"][-7:-1] if t["role"] == "candidate")
    chosen = None if entering else engaging(text, guide, asked, phase, recent)  # just announced: its opener
    if strong(text) and chosen and not (probe and state.get("last_probe") == "engage"):
        return Move("engage", chosen, topic="engage")
    if probe:  # the phase's basics before its deep end: a deeper question beside a missing green reads as a hint
        return probe
    # deeper questions in the deep dives only (the last phase, where going deep is the point), this phase's
    # first, then every other phase's: asked earlier they were labeled acceptable 0.21 to 0.35 of the time
    # (modeling, data, evaluation; 0.32 of 110 in all), below the stock follow-ups they displace
    deeper = [i for i in open_items(items + others, asked, sentences_text(said))
              if i.move == "deeper" and not covered(i.ask, said)] if phase is rubric.phases[-1] else []
    went_deeper = probes.get(f"deeper:{phase.id}", 0)
    if strong(text) and deeper and went_deeper < DEEPER_PER_PHASE and state.get("last_probe") != "deeper":
        return Move("deeper", deeper[0].ask, topic=f"deeper:{phase.id}")
    if entering and fresh_opener(phase, asked, said) and not _begun_here(state, text, rubric, phase, said):
        return Move("follow_up", phase.opener)  # a phase just entered: its own question, not one on the last
    if chosen:
        return Move("engage", chosen, topic="engage")
    # a phase entered because they asked: a question of its own, not one on what they said before asking
    return Move("follow_up", conduct.fallback_question(asked, phase_id=phase.id, answer=text,
                                                       after_answer=not (moved_only or (entering and requests))))


def fresh_opener(phase: Phase, asked: list[str], said: list[Sentence]) -> str:
    """The phase's opener, unless it was asked already or the recent answers already say what it asks."""
    return phase.opener if phase.opener and not conduct.asked_before(phase.opener, asked) and \
        not covered(phase.opener, said) else ""


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


def basic_unasked(state: InterviewState, rubric: Rubric, default: Rubric, phase: Phase, bank: ProbeBank | None,
                  flags: dict[str, FlagResult], cap: int) -> bool:
    """A green flag of the phase is neither shown nor asked about yet: the phase waits for one question
    on it (routing's grace) rather than leave it behind ("Let's move on to high-level design" after an
    objective that was never stated read as letting it pass, in the blind sets' labels)."""
    items, _ = bank_items(bank, rubric, default, phase)
    move = probe_missing(phase, items, asked_so_far(state), flags, state.get("probes", {}), cap,
                         candidate_sentences(state), rubric)
    return move is not None and move.flag is not None and not state.get("probes", {}).get(move.flag.id)


def probe_missing(phase: Phase, items: list[BankItem], asked: list[str], flags: dict[str, FlagResult],
                  probes: dict[str, int], cap: int, said: list[Sentence] | None = None,
                  rubric: Rubric | None = None) -> Move | None:
    """The heaviest green flag of the phase not shown yet, asked by the bank, else by its rubric hint
    (neither when the candidate's recent answers already talk about what it asks)."""
    placed = placed_in(phase, rubric, said or []) if rubric else []  # once for all of the phase's flags
    so_far = sentences_text(said or [])
    missing = [f for f in phase.green_flags if not shown(f, flags, said or [], placed)]
    for flag in sorted(missing, key=lambda f: -f.weight):
        if probes.get(flag.id, 0) >= cap:
            continue
        own = [i for i in open_items(items, asked, so_far) if i.move == "probe" and (flag.id in i.flags or set(
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
