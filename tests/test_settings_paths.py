"""One settings path: content folders, the grader strategy and the rubric's minutes reach every door."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from interviewer.content.catalog import get_rubric
from interviewer.content.files import BUNDLED
from interviewer.llm.embedded import free_port
from interviewer.testing.fake_grader import InterviewScript, JudgeScript
from interviewer.testing.fake_llm import FakeServer, Script

ROOT = Path(__file__).resolve().parent.parent
DOC = ("# Fraud\n\nWe want to cut fraud losses at checkout while keeping false declines low. "
       "The label is a chargeback confirmed within 60 days. A logistic regression baseline comes first.\n")


@pytest.fixture
def third(tmp_path: Path) -> Path:
    """A third framework in the user's own folder: the default one renamed, 30 minutes long."""
    raw = yaml.safe_load((BUNDLED / "rubrics" / "default.yaml").read_text(encoding="utf-8"))
    raw.update(id="third_way", title="Third way", total_minutes=30)
    folder = tmp_path / "rubrics"
    folder.mkdir()
    (folder / "third.yaml").write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return folder


def cli(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "interviewer.app.cli", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=180, env={**os.environ, **(env or {})})


def server() -> FakeServer:
    judge = JudgeScript(get_rubric("default"), {"pf_g_business_objective": ("yes", ["cut fraud losses"])})
    return FakeServer(Script(InterviewScript(judge, reply="How would you measure that?")))


def test_chat_runs_a_framework_from_the_users_folder_on_its_own_clock(third: Path, tmp_path: Path) -> None:
    with server() as srv:
        out = cli("--rubrics-dir", str(third), "chat", "--framework", "third_way", "--problem", "payment_fraud",
                  "--base-url", srv.base_url, "--db", str(tmp_path / "s.sqlite"),
                  stdin="We want to cut fraud losses.\n/end\n")
    assert out.returncode == 0, out.stderr
    assert "/30 min]" in out.stdout and "/45 min]" not in out.stdout
    assert "(third_way framework, senior level)" in out.stdout


def test_the_environment_names_the_folder_when_no_flag_does(third: Path) -> None:
    out = cli("rubrics", env={"INTERVIEWER_RUBRICS_DIR": str(third)})
    assert out.returncode == 0, out.stderr
    assert "third_way" in out.stdout and "default" in out.stdout


def test_serve_offers_the_users_framework_in_the_picker_and_runs_it(third: Path, tmp_path: Path) -> None:
    from gradio_client import Client

    port = free_port()
    with server() as srv:
        app = subprocess.Popen(
            [sys.executable, "-m", "interviewer.app.cli", "--rubrics-dir", str(third), "serve", "--base-url",
             srv.base_url, "--port", str(port), "--store", str(tmp_path / "s.sqlite")], cwd=ROOT, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env={**os.environ, "INTERVIEWER_HOME": str(tmp_path / "home"), "GRADIO_ANALYTICS_ENABLED": "False"})
        try:
            deadline = time.monotonic() + 90
            while True:
                assert app.poll() is None, app.stdout.read() if app.stdout else "app exited"
                try:
                    config = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/config", timeout=2).read())
                    break
                except OSError:
                    assert time.monotonic() < deadline, "the app did not come up"
                    time.sleep(0.5)
            pickers = [c["props"].get("choices") for c in config["components"] if c.get("type") == "dropdown"]
            assert any(["Third way", "third_way"] in (choices or []) for choices in pickers)
            started = Client(f"http://127.0.0.1:{port}/", verbose=False).predict(
                "payment_fraud", "senior", "third_way", api_name="/start")
            assert "/ 30 min" in started[1]  # the timeline, on the framework's own total
        finally:
            app.terminate()
            app.wait(timeout=30)


@pytest.mark.parametrize(("env", "flag", "used"), [
    ("per_phase", None, "per_phase"),  # INTERVIEWER_GRADER is honoured by `grade`
    ("per_phase", "per_flag", "per_flag"),  # and a flag beats it
])
def test_grade_takes_its_strategy_from_flag_then_environment(env: str, flag: str | None, used: str) -> None:
    with server() as srv:
        out = cli("grade", "-", "--base-url", srv.base_url, *(["--strategy", flag] if flag else []),
                  stdin=DOC, env={"INTERVIEWER_GRADER": env})
    assert out.returncode == 0, out.stderr
    assert f"Grading: {used} strategy" in out.stdout


def test_the_writeup_tab_grades_with_the_apps_strategy() -> None:
    from interviewer.app.ui import UI
    from interviewer.interview.context import Context
    from interviewer.interview.sessions import Sessions
    from interviewer.testing.fake_llm import scripted_llm

    judge = JudgeScript(get_rubric("default"), {"pf_g_business_objective": ("yes", ["cut fraud losses"])})
    llm = scripted_llm(Script(InterviewScript(judge)))
    ui = UI(Sessions(Context(llm=llm, strategy="per_phase")), llm)
    _, md, _, notice = ui.grade(DOC, None, "payment_fraud", "senior", "default")
    assert notice.startswith("Saved in History") and "Grading: per_phase strategy" in md
