"""Backup and restore: the database and every uploaded file in one archive, checked on the way back.

An archive is a ``.tar.gz`` holding

* ``manifest.json`` — format version, Bridgehead version, time, database vendor, the row count of every table
  and the SHA-256 and size of every uploaded file;
* ``database.sqlite3`` (SQLite, copied with SQLite's online backup API, so the site may keep running) or
  ``database.pgdump`` (PostgreSQL, ``pg_dump --format=custom``, one consistent snapshot);
* ``media/…`` — the upload directory as it was.

Restoring goes into an *empty* database and upload directory (or replaces them with ``replace=True``), then
re-counts every table and re-hashes every file against the manifest: a restore that does not match says so
and exits non-zero, instead of leaving a site that merely looks restored. Restoring across vendors (SQLite
backup into PostgreSQL) is refused: use ``bridgehead manage dumpdata/loaddata`` for a migration.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess  # pg_dump/pg_restore, with argument lists, never a shell
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connections

from bridgehead import __version__

FORMAT = 1
Progress = Callable[[str], None]


class BackupError(Exception):
    """The backup or restore cannot go ahead, or its result does not match the manifest; the message says why."""


@dataclass
class Manifest:
    vendor: str
    tables: dict[str, int]
    files: dict[str, dict[str, object]]
    created_at: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    bridgehead: str = __version__
    format: int = FORMAT

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        data = json.loads(raw)
        if data.get("format") != FORMAT:
            raise BackupError(f"This archive has format {data.get('format')!r}; this Bridgehead reads {FORMAT}.")
        return cls(**data)


def table_counts(alias: str = "default") -> dict[str, int]:
    """Rows per table, for every table in the database (Django's and ours alike)."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608 - introspected
            counts[name] = cursor.fetchone()[0]
    return counts


def file_digests(root: Path) -> dict[str, dict[str, object]]:
    digests: dict[str, dict[str, object]] = {}
    if not root.exists():
        return digests
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        digests[path.relative_to(root).as_posix()] = {"sha256": digest.hexdigest(), "size": path.stat().st_size}
    return digests


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _pg_env(alias: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore; the password goes through the environment, not argv."""
    params = connections[alias].settings_dict
    args = ["--dbname", params["NAME"]]
    if params.get("HOST"):
        args += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", str(params["USER"])]
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed; install the PostgreSQL client tools.")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")


def _dump_database(alias: str, vendor: str, target: Path) -> None:
    if vendor == "sqlite":
        connection = connections[alias]
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)  # online: a consistent copy while the site keeps writing
        copy.close()
    else:
        args, env = _pg_env(alias)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *args], env)


def backup(
    destination: Path, *, alias: str = "default", media_root: Path | None = None, progress: Progress | None = None
) -> Manifest:
    """Write an archive of the database ``alias`` and ``media_root`` to ``destination``."""
    step = progress or (lambda _label: None)
    media = Path(media_root or settings.MEDIA_ROOT)
    vendor = _vendor(alias)
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        database = Path(scratch) / ("database.sqlite3" if vendor == "sqlite" else "database.pgdump")
        step("copying the database")
        _dump_database(alias, vendor, database)
        step("counting rows")
        manifest = Manifest(vendor=vendor, tables=table_counts(alias), files={})
        step("hashing uploaded files")
        manifest.files = file_digests(media)
        step("writing the archive")
        partial = destination.with_name(destination.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            info = tarfile.TarInfo("manifest.json")
            raw = manifest.to_json()
            info.size = len(raw)
            archive.addfile(info, io.BytesIO(raw))
            archive.add(database, arcname=database.name)
            for name in manifest.files:
                archive.add(media / name, arcname=f"media/{name}")
        partial.replace(destination)  # a crash mid-write never leaves a truncated file under the real name
    return manifest


#: Tables ``migrate`` fills on a new database: a freshly migrated site still counts as empty.
BOOKKEEPING = {"django_migrations", "django_content_type", "auth_permission", "django_site"}


def _is_empty(alias: str, media: Path) -> list[str]:
    """What is already there (tables with rows, files) — a restore refuses to mix two sites."""
    found = [
        f"table {name} has {count} rows"
        for name, count in table_counts(alias).items()
        if count and name not in BOOKKEEPING
    ]
    if media.exists() and any(p.is_file() for p in media.rglob("*")):
        found.append(f"{media} holds files")
    return found


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"The archive holds an unsafe entry: {member.name!r}.")
        members.append(member)
    return members


def _load_database(alias: str, vendor: str, source: Path) -> None:
    connection = connections[alias]
    if vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(source) as copy:
            copy.backup(connection.connection)  # replaces every page of the target database
        copy.close()
        connection.close()  # the next query reopens and sees the restored schema
    else:
        args, env = _pg_env(alias)
        connection.close()
        # --clean drops what a migrated (or, with --replace, a used) database holds before loading the dump.
        clean = ["--clean", "--if-exists"]
        _run(["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", *clean, *args, str(source)], env)


def restore(
    archive_path: Path,
    *,
    alias: str = "default",
    media_root: Path | None = None,
    replace: bool = False,
    progress: Progress | None = None,
) -> Manifest:
    """Restore ``archive_path`` into the database ``alias`` and ``media_root``, then verify it."""
    step = progress or (lambda _label: None)
    media = Path(media_root or settings.MEDIA_ROOT)
    vendor = _vendor(alias)
    with tarfile.open(archive_path, "r:gz") as archive, tempfile.TemporaryDirectory() as scratch:
        members = _safe_members(archive)
        manifest_member = next((m for m in members if m.name == "manifest.json"), None)
        if manifest_member is None:
            raise BackupError("This is not a Bridgehead backup: manifest.json is missing.")
        manifest = Manifest.from_json(archive.extractfile(manifest_member).read())
        if manifest.vendor != vendor:
            raise BackupError(
                f"The archive holds a {manifest.vendor} database and this site uses {vendor}; "
                "restore into the same kind of database."
            )
        if not replace and (found := _is_empty(alias, media)):
            raise BackupError(
                "The target is not empty (" + "; ".join(found[:3]) + (" …" if len(found) > 3 else "") + "). "
                "Restore into an empty database and upload directory, or pass --replace to overwrite them."
            )
        step("unpacking")
        archive.extractall(scratch, members=members, filter="data")
        database = Path(scratch) / ("database.sqlite3" if vendor == "sqlite" else "database.pgdump")
        step("restoring the database")
        _load_database(alias, vendor, database)
        step("restoring uploaded files")
        if replace and media.exists():
            shutil.rmtree(media)
        unpacked = Path(scratch) / "media"
        media.mkdir(parents=True, exist_ok=True)
        if unpacked.exists():
            shutil.copytree(unpacked, media, dirs_exist_ok=True)
    step("verifying")
    problems = verify(manifest, alias=alias, media_root=media)
    if problems:
        raise BackupError("The restore does not match the backup: " + "; ".join(problems[:5]))
    return manifest


def verify(manifest: Manifest, *, alias: str = "default", media_root: Path | None = None) -> list[str]:
    """Differences between ``manifest`` and the database and files now in place (empty: identical)."""
    problems = []
    counts = table_counts(alias)
    for name, expected in manifest.tables.items():
        if counts.get(name) != expected:
            problems.append(f"table {name}: {counts.get(name, 'missing')} rows, the backup had {expected}")
    files = file_digests(Path(media_root or settings.MEDIA_ROOT))
    for name, expected in manifest.files.items():
        if files.get(name) != expected:
            problems.append(f"file {name} differs from the backup" if name in files else f"file {name} is missing")
    return problems
