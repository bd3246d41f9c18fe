"""Bad input at every door (CLI grade, files, ids, the LLM server) gets a specific error, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.app.cli import main
from interviewer.content.catalog import get_rubric
from interviewer.llm.embedded import free_port
from interviewer.testing.fake_grader import JudgeScript
from interviewer.testing.fake_llm import FakeReply, FakeServer, Script

DOWN = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
GOOD = "# Modeling\nI'd start with a logistic regression baseline on chargeback labels.\n"

@pytest.fixture(autouse=True)
def no_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWER_MAX_RETRIES", "0")


CASES = {
    "binary upload": (b"\x00\x01\x02\xff binary", [], "looks like a binary file"),
    "non-UTF-8 text": ("caf\xe9 baseline".encode("latin-1"), [], "is not UTF-8 text (bad byte at position 3)"),
    "200,000 characters": (("We use a baseline model. " * 8000).encode(), [], "the limit is 100,000"),
    "unknown problem": (GOOD.encode(), ["--problem", "nope"], "unknown problem 'nope'; choose one of: ads_click"),
    "unknown framework": (GOOD.encode(), ["--framework", "nope"], "unknown framework 'nope'; choose one of: default"),
    "server down": (GOOD.encode(), [], "grading failed, nothing was graded: cannot reach the LLM server"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_grade_refuses_bad_input_with_a_specific_error(case: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    data, flags, message = CASES[case]
    doc = tmp_path / "doc.md"
    doc.write_bytes(data)
    assert main(["grade", str(doc), *flags, "--base-url", DOWN]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_missing_file_and_broken_rubric_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grade", str(tmp_path / "nope.md"), "--base-url", DOWN]) == 2
    assert "cannot read" in capsys.readouterr().err
    (tmp_path / "rubrics").mkdir()
    (tmp_path / "rubrics" / "broken.yaml").write_text("id: x\nphases: [\n")
    doc = tmp_path / "doc.md"
    doc.write_text(GOOD)
    assert main(["--rubrics-dir", str(tmp_path / "rubrics"), "grade", str(doc), "--base-url", DOWN]) == 2
    assert "broken.yaml: invalid YAML at line 3" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["", "   \n\t  "])
def test_empty_input_scores_the_minimum_without_a_call(text: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(text)
    assert main(["grade", str(doc), "--base-url", DOWN]) == 0
    out = capsys.readouterr().out
    assert "Input scored the minimum without grading: the answer is empty" in out  # and the server is down:
    assert "overall 1.00 / 4" in out  # no call was needed to say so


def test_a_partly_failed_grade_says_it_is_incomplete(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    judge = JudgeScript(get_rubric("default"), {"mod_g_baseline": ("yes", ["a logistic regression baseline"])})

    def respond(body: dict) -> FakeReply | str:
        if "problem framing" in str(body["messages"][-1]["content"]).lower():
            return FakeReply(status=500, content="boom")  # one phase's calls fail
        return judge(body)

    doc = tmp_path / "doc.md"
    doc.write_text(GOOD)
    with FakeServer(Script(respond)) as srv:
        assert main(["grade", str(doc), "--base-url", srv.base_url,
                     "--strategy", "per_flag", "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert "**Incomplete:**" in out and "could not be graded" in out
    assert "a logistic regression baseline" in out  # what was graded is still there
