"""Publication in the newsroom: publish an approved statement's on-the-record words, and
withdraw them with a public reason. Each is one unit of work that locks the statement first, asks
``domain.statements`` and records the change on the timeline.

The public only ever sees the approved revision named by ``public_revision_id``; an edit after
publication leaves it in place until the statement is approved again (``transitions``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ... import clock
from ...domain import signoff
from ...domain import statement_publication as publishing
from ...domain import statements as rules
from ...domain.content import slug_base, slug_candidates
from ...extensions import db
from ...models import Statement, StatementRevision, User
from ..errors import ValidationFailed
from ..sign_off import acting_staff, refuse_unless
from ..unit_of_work import unit_of_work
from .records import expect_version, facts, latest_revision, lock_statement, record_event


def _unique_statement_slug(title: str, statement_id: int) -> str:
    """The newsroom address of a statement: its title's slug, made unique with -2, -3, ...
    On PostgreSQL a lock on the slug (after the statement's lock) keeps two publications of one
    title at the same moment from choosing the same address; SQLite's write lock already does."""
    base = slug_base(title)
    if base == "release":
        base = "statement"
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
            {"key": "statement-slug:" + base},
        )
    taken = set(
        db.session.scalars(
            sa.select(Statement.slug).where(
                sa.or_(Statement.slug == base, Statement.slug.like(f"{base}-%")),
                Statement.id != statement_id,
            )
        )
    )
    return next(slug for slug in slug_candidates(base) if slug not in taken)


def approved_revision(statement: Statement) -> StatementRevision | None:
    """The revision the statement's approval covers, if it is approved."""
    if not statement.approved_hash or statement.approved_version is None:
        return None
    return db.session.scalars(
        sa.select(StatementRevision).where(
            StatementRevision.statement_id == statement.id,
            StatementRevision.number == statement.approved_version,
            StatementRevision.content_hash == statement.approved_hash,
        )
    ).first()


@unit_of_work
def publish_statement(
    statement: Statement | int,
    *,
    actor: User,
    expected_version: Any = None,
    now: datetime | None = None,
) -> Statement:
    """Publish an approved, current statement in the newsroom: its page shows exactly the
    approved revision's on-the-record words and spokesperson, and it is listed in the newsroom
    and the feed. Refused (nothing changed) unless the approval covers its content now."""
    now = clock.instant(now)
    who = acting_staff(actor)
    record = lock_statement(statement)
    expect_version(record, expected_version, required=False, prompt="")
    latest = latest_revision(record)
    refuse_unless(publishing.may_publish(facts(record, latest), who, now))
    revision = approved_revision(record)
    if revision is None or revision.id != latest.id:
        # The approval must name the latest revision itself, not only words equal to it.
        refuse_unless(signoff.approved_content_unchanged(None, latest.content_hash))
    assert revision is not None
    if record.slug is None:
        record.slug = _unique_statement_slug(revision.content.get("title") or "", record.id)
    record.publication = "published"
    record.public_revision_id = revision.id
    record.published_at = now
    record.public_updated_at = now
    record.updated_at = now
    record_event(
        record,
        actor,
        "publish",
        now,
        comment=f"Version {revision.number} is on the newsroom page",
    )
    return record


@unit_of_work
def withdraw_statement(
    statement: Statement | int,
    *,
    actor: User,
    reason: Any,
    expected_version: Any = None,
    now: datetime | None = None,
) -> Statement:
    """An approver takes a published statement out of the newsroom with a reason readers see:
    its page stays, showing the withdrawal notice, and it leaves the lists and the feed."""
    now = clock.instant(now)
    who = acting_staff(actor)
    record = lock_statement(statement)
    expect_version(record, expected_version, required=False, prompt="")
    text, errors = rules.clean_note(reason, "reason", rules.REASON_MAX)
    if errors:
        raise ValidationFailed(errors)
    refuse_unless(publishing.may_withdraw(facts(record), who, now, text))
    record.publication = "withdrawn"
    record.withdrawn_at = now
    record.withdrawal_reason = text
    record.updated_at = now
    record_event(record, actor, "withdraw", now, comment=text)
    return record


def show_approved_to_public(record: Statement, revision: StatementRevision, actor, now) -> None:
    """Inside an approval's unit of work: a published statement's page now shows the revision
    just approved (the words the public saw until then stay on the timeline and revisions)."""
    if not publishing.publishes_on_approval(facts(record, revision)):
        return
    if record.public_revision_id == revision.id:
        return
    record.public_revision_id = revision.id
    record.public_updated_at = now
    record_event(
        record,
        actor,
        "public_update",
        now,
        comment=f"The newsroom page now shows version {revision.number}",
    )
