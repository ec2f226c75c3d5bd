"""The two commands and CI: `./mg test` never calls sudo; `.ci/run` lints before the suites."""

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def fake_bin(tmp_path: Path, uid: int) -> Path:
    """A PATH with the few tools mg uses, a fake ``id``, and ``sudo``/``apt-get`` that only
    record that they were called; no ``xgettext``, so gettext counts as missing."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "dirname", "cut", "sha1sum", "cat"):
        (bin_dir / tool).symlink_to(shutil.which(tool) or f"/usr/bin/{tool}")
    scripts = {
        "id": f"echo {uid}",
        "sudo": f'echo "sudo $*" >> {tmp_path}/calls',
        "apt-get": f'echo "apt-get $*" >> {tmp_path}/calls',
    }
    for name, body in scripts.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    return bin_dir


def run_mg(tmp_path: Path, *args: str, uid: int) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": str(fake_bin(tmp_path, uid))}
    return subprocess.run(
        ["/bin/bash", str(ROOT / "mg"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def calls(tmp_path: Path) -> str:
    log = tmp_path / "calls"
    return log.read_text() if log.exists() else ""


def test_mg_test_without_root_names_the_setup_command_and_never_calls_sudo(tmp_path):
    done = run_mg(tmp_path, "test", uid=1000)
    assert done.returncode != 0
    assert "gettext" in done.stderr and "sudo ./mg setup" in done.stderr
    assert calls(tmp_path) == ""  # neither sudo nor apt-get ran


def test_mg_setup_as_root_installs_the_debian_packages_without_sudo(tmp_path):
    done = run_mg(tmp_path, "setup", uid=0)
    assert done.returncode == 0, done.stderr
    assert "apt-get install -y -qq chromium gettext" in calls(tmp_path)
    assert "sudo" not in calls(tmp_path)


def test_mg_setup_without_root_refuses_and_names_the_command(tmp_path):
    done = run_mg(tmp_path, "setup", uid=1000)
    assert done.returncode != 0 and "sudo ./mg setup" in done.stderr
    assert calls(tmp_path) == ""


def test_ci_runs_the_linters_and_types_before_the_test_suites():
    script = (ROOT / ".ci" / "run").read_text()
    first_suite = script.index("./mg test")
    for step in ("ruff check .", "ruff format --check .", "mypy middleground"):
        assert script.index(step) < first_suite, step
