"""Backups, restores, and the move from SQLite to PostgreSQL (issue 21, item 5).

One archive file (a gzipped tar) holds the database, the media files and ``manifest.json``:

* SQLite: a copy made with SQLite's online backup API (``sqlite3.Connection.backup``), safe
  while the platform runs; PostgreSQL: ``pg_dump --format=custom`` (Debian's
  postgresql-client);
* ``media/...``: every file under ``MEDIA_ROOT``;
* ``manifest.json`` (the last member): the format version, the database vendor, the applied
  migrations, per table its row count and a checksum, the database member's and every media
  file's SHA-256.

The table checksums do not depend on the vendor: each row is read through Django (so values
have Python types), ordered by primary key (strings in byte order), normalised (datetimes to
UTC ISO 8601, decimals without trailing zeros, JSON with sorted keys, bytes as hex) and
written as one canonical JSON line; the table's checksum is the SHA-256 of its lines. So the
same manifest checks a restore on the same vendor and a move from SQLite to PostgreSQL.

``restore`` refuses an archive before touching anything when its manifest does not match the
platform (format, vendor, migrations this code does not know) or its content does not match
its manifest, and verifies the restored database and media against the manifest afterwards.
Tables are read in chunks (``iterator``), files in blocks: nothing is held whole in memory.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import hashlib
import io
import ipaddress
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

import dj_database_url
from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.functions import Collate
from django.utils import timezone

FORMAT = "middleground-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA_PREFIX = "media/"
CHUNK_ROWS = 2000
BLOCK = 1 << 20
#: the connection alias of a database opened for the time of one operation
SCRATCH_ALIAS = "backup_scratch"
MOVE_TARGET_ALIAS = "move_target"

Tables = dict[str, dict[str, Any]]


class BackupError(Exception):
    """A backup, restore or move that cannot go on; the message says why and what to do."""


# --- checksums -----------------------------------------------------------------------------


def normalise(value: Any) -> Any:
    """A column value as a vendor-independent JSON value.

    >>> normalise(dt.datetime(2026, 1, 2, 9, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=5))))
    '2026-01-02T04:04:05.000000+00:00'
    >>> normalise(decimal.Decimal("1.50")), normalise(True), normalise(b"\\x01\\xff")
    ('1.5', True, '01ff')
    >>> normalise(uuid.UUID(int=1)), normalise(dt.timedelta(seconds=1, microseconds=5))
    ('00000000-0000-0000-0000-000000000001', 1000005)
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else repr(value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, uuid.UUID | ipaddress.IPv4Address | ipaddress.IPv6Address):
        return str(value)
    if isinstance(value, dict):  # JSON fields: keys sorted by json.dumps below
        return {str(k): normalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalise(v) for v in value]
    return str(value)


def canonical_line(row: dict[str, Any]) -> bytes:
    """One row as a line of canonical JSON: sorted keys, no spaces, UTF-8.

    >>> canonical_line({"b": 1, "a": {"y": 2, "x": "é"}})
    b'{"a":{"x":"\\xc3\\xa9","y":2},"b":1}\\n'
    """
    text = json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode() + b"\n"


def data_models() -> list[type[models.Model]]:
    """Every model that owns a table (many-to-many tables included), by table name."""
    found = {
        model._meta.db_table: model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    return [found[name] for name in sorted(found)]


def byte_order(using: str) -> str | None:
    """The collation that orders strings by their bytes, so both vendors order keys alike."""
    return {"postgresql": "C", "sqlite": "BINARY"}.get(connections[using].vendor)


def _present_fields(model: type[models.Model], columns: set[str]) -> list[models.Field]:
    # Columns the table has: an archive made before a migration lacks the newer columns.
    return [f for f in model._meta.concrete_fields if f.column in columns]


def _ordered_rows(model, fields, using: str) -> Iterator[tuple]:
    pk = model._meta.pk
    order: Any = pk.attname
    collation = byte_order(using)
    if isinstance(pk, models.CharField | models.TextField) and collation:
        order = Collate(pk.attname, collation)
    rows = (
        model._base_manager.using(using)
        .order_by(order)
        .values_list(*(f.attname for f in fields))
        .iterator(chunk_size=CHUNK_ROWS)
    )
    yield from rows


def table_checksums(using: str = "default") -> Tables:
    """``{table: {"rows": n, "sha256": hex}}`` for every model table present in ``using``."""
    connection = connections[using]
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
        result: Tables = {}
        for model in data_models():
            table = model._meta.db_table
            if table not in present:
                continue
            # The columns of the result, not introspection (which trips on hand-written DDL).
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} WHERE 1 = 0")  # noqa: S608
            columns = {column[0] for column in cursor.description}
            fields = _present_fields(model, columns)
            digest = hashlib.sha256()
            count = 0
            names = [str(f.column) for f in fields]
            for values in _ordered_rows(model, fields, using):
                digest.update(canonical_line(dict(zip(names, map(normalise, values), strict=True))))
                count += 1
            result[table] = {"rows": count, "sha256": digest.hexdigest()}
    return result


def migration_state(using: str = "default") -> dict[str, list[str]]:
    """The applied migrations, ``{app label: [names]}``, sorted."""
    state: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        state.setdefault(app, []).append(name)
    return state


def known_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def media_listing(root: Path) -> list[dict[str, Any]]:
    """Every file under ``root``: relative POSIX path, size and SHA-256, by path."""
    if not root.is_dir():
        return []
    files = sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
    return [
        {
            "path": p.relative_to(root).as_posix(),
            "size": p.stat().st_size,
            "sha256": file_sha256(p),
        }
        for p in files
    ]


def compare_tables(expected: Tables, found: Tables) -> list[str]:
    """What differs between two sets of table checksums, one line per table."""
    problems = []
    for table in sorted(set(expected) | set(found)):
        want, got = expected.get(table), found.get(table)
        if want is None:
            problems.append(f"table {table}: not in the archive")
        elif got is None:
            problems.append(f"table {table}: missing")
        elif want["rows"] != got["rows"]:
            problems.append(f"table {table}: {got['rows']} rows, the archive has {want['rows']}")
        elif want["sha256"] != got["sha256"]:
            problems.append(f"table {table}: same {got['rows']} rows, different content")
    return problems


# --- connections opened for one operation --------------------------------------------------


@contextlib.contextmanager
def extra_database(alias: str, config: Mapping[str, Any]) -> Iterator[str]:
    """Register ``config`` as the connection ``alias`` for the time of the block."""
    connections.settings[alias] = connections.configure_settings({"default": dict(config)})[
        "default"
    ]
    try:
        yield alias
    finally:
        with contextlib.suppress(AttributeError):
            connections[alias].close()
            del connections[alias]
        del connections.settings[alias]


def sqlite_file(path: Path) -> dict[str, Any]:
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}


def _vendor(using: str) -> str:
    vendor = connections[using].vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def sqlite_snapshot(using: str, destination: Path) -> None:
    """Copy the live SQLite database to ``destination`` with the online backup API (in one
    step: a consistent copy, while other processes go on reading and writing)."""
    connection = connections[using]
    connection.ensure_connection()
    target = sqlite3.connect(destination)
    try:
        connection.connection.backup(target)
    finally:
        target.close()


# --- PostgreSQL client tools ---------------------------------------------------------------


def _pg_command(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        raise BackupError(
            f"{tool} not found: install PostgreSQL's client tools "
            "(Debian: apt-get install postgresql-client), see docs/deployment.md"
        )
    return found


def _pg_args(config: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump / pg_restore; the password goes in the environment,
    never on the command line."""
    args = ["--dbname", config["NAME"]]
    if config.get("HOST"):
        args += ["--host", str(config["HOST"])]
    if config.get("PORT"):
        args += ["--port", str(config["PORT"])]
    if config.get("USER"):
        args += ["--username", str(config["USER"])]
    env = {**os.environ}
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])
    if config.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(config["OPTIONS"]["sslmode"])
    return args, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{what} failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")


# --- backup --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    path: Path
    vendor: str
    tables: int
    rows: int
    media_files: int

    def __str__(self) -> str:
        return (
            f"{self.path}: {self.vendor} database, {self.tables} tables, {self.rows} rows, "
            f"{self.media_files} media files"
        )


def _summary(path: Path, manifest: dict[str, Any]) -> Summary:
    return Summary(
        path=path,
        vendor=manifest["vendor"],
        tables=len(manifest["tables"]),
        rows=sum(t["rows"] for t in manifest["tables"].values()),
        media_files=len(manifest["media"]),
    )


class _HashingReader:
    """A file read through, block by block, into a SHA-256."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, source: Path, name: str) -> dict[str, Any]:
    info = tar.gettarinfo(str(source), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with source.open("rb") as handle:
        reader = _HashingReader(handle)
        tar.addfile(info, reader)  # type: ignore[arg-type]
    return {"path": name, "size": info.size, "sha256": reader.digest.hexdigest()}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def _dump_postgresql(using: str, destination: Path) -> tuple[Tables, dict[str, list[str]]]:
    """pg_dump and the checksums from one snapshot: the dump shares the snapshot of a
    REPEATABLE READ transaction in which the tables are read (``pg_export_snapshot``)."""
    connection = connections[using]
    pg_dump = _pg_command("pg_dump")
    args, env = _pg_args(connection.settings_dict)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        command = [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--file", str(destination)]
        _run([*command, *args], env, "pg_dump")
        return table_checksums(using), migration_state(using)


def backup(path: Path, *, using: str = "default") -> Summary:
    """Write the database and the media files to the archive ``path`` (replaced atomically:
    a failed backup leaves no half-written archive)."""
    path = Path(path)
    vendor = _vendor(using)
    media_root = Path(settings.MEDIA_ROOT)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mg-backup-") as scratch:
        dump = Path(scratch) / DATABASE_MEMBERS[vendor]
        if vendor == "sqlite":
            sqlite_snapshot(using, dump)
            with extra_database(SCRATCH_ALIAS, sqlite_file(dump)) as alias:
                tables, migrations = table_checksums(alias), migration_state(alias)
        else:
            tables, migrations = _dump_postgresql(using, dump)
        partial = path.with_name(f".{path.name}.partial")
        try:
            with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
                database = _add_file(tar, dump, DATABASE_MEMBERS[vendor])
                media = []
                if media_root.is_dir():
                    for file in sorted(p for p in media_root.rglob("*") if p.is_file()):
                        if file.is_symlink():
                            continue
                        relative = file.relative_to(media_root).as_posix()
                        try:
                            entry = _add_file(tar, file, MEDIA_PREFIX + relative)
                        except FileNotFoundError:  # deleted since the listing: not backed up
                            continue
                        media.append({**entry, "path": relative})
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": normalise(timezone.now()),
                    "vendor": vendor,
                    "database": {k: database[k] for k in ("path", "size", "sha256")},
                    "migrations": migrations,
                    "tables": tables,
                    "media": media,
                }
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
    return _summary(path, manifest)


# --- reading and checking an archive -------------------------------------------------------


def read_manifest(path: Path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such archive")
    try:
        with tarfile.open(path, "r:*") as tar:
            member = tar.getmember(MANIFEST)
            handle = tar.extractfile(member)
            if handle is None:
                raise KeyError(MANIFEST)
            manifest = json.loads(handle.read())
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{path}: not a readable backup archive ({exc})") from exc
    except KeyError as exc:
        raise BackupError(
            f"{path}: no {MANIFEST} in the archive: not a Middle Ground backup"
        ) from exc
    except ValueError as exc:
        raise BackupError(f"{path}: {MANIFEST} is not valid JSON ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: {MANIFEST} is not a Middle Ground backup manifest")
    return manifest


def check_manifest(manifest: dict[str, Any], *, vendor: str, path: Path) -> None:
    """Refuse an archive this platform cannot take: format, vendor, unknown migrations."""
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise BackupError(
            f"{path}: archive format version {version}, this code reads version {FORMAT_VERSION}"
        )
    missing = sorted({"vendor", "database", "migrations", "tables", "media"} - set(manifest))
    if missing:
        raise BackupError(f"{path}: {MANIFEST} lacks {', '.join(missing)}: the archive is damaged")
    if manifest.get("vendor") != vendor:
        hint = (
            " (to move from SQLite to PostgreSQL use manage.py move_database)"
            if manifest.get("vendor") == "sqlite"
            else ""
        )
        raise BackupError(
            f"{path}: the archive holds a {manifest.get('vendor')} database, the platform's "
            f"database is {vendor}: a restore needs the same vendor{hint}"
        )
    archived = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    unknown = sorted(archived - known_migrations())
    if unknown:
        shown = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            f"{path}: the archive was made by a newer version of Middle Ground: its migrations "
            f"{shown}{' ...' if len(unknown) > 5 else ''} are unknown to this code; upgrade "
            "the code first, then restore"
        )


def _safe_media_name(name: str) -> str:
    relative = name[len(MEDIA_PREFIX) :]
    parts = PurePosixPath(relative).parts
    if not relative or relative.startswith("/") or ".." in parts:
        raise BackupError(f"archive member {name!r}: a path outside the media folder")
    return relative


def _copy_out(handle: IO[bytes], destination: Path) -> str:
    digest = hashlib.sha256()
    destination.parent.mkdir(parents=True, exist_ok=True)
    with destination.open("wb") as out:
        while block := handle.read(BLOCK):
            digest.update(block)
            out.write(block)
    return digest.hexdigest()


def unpack(path: Path, manifest: dict[str, Any], *, database: Path, media: Path) -> None:
    """Extract the database member to ``database`` and the media to ``media``, refusing a
    member the manifest does not list, a listed file missing, or a SHA-256 that differs."""
    expected_db = manifest["database"]
    expected_media = {entry["path"]: entry["sha256"] for entry in manifest["media"]}
    seen_db = False
    seen_media: set[str] = set()
    with tarfile.open(path, "r:*") as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            if not member.isfile():
                raise BackupError(f"{path}: archive member {member.name!r} is not a regular file")
            handle = tar.extractfile(member)
            assert handle is not None  # a regular file
            if member.name == expected_db["path"]:
                if _copy_out(handle, database) != expected_db["sha256"]:
                    raise BackupError(
                        f"{path}: the database member {member.name} does not match its "
                        "SHA-256 in the manifest: the archive is damaged or was altered"
                    )
                seen_db = True
            elif member.name.startswith(MEDIA_PREFIX):
                relative = _safe_media_name(member.name)
                if relative not in expected_media:
                    raise BackupError(f"{path}: media file {relative} is not in the manifest")
                if _copy_out(handle, media / relative) != expected_media[relative]:
                    raise BackupError(
                        f"{path}: media file {relative} does not match its SHA-256 in the "
                        "manifest: the archive is damaged or was altered"
                    )
                seen_media.add(relative)
            else:
                raise BackupError(f"{path}: unexpected archive member {member.name!r}")
    if not seen_db:
        raise BackupError(f"{path}: the database member {expected_db['path']} is missing")
    missing = sorted(set(expected_media) - seen_media)
    if missing:
        raise BackupError(f"{path}: media files listed in the manifest are missing: {missing[:5]}")


def _media_problems(manifest: dict[str, Any], root: Path) -> list[str]:
    expected = {e["path"]: e["sha256"] for e in manifest["media"]}
    found = {e["path"]: e["sha256"] for e in media_listing(root)}
    problems = [f"media file {p}: missing" for p in sorted(set(expected) - set(found))]
    problems += [f"media file {p}: not in the archive" for p in sorted(set(found) - set(expected))]
    problems += [
        f"media file {p}: different content"
        for p in sorted(set(expected) & set(found))
        if expected[p] != found[p]
    ]
    return problems


def _refuse(path: object, what: str, problems: list[str]) -> None:
    if problems:
        shown = "; ".join(problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise BackupError(f"{path}: {what}: {shown}{more}")


# --- restore -------------------------------------------------------------------------------


def _swap_media(staged: Path, root: Path) -> None:
    """Put the staged media folder in place of ``root`` (two renames on one file system)."""
    old = root.with_name(f".{root.name}.replaced")
    if old.exists():
        shutil.rmtree(old)
    if root.exists():
        root.rename(old)
    staged.rename(root)
    if old.exists():
        shutil.rmtree(old)


def _restore_sqlite(using: str, database: Path, manifest: dict[str, Any], path: Path) -> None:
    with extra_database(SCRATCH_ALIAS, sqlite_file(database)) as alias:
        # Checked before the live database is touched: a bad archive changes nothing.
        _refuse(
            path,
            "its database does not match its manifest",
            compare_tables(manifest["tables"], table_checksums(alias)),
        )
        if migration_state(alias) != manifest["migrations"]:
            raise BackupError(f"{path}: its database's migrations differ from its manifest")
    connection = connections[using]
    if connection.in_atomic_block:
        raise BackupError("restore cannot run inside a transaction")
    connection.ensure_connection()
    source = sqlite3.connect(database)
    try:
        # One step: the live database changes from the old content to the new at once.
        source.backup(connection.connection)
    except sqlite3.OperationalError as exc:  # the copy is all or nothing: nothing changed
        raise BackupError(
            f"{path}: the database could not be replaced ({exc}): stop the web processes "
            "and workers, then restore again"
        ) from exc
    finally:
        source.close()
    connection.close()


def _restore_postgresql(using: str, database: Path, manifest: dict[str, Any], path: Path) -> None:
    live = migration_state(using)
    live_set = {(a, n) for a, names in live.items() for n in names}
    archived = {(a, n) for a, names in manifest["migrations"].items() for n in names}
    newer = sorted(live_set - archived)
    if newer:
        shown = ", ".join(f"{a}.{n}" for a, n in newer[:5])
        raise BackupError(
            f"{path}: the database has migrations the archive lacks ({shown}): pg_restore "
            "would leave their tables behind. Restore into an empty database (createdb), "
            "then run manage.py migrate"
        )
    pg_restore = _pg_command("pg_restore")
    connection = connections[using]
    args, env = _pg_args(connection.settings_dict)
    connection.close()
    command = [
        pg_restore,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
    ]
    _run([*command, *args, str(database)], env, "pg_restore")


def restore(path: Path, *, using: str = "default") -> Summary:
    """Replace the database and the media files with the archive's, then check them."""
    path = Path(path)
    vendor = _vendor(using)
    manifest = read_manifest(path)
    check_manifest(manifest, vendor=vendor, path=path)
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="mg-restore-") as scratch,
        tempfile.TemporaryDirectory(prefix=f".{media_root.name}.", dir=media_root.parent) as stage,
    ):
        database = Path(scratch) / DATABASE_MEMBERS[vendor]
        staged_media = Path(stage) / "media"
        staged_media.mkdir()
        unpack(path, manifest, database=database, media=staged_media)
        if vendor == "sqlite":
            _restore_sqlite(using, database, manifest, path)
        else:
            _restore_postgresql(using, database, manifest, path)
        _swap_media(staged_media, media_root)
    caches["default"].clear()  # pages cached from the replaced content
    _refuse(
        path,
        "the restored database differs from the archive",
        compare_tables(manifest["tables"], table_checksums(using)),
    )
    _refuse(
        path, "the restored media differ from the archive", _media_problems(manifest, media_root)
    )
    return _summary(path, manifest)


# --- move from SQLite to PostgreSQL --------------------------------------------------------


def _migrate_target(url: str) -> None:
    """``manage.py migrate`` on the new database, in its own process: data migrations and
    post-migrate handlers then write to that database only."""
    manage = Path(settings.PROJECT_DIR) / "manage.py"
    env = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, str(manage), "migrate", "--noinput", "-v0"]
    _run(command, env, "migrate on the new database")


def _copy_table(model, source: str, target: str) -> int:
    fields = list(model._meta.concrete_fields)
    target_connection = connections[target]
    quote = target_connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    copied = 0
    batch: list[list[Any]] = []
    with target_connection.cursor() as cursor:
        for values in _ordered_rows(model, fields, source):
            batch.append(
                [
                    f.get_db_prep_save(v, connection=target_connection)
                    for f, v in zip(fields, values, strict=True)
                ]
            )
            if len(batch) == CHUNK_ROWS:
                cursor.executemany(sql, batch)
                copied += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            copied += len(batch)
    return copied


@dataclass(frozen=True)
class Move:
    tables: int
    rows: int

    def __str__(self) -> str:
        return (
            f"{self.tables} tables, {self.rows} rows copied; row counts and checksums of every "
            "table identical"
        )


def move_database(
    *, to: str, using: str = "default", on_step: Callable[[str], None] = print
) -> Move:
    """Copy the SQLite database into an empty PostgreSQL database and check every table.

    The rows are read from an online snapshot of the SQLite file (so the copy is
    consistent), written in one transaction (Django's foreign keys on PostgreSQL are
    deferred, so tables can be filled in any order; a failure leaves the target empty),
    the sequences reset as ``sqlsequencereset`` would, and the checksums of both compared.
    Media files stay where ``MEDIA_ROOT`` says.
    """
    if _vendor(using) != "sqlite":
        raise BackupError("move_database moves from SQLite; this platform's database is not SQLite")
    config = dj_database_url.parse(to)
    if "postgresql" not in config.get("ENGINE", ""):
        raise BackupError(f"--to must be a postgres:// URL, not {to.split(':', 1)[0]}://")
    with extra_database(MOVE_TARGET_ALIAS, config) as target:
        with connections[target].cursor() as cursor:
            existing = connections[target].introspection.table_names(cursor)
        if existing:
            raise BackupError(
                f"the target database is not empty ({len(existing)} tables): create an empty "
                "one (createdb) and move into it"
            )
        connections[target].close()
    on_step("migrating the new database")
    _migrate_target(to)
    with tempfile.TemporaryDirectory(prefix="mg-move-") as scratch:
        snapshot = Path(scratch) / "snapshot.sqlite3"
        on_step("taking a snapshot of the SQLite database")
        sqlite_snapshot(using, snapshot)
        with (
            extra_database(SCRATCH_ALIAS, sqlite_file(snapshot)) as source,
            extra_database(MOVE_TARGET_ALIAS, config) as target,
        ):
            if migration_state(source) != migration_state(target):
                raise BackupError(
                    "the SQLite database is not at this code's migrations: run manage.py "
                    "migrate on it first (and drop the new database before moving again)"
                )
            model_list = data_models()
            quote = connections[target].ops.quote_name
            rows = 0
            with transaction.atomic(using=target), connections[target].cursor() as cursor:
                # What migrate's data migrations and post-migrate handlers wrote is replaced
                # by the source's rows (same ids, which other rows refer to).
                tables = ", ".join(quote(m._meta.db_table) for m in model_list)
                cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
                for model in model_list:
                    on_step(f"copying {model._meta.db_table}")
                    rows += _copy_table(model, source, target)
                for statement in connections[target].ops.sequence_reset_sql(no_style(), model_list):
                    cursor.execute(statement)
            on_step("comparing row counts and checksums")
            _refuse(
                to.rsplit("@", 1)[-1],  # the host and name, not the password
                "the new database differs from the SQLite database",
                compare_tables(table_checksums(source), table_checksums(target)),
            )
    return Move(tables=len(model_list), rows=rows)
