"""The Makefile's install stamps: `make demo` (which needs `install`) keeps the development tools that `make test`
(`install-dev`) installed, and neither order reinstalls anything the second time.

The Makefile runs against a copy of the pins with a stand-in `uv` that only records how it was called, so the
test checks exactly which installs make would run, without touching the real virtual environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "requirements", tmp_path / "requirements")
    old = time.time() - 3600  # checked-out files are older than any stamp make writes
    for path in (tmp_path / "pyproject.toml", *(tmp_path / "requirements").iterdir()):
        os.utime(path, (old, old))
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").symlink_to(sys.executable)
    uv = bin_dir / "uv"
    uv.write_text('#!/bin/sh\necho "$*" >> "$(dirname "$0")/../uv.log"\n')
    uv.chmod(0o755)
    return tmp_path


def installs(project: Path, target: str) -> list[str]:
    """Run `make TARGET` and return the uv commands it ran ("sync base", "sync dev", "editable")."""
    log = project / ".venv" / "uv.log"
    log.unlink(missing_ok=True)
    subprocess.run(["make", "--no-print-directory", "-C", str(project), target], check=True, capture_output=True)
    calls = log.read_text().splitlines() if log.exists() else []
    return ["sync dev" if "sync" in c and "dev.txt" in c else "sync base" if "sync" in c else "editable" for c in calls]


def test_install_after_install_dev_keeps_the_development_tools(project):
    assert installs(project, "install-dev") == ["sync dev", "editable"]
    assert installs(project, "install") == []  # what `make demo` runs: no re-sync to the base pins
    assert installs(project, "install-dev") == []  # so `make test` afterwards reinstalls nothing


def test_install_dev_after_install_adds_the_tools_once(project):
    assert installs(project, "install") == ["sync base", "editable"]
    assert installs(project, "install-dev") == ["sync dev", "editable"]
    assert installs(project, "install") == []
    assert installs(project, "install-dev") == []


def test_a_changed_pin_is_installed_without_dropping_the_tools(project):
    installs(project, "install-dev")
    earlier, later = time.time() - 60, time.time() - 30  # stamps, then a pin edited after them
    for stamp in (".dev-installed", ".base-installed"):
        os.utime(project / ".venv" / stamp, (earlier, earlier))
    os.utime(project / "requirements" / "base.txt", (later, later))
    assert installs(project, "install") == ["sync dev", "editable"]
    assert installs(project, "install-dev") == []


def test_without_the_tools_install_syncs_the_runtime_pins_only_once(project):
    assert installs(project, "install") == ["sync base", "editable"]
    assert installs(project, "install") == []
