"""Release use cases: drafting, sign-off, publication, corrections, and what the public sees.

Each use case loads the release (locked for the rest of the transaction where it changes it),
asks ``domain.workflow`` whether the action is allowed, changes the release, writes the revision
and the timeline entry, and commits, all in one transaction. A refusal raises one of
``services.errors`` with the domain's words, and changes nothing.

Everything the public can reach (the newsroom pages, the Atom feed, the public API, attachment
downloads) goes through ``list_public_releases``, ``latest_public_releases``,
``load_public_release`` and ``load_public_attachment``: they only ever answer the approved public
revision of a release whose embargo has lifted, and a constant number of queries however many
releases there are.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from .. import clock
from ..domain import workflow
from ..domain.content import (
    ReleaseContent,
    clean_change_note,
    clean_release_content,
    content_from_stored,
    content_hash,
    slug_base,
    slug_candidates,
)
from ..domain.links import may_break_embargo
from ..domain.render import ContactDetails, RenderedRelease, render_release
from ..domain.visibility import computed_status, embargo_has_lifted
from ..extensions import db
from ..models import Attachment, Release, ReleaseEvent, ReleaseRevision, User
from ..timefmt import iso_utc
from .errors import NotAllowed, NotFound, StaleVersion, ValidationFailed, WrongState
from .paging import Page
from .text_search import contains

# The one answer for anything the public may not see, so an embargoed release cannot be told
# apart from one that never existed.
PUBLIC_NOT_FOUND = "There is no release at this address"

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
# Far beyond any real list, and small enough for every database's integers.
MAX_PAGE = 1_000_000


# --- small helpers -------------------------------------------------------------------------


def _actor(user: User) -> workflow.Actor:
    if user is None or not getattr(user, "active", True):
        raise NotAllowed("Sign in as a member of the press office to do this")
    return workflow.Actor(id=user.id, role=user.role)


def _refuse(decision: workflow.Decision) -> None:
    """Turn a refused guard into the service error that says the same thing."""
    if decision.ok:
        return
    if decision.kind == "permission":
        raise NotAllowed(decision.reason)
    if decision.kind == "invalid":
        raise ValidationFailed({decision.field: decision.reason}, decision.reason)
    raise WrongState(decision.reason)


def _guarded(fn):
    """Run a use case; on any refusal, undo whatever the transaction had started."""

    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise

    run.__name__ = fn.__name__
    run.__doc__ = fn.__doc__
    run.__wrapped__ = fn
    return run


def _commit() -> None:
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def _release_id(release: Release | int) -> int:
    return release.id if isinstance(release, Release) else int(release)


def _load_for_change(release: Release | int) -> Release:
    """The release, locked until the transaction ends (PostgreSQL), freshly read."""
    found = db.session.scalars(
        sa.select(Release)
        .where(Release.id == _release_id(release))
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


def _facts(release: Release, latest: ReleaseRevision) -> workflow.ReleaseState:
    public_hash = None
    public_number = 0
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


def _settle(release: Release, now: datetime) -> None:
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


def _save_revision(
    release: Release,
    content: ReleaseContent,
    editor: User,
    now: datetime,
    change_note: str | None = None,
) -> ReleaseRevision:
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
    from .quote_signoffs import void_changed_signoffs

    void_changed_signoffs(release, content, editor, now)
    return revision


def _unique_slug(title: str, release_id: int | None = None) -> str:
    base = slug_base(title)
    taken = set(
        db.session.scalars(
            sa.select(Release.slug).where(
                sa.or_(Release.slug == base, Release.slug.like(f"{base}-%")),
                Release.id != (release_id or 0),
            )
        )
    )
    return next(slug for slug in slug_candidates(base) if slug not in taken)


def _never_public(release: Release) -> bool:
    return release.public_revision_id is None and release.state not in ("published", "withdrawn")


def _clean_or_refuse(
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


# --- drafting ------------------------------------------------------------------------------


@_guarded
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
    who = _actor(actor)
    if who.role not in workflow.STAFF_ROLES:
        raise NotAllowed("Only press office staff can write releases")
    content = _clean_or_refuse(
        None, title=title, summary=summary, body=body, quotes=quotes, links=links, notes=notes
    )
    for _attempt in range(5):
        try:
            with db.session.begin_nested():
                release = Release(
                    slug=_unique_slug(content.title),
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
    revision = _save_revision(release, content, actor, now)
    record_event(release, actor, "create", now, to_state="draft", revision=revision)
    _commit()
    return release


@_guarded
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
    now = clock.instant(now)
    who = _actor(actor)
    release = _load_for_change(release)
    _settle(release, now)
    latest = latest_revision(release)
    _refuse(workflow.may_edit(_facts(release, latest), who, now))

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

    content = _clean_or_refuse(release, **submitted)
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
        revision = _save_revision(release, content, actor, now, change_note=note)
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
        if _never_public(release) and content.title != latest.title:
            release.slug = _unique_slug(content.title, release.id)
        release.version += 1
        revision = _save_revision(release, content, actor, now)
        comment = None
        if status in ("in_review", "approved", "scheduled"):
            comment = _void_approval(release, actor, status)
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
    _commit()
    return release


_VOID_WHY = {
    "in_review": "while it was in review",
    "approved": "after it was approved",
    "scheduled": "while it was scheduled",
}


def _void_approval(release: Release, editor: User, status: str) -> str:
    """Send a release that was in review, approved or scheduled back to draft, and say why."""
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
    return notice


def record_attachment_change(
    release: Release | int, *, actor: User, change_note: str, now: datetime | None = None
) -> ReleaseRevision:
    """After a file is added to or taken off a release (in the same transaction, not yet
    committed), save the new content as a revision with the same rules as any edit: back to
    draft from review, approval or schedule; a pending correction, described by
    ``change_note``, when published. The caller commits."""
    now = clock.instant(now)
    who = _actor(actor)
    release = _load_for_change(release)
    _settle(release, now)
    latest = latest_revision(release)
    _refuse(workflow.may_edit(_facts(release, latest), who, now))
    content = _clean_or_refuse(
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
        revision = _save_revision(release, content, actor, now, change_note=change_note)
        release.notice = (
            f"A correction by {actor.name} is waiting for approval. The public still sees "
            "the version approved before it."
        )
        record_event(release, actor, "correction", now, comment=change_note, revision=revision)
        return revision
    revision = _save_revision(release, content, actor, now)
    comment = change_note
    if status in ("in_review", "approved", "scheduled"):
        comment = _void_approval(release, actor, status)
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


# --- sign-off and publication --------------------------------------------------------------


def _expect_version(release: Release, expected_version: Any) -> None:
    if expected_version is None:
        return
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise ValidationFailed({"version": "The version must be a whole number"}) from None
    if expected != release.version:
        raise StaleVersion(release.version, expected)


def _begin(release: Release | int, actor: User, now: datetime, expected_version: Any = None):
    who = _actor(actor)
    release = _load_for_change(release)
    _settle(release, now)
    _expect_version(release, expected_version)
    latest = latest_revision(release)
    return who, release, latest, _facts(release, latest)


@_guarded
def submit_release(
    release: Release | int,
    *,
    actor: User,
    comment: str | None = None,
    expected_version: Any = None,
    now: datetime | None = None,
) -> Release:
    """Draft -> in review, once it has a headline, a standfirst and a body."""
    now = clock.instant(now)
    who, release, latest, facts = _begin(release, actor, now, expected_version)
    _refuse(workflow.may_submit(facts, who, now))
    release.state = "in_review"
    release.notice = None
    release.updated_at = now
    record_event(
        release,
        actor,
        "submit",
        now,
        from_state="draft",
        to_state="in_review",
        comment=(comment or "").strip(),
        revision=latest,
    )
    _commit()
    return release


@_guarded
def approve_release(
    release: Release | int,
    *,
    actor: User,
    comment: str | None = None,
    expected_version: Any = None,
    signoff_override: str | None = None,
    require_version: bool = False,
    now: datetime | None = None,
) -> Release:
    """Sign off a release in review, or a pending correction to a published one.

    The approver must be neither the author nor the person who made the latest changes. The
    approval records the hash of exactly the content it covers; an approved correction becomes
    what the public sees at once, with its change note. While a quote waits for its speaker's
    sign-off the approval is refused, unless ``signoff_override`` gives the reason to go ahead
    (recorded on the timeline). With ``require_version`` (the API), the approver must name the
    version they reviewed, so that an edit made while they read is never what they approve.
    """
    now = clock.instant(now)
    who, release, latest, facts = _begin(release, actor, now, expected_version)
    if facts.status(now) == "in_review":
        from .quote_signoffs import quotes_awaiting_signoff

        facts = replace(facts, quotes_awaiting_signoff=quotes_awaiting_signoff(release))
    _refuse(workflow.may_approve(facts, who, now, signoff_override=signoff_override))
    if require_version and expected_version is None:
        raise ValidationFailed(
            {"version": "Give the version you reviewed: the approval covers exactly that content"}
        )
    if facts.quotes_awaiting_signoff and facts.status(now) == "in_review":
        record_event(
            release,
            actor,
            "signoff_override",
            now,
            comment="Approved while waiting for "
            + "; ".join(facts.quotes_awaiting_signoff)
            + f". Reason: {(signoff_override or '').strip()}",
            revision=latest,
        )
    correction = facts.status(now) == "published"
    release.approved_hash = latest.content_hash
    release.approved_by_id = actor.id
    release.approved_at = now
    release.approved_revision_id = latest.id
    release.updated_at = now
    release.notice = None
    if correction:
        release.public_revision_id = latest.id
        record_event(
            release,
            actor,
            "approve_correction",
            now,
            from_state="published",
            to_state="published",
            comment=(comment or "").strip() or latest.change_note,
            revision=latest,
        )
    else:
        release.state = "approved"
        record_event(
            release,
            actor,
            "approve",
            now,
            from_state="in_review",
            to_state="approved",
            comment=(comment or "").strip(),
            revision=latest,
        )
    _commit()
    return release


@_guarded
def request_changes(
    release: Release | int,
    *,
    actor: User,
    comment: str | None,
    expected_version: Any = None,
    now: datetime | None = None,
) -> Release:
    """Send a release in review back to draft (or a pending correction back to its editor),
    with a comment the author sees on the release."""
    now = clock.instant(now)
    who, release, latest, facts = _begin(release, actor, now, expected_version)
    _refuse(workflow.may_request_changes(facts, who, now, comment))
    comment = (comment or "").strip()
    status = facts.status(now)
    release.notice = f"{actor.name} asked for changes: {comment}"
    release.updated_at = now
    if status == "in_review":
        release.state = "draft"
    record_event(
        release,
        actor,
        "request_changes",
        now,
        from_state=status,
        to_state=release.state,
        comment=comment,
        revision=latest,
    )
    _commit()
    return release


@_guarded
def publish_release(
    release: Release | int,
    *,
    actor: User,
    comment: str | None = None,
    expected_version: Any = None,
    now: datetime | None = None,
) -> Release:
    """Approved -> published now, showing exactly the approved revision."""
    now = clock.instant(now)
    who, release, latest, facts = _begin(release, actor, now, expected_version)
    _refuse(workflow.may_publish(facts, who, now))
    release.state = "published"
    release.public_revision_id = release.approved_revision_id
    release.published_at = now
    release.embargo_until = None
    release.updated_at = now
    release.notice = None
    record_event(
        release,
        actor,
        "publish",
        now,
        from_state="approved",
        to_state="published",
        comment=(comment or "").strip(),
        revision=latest,
    )
    _commit()
    return release


@_guarded
def schedule_release(
    release: Release | int,
    *,
    actor: User,
    embargo_until: datetime | None,
    comment: str | None = None,
    expected_version: Any = None,
    now: datetime | None = None,
) -> Release:
    """Approved -> scheduled for an embargo instant in the future (or, already scheduled, move
    the embargo). From that instant the approved revision is public, with nothing to run."""
    now = clock.instant(now)
    who, release, latest, facts = _begin(release, actor, now, expected_version)
    _refuse(workflow.may_schedule(facts, who, now, embargo_until))
    assert embargo_until is not None
    status = facts.status(now)
    previous = release.embargo_until
    release.state = "scheduled"
    release.public_revision_id = release.approved_revision_id
    release.embargo_until = embargo_until
    release.published_at = embargo_until
    release.updated_at = now
    release.notice = None
    action = "reschedule" if status == "scheduled" else "schedule"
    note = (comment or "").strip()
    if action == "reschedule" and previous is not None:
        moved = f"Embargo moved from {iso_utc(previous)} to {iso_utc(embargo_until)}"
        note = f"{moved}. {note}" if note else moved
    record_event(
        release,
        actor,
        action,
        now,
        from_state=status,
        to_state="scheduled",
        comment=note,
        revision=latest,
    )
    _commit()
    return release


@_guarded
def unschedule_release(
    release: Release | int,
    *,
    actor: User,
    comment: str | None = None,
    expected_version: Any = None,
    now: datetime | None = None,
) -> Release:
    """Scheduled -> approved, before the embargo lifts: nothing goes out."""
    now = clock.instant(now)
    who, release, latest, facts = _begin(release, actor, now, expected_version)
    _refuse(workflow.may_unschedule(facts, who, now))
    release.state = "approved"
    release.public_revision_id = None
    release.embargo_until = None
    release.published_at = None
    release.updated_at = now
    record_event(
        release,
        actor,
        "unschedule",
        now,
        from_state="scheduled",
        to_state="approved",
        comment=(comment or "").strip(),
        revision=latest,
    )
    _commit()
    return release


@_guarded
def withdraw_release(
    release: Release | int,
    *,
    actor: User,
    reason: str | None,
    now: datetime | None = None,
) -> Release:
    """Published -> withdrawn: out of the lists and the feed; the page stays with the reason."""
    now = clock.instant(now)
    who, release, latest, facts = _begin(release, actor, now)
    _refuse(workflow.may_withdraw(facts, who, now, reason))
    reason = (reason or "").strip()
    release.state = "withdrawn"
    release.withdrawn_at = now
    release.withdrawal_reason = reason
    release.updated_at = now
    record_event(
        release,
        actor,
        "withdraw",
        now,
        from_state="published",
        to_state="withdrawn",
        comment=reason,
        revision=latest,
    )
    _commit()
    return release


@_guarded
def break_embargo(
    release: Release | int,
    *,
    actor: User,
    reason: str,
    follow_up: Sequence[str] = (),
    now: datetime | None = None,
) -> Release:
    """Scheduled -> published now, before the embargo, because the embargo was broken. An
    approver does it, giving ``reason``; the release carries a notice saying so, and the
    timeline records the reason with ``follow_up``, the people who had an embargoed copy."""
    now = clock.instant(now)
    _who, release, latest, facts = _begin(release, actor, now)
    _refuse(may_break_embargo(facts, actor.role, now, reason))
    release.state = "published"
    release.public_revision_id = release.approved_revision_id
    release.published_at = now
    release.embargo_until = None
    release.updated_at = now
    release.notice = f"Published before its embargo by {actor.name}: {reason}"
    recipients = "; ".join(follow_up)
    record_event(
        release,
        actor,
        "embargo_broken",
        now,
        from_state="scheduled",
        to_state="published",
        comment=reason + (f". Recipients to follow up: {recipients}" if recipients else ""),
        revision=latest,
    )
    _commit()
    return release


TRANSITIONS = {
    "submit": submit_release,
    "approve": approve_release,
    "request-changes": request_changes,
    "publish": publish_release,
    "schedule": schedule_release,
    "unschedule": unschedule_release,
    "withdraw": withdraw_release,
}


# --- reading, for staff --------------------------------------------------------------------


def get_release(release_id: int | str) -> Release:
    """One release with its author, for staff. NotFound when there is no such release."""
    try:
        key = int(release_id)
    except (TypeError, ValueError):
        raise NotFound("There is no release with that number") from None
    release = db.session.scalars(
        sa.select(Release)
        .where(Release.id == key)
        .options(joinedload(Release.author), joinedload(Release.public_revision))
    ).first()
    if release is None:
        raise NotFound("There is no release with that number")
    return release


def release_status(release: Release, now: datetime | None = None) -> str:
    """The status to show: a scheduled release whose embargo has passed is published."""
    return computed_status(release.state, release.embargo_until, clock.instant(now))


def release_actions(release: Release, actor: User, now: datetime | None = None) -> list[str]:
    """The workflow actions this person could take on the release now (for its buttons)."""
    now = clock.instant(now)
    return workflow.available_actions(_facts(release, latest_revision(release)), _actor(actor), now)


def why_not(
    action: str, release: Release, actor: User, now: datetime | None = None, **given: Any
) -> workflow.Decision:
    """The domain's answer for one action, without doing it (to explain a missing button)."""
    now = clock.instant(now)
    return workflow.decide(
        action.replace("-", "_"),
        _facts(release, latest_revision(release)),
        _actor(actor),
        now,
        **given,
    )


def has_pending_correction(release: Release, now: datetime | None = None) -> bool:
    """A published release whose saved content differs from what the public sees."""
    if release.public_revision_id is None:
        return False
    if computed_status(release.state, release.embargo_until, clock.instant(now)) != "published":
        return False
    if release.public_revision.number == release.version:
        return False
    return latest_revision(release).content_hash != release.public_revision.content_hash


def _page_numbers(page: Any, per_page: Any, default: int) -> tuple[int, int]:
    errors = {}
    try:
        page = int(page or 1)
        if not 1 <= page <= MAX_PAGE:
            raise ValueError
    except (TypeError, ValueError):
        errors["page"] = f"The page must be a whole number from 1 to {MAX_PAGE:,}"
    try:
        per_page = int(per_page or default)
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise ValueError
    except (TypeError, ValueError):
        errors["per_page"] = f"Ask for between 1 and {MAX_PER_PAGE} releases a page"
    if errors:
        raise ValidationFailed(errors)
    return page, per_page


def _status_clause(status: str, now: datetime):
    lifted = sa.and_(Release.state == "scheduled", Release.embargo_until <= now)
    if status == "published":
        return sa.or_(Release.state == "published", lifted)
    if status == "scheduled":
        return sa.and_(Release.state == "scheduled", Release.embargo_until > now)
    return Release.state == status


def list_releases(
    *,
    status: str | None = None,
    q: str | None = None,
    page: Any = 1,
    per_page: Any = 50,
    now: datetime | None = None,
) -> Page:
    """All releases for staff, most recently changed first, optionally by computed status or
    words in the headline. Two queries, however many releases."""
    now = clock.instant(now)
    page, per_page = _page_numbers(page, per_page, 50)
    query = sa.select(Release)
    if status:
        if status not in workflow.STATE_LABELS:
            raise ValidationFailed({"status": "Choose one of: " + ", ".join(workflow.STATE_LABELS)})
        query = query.where(_status_clause(status, now))
    if q and q.strip():
        query = query.where(contains(Release.title, q.strip()))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    items = list(
        db.session.scalars(
            query.options(joinedload(Release.author), joinedload(Release.public_revision))
            .order_by(Release.updated_at.desc(), Release.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return Page(items=items, page=page, per_page=per_page, total=total or 0)


@dataclass(frozen=True)
class ReleaseHistory:
    release: Release
    events: list[ReleaseEvent]
    revisions: list[ReleaseRevision]
    # Set when a schedule has lifted but nothing has touched the release since: shown on the
    # timeline at the embargo instant, though no row was written at the time.
    embargo_lifted_at: datetime | None = None


def release_history(release_id: int | str, now: datetime | None = None) -> ReleaseHistory:
    """The timeline (oldest first) and every revision (newest first) of a release."""
    now = clock.instant(now)
    release = get_release(release_id)
    events = list(
        db.session.scalars(
            sa.select(ReleaseEvent)
            .where(ReleaseEvent.release_id == release.id)
            .options(joinedload(ReleaseEvent.actor))
            .order_by(ReleaseEvent.created_at, ReleaseEvent.id)
        )
    )
    revisions = list(
        db.session.scalars(
            sa.select(ReleaseRevision)
            .where(ReleaseRevision.release_id == release.id)
            .options(joinedload(ReleaseRevision.editor))
            .order_by(ReleaseRevision.number.desc())
        )
    )
    lifted = None
    if release.state == "scheduled" and embargo_has_lifted(release.embargo_until, now):
        lifted = release.embargo_until
    return ReleaseHistory(release, events, revisions, lifted)


# --- comparing revisions -------------------------------------------------------------------


@dataclass(frozen=True)
class DiffRow:
    """One row of a side-by-side comparison: ``kind`` is equal, changed, removed or added."""

    kind: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class FieldComparison:
    name: str
    label: str
    old: str
    new: str
    rows: list[DiffRow]

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True)
class RevisionComparison:
    release: Release
    old: ReleaseRevision
    new: ReleaseRevision
    fields: list[FieldComparison] = field(default_factory=list)

    @property
    def changed_fields(self) -> list[FieldComparison]:
        return [f for f in self.fields if f.changed]


def _as_lines(revision: ReleaseRevision) -> dict[str, str]:
    quotes = [
        f"{q.get('role', '')} {q.get('speaker', '')} said: {q.get('text', '')}".strip()
        for q in revision.quotes
    ]
    return {
        "title": revision.title,
        "summary": revision.summary,
        "body": revision.body,
        "quotes": "\n\n".join(quotes),
        "links": "\n".join(f"{x.get('label', '')} ({x.get('url', '')})" for x in revision.links),
        "notes": "\n".join(f"{i}. {note}" for i, note in enumerate(revision.notes, start=1)),
        "attachments": "\n".join(
            f"{a.get('filename')} ({a.get('size')} bytes)" for a in revision.attachments
        ),
        "change_note": revision.change_note or "",
    }


_FIELD_LABELS = {
    "title": "Headline",
    "summary": "Standfirst",
    "body": "Body",
    "quotes": "Quotes",
    "links": "Links",
    "notes": "Notes to editors",
    "attachments": "Files",
    "change_note": "Change note",
}


def _side_by_side(old: str, new: str) -> list[DiffRow]:
    a, b = old.split("\n"), new.split("\n")
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows.extend(DiffRow("equal", x, x) for x in a[i1:i2])
        elif tag == "delete":
            rows.extend(DiffRow("removed", x, None) for x in a[i1:i2])
        elif tag == "insert":
            rows.extend(DiffRow("added", None, x) for x in b[j1:j2])
        else:
            left, right = a[i1:i2], b[j1:j2]
            for k in range(max(len(left), len(right))):
                rows.append(
                    DiffRow(
                        "changed",
                        left[k] if k < len(left) else None,
                        right[k] if k < len(right) else None,
                    )
                )
    return rows


def compare_revisions(
    release_id: int | str, old_number: Any, new_number: Any
) -> RevisionComparison:
    """Two revisions of a release field by field, each as side-by-side rows of lines."""
    release = get_release(release_id)
    numbers: dict[str, int] = {}
    errors: dict[str, str] = {}
    for name, value in (("old", old_number), ("new", new_number)):
        try:
            numbers[name] = int(value)
        except (TypeError, ValueError):
            errors[name] = "Choose a revision number"
    if errors:
        raise ValidationFailed(errors)
    revisions = {
        r.number: r
        for r in db.session.scalars(
            sa.select(ReleaseRevision).where(
                ReleaseRevision.release_id == release.id,
                ReleaseRevision.number.in_(list(numbers.values())),
            )
        )
    }
    for name, number in numbers.items():
        if number not in revisions:
            errors[name] = f"This release has no revision {number}"
    if errors:
        raise ValidationFailed(errors)
    old, new = revisions[numbers["old"]], revisions[numbers["new"]]
    old_lines, new_lines = _as_lines(old), _as_lines(new)
    fields = [
        FieldComparison(
            name=name,
            label=label,
            old=old_lines[name],
            new=new_lines[name],
            rows=_side_by_side(old_lines[name], new_lines[name]),
        )
        for name, label in _FIELD_LABELS.items()
    ]
    return RevisionComparison(release=release, old=old, new=new, fields=fields)


# --- what the public sees ------------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    approved_at: datetime
    note: str


@dataclass(frozen=True)
class PublicRelease:
    """A release as the public may see it: only ever its approved public revision."""

    id: int
    slug: str
    status: str  # published or withdrawn
    content: ReleaseContent
    published_at: datetime
    # The latest approved correction, if any: when it went public and what it changed.
    updated_at: datetime
    change_note: str | None
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    corrections: tuple[Correction, ...] = ()

    @property
    def title(self) -> str:
        return self.content.title

    @property
    def summary(self) -> str:
        return self.content.summary

    @property
    def withdrawn(self) -> bool:
        return self.status == "withdrawn"

    def rendered(self, contact: ContactDetails | None = None) -> RenderedRelease:
        """Body as safe HTML, quotes introduced, contact notes appended from settings."""
        return render_release(self.content, contact or contact_details())


def contact_details(config: Mapping[str, Any] | None = None) -> ContactDetails:
    """The press office contact settings, read now so they are never stale."""
    config = config if config is not None else current_app.config
    return ContactDetails(
        office_name=config.get("PRESS_OFFICE_NAME", "The press office"),
        office_line=config.get("OFFICE_LINE", ""),
        out_of_hours_line=config.get("OUT_OF_HOURS_LINE", ""),
        opens=config["OFFICE_HOURS_START"],
        closes=config["OFFICE_HOURS_END"],
        days=tuple(config.get("OFFICE_DAYS", (0, 1, 2, 3, 4))),
    )


def public_clause(now: datetime, *, listed_only: bool = False):
    """SQL for ``domain.visibility.is_public`` (or ``is_listed``) at ``now``; the tests check
    that the two agree for a release in every state either side of its embargo."""
    lifted = sa.and_(Release.state == "scheduled", Release.embargo_until <= now)
    states = ("published",) if listed_only else ("published", "withdrawn")
    return sa.and_(
        Release.public_revision_id.is_not(None), sa.or_(Release.state.in_(states), lifted)
    )


def _public(release: Release, now: datetime, corrections=()) -> PublicRelease:
    revision = release.public_revision
    status = computed_status(release.state, release.embargo_until, now)
    published_at = release.published_at or release.embargo_until or revision.created_at
    corrected_at = None
    if revision.change_note and release.approved_revision_id == revision.id:
        corrected_at = release.approved_at
    return PublicRelease(
        id=release.id,
        slug=release.slug,
        status=status,
        content=revision_content(revision),
        published_at=published_at,
        updated_at=max(published_at, corrected_at) if corrected_at else published_at,
        change_note=revision.change_note,
        withdrawn_at=release.withdrawn_at if status == "withdrawn" else None,
        withdrawal_reason=release.withdrawal_reason if status == "withdrawn" else None,
        corrections=tuple(corrections),
    )


def list_public_releases(
    *, page: Any = 1, per_page: Any = DEFAULT_PER_PAGE, now: datetime | None = None
) -> Page:
    """Published releases, newest first, a page at a time: two queries however many."""
    now = clock.instant(now)
    page, per_page = _page_numbers(page, per_page, DEFAULT_PER_PAGE)
    where = public_clause(now, listed_only=True)
    total = db.session.scalar(sa.select(sa.func.count(Release.id)).where(where)) or 0
    rows = db.session.scalars(
        sa.select(Release)
        .where(where)
        .options(joinedload(Release.public_revision))
        .order_by(Release.published_at.desc(), Release.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Page(items=[_public(r, now) for r in rows], page=page, per_page=per_page, total=total)


def latest_public_releases(limit: int = 20, now: datetime | None = None) -> list[PublicRelease]:
    """The newest published releases, for the Atom feed: one query."""
    now = clock.instant(now)
    rows = db.session.scalars(
        sa.select(Release)
        .where(public_clause(now, listed_only=True))
        .options(joinedload(Release.public_revision))
        .order_by(Release.published_at.desc(), Release.id.desc())
        .limit(limit)
    )
    return [_public(r, now) for r in rows]


def load_public_release(slug: str, now: datetime | None = None) -> PublicRelease:
    """A published or withdrawn release by its slug, with its approved corrections.

    NotFound, with the same words, for a slug that does not exist and for a release that is
    not public yet: an embargoed release cannot be told from one that never was.
    """
    now = clock.instant(now)
    release = db.session.scalars(
        sa.select(Release)
        .where(Release.slug == slug, public_clause(now))
        .options(joinedload(Release.public_revision))
    ).first()
    if release is None:
        raise NotFound(PUBLIC_NOT_FOUND)
    corrections = [
        Correction(approved_at=e.created_at, note=e.comment or "")
        for e in db.session.scalars(
            sa.select(ReleaseEvent)
            .where(
                ReleaseEvent.release_id == release.id,
                ReleaseEvent.action == "approve_correction",
            )
            .order_by(ReleaseEvent.created_at, ReleaseEvent.id)
        )
    ]
    return _public(release, now, corrections)


def load_public_attachment(slug: str, attachment_id: Any, now: datetime | None = None):
    """A file of a public release, only if the revision the public sees lists it. NotFound
    (the same answer as for a release that does not exist) otherwise."""
    public = load_public_release(slug, now)
    try:
        wanted = int(attachment_id)
    except (TypeError, ValueError):
        raise NotFound(PUBLIC_NOT_FOUND) from None
    if wanted not in {a.get("id") for a in public.content.attachments}:
        raise NotFound(PUBLIC_NOT_FOUND)
    attachment = db.session.get(Attachment, wanted)
    if attachment is None or attachment.release_id != public.id:
        raise NotFound(PUBLIC_NOT_FOUND)
    return attachment
