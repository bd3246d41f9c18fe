"""Play a reply set through the interviewer, for labeling (no model needed).

    .venv/bin/python evals/replies/play.py v evals/replies/v14/played   # the 25 scripted transcripts
    .venv/bin/python evals/replies/play.py h evals/replies/h8/played    # the 18 labeled interviews
    .venv/bin/python evals/replies/play.py hp evals/replies/hp2/played  # the same, piped: 6 s an answer
    .venv/bin/python evals/replies/play.py u evals/replies/u1/played    # interviews never read while tuning
    .venv/bin/python evals/replies/play.py w evals/replies/w1/played    # a second such set (replies/unseen2/)
    .venv/bin/python evals/replies/play.py x evals/replies/x1/played    # a third (replies/unseen3/)
    .venv/bin/python evals/replies/play.py y evals/replies/y1/played    # a fourth (replies/unseen4/)
    .venv/bin/python evals/replies/play.py z evals/replies/z1/played    # a fifth (replies/unseen5/)
    .venv/bin/python evals/replies/play.py q evals/replies/q1/played    # a sixth (replies/unseen6/)
    .venv/bin/python evals/replies/play.py r evals/replies/r1/played    # a seventh (replies/unseen7/)
    .venv/bin/python evals/replies/play.py s evals/replies/s1/played    # an eighth (replies/unseen8/)
    .venv/bin/python evals/replies/play.py t evals/replies/t1/played    # a ninth (replies/unseen9/)
    .venv/bin/python evals/replies/play.py k evals/replies/k1/played    # a tenth (replies/unseen10/)
    .venv/bin/python evals/replies/play.py n evals/replies/n1/played    # an eleventh (replies/unseen11/)
    .venv/bin/python evals/replies/play.py j evals/replies/j1/played    # a twelfth (replies/unseen12/)

Questions are authored and grading is off: the policy reads the answers' own words, as it does
until a grade lands. The fake LLM's one-token intent check says No, so an unsure request is an
answer. `hp` plays the labeled interviews as `interviewer chat` with piped answers sees them: the
clock barely moves, so phases move on by their share of answers (interview/timing.py). Then
label `played/` into `labels/` (or only the changed replies into `delta/`, see evals/README.md).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from interviewer.content.catalog import get_rubric
from interviewer.evals.interviews import load_interviews
from interviewer.evals.replies import play
from interviewer.evals.transcripts import Transcript, TurnSpec, load_transcripts
from interviewer.testing.fake_grader import InterviewScript, JudgeScript
from interviewer.testing.fake_llm import Script, scripted_llm

UNSEEN = {"u": Path(__file__).resolve().parent / "unseen" / "interviews",  # written blind, played once
          "w": Path(__file__).resolve().parent / "unseen2" / "interviews",
          "x": Path(__file__).resolve().parent / "unseen3" / "interviews",
          "y": Path(__file__).resolve().parent / "unseen4" / "interviews",
          "z": Path(__file__).resolve().parent / "unseen5" / "interviews",
          # the second held-out scorecard set's answers (written without the reference points)
          "q": Path(__file__).resolve().parent / "unseen6" / "interviews",
          # written blind from each problem's statement and facts only, after the items' `unless` cues
          "r": Path(__file__).resolve().parent / "unseen7" / "interviews",
          # the same way, played once at the seventh session's final code: its closing blind figure
          "s": Path(__file__).resolve().parent / "unseen8" / "interviews",
          # written blind from the briefs, played once at the eighth session's code (before its labels)
          "t": Path(__file__).resolve().parent / "unseen9" / "interviews",
          # written blind from the briefs, played at the ninth session's start code and again at its end
          "k": Path(__file__).resolve().parent / "unseen10" / "interviews",
          # written blind from the briefs once the ninth session's challenges were frozen: its closing figure
          "n": Path(__file__).resolve().parent / "unseen11" / "interviews",
          # written blind from the briefs at the end of the ninth session: start and final code side by side
          "j": Path(__file__).resolve().parent / "unseen12" / "interviews"}


def transcripts(which: str) -> dict[str, Transcript]:
    if which == "v":
        return load_transcripts()
    if which in UNSEEN:
        import yaml

        docs = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(UNSEEN[which].glob("*.yaml"))]
        return {d["id"]: Transcript(id=d["id"], problem=d["problem"], level=d["level"],
                                    persona="mixed" if d["persona"] == "middling" else d["persona"],
                                    minutes_per_turn=d["minutes_per_turn"],
                                    turns=[TurnSpec(say=a) for a in d["answers"]])
                for d in docs}
    return {name: Transcript(id=it.id, problem=it.problem, level=it.level,
                             persona="mixed" if it.persona == "middling" else it.persona,
                             minutes_per_turn=it.minutes_per_turn, turns=[TurnSpec(say=a) for a in it.answers])
            for name, it in load_interviews().items()}


PIPED_MINUTES = 0.1  # an answer every six seconds: a script piped into `interviewer chat`


def main(which: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    llm = scripted_llm(Script(InterviewScript(JudgeScript(get_rubric(), {}), intent_yes=0.1)))
    n = 0
    for name, tr in sorted(transcripts(which.rstrip("p")).items()):
        if which == "hp":
            tr = tr.model_copy(update={"minutes_per_turn": PIPED_MINUTES})
        run = play(llm, tr)
        (out / f"{name}.json").write_text(json.dumps(run, indent=2), encoding="utf-8")
        n += len(run["replies"]) - 1
    print(f"{n} replies in {out}")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("v", "h", "hp", *UNSEEN):
        sys.exit(__doc__)
    main(sys.argv[1], Path(sys.argv[2]))
