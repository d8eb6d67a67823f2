"""The one transaction boundary every write use case goes through.

A use case decorated with ``@unit_of_work`` runs as one write transaction that takes its lock
*before* it reads what it decides on:

- on SQLite the transaction starts with ``BEGIN IMMEDIATE``, which takes the database's write
  lock at once (WAL mode lets readers carry on), so no two use cases ever decide on the same
  rows at the same time;
- on PostgreSQL the use case locks the row it decides on (``lock_release`` and friends, a
  ``SELECT ... FOR UPDATE``) as its first read.

Whatever the request read before the use case began is thrown away first (the session's read
transaction is ended and every loaded object expired), so a decision is never taken on a row read
outside the transaction. Locks are always taken in one order, the same in every use case:

    release  ->  quote sign-off  ->  recipient  ->  distribution

The unit commits when the use case returns and rolls back when it raises. A serialisation
failure, a deadlock or a lock wait that ran out is retried from the start a bounded number of
times, so it never reaches a user. A use case called from inside another one joins the outer
unit: one commit, at the end of the outer one.
"""

from __future__ import annotations

import functools
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from ..extensions import db

try:
    import fcntl
except ImportError:  # Windows: SQLite's busy timeout alone makes writers wait their turn.
    fcntl = None

P = ParamSpec("P")
R = TypeVar("R")

ATTEMPTS = 5

# True while a unit of work runs in this context (a request's thread or a CLI command).
_in_unit: ContextVar[bool] = ContextVar("pressoffice_in_unit_of_work", default=False)

# PostgreSQL: serialization_failure, deadlock_detected, lock_not_available.
_RETRIABLE_PGCODES = {"40001", "40P01", "55P03"}


class Busy(Exception):
    """The database stayed busy through every attempt; nothing was changed."""


def in_unit_of_work() -> bool:
    """Whether the caller runs inside a unit of work."""
    return _in_unit.get()


def unit_of_work(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` as one write transaction: lock first, commit at the end, retry on a
    serialisation failure or deadlock, roll back on any refusal."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if _in_unit.get():
            return fn(*args, **kwargs)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with write_transaction():
                    return fn(*args, **kwargs)
            except DBAPIError as exc:
                if not _retriable(exc) or attempt == ATTEMPTS:
                    raise
                # Both sides of a deadlock back off by different amounts and try again.
                time.sleep(random.uniform(0.01, 0.05) * attempt)  # noqa: S311
        raise AssertionError("unreachable")  # pragma: no cover

    run.__wrapped__ = fn
    return run


@contextmanager
def write_transaction() -> Iterator[None]:
    """One write transaction: the read transaction the request had open is ended first, the
    write lock is taken (SQLite) as the transaction begins, and the whole is committed on
    leaving the block or rolled back on an exception."""
    session = db.session()
    if session.in_transaction():
        # What the request read so far must not be what the use case decides on.
        session.rollback()
    session.expire_all()
    token = _in_unit.set(True)
    turn = _writers_turn(session)
    try:
        session.connection()  # begins the transaction (BEGIN IMMEDIATE on SQLite)
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        if turn is not None:
            turn.release()
        _in_unit.reset(token)


class _WritersQueue:
    """SQLite: the writers of one database file wait their turn on an operating-system lock
    on a file beside it, taken before ``BEGIN IMMEDIATE`` and let go after the commit.

    SQLite's own busy handler makes a writer that finds the database locked sleep (1, 2, 5,
    10 ... ms) and try again: the lock then often lies idle while the next writer sleeps, and a
    writer can lose its turn again and again. Waiting on ``flock`` instead, each writer is woken
    the moment the one before lets go. The busy timeout still covers any writer outside a unit
    of work. One open file per process and thread, so that threads queue too."""

    def __init__(self, path: str):
        self.path = path
        self._local = threading.local()

    def take(self) -> _WritersQueue:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.pid, local.fd = os.getpid(), None
        if local.fd is None:
            local.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(local.fd, fcntl.LOCK_EX)
        return self

    def release(self) -> None:
        fcntl.flock(self._local.fd, fcntl.LOCK_UN)


_queues: dict[str, _WritersQueue] = {}
_queues_lock = threading.Lock()


def _writers_turn(session) -> _WritersQueue | None:
    """Wait for this writer's turn on a SQLite database file (None elsewhere)."""
    url = session.get_bind().url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if fcntl is None:
        return None  # no OS file lock here: SQLite's busy timeout serves
    path = os.path.abspath(url.database) + "-writers.lock"
    with _queues_lock:
        queue = _queues.get(path) or _queues.setdefault(path, _WritersQueue(path))
    try:
        return queue.take()
    except OSError:
        return None  # a folder we cannot write a lock file in: SQLite's busy timeout serves


def _retriable(exc: DBAPIError) -> bool:
    orig = getattr(exc, "orig", None)
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if code in _RETRIABLE_PGCODES:
        return True
    # SQLite: the busy timeout ran out waiting for another writer.
    return isinstance(exc, OperationalError) and "database is locked" in str(orig)


def configure_sqlite(engine: Engine) -> None:
    """SQLite settings on every connection: foreign keys on, WAL so that readers never wait
    for a writer, a busy timeout so that a writer waits its turn instead of failing, and
    transactions begun by us: ``BEGIN IMMEDIATE`` inside a unit of work, a plain ``BEGIN``
    for reads, so that a read sees one consistent snapshot."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # The driver must not begin transactions on its own: we say how they begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "memory":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # Straight to the driver: beginning a transaction is not a query of the app's.
        connection.connection.driver_connection.execute(
            "BEGIN IMMEDIATE" if _in_unit.get() else "BEGIN"
        )
