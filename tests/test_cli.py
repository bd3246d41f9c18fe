"""The `interviewer` command as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "interviewer.app.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_problems_lists_the_bank() -> None:
    out = run("problems")
    assert out.returncode == 0, out.stderr
    ids = {line.split()[0] for line in out.stdout.splitlines()}
    assert len(ids) >= 12 and {"payment_fraud", "harmful_content_detection"} <= ids


def test_rubrics_lists_both_frameworks() -> None:
    out = run("rubrics")
    assert out.returncode == 0, out.stderr
    assert "default" in out.stdout and "requirements_first" in out.stdout
    assert "problem_framing (6m)" in out.stdout


def test_a_broken_user_problem_dir_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump({"id": "x_y", "title": "t"}))
    out = run("--problems-dir", str(tmp_path), "problems")
    assert out.returncode == 2
    assert "bad.yaml" in out.stderr and "field 'domain'" in out.stderr and "Traceback" not in out.stderr


def test_chat_runs_a_piped_interview_against_a_server(tmp_path: Path) -> None:
    from interviewer.content.catalog import get_rubric
    from interviewer.testing.fake_grader import InterviewScript, JudgeScript
    from interviewer.testing.fake_llm import FakeServer, Script

    judge = JudgeScript(get_rubric("default"), {"pf_g_business_objective": ("yes", ["reduce fraud losses"])})
    script = InterviewScript(judge, reply="Good. How would you measure that?")  # the praise is cut
    turns = "How many payments per second?\nWe want to reduce fraud losses at checkout.\n/next\n/end\n"
    with FakeServer(Script(script)) as srv:
        out = subprocess.run(
            [sys.executable, "-m", "interviewer.app.cli", "chat", "--problem", "payment_fraud", "--base-url",
             srv.base_url, "--db", str(tmp_path / "s.sqlite"), "--scorecard-out", str(tmp_path / "card.json")],
            cwd=ROOT, input=turns, capture_output=True, text=True, timeout=120,
        )
    assert out.returncode == 0, out.stderr
    assert "interviewer> Thanks for joining" in out.stdout
    # the clarifying question is answered with the fact itself, numbers and units intact
    assert "interviewer> About 15M card transactions a day" in out.stdout and "2,500 per second" in out.stdout
    replies = [line for line in out.stdout.splitlines() if line.startswith("interviewer> ")]
    probe = replies[2]  # after the answer: one authored question from the problem's bank, no LLM call
    assert probe.endswith("?") and probe.count("?") == 1 and "How would you measure that" not in out.stdout
    assert script.interviewer_prompts == []
    assert "interviewer> Let's move on to high-level design. Could you sketch" in out.stdout
    assert "[Problem framing 1/6" in out.stdout and "[High-level design 2/6" in out.stdout
    assert "# Scorecard — payment_fraud" in out.stdout
    assert '"We want to reduce fraud losses at checkout."' in out.stdout  # the sentence itself
    card = (tmp_path / "card.json").read_text()
    assert '"mode": "interview"' in card


def test_chat_paces_a_fast_piped_interview_by_its_answers(tmp_path: Path) -> None:
    """Answers piped in seconds still move the interview on: a phase runs its share of answers, so
    a modeling answer is not met by framing questions (the clock alone never left framing)."""
    from interviewer.content.catalog import get_rubric
    from interviewer.testing.fake_grader import InterviewScript, JudgeScript
    from interviewer.testing.fake_llm import FakeServer, Script

    answers = [
        "The goal is fewer fraud losses without blocking good customers.",
        "So the ML objective is the probability a payment is fraud, thresholded by the cost of a block.",
        "Labels come from chargebacks, which arrive weeks later.",
        "Events flow into a feature store, a scorer answers at checkout, and decisions are logged.",
        "Training runs nightly on the logged decisions and the chargeback labels.",
        "Features: the card's velocity over the last hour, the merchant's fraud rate, and device reuse.",
        "Representation: counts over windows, the merchant as a learned embedding, amounts log-scaled.",
        "I would watch for label bias: we only see chargebacks on approved payments.",
        "Sampling a small share of would-be blocks through gives unbiased labels.",
        "Late labels mean the last weeks of data are missing most of their positives.",
    ]
    script = InterviewScript(JudgeScript(get_rubric("default"), {}))
    with FakeServer(Script(script)) as srv:
        out = subprocess.run(
            [sys.executable, "-m", "interviewer.app.cli", "chat", "--problem", "payment_fraud", "--base-url",
             srv.base_url, "--db", str(tmp_path / "s.sqlite")],
            cwd=ROOT, input="\n".join(answers) + "\n/end\n", capture_output=True, text=True, timeout=180,
        )
    assert out.returncode == 0, out.stderr
    assert "[High-level design 2/6" in out.stdout and "[Data and features 3/6" in out.stdout
    # once past framing, no question about what to clarify before designing
    late = out.stdout.split("[Data and features 3/6", 1)[1]
    assert "before you start designing" not in late


def test_chat_with_an_unknown_problem_is_a_clear_error() -> None:
    out = run("chat", "--problem", "nope", "--base-url", "http://127.0.0.1:9/v1")
    assert out.returncode == 2 and "unknown problem 'nope'" in out.stderr and "Traceback" not in out.stderr


def test_chat_drills_the_weakest_phase_with_hints(tmp_path: Path) -> None:
    from interviewer.content.catalog import get_rubric
    from interviewer.testing.fake_grader import InterviewScript, JudgeScript
    from interviewer.testing.fake_llm import FakeServer, Script

    script = InterviewScript(JudgeScript(get_rubric("default"), {}), reply="Which model would you start with?")
    with FakeServer(Script(script)) as srv:
        out = subprocess.run(
            [sys.executable, "-m", "interviewer.app.cli", "chat", "--drill", "weakest", "--hints", "--base-url",
             srv.base_url, "--db", str(tmp_path / "s.sqlite"), "--scorecard-out", str(tmp_path / "card.json")],
            cwd=ROOT, input="/hint\nI would frame it as a binary classification.\n/end\n", capture_output=True,
            text=True, timeout=120,
        )
    assert out.returncode == 0, out.stderr
    assert "minute drill on problem framing" in out.stdout  # no history yet: the first phase
    assert "interviewer> Hint: " in out.stdout and "[Problem framing 1/6" in out.stdout
    card = json.loads((tmp_path / "card.json").read_text())
    assert card["mode"] == "drill" and card["hints_used"] == 1
    assert [p["phase_id"] for p in card["phases"]] == ["problem_framing"]
    listed = run("history", "--db", str(tmp_path / "s.sqlite"))
    assert "drill:problem_framing" in listed.stdout
