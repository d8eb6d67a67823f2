"""When the public answers change: by the clock alone (the next embargo to lift), or because
something was saved (the public-change token).

The token is one row of ``public_changes``. It is given a new random value in the same
transaction as any write to a table a public page may show (releases, their revisions, events
and files, the office calendar, and any table added later), as the very last statement before
the commit, so that a kept page read under the old token can never be served under the new one,
and a transaction waiting for the row holds nothing the one holding it needs. Writes to the
tables no public page shows (enquiries, sign-ins, tokens, previews, the outbox) leave it alone,
so a busy enquiry log does not throw away the newsroom's pages.

A change made straight in the database leaves the token alone: the kept pages
(``public.caching``) are therefore never served past the max-age they were sent with.
"""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import PublicChange, Release

# Tables whose rows no public page shows, written far more often than anything public.
PRIVATE_TABLES = frozenset(
    {
        "users",
        "user_sessions",
        "api_tokens",
        "enquiries",
        "enquiry_counters",
        "enquiry_events",
        # A statement's timeline is never public; everything that changes what its newsroom
        # page shows (publishing, approving again, withdrawing) writes the statement's own row.
        "statement_events",
        "idempotency_keys",
        "preview_views",
        "embargo_recipients",
        "outbox_messages",
        "notifications",
        "notification_preferences",
        # Media contacts and what was sent to them: thousands of rows are written at an
        # embargo instant, just when journalists open the release page.
        "contacts",
        "contact_lists",
        "contact_list_members",
        "contact_events",
        "contact_imports",
        "distributions",
        "distribution_recipients",
        "deleted_releases",
        "public_changes",
    }
)

# The one row of ``public_changes``.
PUBLIC_ROW = 1

_CHANGED = "pressoffice.public_changed"
_TOKEN = sa.select(PublicChange.token).where(PublicChange.id == PUBLIC_ROW)


def next_embargo_after(instant: datetime) -> datetime | None:
    """The soonest embargo instant after ``instant`` of a release waiting for it, or None.

    One query on the indexed ``embargo_until``: the newsroom, the feed and the public API ask
    it on every answer they render, to tell a cache in front of the app how long it may keep it.
    """
    return db.session.scalar(
        sa.select(sa.func.min(Release.embargo_until)).where(
            Release.embargo_until > instant, Release.state == "scheduled"
        )
    )


def public_change_token() -> str | None:
    """The current public-change token: a kept public page is right only under the token it
    was rendered under. None when the row is missing (an emptied database): keep nothing."""
    # Straight on the session's connection (the same transaction): the ORM's handling of a
    # statement costs more than the query itself, on every public answer.
    return db.session.connection().execute(_TOKEN).scalar()


def _is_public_table(name: str | None) -> bool:
    return name is not None and name not in PRIVATE_TABLES


def _note(session, names) -> None:
    """Mark the session's transaction as changing what public pages show."""
    if any(_is_public_table(name) for name in names):
        session.info[_CHANGED] = True


def _tables(objects):
    return (getattr(o, "__tablename__", None) for o in objects)


@event.listens_for(Session, "after_flush")
def _note_flushed_changes(session, _flush_context) -> None:
    if session.info.get(_CHANGED):
        return
    _note(session, _tables(session.new))
    _note(session, _tables(session.deleted))
    _note(session, _tables(o for o in session.dirty if session.is_modified(o)))


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    _note(state.session, [getattr(table, "name", None)])


@event.listens_for(Session, "before_commit")
def _renew_token_if_changed(session) -> None:
    session.flush()  # what is still pending counts too, and takes its locks first
    if not session.info.pop(_CHANGED, False):
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(PublicChange).values(id=PUBLIC_ROW, token=secrets.token_hex(16))
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["id"], set_={"token": statement.excluded.token}
        )
    )


@event.listens_for(Session, "after_transaction_end")
def _forget_changes_of_an_ended_transaction(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)
