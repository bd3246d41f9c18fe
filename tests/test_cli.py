"""The `interviewer` command as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "interviewer.cli", *args], cwd=ROOT,
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
