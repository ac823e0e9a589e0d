"""`bridgehead backup` / `restore`: a site restored into an empty database is the same, table by table, file by file.

These run the real command line against their own databases (SQLite files, or fresh PostgreSQL databases
when the suite runs on PostgreSQL), never the test database.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import dj_database_url
import pytest

BRIDGEHEAD = [sys.executable, "-m", "bridgehead.cli"]
ORGANISATIONS = "기관명,유형,국가,영문명\n고래AI,스타트업,KR,Gorae AI\n해움바이오,스타트업,KR,Haeum Bio\n".encode()


def run(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [*BRIDGEHEAD, *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=300, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(f"bridgehead {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def sqlite_tables(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {n: sorted(db.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}


def postgres_tables(url: str) -> dict[str, list[tuple]]:
    import psycopg  # PostgreSQL tests only

    with psycopg.connect(url) as db:
        names = [
            r[0]
            for r in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        return {n: sorted(db.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}


def populate(env: dict[str, str], tmp_path: Path) -> None:
    run(env, "manage", "migrate", "--no-input", "-v", "0")
    run(env, "manage", "createsuperuser", "--no-input", "--username", "admin", "--email", "admin@example.org")
    sheet = tmp_path / "orgs.csv"
    sheet.write_bytes(ORGANISATIONS)
    run(env, "import", "organisations", str(sheet))
    media = Path(env["MEDIA_ROOT"])
    (media / "evidence" / "2026").mkdir(parents=True)
    (media / "evidence" / "2026" / "term-sheet.pdf").write_bytes(b"%PDF-1.7 term sheet")
    (media / "agreements" / "협약서.pdf").parent.mkdir(parents=True)
    (media / "agreements" / "협약서.pdf").write_bytes(b"%PDF-1.7 agreement")


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory) -> tuple[Path, Path]:
    """One populated SQLite site and its backup, shared by the tests below (migrating takes a while)."""
    root = tmp_path_factory.mktemp("site")
    source = {"DATABASE_URL": f"sqlite:///{root / 'site.sqlite3'}", "MEDIA_ROOT": str(root / "media")}
    populate(source, root)
    archive = root / "backup.tar.gz"
    out = run(source, "backup", str(archive)).stdout
    assert "2 uploaded files" in out
    return root, archive


def test_sqlite_backup_restores_into_an_empty_database_identically(sqlite_site, tmp_path):
    root, archive = sqlite_site
    target = {"DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}", "MEDIA_ROOT": str(tmp_path / "restored")}
    out = run(target, "restore", str(archive)).stdout
    assert "Restored and verified" in out
    before, after = sqlite_tables(root / "site.sqlite3"), sqlite_tables(tmp_path / "restored.sqlite3")
    assert before.keys() == after.keys() and len(before) > 50
    for name in before:
        assert before[name] == after[name], name
    assert files(root / "media") == files(tmp_path / "restored") != {}
    assert len(before["registry_organisation"]) == 2  # real rows came across, not just empty tables

    # A second restore into the now-used site is refused, and nothing changes; --replace overwrites.
    again = run(target, "restore", str(archive), check=False)
    assert again.returncode == 1 and "The target is not empty" in again.stderr
    assert run(target, "restore", str(archive), "--replace").returncode == 0


def test_a_tampered_or_unsafe_archive_is_refused(sqlite_site, tmp_path):
    _root, archive = sqlite_site

    # A file changed inside the archive after the backup: the restore says which, and exits non-zero.
    unpacked = tmp_path / "unpacked"
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked, filter="data")
    (unpacked / "media" / "evidence" / "2026" / "term-sheet.pdf").write_bytes(b"%PDF-1.7 forged")
    forged = tmp_path / "forged.tar.gz"
    with tarfile.open(forged, "w:gz") as tar:
        for entry in sorted(unpacked.iterdir()):
            tar.add(entry, arcname=entry.name)
    target = {"DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}", "MEDIA_ROOT": str(tmp_path / "r")}
    result = run(target, "restore", str(forged), check=False)
    assert result.returncode == 1 and "evidence/2026/term-sheet.pdf differs from the backup" in result.stderr

    # An archive with a path that climbs out of the upload directory is refused before anything is written.
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        tar.add(unpacked / "manifest.json", arcname="manifest.json")
        tar.add(unpacked / "media" / "evidence" / "2026" / "term-sheet.pdf", arcname="../escape.pdf")
    clean = {"DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}", "MEDIA_ROOT": str(tmp_path / "c")}
    result = run(clean, "restore", str(evil), check=False)
    assert result.returncode == 1 and "unsafe entry" in result.stderr
    assert not (tmp_path / "escape.pdf").exists()


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres") or shutil.which("pg_dump") is None,
    reason="PostgreSQL backups run when the suite runs on PostgreSQL (DATABASE_URL) with pg_dump installed",
)
def test_postgresql_backup_restores_into_an_empty_database_identically(tmp_path):
    import psycopg  # PostgreSQL tests only

    admin_url = os.environ["DATABASE_URL"]
    params = dj_database_url.parse(admin_url)
    suffix = uuid.uuid4().hex[:8]
    names = [f"bh_backup_src_{suffix}", f"bh_backup_dst_{suffix}"]
    base = admin_url.rsplit("/", 1)[0]
    with psycopg.connect(admin_url, autocommit=True) as db:
        for name in names:
            db.execute(f'CREATE DATABASE "{name}"')
    try:
        source = {"DATABASE_URL": f"{base}/{names[0]}", "MEDIA_ROOT": str(tmp_path / "media")}
        target = {"DATABASE_URL": f"{base}/{names[1]}", "MEDIA_ROOT": str(tmp_path / "restored")}
        populate(source, tmp_path)
        archive = tmp_path / "backup.tar.gz"
        run(source, "backup", str(archive))
        assert "Restored and verified" in run(target, "restore", str(archive)).stdout
        before, after = postgres_tables(source["DATABASE_URL"]), postgres_tables(target["DATABASE_URL"])
        assert before.keys() == after.keys() and len(before) > 50
        for name in before:
            assert before[name] == after[name], name
        assert files(tmp_path / "media") == files(tmp_path / "restored") != {}
    finally:
        with psycopg.connect(admin_url, autocommit=True) as db:
            for name in names:
                db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert params["NAME"]  # the suite's own database was never touched
