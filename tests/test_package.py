"""The built wheel carries its content: installed in a fresh virtualenv, run outside the checkout."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from interviewer.content.catalog import get_rubric
from interviewer.testing.fake_grader import InterviewScript, JudgeScript
from interviewer.testing.fake_llm import FakeServer, Script

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding only the wheel; its dependencies are borrowed from this environment
    (a .pth line), so the test needs no network and the package itself comes from the wheel."""
    tmp = tmp_path_factory.mktemp("wheel")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(tmp / "dist"), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    wheel = next((tmp / "dist").glob("mlsd_interviewer-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "interviewer/content/rubrics/default.yaml" in names
    assert "interviewer/content/rubrics/calibration/qwen2.5-coder-1.5b.yaml" in names
    assert "interviewer/content/prompts/interviewer_system.md" in names
    assert "interviewer/content/problems/payment_fraud.yaml" in names
    assert not any(n.startswith("tests/") for n in names)
    env_dir = tmp / "venv"
    venv.create(env_dir, with_pip=False)
    py = env_dir / "bin" / "python"
    purelib = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    (Path(purelib) / "borrowed-deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    with zipfile.ZipFile(wheel) as zf:  # what pip install --no-deps does for a pure wheel
        zf.extractall(purelib)
    return py


def run(py: Path, *args: str, stdin: str = "", cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(py), "-m", "interviewer.app.cli", *args], input=stdin, capture_output=True,
                          text=True, timeout=180, cwd=cwd, env=env)


def test_the_wheel_imports_from_its_own_install(installed: Path, tmp_path: Path) -> None:
    out = subprocess.run([str(installed), "-c", "import interviewer; print(interviewer.__file__)"],
                         capture_output=True, text=True, cwd=tmp_path, check=True)
    assert str(installed.parent.parent) in out.stdout and str(ROOT) not in out.stdout


def test_the_installed_wheel_lists_the_problems(installed: Path, tmp_path: Path) -> None:
    out = run(installed, "problems", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "payment_fraud" in out.stdout and len(out.stdout.splitlines()) >= 12


def test_the_installed_wheel_grades_standard_input(installed: Path, tmp_path: Path) -> None:
    judge = JudgeScript(get_rubric("default"), {"pf_g_business_objective": ("yes", ["cut fraud losses"])})
    doc = ("# Fraud\n\nWe want to cut fraud losses at checkout while keeping false declines low. The label is a "
           "chargeback confirmed within 60 days. A logistic regression baseline comes first.\n")
    with FakeServer(Script(InterviewScript(judge))) as srv:
        out = run(installed, "grade", "-", "--base-url", srv.base_url, stdin=doc, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "# Scorecard" in out.stdout and '"We want to cut fraud losses at checkout' in out.stdout


@pytest.mark.parametrize("script", sorted(p.name for p in (ROOT / "benchmarks").glob("*.py")
                                           if p.name != "__init__.py"))
def test_every_benchmark_imports_without_the_tests_package(script: str) -> None:
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); import runpy; "
            f"runpy.run_path({str(ROOT / 'benchmarks' / script)!r}, run_name='not_main'); "
            "assert not any(m == 'tests' or m.startswith('tests.') for m in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr


def test_the_installed_wheel_says_where_eval_data_is_missing(installed: Path, tmp_path: Path) -> None:
    out = run(installed, "eval", "writeups", "--base-url", "http://127.0.0.1:9/v1", cwd=tmp_path)
    assert out.returncode == 2 and "no eval data at" in out.stderr and "Traceback" not in out.stderr
