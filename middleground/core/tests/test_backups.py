"""Backups, restores and the SQLite -> PostgreSQL move round-trip the demo platform exactly
(issue 21, item 5).

The demo platform is built once for the module, in its own SQLite file, by the commands an
operator runs (``migrate``, ``demo``); each test works on a copy of it.
"""

import datetime as dt
import doctest
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from middleground.core import backups
from middleground.core.backups import BackupError, extra_database, restore, sqlite_file
from middleground.core.models import WorkerHeartbeat

ROOT = Path(__file__).resolve().parents[3]
DB_FILE = "middleground.sqlite3"


def manage(var: Path, *args: str, database_url: str = "", check: bool = True):
    env = {**os.environ, "MG_VAR_DIR": str(var), "MG_ALLOW_INSECURE_KEY": "1"}
    env["DATABASE_URL"] = database_url
    env.pop("MEDIA_ROOT", None)  # var/media
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if check:
        assert done.returncode == 0, f"manage.py {' '.join(args)}: {done.stderr[-3000:]}"
    return done


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        member = tar.extractfile(backups.MANIFEST)
        assert member is not None
        return json.loads(member.read())


def count(var: Path, table: str) -> int:
    with sqlite3.connect(var / DB_FILE) as db:
        return db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A migrated SQLite platform with the demo loaded, and its backup archive."""
    var = tmp_path_factory.mktemp("demo-var")
    manage(var, "migrate", "-v0")
    manage(var, "demo")
    archive = var.parent / "demo-backup.tar.gz"
    out = manage(var, "backup", str(archive))
    assert "Backed up" in out.stdout
    return var, archive


def copy_of(var: Path, where: Path) -> Path:
    shutil.copytree(var, where)
    return where


def test_the_normalisation_examples_hold():
    assert doctest.testmod(backups).failed == 0


@pytest.mark.django_db
def test_a_table_checksum_is_the_sha256_of_its_canonical_rows():
    when = dt.datetime(2026, 1, 2, 8, 4, 5, 6, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    second = WorkerHeartbeat.objects.create(worker_id="b", started_at=when, seen_at=when)
    first = WorkerHeartbeat.objects.create(worker_id="a", started_at=when, seen_at=when)
    lines = [
        f'{{"id":{pk},"seen_at":"2026-01-02T03:04:05.000006+00:00",'
        f'"started_at":"2026-01-02T03:04:05.000006+00:00","worker_id":"{name}"}}\n'
        for pk, name in ((second.pk, "b"), (first.pk, "a"))  # by primary key
    ]
    expected = hashlib.sha256("".join(lines).encode()).hexdigest()
    assert backups.table_checksums()["core_workerheartbeat"] == {"rows": 2, "sha256": expected}


def test_it_backs_up_wipes_and_restores_the_demo_with_identical_tables_and_media(demo, tmp_path):
    var, archive = demo
    manifest = manifest_of(archive)
    assert manifest["vendor"] == "sqlite" and manifest["format_version"] == 1
    assert manifest["tables"]["network_institution"]["rows"] == count(var, "network_institution")
    assert sum(t["rows"] for t in manifest["tables"].values()) > 5000
    assert manifest["media"], "the demo's library files are in the archive"
    site = copy_of(var, tmp_path / "var")

    manage(site, "flush", "--noinput")  # the wipe: every table emptied, every file gone
    shutil.rmtree(site / "media")
    assert count(site, "network_institution") == 0

    out = manage(site, "restore", "--yes", str(archive))
    assert "Restored and verified" in out.stdout
    assert count(site, "network_institution") == manifest["tables"]["network_institution"]["rows"]
    again = tmp_path / "again.tar.gz"
    manage(site, "backup", str(again))
    restored = manifest_of(again)
    assert restored["tables"] == manifest["tables"]
    assert restored["media"] == manifest["media"]
    assert restored["migrations"] == manifest["migrations"]
    for entry in manifest["media"]:
        file = site / "media" / entry["path"]
        assert hashlib.sha256(file.read_bytes()).hexdigest() == entry["sha256"]


def rewrite(archive: Path, target: Path, change) -> Path:
    """A copy of ``archive`` with ``change(name, data) -> data`` applied to every member."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as out:
        for member in source:
            handle = source.extractfile(member)
            assert handle is not None
            data = change(member.name, handle.read())
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return target


def edit_manifest(edit):
    def change(name: str, data: bytes) -> bytes:
        if name != backups.MANIFEST:
            return data
        manifest = json.loads(data)
        edit(manifest)
        return json.dumps(manifest).encode()

    return change


def flip_byte(member_prefix: str):
    def change(name: str, data: bytes) -> bytes:
        if not name.startswith(member_prefix):
            return data
        middle = len(data) // 2
        return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]

    return change


def _unknown_migration(manifest):
    manifest["migrations"]["network"].append("9999_from_the_future")


def _other_checksum(manifest):
    manifest["tables"]["network_institution"]["sha256"] = "0" * 64


TAMPERED = {
    "a media file changed": (flip_byte("media/"), "does not match its SHA-256"),
    "the database changed": (flip_byte("database."), "does not match its SHA-256"),
    "a table checksum changed": (edit_manifest(_other_checksum), "table network_institution"),
    "another vendor": (
        edit_manifest(lambda m: m.update(vendor="postgresql")),
        "holds a postgresql database",
    ),
    "newer migrations": (
        edit_manifest(_unknown_migration),
        "network.9999_from_the_future are unknown",
    ),
    "another format version": (
        edit_manifest(lambda m: m.update(format_version=2)),
        "format version 2",
    ),
}


@pytest.mark.parametrize("kind", TAMPERED)
def test_it_refuses_a_tampered_archive_and_changes_nothing(
    demo, tmp_path, kind, settings, django_db_blocker
):
    var, archive = demo
    change, message = TAMPERED[kind]
    bad = rewrite(archive, tmp_path / "bad.tar.gz", change)
    site = copy_of(var, tmp_path / "var")
    with sqlite3.connect(site / DB_FILE) as db:
        db.execute("UPDATE network_institution SET name = 'still here ' || id")
    (site / "media" / "marker.txt").write_text("still here")
    settings.MEDIA_ROOT = site / "media"

    with (
        django_db_blocker.unblock(),
        extra_database("victim", sqlite_file(site / DB_FILE)) as victim,
        pytest.raises(BackupError, match=message),
    ):
        restore(bad, using=victim)

    with sqlite3.connect(site / DB_FILE) as db:
        names = {name for (name,) in db.execute("SELECT name FROM network_institution")}
    assert names and all(name.startswith("still here ") for name in names)
    assert (site / "media" / "marker.txt").read_text() == "still here"
    assert not [p.name for p in site.iterdir() if p.name.startswith(".")]  # no staging left


def test_the_restore_command_names_the_problem(demo, tmp_path):
    var, archive = demo
    bad = rewrite(archive, tmp_path / "bad.tar.gz", flip_byte("media/"))
    out = manage(copy_of(var, tmp_path / "var"), "restore", "--yes", str(bad), check=False)
    assert out.returncode == 1
    assert "does not match its SHA-256 in the manifest" in out.stderr


# --- PostgreSQL ----------------------------------------------------------------------------


def postgres_url(name: str) -> str | None:
    """A database ``name`` on the suite's PostgreSQL server (``DATABASE_URL``'s, else the
    local one), or None when no server answers."""
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    if not base.startswith("postgres"):
        return None
    parts = urlsplit(base)
    admin = urlunsplit(parts._replace(path="/postgres"))
    try:
        psycopg.connect(admin, connect_timeout=3).close()
    except psycopg.OperationalError:
        if os.environ.get("DATABASE_URL"):
            raise  # the suite runs on PostgreSQL: a server that does not answer is a failure
        return None
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate(url: str, *, drop_only: bool = False) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            admin.execute(f'CREATE DATABASE "{name}"')


@pytest.fixture(scope="module")
def moved(demo, tmp_path_factory):
    """The demo moved to a new PostgreSQL database ``mg_h6_move`` (dropped afterwards)."""
    # one database per xdist worker: each builds its own module fixtures
    url = postgres_url("mg_h6_move" + os.environ.get("PYTEST_XDIST_WORKER", ""))
    if url is None:
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432 (set DATABASE_URL to run these)")
    var, _ = demo
    site = copy_of(var, tmp_path_factory.mktemp("moved") / "var")
    recreate(url)
    try:
        out = manage(site, "move_database", "--to", url)
        yield site, url, out.stdout
    finally:
        recreate(url, drop_only=True)


def test_it_moves_sqlite_to_postgresql_with_identical_checksums(demo, moved, tmp_path):
    _, archive = demo
    site, url, report = moved
    assert "row counts and checksums of every table identical" in report
    pg_archive = tmp_path / "pg.tar.gz"
    manage(site, "backup", str(pg_archive), database_url=url)  # the same manifest, on PG
    on_postgres, on_sqlite = manifest_of(pg_archive), manifest_of(archive)
    assert on_postgres["vendor"] == "postgresql"
    assert on_postgres["tables"] == on_sqlite["tables"]
    assert on_postgres["migrations"] == on_sqlite["migrations"]
    with psycopg.connect(url) as db:  # sequences reset: the next id is past the copied ones
        (fresh, highest) = db.execute(
            "SELECT nextval(pg_get_serial_sequence('network_institution', 'id')),"
            " (SELECT max(id) FROM network_institution)"
        ).fetchone()
    assert fresh > highest


def test_it_refuses_to_move_into_a_database_that_is_not_empty(moved):
    site, url, _ = moved
    out = manage(site, "move_database", "--to", url, check=False)
    assert out.returncode == 1 and "the target database is not empty" in out.stderr


def test_it_round_trips_postgresql_through_pg_dump_and_pg_restore(demo, moved, tmp_path):
    _, archive = demo
    site, url, _ = moved
    pg_archive = tmp_path / "pg.tar.gz"
    manage(site, "backup", str(pg_archive), database_url=url)
    manage(site, "flush", "--noinput", database_url=url)
    shutil.rmtree(site / "media")
    with psycopg.connect(url) as db:
        assert db.execute("SELECT count(*) FROM network_institution").fetchone() == (0,)

    out = manage(site, "restore", "--yes", str(pg_archive), database_url=url)
    assert "Restored and verified" in out.stdout
    again = tmp_path / "again.tar.gz"
    manage(site, "backup", str(again), database_url=url)
    assert manifest_of(again)["tables"] == manifest_of(archive)["tables"]
    assert manifest_of(again)["media"] == manifest_of(archive)["media"]
    refused = manage(site, "restore", "--yes", str(archive), database_url=url, check=False)
    assert refused.returncode == 1 and "holds a sqlite database" in refused.stderr
