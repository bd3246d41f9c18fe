"""The whiteboard through the session API and the page's handlers: saved versions, grading on
the diagram's facts, the interviewer's note, the live checks and the export (scripted fake LLM)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interviewer.app.ui import UI
from interviewer.app.views import TEMPLATES
from interviewer.content.catalog import get_rubric
from interviewer.grading.grader import Grader
from interviewer.grading.writeup import grade_writeup
from interviewer.interview.clock import SimClock
from interviewer.interview.sessions import SessionError, Sessions
from interviewer.testing.fake_grader import InterviewScript, JudgeScript
from interviewer.testing.fake_llm import Script, scripted_llm
from tests.conftest import SessionsFactory

RUBRIC = get_rubric("default")
REPLY = "Which part would you build first?"
FULL = """flowchart LR
  events[Payment events] --> features[Feature pipeline]
  features --> train[Model training]
  train --> serve[Online scoring service]
  serve --> decide[Approve or decline]
  decide -->|chargebacks as labels| train
  serve --> monitor[Monitoring dashboards]
"""
NO_FEEDBACK = FULL.replace("  decide -->|chargebacks as labels| train\n", "")
FEEDBACK_EDGE = "Edge: Approve or decline → Model training (chargebacks as labels)"
LIFECYCLE = {"hld_g_full_lifecycle": ("yes", [FEEDBACK_EDGE])}


def in_design(s: Sessions, clock: SimClock) -> str:
    sid, opening = s.start("payment_fraud")
    list(opening)
    clock.advance(60)
    "".join(s.next_phase(sid))
    assert s.load(sid).phase_id == "high_level_design"
    return sid


def hld_score(make_sessions: SessionsFactory, diagram: str) -> tuple[int, dict[str, str]]:
    s, _, clock = make_sessions(LIFECYCLE, reply=REPLY)
    sid = in_design(s, clock)
    s.save_diagram(sid, diagram)
    s.context.grades.settle(sid)
    card = s.end(sid)
    phase = next(p for p in card.phases if p.phase_id == "high_level_design")
    quotes = {f.flag_id: f.evidence[0].quote for f in phase.flags if f.evidence}
    return phase.score, quotes


def test_the_feedback_edge_raises_the_high_level_design_score_and_is_quoted(make_sessions: SessionsFactory) -> None:
    with_loop, quotes = hld_score(make_sessions, FULL)
    without, without_quotes = hld_score(make_sessions, NO_FEEDBACK)
    assert with_loop > without  # without the edge, and no word of feedback, the red flag is raised
    assert quotes["hld_r_no_feedback_loop"] == "Edge: Approve or decline → Model training (chargebacks as labels)"
    assert quotes["hld_g_full_lifecycle"].startswith("Edge: Payment events → Feature pipeline")  # the path, in code
    assert "hld_r_no_feedback_loop" not in without_quotes


def test_saved_versions_are_kept_with_their_time_and_a_bad_one_is_refused_at_its_line(
        make_sessions: SessionsFactory) -> None:
    s, _, clock = make_sessions(reply=REPLY)
    sid = in_design(s, clock)
    s.save_diagram(sid, NO_FEEDBACK)
    clock.advance(120)
    s.save_diagram(sid, FULL)
    s.save_diagram(sid, FULL)  # unchanged: not a new version
    view = s.load(sid)
    assert [v["source"] for v in view.diagrams] == [NO_FEEDBACK, FULL]
    assert view.diagrams[1]["t"] - view.diagrams[0]["t"] == pytest.approx(120)
    with pytest.raises(SessionError, match="not saved: line 2: unclosed"):
        s.save_diagram(sid, "flowchart LR\n  a[Events] --> b[Model\n")
    assert s.load(sid).diagram == FULL


def test_the_interviewer_is_told_what_the_diagram_lacks(make_sessions: SessionsFactory) -> None:
    s, script, clock = make_sessions(reply=REPLY)
    sid = in_design(s, clock)
    s.save_diagram(sid, NO_FEEDBACK)
    clock.advance(30)
    "".join(s.send(sid, "That is my design."))
    assert "Their whiteboard now: Diagram:" in script.last_notes
    assert "No arrow feeds outcomes back to training" in script.last_notes


def test_the_page_shows_checks_keeps_a_bad_diagram_in_the_box_and_exports_it(
        tmp_path: Path, make_sessions: SessionsFactory) -> None:
    s, _, clock = make_sessions(reply=REPLY)
    ui = UI(s, s.context.llm, export_dir=tmp_path)
    sid = in_design(s, clock)
    preview, note, _ = ui.save_diagram(sid, "flowchart LR\n  a[Events] --> b[Model\n")
    assert note.startswith("⚠️ line 2") and "not saved" in note
    preview, note, panel = ui.save_diagram(sid, FULL.replace("Payment events", "<script>x()</script>Events"))
    assert preview.startswith("```mermaid") and "<script>" not in preview
    assert note.startswith("Saved version 1") and "✓ outcomes fed back to training" in panel
    assert ui.diagram_of(sid)[0].startswith("flowchart LR")
    assert "✗ outcomes fed back" in ui.save_diagram(sid, NO_FEEDBACK)[2]
    ui.sessions.end(sid)
    out = ui._outputs(sid)
    assert out.files is not None
    md = Path(out.files[0]).read_text()
    assert "## Whiteboard" in md and "```mermaid" in md and "Saved at" in md
    data = json.loads(Path(out.files[1]).read_text())
    assert data["diagram"]["source"] == NO_FEEDBACK and len(data["diagram"]["versions"]) == 2
    assert data["diagram"]["svg"].startswith("<svg") and "Online scoring service" in data["diagram"]["svg"]
    assert Path(out.files[2]).name == "diagram.svg"
    assert data["scorecard"]["diagram"].startswith("flowchart LR")
    assert set(TEMPLATES) >= {"Empty"}


def test_a_write_up_whose_design_is_only_a_mermaid_block_is_credited_with_an_edge() -> None:
    judge = JudgeScript(RUBRIC, LIFECYCLE)
    llm = scripted_llm(Script(InterviewScript(judge)))
    doc = f"# High-level design\n\n```mermaid\n{FULL}```\n"
    card = grade_writeup(Grader(llm, RUBRIC, None, strategy="per_flag"), doc, "senior", phases=["high_level_design"])
    flags = {f.flag_id: f for p in card.phases for f in p.flags}
    assert flags["hld_g_full_lifecycle"].credited == "met"
    assert flags["hld_g_full_lifecycle"].evidence[0].quote == "Edge: Payment events → Feature pipeline"
    assert flags["hld_r_no_feedback_loop"].credited == "not_raised"
    assert flags["hld_r_no_feedback_loop"].evidence[0].quote.startswith("Edge: Approve or decline → Model training")
    cut = grade_writeup(Grader(llm, RUBRIC, None, strategy="per_flag"),
                        f"# High-level design\n\n```mermaid\n{NO_FEEDBACK}```\n", "senior",
                        phases=["high_level_design"])
    raised = next(f for p in cut.phases for f in p.flags if f.flag_id == "hld_r_no_feedback_loop")
    assert raised.credited == "raised" and "whiteboard check" in raised.rationale
