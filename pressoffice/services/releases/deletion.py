"""Deleting a draft that was never submitted for approval (an Enter pressed in the headline, a
false start). Nobody signed anything of it off and nothing of it was ever public, so the release
goes with its revisions, timeline and files; the fact that it existed is kept in
``DeletedRelease``, a row that points at nothing that is gone."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from ... import clock
from ...domain import workflow
from ...extensions import db
from ...models import Attachment, DeletedRelease, Release, User
from ..sign_off import acting_staff, refuse_unless
from ..unit_of_work import unit_of_work
from .revisions import latest_revision, lock_release, workflow_facts


def _unlink_references(release_id: int) -> None:
    """Rows elsewhere that name the draft without being part of it (an enquiry linked to it, a
    statement or a forward-look entry serving it) keep their own record and lose the link."""
    releases_table = Release.__table__
    for table in db.metadata.sorted_tables:
        if table is releases_table:
            continue
        for fk in table.foreign_keys:
            if fk.column.table is not releases_table or (fk.ondelete or "").upper() == "CASCADE":
                continue
            column = fk.parent
            if column.nullable:
                db.session.execute(
                    sa.update(table).where(column == release_id).values({column.name: None})
                )
            else:
                db.session.execute(sa.delete(table).where(column == release_id))


def _discard_files_after_commit(paths: list) -> None:
    """The stored bytes go once the deletion is committed, never before (nor after a rollback,
    when the draft and its files are still there)."""
    if not paths:
        return
    session = db.session()
    pending = {"paths": paths}

    def discard(_session) -> None:
        for path in pending.pop("paths", []):
            path.unlink(missing_ok=True)

    def forget(_session) -> None:
        pending.pop("paths", None)

    sa.event.listen(session, "after_commit", discard, once=True)
    sa.event.listen(session, "after_rollback", forget, once=True)


@unit_of_work
def delete_draft(
    release: Release | int, *, actor: User, now: datetime | None = None
) -> DeletedRelease:
    """Delete a draft that was never submitted, if the actor is its author or an admin.

    Locks the release, asks ``domain.workflow.may_delete``, keeps a ``DeletedRelease`` row
    (number, headline, author, who deleted it and when), unlinks rows elsewhere that named it,
    and deletes the release with its revisions, timeline, quote sign-off requests and files.
    """
    now = clock.instant(now)
    who = acting_staff(actor)
    release = lock_release(release)
    facts = workflow_facts(release, latest_revision(release))
    refuse_unless(workflow.may_delete(facts, who, now))
    kept = DeletedRelease(
        release_id=release.id,
        title=release.title or "Untitled release",
        slug=release.slug,
        versions=release.version,
        author_id=release.author_id,
        deleted_by_id=actor.id,
        created_at=release.created_at,
        deleted_at=now,
    )
    db.session.add(kept)
    stored = db.session.scalars(sa.select(Attachment).where(Attachment.release_id == release.id))
    # Where services.attachments keeps the bytes (not imported: it imports the release services).
    folder = Path(current_app.config["ATTACHMENT_DIR"])
    files = [folder / attachment.storage_key for attachment in stored]
    release_id = release.id
    _unlink_references(release_id)
    db.session.flush()
    db.session.expunge(release)
    # The database removes the revisions, timeline, files' rows, sign-off requests and
    # recipients with the release (ON DELETE CASCADE).
    db.session.execute(sa.delete(Release).where(Release.id == release_id))
    _discard_files_after_commit(files)
    return kept


def deleted_drafts(limit: int = 50) -> list[DeletedRelease]:
    """The drafts deleted most recently, newest first, for the releases list."""
    return list(
        db.session.scalars(
            sa.select(DeletedRelease).order_by(DeletedRelease.deleted_at.desc()).limit(limit)
        )
    )
