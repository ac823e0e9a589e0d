"""Configuration from the environment, and the production safety checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    dropped = ("SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(env)
    return subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=REPO,
        timeout=120,
    )


def test_refuses_to_start_with_debug_off_and_the_development_key(tmp_path):
    result = run_manage("check", DEBUG="0", BRIDGEHEAD_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DEBUG=0 with the development SECRET_KEY" in result.stderr


def test_rejects_a_boolean_it_cannot_read(tmp_path):
    result = run_manage("check", DEBUG="maybe", BRIDGEHEAD_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-0123456789",
        ALLOWED_HOSTS="bridgehead.example.org",
        BRIDGEHEAD_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_database_url_selects_the_database(tmp_path):
    db = tmp_path / "other.sqlite3"
    result = run_manage("migrate", "-v", "0", DATABASE_URL=f"sqlite:///{db}", BRIDGEHEAD_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert db.stat().st_size > 0
