"""What every statement use case stands on: who is acting, the locked statement, its
revisions, the facts the rules decide on, and the timeline.

``lock_statement`` is the first read of every use case that changes a statement (or gives it to
a journalist): inside the unit of work it locks the row (PostgreSQL ``FOR UPDATE``; on SQLite the
unit of work already holds the write lock) and reads it afresh.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ...domain import statements as rules
from ...extensions import db
from ...models import (
    MAX_ID,
    Statement,
    StatementEvent,
    StatementRelease,
    StatementRevision,
    User,
)
from ..errors import NotFound, StaleVersion, ValidationFailed


def statement_number(statement: Statement | int | Any, field_name: str = "id") -> int:
    """The statement's number, without reading the row; a number that names nothing is
    NotFound rather than an error from the database."""
    if isinstance(statement, Statement):
        identity = sa.inspect(statement).identity
        return identity[0] if identity else statement.id
    try:
        number = int(statement)
    except (TypeError, ValueError):
        raise NotFound("There is no statement with that number") from None
    if isinstance(statement, bool) or not 0 < number <= MAX_ID:
        raise NotFound("There is no statement with that number")
    return number


def lock_statement(statement: Statement | int) -> Statement:
    """The statement, locked until the unit of work ends, and read afresh."""
    found = db.session.scalars(
        sa.select(Statement)
        .where(Statement.id == statement_number(statement))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if found is None:
        raise NotFound("There is no statement with that number")
    return found


def latest_revision(statement: Statement) -> StatementRevision:
    """The last save of a statement: its current content, exactly as hashed."""
    revision = db.session.scalars(
        sa.select(StatementRevision)
        .where(StatementRevision.statement_id == statement.id)
        .order_by(StatementRevision.number.desc())
        .limit(1)
    ).first()
    if revision is None:  # every statement is created with its first revision
        raise NotFound("This statement has no saved content")
    return revision


def working_content(statement: Statement) -> rules.StatementContent:
    """The statement's working copy as domain content."""
    return rules.content_from_stored(
        {
            "title": statement.title,
            "topics": statement.topics,
            "lines": statement.lines,
            "qa": statement.qa,
            "statement": statement.statement,
            "spokesperson": statement.spokesperson,
            "spokesperson_role": statement.spokesperson_role,
            "background": statement.background,
            "review_by": statement.review_by,
            "release_ids": statement.release_ids,
        }
    )


def _editors_since(statement_id: int, after_number: int) -> frozenset[int]:
    return frozenset(
        db.session.scalars(
            sa.select(StatementRevision.editor_id)
            .where(
                StatementRevision.statement_id == statement_id,
                StatementRevision.number > after_number,
            )
            .distinct()
        )
    )


def facts(statement: Statement, latest: StatementRevision | None = None) -> rules.StatementState:
    """What the rules look at, read from the statement and its latest revision."""
    latest = latest or latest_revision(statement)
    return rules.StatementState(
        state=statement.state,
        author_id=statement.author_id,
        last_editor_id=latest.editor_id,
        content_hash=latest.content_hash,
        approved_hash=statement.approved_hash,
        review_by=statement.review_by,
        missing_for_review=tuple(working_content(statement).missing_for_review()),
        editor_ids=_editors_since(statement.id, 0),
        approved_by_name=statement.approved_by.name if statement.approved_by_id else None,
        publication=statement.publication,
        on_the_record=bool(statement.statement and statement.spokesperson),
    )


def expect_version(statement: Statement, given: Any, *, required: bool, prompt: str) -> None:
    """The version the person saw must still be the current one."""
    if given is None or given == "":
        if required:
            raise ValidationFailed({"version": prompt})
        return
    try:
        expected = int(given)
        if isinstance(given, bool):
            raise ValueError
    except (TypeError, ValueError):
        raise ValidationFailed({"version": "The version must be a whole number"}) from None
    if expected != statement.version:
        raise stale(statement.version, expected)


def stale(current: int, submitted: int, current_content=None, submitted_content=None):
    """The refusal of a change started from an older version, both versions named."""
    error = StaleVersion(current, submitted, current=current_content, submitted=submitted_content)
    error.message = (
        f"Someone else saved this statement (now version {current}) after you started from "
        f"version {submitted}. Your changes have not been saved."
    )
    error.args = (error.message,)
    return error


def record_event(
    statement: Statement,
    actor: User | None,
    action: str,
    now: datetime,
    *,
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str | None = None,
) -> StatementEvent:
    """Add one entry to the statement's timeline, in the caller's transaction."""
    event = StatementEvent(
        statement_id=statement.id,
        actor_id=actor.id if actor is not None else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment or None,
        version=statement.version,
        created_at=now,
    )
    db.session.add(event)
    return event


def save_revision(
    statement: Statement, content: rules.StatementContent, editor: User, now: datetime
) -> StatementRevision:
    """Write ``content`` to the working copy and as the statement's next revision."""
    statement.title = content.title
    statement.topics = list(content.topics)
    statement.lines = list(content.lines)
    statement.qa = [pair.as_dict() for pair in content.qa]
    statement.statement = content.statement
    statement.spokesperson = content.spokesperson
    statement.spokesperson_role = content.spokesperson_role
    statement.background = content.background
    statement.review_by = content.review_by
    if list(content.release_ids) != statement.release_ids:
        statement.release_links = [
            StatementRelease(release_id=release_id, position=position)
            for position, release_id in enumerate(content.release_ids)
        ]
    statement.last_editor_id = editor.id
    statement.updated_at = now
    revision = StatementRevision(
        statement_id=statement.id,
        number=statement.version,
        content=content.as_dict(),
        content_hash=rules.content_hash(content),
        editor_id=editor.id,
        created_at=now,
    )
    db.session.add(revision)
    db.session.flush()
    return revision
