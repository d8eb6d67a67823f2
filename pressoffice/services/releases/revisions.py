"""What every release use case stands on: who is acting, the locked release, its saved
content and revisions, the facts the workflow decides on, and the timeline.

``lock_release`` is the first read of every use case that changes a release: inside the unit of
work it locks the release row (PostgreSQL ``FOR UPDATE``; on SQLite the unit of work already holds
the write lock) and reads it afresh, so a decision is never taken on a copy read earlier.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ...domain import workflow
from ...domain.content import (
    ReleaseContent,
    clean_release_content,
    content_from_stored,
    slug_base,
    slug_candidates,
)
from ...domain.visibility import embargo_has_lifted
from ...extensions import db
from ...models import Attachment, Release, ReleaseEvent, ReleaseRevision, User
from ..errors import NotFound, ValidationFailed

# --- small helpers -------------------------------------------------------------------------


def release_key(release: Release | int) -> int:
    """The release's number, without reading the row (an object loaded before the unit of work
    began is expired, and must not be read before the lock is taken)."""
    if isinstance(release, Release):
        identity = sa.inspect(release).identity
        return identity[0] if identity else release.id
    return int(release)


def lock_release(release: Release | int) -> Release:
    """The release, locked until the unit of work ends, and read afresh: the first read of
    every use case that changes a release, taken before anything it decides on is read.
    (On SQLite the unit of work's ``BEGIN IMMEDIATE`` already holds the write lock.)"""
    found = db.session.scalars(
        sa.select(Release)
        .where(Release.id == release_key(release))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if found is None:
        raise NotFound("There is no release with that number")
    return found


def latest_revision(release: Release) -> ReleaseRevision:
    """The last save of a release: its current content, exactly as hashed."""
    revision = db.session.scalars(
        sa.select(ReleaseRevision)
        .where(ReleaseRevision.release_id == release.id)
        .order_by(ReleaseRevision.number.desc())
        .limit(1)
    ).first()
    if revision is None:  # every release is created with its first revision
        raise NotFound("This release has no saved content")
    return revision


def attachments_snapshot(release_id: int) -> list[dict[str, Any]]:
    """The release's current files, as a revision records them."""
    rows = db.session.scalars(
        sa.select(Attachment)
        .where(Attachment.release_id == release_id, Attachment.removed_at.is_(None))
        .order_by(Attachment.id)
    )
    return [{"id": a.id, "filename": a.filename, "size": a.size, "sha256": a.sha256} for a in rows]


def working_content(
    release: Release, attachments: Sequence[Mapping[str, Any]] = ()
) -> ReleaseContent:
    """The release's working copy as domain content."""
    return content_from_stored(
        release.title,
        release.summary,
        release.body,
        release.quotes,
        release.links,
        release.notes,
        attachments,
    )


def revision_content(revision: ReleaseRevision) -> ReleaseContent:
    """A revision's snapshot as domain content."""
    return content_from_stored(
        revision.title,
        revision.summary,
        revision.body,
        revision.quotes,
        revision.links,
        revision.notes,
        revision.attachments,
    )


def content_as_dict(content: ReleaseContent) -> dict[str, Any]:
    """Content as plain JSON-ready data (the shape the API and the conflict page show)."""
    return {
        "title": content.title,
        "summary": content.summary,
        "body": content.body,
        "quotes": content.quotes_json(),
        "links": content.links_json(),
        "notes": content.notes_json(),
    }


def _editors_since(release_id: int, after_number: int) -> frozenset[int]:
    """Who saved revisions of a release after revision ``after_number``."""
    return frozenset(
        db.session.scalars(
            sa.select(ReleaseRevision.editor_id)
            .where(
                ReleaseRevision.release_id == release_id,
                ReleaseRevision.number > after_number,
            )
            .distinct()
        )
    )


def _state_changes(release_ids: Sequence[int]):
    """The timeline entries that moved releases from one state to another (or created them),
    newest last."""
    return (
        sa.select(ReleaseEvent.release_id, ReleaseEvent.action)
        .where(
            ReleaseEvent.release_id.in_(release_ids),
            ReleaseEvent.to_state.is_not(None),
            sa.or_(
                ReleaseEvent.from_state.is_(None),
                ReleaseEvent.from_state != ReleaseEvent.to_state,
            ),
        )
        .order_by(ReleaseEvent.release_id, ReleaseEvent.id)
    )


def sent_back_release_ids(release_ids: Sequence[int]) -> set[int]:
    """Of these releases, those whose last change of state was an approver sending them back
    for changes (shown as "Changes requested" until they are submitted again). One query."""
    last: dict[int, str] = {}
    for release_id, action in db.session.execute(_state_changes(list(release_ids))):
        last[release_id] = action
    return {release_id for release_id, action in last.items() if action == "request_changes"}


def _review_history(release_id: int) -> tuple[bool, bool]:
    """Whether the release was ever submitted, and whether it was last sent back for changes."""
    actions = [action for _id, action in db.session.execute(_state_changes([release_id]))]
    return "submit" in actions, bool(actions) and actions[-1] == "request_changes"


def workflow_facts(release: Release, latest: ReleaseRevision) -> workflow.ReleaseState:
    public_hash = None
    public_number = 0
    ever_submitted, changes_requested = _review_history(release.id)
    if release.public_revision_id is not None:
        public = release.public_revision
        public_hash = public.content_hash if public is not None else None
        public_number = public.number if public is not None else 0
    return workflow.ReleaseState(
        editor_ids=_editors_since(release.id, public_number),
        state=release.state,
        author_id=release.author_id,
        last_editor_id=latest.editor_id,
        embargo_until=release.embargo_until,
        content_hash=latest.content_hash,
        approved_hash=release.approved_hash,
        public_hash=public_hash,
        missing_for_review=tuple(revision_content(latest).missing_for_review()),
        approved_by_name=release.approved_by.name if release.approved_by_id else None,
        ever_submitted=ever_submitted,
        changes_requested=changes_requested,
    )


def record_event(
    release: Release,
    actor: User | None,
    action: str,
    now: datetime,
    *,
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str | None = None,
    revision: ReleaseRevision | None = None,
    actor_label: str | None = None,
) -> ReleaseEvent:
    """Add one entry to the release's timeline, in the caller's transaction. ``actor`` is None
    for what happens by itself (an embargo lifting) or is done by someone without an account,
    who is then named by ``actor_label``."""
    event = ReleaseEvent(
        release_id=release.id,
        actor_id=actor.id if actor is not None else None,
        actor_label=actor_label,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment or None,
        revision_id=revision.id if revision is not None else None,
        created_at=now,
    )
    db.session.add(event)
    return event


def settle_embargo(release: Release, now: datetime) -> None:
    """A scheduled release whose embargo has passed is published; write that down (with the
    embargo instant as the time it happened) before changing it any further."""
    if release.state == "scheduled" and embargo_has_lifted(release.embargo_until, now):
        release.state = "published"
        record_event(
            release,
            None,
            "embargo_lifted",
            release.embargo_until,
            from_state="scheduled",
            to_state="published",
        )


def unique_slug(title: str, release_id: int | None = None) -> str:
    """The address for a headline: its slug, made unique with -2, -3, ...

    Two people creating releases with one headline at the same moment must not both choose
    the same address: SQLite's write lock already serialises them; on PostgreSQL a lock on the
    slug itself (held to the end of the transaction, taken after any release lock) does."""
    base = slug_base(title)
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": "slug:" + base}
        )
    taken = set(
        db.session.scalars(
            sa.select(Release.slug).where(
                sa.or_(Release.slug == base, Release.slug.like(f"{base}-%")),
                Release.id != (release_id or 0),
            )
        )
    )
    return next(slug for slug in slug_candidates(base) if slug not in taken)


def never_public(release: Release) -> bool:
    return release.public_revision_id is None and release.state not in ("published", "withdrawn")


def clean_or_refuse(
    release: Release | None,
    *,
    title: Any,
    summary: Any,
    body: Any,
    quotes: Any,
    links: Any,
    notes: Any,
) -> ReleaseContent:
    existing = working_content(release).quotes if release is not None else ()
    attachments = attachments_snapshot(release.id) if release is not None else []
    content, errors = clean_release_content(
        title=title,
        summary=summary,
        body=body,
        quotes=quotes,
        links=links,
        notes=notes,
        attachments=attachments,
        existing_quotes=existing,
    )
    if errors:
        raise ValidationFailed(errors)
    assert content is not None
    return content
