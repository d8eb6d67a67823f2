"""A database connection that drops the moment a commit has gone through.

The commit is durable, but the connection that made it is gone and the server cannot reach the
database again before it answers: any query the request makes after the commit fails, as it
would if the network or the database server went away at that instant."""

from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session


class DatabaseGone(Exception):
    """What the driver would raise: the connection to the server was lost."""


@contextmanager
def connection_lost_after_commit(engine: sa.Engine, writing: str = "enquiry_events"):
    """While inside the block, the first commit of a transaction that wrote to the table
    ``writing`` is followed by the loss of its connection, and every later statement fails.
    ``lost`` says whether it happened."""
    state = {"lost": False, "connection": None}

    def note_write(conn, _cursor, statement, _params, _context, _executemany):
        words = statement.lstrip().split(None, 3)
        if words and words[0].upper() in ("INSERT", "UPDATE", "DELETE") and writing in words:
            state["connection"] = conn.connection

    def after_commit(_session):
        if state["connection"] is not None and not state["lost"]:
            state["lost"] = True
            state["connection"].invalidate(DatabaseGone("server closed the connection"))

    def refuse(_conn, _cursor, statement, params, _context, _executemany):
        if state["lost"]:
            raise sa.exc.OperationalError(statement, params, DatabaseGone("connection lost"))

    event.listen(Session, "after_commit", after_commit)
    event.listen(engine, "before_cursor_execute", refuse)
    event.listen(engine, "after_cursor_execute", note_write)
    try:
        yield state
    finally:
        event.remove(Session, "after_commit", after_commit)
        event.remove(engine, "before_cursor_execute", refuse)
        event.remove(engine, "after_cursor_execute", note_write)
