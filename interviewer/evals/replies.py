"""Interviewer replies as a strong interviewer reads them: played, labeled, and the automated
checks measured against the labels.

`play` runs a scripted transcript (evals/transcripts) through the interview graph and keeps every
reply beside the answer it follows (evals/replies/played/<id>.json). Labels
(evals/replies/labels/<id>.yaml) say per reply whether a strong interviewer would accept it and
why not: relevance, giveaway, leak, parroting, probing the weakness, professionalism. `summarize`
reports the acceptable share and, per automated check, how often it agrees with the labels (a
check that passes replies the labels reject is measuring a proxy).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from interviewer.content.catalog import get_problem, get_rubric
from interviewer.content.files import load_model, yaml_files
from interviewer.evals.transcripts import Transcript, check_behaviour, every_turn_checks
from interviewer.evals.writeups import EVAL_DIR
from interviewer.grading.agreement import kappa
from interviewer.interview import conduct, guards
from interviewer.interview.clock import SimClock
from interviewer.interview.context import Context
from interviewer.interview.sessions import Sessions
from interviewer.llm.client import LLM

REPLY_DIR = EVAL_DIR / "replies"
Why = Literal["irrelevant", "giveaway", "leak", "parroting", "misses_weakness", "unprofessional", "wrong_fact",
              "repeats", "ignores_request"]


class ReplyLabel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    turn: int = Field(ge=1)
    acceptable: bool
    why: list[Why] = Field(default_factory=list)
    note: str = ""


class ReplyLabels(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    labeler: str = ""
    replies: list[ReplyLabel]


def play(llm: LLM, tr: Transcript, grade: bool = False) -> dict[str, Any]:
    """Every reply of one transcript with the answer before it and the phase it was given in."""
    clock = SimClock()
    sessions = Sessions(Context(llm=llm, clock=clock, grade=grade, grade_wait_s=600 if grade else 0.0))
    sid, opening = sessions.start(tr.problem, tr.level, tr.framework, session_id=f"replies-{tr.id}")
    first = "".join(opening)
    rows = [{"turn": 0, "phase": sessions.load(sid).phase_id, "candidate": "", "reply": first}]
    for i, turn in enumerate(tr.turns, 1):
        clock.advance(tr.minutes_per_turn * 60)
        reply = "".join(sessions.send(sid, turn.say))
        rows.append({"turn": i, "phase": sessions.load(sid).phase_id, "candidate": turn.say, "reply": reply})
        if sessions.load(sid).done:
            break
    return {"id": tr.id, "problem": tr.problem, "level": tr.level, "framework": tr.framework, "replies": rows}


def auto_checks(row: dict[str, Any], earlier: list[str], problem_id: str) -> dict[str, bool]:
    """The automated checks of one reply (True: passes)."""
    reply, said = row["reply"], row["candidate"]
    problem, rubric = get_problem(problem_id), get_rubric()
    asked = [q for e in earlier for q in conduct.questions(e)]
    return {
        **every_turn_checks(reply, asked),
        "one_question": check_behaviour("one_question", reply, problem_id=problem_id, previous="", moved=False),
        "no_rubric_leak": check_behaviour("no_rubric_leak", reply, problem_id=problem_id, previous="", moved=False),
        "no_private_note": not guards.private_overlap(reply, problem, rubric),
        "no_parroting": not guards.parrots(reply.split('". ', 1)[-1], said),
        "no_self_answer": not guards.answers_itself(reply),
    }


def load_labels(directory: Path | None = None) -> dict[str, ReplyLabels]:
    return {p.stem: load_model(p, ReplyLabels) for p in yaml_files(directory or REPLY_DIR / "labels")}


def summarize(played: dict[str, dict[str, Any]], labels: dict[str, ReplyLabels]) -> dict[str, Any]:
    """Acceptable share and each automated check's agreement with the labels."""
    rows: list[tuple[bool, dict[str, bool], list[str]]] = []
    for name, lab in labels.items():
        run = played[name]
        by_turn = {r["turn"]: r for r in run["replies"]}
        earlier: list[str] = []
        for r in run["replies"]:
            if r["turn"] in {x.turn for x in lab.replies}:
                label = next(x for x in lab.replies if x.turn == r["turn"])
                rows.append((label.acceptable, auto_checks(by_turn[r["turn"]], earlier, run["problem"]),
                             list(label.why)))
            earlier += [r["candidate"], r["reply"]]
    if not rows:
        return {"replies": 0}
    names = sorted(rows[0][1])
    truth = [a for a, _, _ in rows]
    all_pass = [all(c.values()) for _, c, _ in rows]
    why: dict[str, int] = {}
    for ok, _, reasons in rows:
        for w in reasons if not ok else []:
            why[w] = why.get(w, 0) + 1
    return {
        "replies": len(rows), "interviews": len(labels),
        "acceptable": round(sum(truth) / len(truth), 3),
        "why_not": dict(sorted(why.items(), key=lambda kv: -kv[1])),
        "checks_all_pass": round(sum(all_pass) / len(all_pass), 3),
        "checks_agreement": round(sum(a == b for a, b in zip(all_pass, truth, strict=True)) / len(rows), 3),
        "checks_kappa": round(kappa(all_pass, truth), 3),
        "checks_pass_rejected": sum(p and not t for p, t in zip(all_pass, truth, strict=True)),
        "per_check": {n: {"pass_rate": round(sum(c[n] for _, c, _ in rows) / len(rows), 3),
                          "agreement": round(sum(c[n] == a for a, c, _ in rows) / len(rows), 3)} for n in names},
    }


def load_played(directory: Path) -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.json"))}


def version_key(name: str) -> tuple[str, int]:
    """'v12' after 'v9': the set's letter (v: the scripted transcripts, h: the labeled interviews
    played as a held-out set), then the number."""
    m = re.fullmatch(r"([a-z]+)(\d+)", name)
    return (m.group(1), int(m.group(2))) if m else (name, 0)


def latest(versions: dict[str, Any], letter: str) -> str | None:
    """The newest labeled version of one set."""
    mine = [v for v in versions if version_key(v)[0] == letter]
    return max(mine, key=version_key) if mine else None


def run_versions(base: Path | None = None) -> dict[str, Any]:
    """Each labeled version of the played replies (evals/replies/<version>/{played,labels}), summarized."""
    base = base or REPLY_DIR
    out = {}
    for version in sorted((p for p in base.iterdir() if (p / "labels").is_dir() and any((p / "labels").iterdir())),
                          key=lambda p: version_key(p.name)):
        out[version.name] = summarize(load_played(version / "played"), load_labels(version / "labels"))
    return out
