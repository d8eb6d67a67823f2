"""Backing up the database while the office keeps working, and restoring it.

SQLite: the backup is SQLite's online backup API, copying the whole database in one step under a
read transaction, so the copy is one consistent instant even while enquiries keep arriving (WAL
lets writers carry on meanwhile). It is written beside the target and renamed into place, so a
half-written backup never carries the target's name. A restore checks that the file is a
Pressoffice backup (a sound SQLite database with the app's tables and a migration this version
knows), keeps a copy of the database it replaces, copies the backup in with the same API (other
connections see either the old database or the restored one, never a mixture), then brings it to
the newest migration.

PostgreSQL: the backup runs ``pg_dump`` (custom format, one consistent snapshot); a restore runs
``pg_restore`` for such a file, or ``psql`` for a plain SQL dump, in one transaction.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import URL

from .. import clock
from ..extensions import db
from .errors import ServiceError

# Tables every Pressoffice database has: a file without them is not one of our backups.
REQUIRED_TABLES = frozenset({"alembic_version", "users", "releases", "enquiries"})
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


class BackupRefused(ServiceError):
    """The backup or restore cannot be done; nothing was changed."""

    code = "backup_refused"
    status = 400


@dataclass(frozen=True)
class Outcome:
    """What was done, in words for the person at the terminal."""

    message: str
    kept: Path | None = None  # SQLite restore: the database as it was before


def database_url() -> URL:
    return db.engine.url


def is_postgres() -> bool:
    return database_url().get_backend_name() == "postgresql"


# --- backup -----------------------------------------------------------------------------------


def backup_database(path: str | os.PathLike) -> Outcome:
    """Write a consistent copy of the whole database to ``path`` (replacing a file there)."""
    target = Path(path)
    if not target.parent.is_dir():
        raise BackupRefused(f"There is no folder {target.parent} to write the backup in")
    if is_postgres():
        return _pg_dump(target)
    live = _sqlite_file()
    if target.exists() and target.resolve() == live.resolve():
        raise BackupRefused("The backup cannot be written over the database itself")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        source = sqlite3.connect(live, timeout=15)
        copy = sqlite3.connect(partial)
        try:
            # One step (every page at once): the copy is a single consistent instant.
            source.backup(copy)
            # A self-contained file: no write-ahead log beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
            problem = _integrity_problem(copy)
        finally:
            copy.close()
            source.close()
        if problem:
            raise BackupRefused(f"The copy failed its integrity check: {problem}")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    size = target.stat().st_size
    return Outcome(
        f"Backed up the SQLite database {live} to {target} "
        f"({size:,} bytes, SQLite online backup API)."
    )


def _pg_dump(target: Path) -> Outcome:
    url, env = _libpq(database_url())
    _run(
        ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), "--dbname", url],
        env,
        "pg_dump",
    )
    return Outcome(
        f"Backed up the PostgreSQL database {database_url().database} to {target} with "
        "pg_dump (custom format). Restore it with: pressoffice restore " + str(target)
    )


# --- restore ----------------------------------------------------------------------------------


def restore_database(path: str | os.PathLike) -> Outcome:
    """Replace the database with the backup at ``path``, after checking it is one of ours,
    then bring it to the newest migration."""
    source = Path(path)
    if not source.is_file():
        raise BackupRefused(f"There is no backup file at {source}")
    from flask_migrate import upgrade

    # No connection of ours may hold the database open while it is replaced.
    db.session.remove()
    db.engine.dispose()
    outcome = _pg_restore(source) if is_postgres() else _sqlite_restore(source)
    db.engine.dispose()
    upgrade()
    return outcome


def check_sqlite_backup(path: Path) -> str:
    """The migration revision of a SQLite Pressoffice backup; BackupRefused for anything
    that is not a sound one."""
    with open(path, "rb") as file:
        if file.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise BackupRefused(f"{path} is not a Pressoffice backup: it is not a SQLite database")
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            problem = _integrity_problem(connection)
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        except sqlite3.DatabaseError as exc:
            raise BackupRefused(f"{path} is not a Pressoffice backup: {exc}") from None
        if problem:
            raise BackupRefused(f"{path} is damaged: {problem}")
        missing = REQUIRED_TABLES - tables
        if missing:
            raise BackupRefused(
                f"{path} is not a Pressoffice backup: it has no "
                + ", ".join(sorted(missing))
                + " table"
                + ("s" if len(missing) > 1 else "")
            )
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        connection.close()
    return _known_revision(row[0] if row else None, path)


def _sqlite_restore(source: Path) -> Outcome:
    revision = check_sqlite_backup(source)
    live = _sqlite_file()
    if live.exists() and live.resolve() == source.resolve():
        raise BackupRefused("That file is the database itself")
    kept = None
    if live.exists() and live.stat().st_size > 0:
        kept = live.with_name(f"{live.name}.before-restore-{clock.now():%Y%m%dT%H%M%SZ}")
        _copy_sqlite(live, kept)
    _copy_sqlite(source, live)
    message = f"Restored {live} from {source} (backup at migration {revision})."
    if kept:
        message += f" The database as it was is kept at {kept}."
    return Outcome(message, kept)


def _copy_sqlite(source: Path, target: Path) -> None:
    """Copy one database into another with the backup API: the target is locked while it is
    replaced, so no connection ever reads a half-restored database."""
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writer = sqlite3.connect(target, timeout=30)
    try:
        reader.backup(writer)
        problem = _integrity_problem(writer)
    finally:
        writer.close()
        reader.close()
    if problem:
        raise BackupRefused(f"The restored database failed its integrity check: {problem}")


def _pg_restore(source: Path) -> Outcome:
    url, env = _libpq(database_url())
    with open(source, "rb") as file:
        start = file.read(4096)
    if start.startswith(PG_CUSTOM_MAGIC):
        listing = _run(["pg_restore", "--list", str(source)], env, "pg_restore")
        _require_tables(source, listing, lambda table: f"TABLE public {table} ")
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                url,
                str(source),
            ],
            env,
            "pg_restore",
        )
        tool = "pg_restore"
    elif b"PostgreSQL database dump" in start:
        text = source.read_text(encoding="utf-8", errors="replace")
        _require_tables(source, text, lambda table: f"CREATE TABLE public.{table} ")
        _run(
            [
                "psql",
                "--single-transaction",
                "--quiet",
                "-v",
                "ON_ERROR_STOP=1",
                "--dbname",
                url,
                "--file",
                str(source),
            ],
            env,
            "psql",
        )
        tool = "psql"
    else:
        raise BackupRefused(f"{source} is not a Pressoffice backup: it is not a pg_dump file")
    return Outcome(
        f"Restored the PostgreSQL database {database_url().database} from {source} with {tool}."
    )


def _require_tables(source: Path, text: str, marker) -> None:
    missing = sorted(t for t in REQUIRED_TABLES if marker(t) not in text)
    if missing:
        raise BackupRefused(
            f"{source} is not a Pressoffice backup: it has no " + ", ".join(missing) + " table"
        )


# --- helpers ----------------------------------------------------------------------------------


def _sqlite_file() -> Path:
    name = database_url().database
    if not name or name == ":memory:" or name.startswith("file::memory:"):
        raise BackupRefused("The database is held in memory: there is no file to back up")
    return Path(name)


def _integrity_problem(connection: sqlite3.Connection) -> str | None:
    rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    return None if rows == ["ok"] else "; ".join(rows[:5])


def _known_revision(revision: str | None, path: Path) -> str:
    from alembic.script import ScriptDirectory

    if not revision:
        raise BackupRefused(f"{path} is not a Pressoffice backup: it records no migration")
    config = current_app.extensions["migrate"].migrate.get_config()
    try:
        found = ScriptDirectory.from_config(config).get_revision(revision)
    except Exception:  # noqa: BLE001 - alembic raises several kinds for an unknown revision
        found = None
    if found is None:
        raise BackupRefused(
            f"{path} was made by a newer or different version of Pressoffice "
            f"(migration {revision} is unknown here)"
        )
    return revision


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The URL as the PostgreSQL tools take it, with the password in the environment rather
    than on a command line anyone on the machine can read."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str], tool: str) -> str:
    if shutil.which(command[0]) is None:
        raise BackupRefused(f"{tool} is not installed: install the PostgreSQL client tools")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupRefused(f"{tool} failed: {result.stderr.strip() or result.returncode}")
    return result.stdout
