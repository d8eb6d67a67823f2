"""Drafting: a new release, an edit saved as a revision (voiding any approval, or waiting as a
correction once published), and the revision a change of attachments makes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from ... import clock
from ...domain import workflow
from ...domain.content import ReleaseContent, clean_change_note, content_hash
from ...domain.render import render_markdown
from ...extensions import db
from ...models import Release, ReleaseRevision, User
from .. import notifications
from ..errors import NotAllowed, StaleVersion, ValidationFailed, WrongState
from ..sign_off import acting_staff, refuse_unless
from ..unit_of_work import unit_of_work
from .revisions import (
    clean_or_refuse,
    content_as_dict,
    latest_revision,
    lock_release,
    never_public,
    record_event,
    revision_content,
    settle_embargo,
    unique_slug,
    workflow_facts,
)
from .signoff_rules import void_changed_signoffs

# --- drafting ------------------------------------------------------------------------------


def save_revision(
    release: Release,
    content: ReleaseContent,
    editor: User,
    now: datetime,
    change_note: str | None = None,
) -> ReleaseRevision:
    """Write ``content`` to the release's working copy and as its next revision, in the
    caller's unit of work; a speaker's sign-off of words that changed stops counting."""
    release.title = content.title
    release.summary = content.summary
    release.body = content.body
    release.quotes = content.quotes_json()
    release.links = content.links_json()
    release.notes = content.notes_json()
    release.last_editor_id = editor.id
    release.updated_at = now
    revision = ReleaseRevision(
        release_id=release.id,
        number=release.version,
        title=content.title,
        summary=content.summary,
        body=content.body,
        # Rendered once here: a revision never changes, so every page of it can reuse this.
        body_html=render_markdown(content.body),
        quotes=content.quotes_json(),
        links=content.links_json(),
        notes=content.notes_json(),
        attachments=[dict(a) for a in content.attachments],
        content_hash=content_hash(content),
        change_note=change_note,
        editor_id=editor.id,
        created_at=now,
    )
    db.session.add(revision)
    db.session.flush()
    # A quote's sign-off by its speaker covers the words they saw; changed words void it.
    void_changed_signoffs(release, content, editor, now)
    return revision


@unit_of_work
def create_release(
    *,
    actor: User,
    title: Any,
    summary: Any = "",
    body: Any = "",
    quotes: Any = None,
    links: Any = None,
    notes: Any = None,
    now: datetime | None = None,
) -> Release:
    """Start a new draft, with its first revision and a "created" entry on its timeline.

    Refuses (ValidationFailed, nothing saved) content that breaks a limit in
    ``domain.content``; the slug comes from the headline, made unique with -2, -3, ...
    """
    now = clock.instant(now)
    who = acting_staff(actor)
    if who.role not in workflow.STAFF_ROLES:
        raise NotAllowed("Only press office staff can write releases")
    content = clean_or_refuse(
        None, title=title, summary=summary, body=body, quotes=quotes, links=links, notes=notes
    )
    for _attempt in range(5):
        try:
            with db.session.begin_nested():
                release = Release(
                    slug=unique_slug(content.title),
                    state="draft",
                    version=1,
                    author_id=actor.id,
                    last_editor_id=actor.id,
                    created_at=now,
                    updated_at=now,
                )
                db.session.add(release)
                db.session.flush()
            break
        except IntegrityError:
            # Someone took the same slug a moment ago: choose again.
            continue
    else:
        raise WrongState("Could not choose an address for this release; please try again")
    revision = save_revision(release, content, actor, now)
    record_event(release, actor, "create", now, to_state="draft", revision=revision)
    return release


@unit_of_work
def update_release(
    release: Release | int,
    *,
    actor: User,
    expected_version: Any,
    title: Any,
    summary: Any = "",
    body: Any = "",
    quotes: Any = None,
    links: Any = None,
    notes: Any = None,
    change_note: Any = None,
    now: datetime | None = None,
) -> Release:
    """Save an edit as a new revision.

    ``expected_version`` is the version the person started from; if someone saved since, the
    edit is refused with StaleVersion carrying both the current content and what was typed.
    In review, approved or scheduled, the edit sends the release back to draft: the approval is
    void, any schedule cancelled, and the release carries a notice saying so. Published, the
    edit is a correction: ``change_note`` is required, and the public keeps seeing the approved
    content until the correction is approved. An edit that changes nothing saves nothing.
    """
    who = acting_staff(actor)
    release = lock_release(release)
    # Read once the release is locked (see ``transitions._begin``).
    now = clock.instant(now)
    settle_embargo(release, now)
    latest = latest_revision(release)
    refuse_unless(workflow.may_edit(workflow_facts(release, latest), who, now))

    submitted = {
        "title": title,
        "summary": summary,
        "body": body,
        "quotes": quotes,
        "links": links,
        "notes": notes,
    }
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise ValidationFailed(
            {"version": "Say which version of the release this edit started from"}
        ) from None
    if expected != release.version:
        current = {"version": release.version, **content_as_dict(revision_content(latest))}
        raise StaleVersion(release.version, expected, current=current, submitted=submitted)

    content = clean_or_refuse(release, **submitted)
    new_hash = content_hash(content)
    if new_hash == latest.content_hash:
        db.session.rollback()
        return release

    status = release.state
    if status == "published":
        public_hash = release.public_revision.content_hash if release.public_revision else None
        note = None
        if new_hash != public_hash:
            note, errors = clean_change_note(change_note)
            if errors:
                raise ValidationFailed(errors)
        release.version += 1
        revision = save_revision(release, content, actor, now, change_note=note)
        if note:
            release.notice = (
                f"A correction by {actor.name} is waiting for approval. The public still sees "
                "the version approved before it."
            )
            record_event(release, actor, "correction", now, comment=note, revision=revision)
        else:
            release.notice = None
            record_event(
                release,
                actor,
                "edit",
                now,
                comment="The pending correction was undone: the content is as published",
                revision=revision,
            )
    else:
        if never_public(release) and content.title != latest.title:
            release.slug = unique_slug(content.title, release.id)
        release.version += 1
        revision = save_revision(release, content, actor, now)
        comment = None
        if status in ("in_review", "approved", "scheduled"):
            comment = _void_approval(release, actor, status, now)
            notifications.follow_release_schedule(release, now)
        record_event(
            release,
            actor,
            "edit",
            now,
            from_state=status,
            to_state="draft",
            comment=comment,
            revision=revision,
        )
    return release


_VOID_WHY = {
    "in_review": "while it was in review",
    "approved": "after it was approved",
    "scheduled": "while it was scheduled",
}


def _void_approval(release: Release, editor: User, status: str, now: datetime) -> str:
    """Send a release that was in review, approved or scheduled back to draft, and say why;
    whatever was waiting to be sent to media lists is cancelled with it."""
    notice = (
        f"{editor.name} edited this release {_VOID_WHY[status]}, so it is back to draft"
        + (", its approval is void" if status in ("approved", "scheduled") else "")
        + (" and its schedule is cancelled" if status == "scheduled" else "")
        + ". It must be submitted and approved again."
    )
    release.state = "draft"
    release.approved_hash = None
    release.approved_by_id = None
    release.approved_at = None
    release.approved_revision_id = None
    release.public_revision_id = None
    release.embargo_until = None
    release.published_at = None
    release.notice = notice
    if status == "scheduled":
        from ..distributions import follow_release

        follow_release(release, now)
    return notice


def record_attachment_change(
    release: Release | int, *, actor: User, change_note: str, now: datetime | None = None
) -> ReleaseRevision:
    """After a file is added to or taken off a release (in the same transaction, not yet
    committed), save the new content as a revision with the same rules as any edit: back to
    draft from review, approval or schedule; a pending correction, described by
    ``change_note``, when published. The caller commits."""
    who = acting_staff(actor)
    release = lock_release(release)
    # Read once the release is locked (see ``transitions._begin``).
    now = clock.instant(now)
    settle_embargo(release, now)
    latest = latest_revision(release)
    refuse_unless(workflow.may_edit(workflow_facts(release, latest), who, now))
    content = clean_or_refuse(
        release,
        title=release.title,
        summary=release.summary,
        body=release.body,
        quotes=release.quotes,
        links=release.links,
        notes=release.notes,
    )
    status = release.state
    release.version += 1
    if status == "published":
        revision = save_revision(release, content, actor, now, change_note=change_note)
        release.notice = (
            f"A correction by {actor.name} is waiting for approval. The public still sees "
            "the version approved before it."
        )
        record_event(release, actor, "correction", now, comment=change_note, revision=revision)
        return revision
    revision = save_revision(release, content, actor, now)
    comment = change_note
    if status in ("in_review", "approved", "scheduled"):
        comment = _void_approval(release, actor, status, now)
        notifications.follow_release_schedule(release, now)
    record_event(
        release,
        actor,
        "edit",
        now,
        from_state=status,
        to_state="draft",
        comment=comment,
        revision=revision,
    )
    return revision
