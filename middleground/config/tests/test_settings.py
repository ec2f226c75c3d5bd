"""The settings module: strict switches, no disk writes at import, opt-in HSTS preload."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from middleground.config.settings import env_bool

ROOT = Path(__file__).resolve().parents[3]
# The suite's own relaxations (middleground/testing.py), which production does not have.
TEST_ONLY = {
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "MG_ALLOW_INSECURE_KEY",
}


def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    return {**env, "DATABASE_URL": ""}


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base_env(), "MG_ALLOW_INSECURE_KEY": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("value", ["1", "true", "Yes", " on "])
def test_it_reads_true_switches(monkeypatch, value):
    monkeypatch.setenv("MG_SWITCH", value)
    assert env_bool("MG_SWITCH", False) is True


@pytest.mark.parametrize("value", ["", "0", "false", "No", "off"])
def test_it_reads_false_switches(monkeypatch, value):
    monkeypatch.setenv("MG_SWITCH", value)
    assert env_bool("MG_SWITCH", True) is False


def test_it_uses_the_default_when_a_switch_is_unset(monkeypatch):
    monkeypatch.delenv("MG_SWITCH", raising=False)
    assert env_bool("MG_SWITCH", True) is True


def test_a_switch_with_a_typo_is_an_error_naming_the_variable_and_the_accepted_values(
    monkeypatch,
):
    monkeypatch.setenv("DEBUG", "ture")
    with pytest.raises(ImproperlyConfigured, match=r"DEBUG='ture'.*1, true, yes, on.*0, false"):
        env_bool("DEBUG", False)


def test_the_settings_refuse_to_start_on_a_mistyped_debug():
    done = run_python("import middleground.config.settings", DEBUG="ture")
    assert done.returncode != 0 and "DEBUG='ture' is not a boolean" in done.stderr


def test_importing_the_settings_creates_no_directory_and_the_database_creates_it(tmp_path):
    var = tmp_path / "var"
    code = (
        "import os, django; from pathlib import Path\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'middleground.config.settings'\n"
        "django.setup()\n"
        "from django.db import connection\n"
        "assert not Path(os.environ['MG_VAR_DIR']).exists(), 'created at import'\n"
        "connection.ensure_connection()\n"
        "assert (Path(os.environ['MG_VAR_DIR']) / 'middleground.sqlite3').exists()\n"
    )
    done = run_python(code, MG_VAR_DIR=str(var))
    assert done.returncode == 0, done.stderr


def production(**env: str) -> dict[str, str]:
    key = secrets.token_urlsafe(64)
    return {"DEBUG": "0", "SECRET_KEY": key, "ALLOWED_HOSTS": "mg.example.org", **env}


def test_hsts_preload_is_off_unless_the_operator_opts_in():
    code = (
        "from middleground.config import settings as s\n"
        "print(s.SECURE_HSTS_PRELOAD, s.SECURE_HSTS_SECONDS)"
    )
    assert run_python(code, **production()).stdout.split() == ["False", "31536000"]
    opted = run_python(code, **production(SECURE_HSTS_PRELOAD="1"))
    assert opted.stdout.split() == ["True", "31536000"]


def test_the_deploy_checks_pass_at_warning_level_without_hsts_preload(tmp_path):
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**base_env(), "MG_VAR_DIR": str(tmp_path), **production()},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
