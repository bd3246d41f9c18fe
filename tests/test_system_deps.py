"""scripts/system-deps: what `make test` / `make run` check and install before anything else, with fake binaries."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "system-deps"
BASH = shutil.which("bash") or "/bin/bash"
CHMOD = shutil.which("chmod") or "/bin/chmod"

# Fake commands in a bin dir of their own; each logs "name args" to $LOG. Installing a package makes it present.
FAKE_DPKG = """#!/bin/sh
echo "dpkg $*" >> "$LOG"
[ "$1" = -s ] && [ -e "$STATE/$2" ] && { echo "Package: $2"; echo "Status: install ok installed"; exit 0; }
echo "dpkg-query: package '$2' is not installed" >&2; exit 1
"""
FAKE_APT = f"""#!/bin/sh
echo "apt-get DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> "$LOG"
[ "$1" = install ] || exit 0
for p in "$@"; do
  case "$p" in
    libgomp1) : > "$STATE/libgomp1" ;;
    chromium) printf '#!/bin/sh\\n' > "$BIN/chromium"; {CHMOD} +x "$BIN/chromium" ;;
    postgresql) printf '#!/bin/sh\\n' > "$BIN/initdb"; {CHMOD} +x "$BIN/initdb" ;;
  esac
done
"""
FAKE_SUDO = """#!/bin/sh
echo "sudo $*" >> "$LOG"
[ "$1" = -n ] && shift
exec "$@"
"""


class Box:
    """A machine in tmp_path: which packages are present, whether we are root, what got called."""

    def __init__(self, tmp: Path) -> None:
        self.bin, self.state, self.log = tmp / "bin", tmp / "state", tmp / "calls.log"
        self.root = tmp / "root"  # SYSTEM_DEPS_ROOT: no /usr/bin/chromium, no /usr/lib/postgresql here
        for d in (self.bin, self.state, self.root):
            d.mkdir()
        self.log.touch()
        for real in ("env", "true"):  # the script runs `env VAR=… apt-get` and `sudo -n true`
            os.symlink(shutil.which(real) or f"/usr/bin/{real}", self.bin / real)

    def tool(self, name: str, text: str = "#!/bin/sh\n") -> None:
        (self.bin / name).write_text(text)
        (self.bin / name).chmod(0o755)

    def debian(self, *present: str, sudo: bool = False) -> Box:
        self.tool("dpkg", FAKE_DPKG)
        self.tool("apt-get", FAKE_APT)
        if sudo:
            self.tool("sudo", FAKE_SUDO)
        for p in present:
            {"libgomp1": lambda: (self.state / "libgomp1").touch(),
             "chromium": lambda: self.tool("chromium"),
             "postgresql": lambda: self.tool("initdb")}[p]()
        return self

    def run(self, mode: str, *, as_root: bool, **env: str) -> subprocess.CompletedProcess[str]:
        full = {"PATH": str(self.bin), "LOG": str(self.log), "STATE": str(self.state), "BIN": str(self.bin),
                "SYSTEM_DEPS_ROOT": str(self.root), "SYSTEM_DEPS_AS_ROOT": "1" if as_root else "0", **env}
        return subprocess.run([BASH, str(SCRIPT), mode], env=full, capture_output=True, text=True, timeout=30)

    def calls(self) -> list[str]:
        return self.log.read_text().splitlines()

    def apt_calls(self) -> list[str]:
        return [c for c in self.calls() if c.startswith("apt-get")]


ALL = ("libgomp1", "chromium", "postgresql")


def test_script_is_executable_bash_strict() -> None:
    assert os.access(SCRIPT, os.X_OK)
    text = SCRIPT.read_text()
    assert text.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in text
    assert "INTERVIEWER_SKIP_SYSTEM_DEPS=1" in text.split("set -euo")[0]  # documented in the header


@pytest.mark.parametrize("mode", ["test", "run"])
def test_all_present_prints_nothing_and_installs_nothing(tmp_path: Path, mode: str) -> None:
    box = Box(tmp_path).debian(*ALL)
    r = box.run(mode, as_root=True)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    assert box.apt_calls() == []


def test_chromium_missing_as_root_is_installed(tmp_path: Path) -> None:
    box = Box(tmp_path).debian("libgomp1", "postgresql")
    r = box.run("test", as_root=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "[make] installing system packages: chromium ...\n"
    assert box.apt_calls() == [
        "apt-get DEBIAN_FRONTEND=noninteractive update -qq",
        "apt-get DEBIAN_FRONTEND=noninteractive install -y -qq --no-install-recommends chromium",
    ]
    assert (box.bin / "chromium").exists()
    assert box.run("test", as_root=True).stdout == ""  # installed: the next run is silent


def test_fresh_root_machine_gets_all_three(tmp_path: Path) -> None:
    box = Box(tmp_path).debian()
    r = box.run("test", as_root=True)
    assert r.returncode == 0, r.stderr
    assert box.apt_calls()[-1].endswith("install -y -qq --no-install-recommends libgomp1 chromium postgresql")


def test_missing_not_root_no_sudo_names_the_command_and_installs_nothing(tmp_path: Path) -> None:
    box = Box(tmp_path).debian("libgomp1")
    r = box.run("test", as_root=False)
    assert r.returncode != 0 and r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("[make] missing system packages: chromium postgresql")
    assert "run: sudo apt-get update && sudo apt-get install -y chromium postgresql" in lines[0]
    assert "INTERVIEWER_SKIP_SYSTEM_DEPS=1" in lines[0]
    assert box.apt_calls() == []


def test_missing_not_root_with_passwordless_sudo_installs_via_sudo(tmp_path: Path) -> None:
    box = Box(tmp_path).debian("libgomp1", "chromium", sudo=True)
    r = box.run("test", as_root=False)
    assert r.returncode == 0, r.stderr
    assert "sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql" \
        in box.calls()
    assert box.apt_calls()[-1].endswith("install -y -qq --no-install-recommends postgresql")


def test_run_needs_only_libgomp1(tmp_path: Path) -> None:
    box = Box(tmp_path).debian("libgomp1")  # no chromium, no postgresql: fine for `make run`
    r = box.run("run", as_root=False)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    (tmp_path / "fresh").mkdir()
    r2 = Box(tmp_path / "fresh").debian().run("run", as_root=False)
    assert r2.returncode != 0
    assert "[make] missing system packages: libgomp1 — run: sudo apt-get update && sudo apt-get install -y libgomp1 " \
        in r2.stderr


def test_skip_variable_skips_everything(tmp_path: Path) -> None:
    box = Box(tmp_path).debian()
    for as_root in (True, False):
        r = box.run("test", as_root=as_root, INTERVIEWER_SKIP_SYSTEM_DEPS="1")
        assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    assert box.calls() == []


def test_non_debian_names_packages_to_install_by_hand(tmp_path: Path) -> None:
    box = Box(tmp_path)  # no dpkg, no apt-get
    box.tool("chromium")
    r = box.run("test", as_root=True)
    assert r.returncode != 0
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("[make] missing system packages: libgomp1 postgresql — no apt-get here, install by hand")
    assert "PostgreSQL" in lines[0] and "libgomp" in lines[0] and "Chromium" not in lines[0]


def test_fixed_paths_count_as_present(tmp_path: Path) -> None:
    """Like the tests: /usr/bin/chromium and /usr/lib/postgresql/*/bin/initdb need not be on PATH."""
    box = Box(tmp_path).debian("libgomp1")
    for rel in ("usr/bin/chromium", "usr/lib/postgresql/17/bin/initdb"):
        (box.root / rel).parent.mkdir(parents=True, exist_ok=True)
        (box.root / rel).write_text("#!/bin/sh\n")
        (box.root / rel).chmod(0o755)
    r = box.run("test", as_root=True)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    assert box.apt_calls() == []


def test_failed_install_stops_with_one_message(tmp_path: Path) -> None:
    box = Box(tmp_path).debian("libgomp1", "postgresql")
    box.tool("apt-get", '#!/bin/sh\necho "apt-get $*" >> "$LOG"\n[ "$1" = install ] && exit 100\nexit 0\n')
    r = box.run("test", as_root=True)
    assert r.returncode != 0
    assert "[make] apt-get install failed for: chromium" in r.stderr


def test_unknown_mode_is_an_error(tmp_path: Path) -> None:
    r = Box(tmp_path).debian(*ALL).run("lint", as_root=True)
    assert r.returncode == 2 and "usage" in r.stderr


# --- the Makefile and CI wiring ---------------------------------------------------------------------------------

def make_n(target: str, tmp_path: Path) -> list[str]:
    """`make -n <target>` with a fake, up-to-date venv, so only the target's own commands are printed."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    for f in ("bin/python", ".run-deps", ".test-deps"):
        (venv / f).touch()
    out = subprocess.run(["make", "-n", "--no-print-directory", "-C", str(REPO), target, f"VENV={venv}"],
                         capture_output=True, text=True, check=True, timeout=60).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize(("target", "mode", "last"), [("test", "test", "-m pytest"), ("run", "run", "app.py"),
                                                      ("record", "run", "-m pytest")])
def test_make_target_checks_system_deps_first(tmp_path: Path, target: str, mode: str, last: str) -> None:
    lines = make_n(target, tmp_path)
    assert lines[0] == f"scripts/system-deps {mode}", lines
    assert last in lines[-1] and len(lines) == 2, lines


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_test_checks_before_installing_the_venv(tmp_path: Path) -> None:
    """Stamps out of date: the check still comes before any pip install."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").touch()
    out = subprocess.run(["make", "-n", "--no-print-directory", "-C", str(REPO), "test", f"VENV={venv}"],
                         capture_output=True, text=True, check=True, timeout=60).stdout.splitlines()
    assert out[0] == "scripts/system-deps test"
    assert any("pip install" in line for line in out[1:])


def test_ci_run_only_calls_make_test() -> None:
    ci = REPO / ".ci" / "run"
    assert os.access(ci, os.X_OK)
    code = [line.strip() for line in ci.read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert code == ["set -euo pipefail", 'cd "$(dirname "$0")/.."', "exec make test"]
    assert "apt" not in ci.read_text() and "dpkg" not in ci.read_text()
