"""Embargoed copies for named journalists, through personal secret links.

An officer adds a recipient (name, outlet, email) to a scheduled release; the recipient gets a
link whose token is shown once (and emailed when a mail server is configured): only its hash is
stored. Behind the link the recipient accepts the embargo terms once, then reads the approved
content exactly as it will be published, with their name on it. Every opening is logged. Links
are revoked one by one or all at once, and ``domain.links.preview_answer`` decides what a link
shows at an instant.

"Embargo broken": an approver publishes a scheduled release at once with a recorded reason, and
the recipients are listed for follow-up.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .. import clock
from ..domain import links
from ..domain.content import ReleaseContent
from ..domain.render import RenderedRelease
from ..extensions import db
from ..models import Attachment, EmbargoRecipient, PreviewView, Release, ReleaseEvent, User
from ..timefmt import iso_utc, uk_datetime_short
from . import mail, secret_links
from . import releases as release_service
from .csv_export import csv_text
from .errors import NotFound, ValidationFailed, WrongState
from .unit_of_work import unit_of_work

# One answer for every link that shows nothing, the same words as a missing release.
LINK_NOT_FOUND = release_service.PUBLIC_NOT_FOUND
USER_AGENT_MAX = 400
ADDRESS_MAX = 64


# --- recipients, for staff -----------------------------------------------------------------


@dataclass(frozen=True)
class AddedRecipient(secret_links.HandedOutLink):
    recipient: EmbargoRecipient


def add_recipient(
    release_id: int | str,
    *,
    actor: User,
    name: Any,
    outlet: Any,
    email: Any,
    now: datetime | None = None,
) -> AddedRecipient:
    """Give a named journalist a personal link to a scheduled release. Refused (nothing saved)
    for a release that is not scheduled, and for a missing name or outlet or a malformed email,
    each named by its field."""
    added, letter = _store_recipient(
        release_id, actor=actor, name=name, outlet=outlet, email=email, now=clock.instant(now)
    )
    # Sent once the link is stored, so a failure to send never loses it: staff are told. The
    # letter is built before the commit: nothing is read back from the database after it.
    emailed = secret_links.email_if_configured(lambda: mail.send_preview_link(*letter))
    return AddedRecipient(
        token=added.token, url=added.url, emailed=emailed, recipient=added.recipient
    )


@unit_of_work
def _store_recipient(
    release_id: int | str, *, actor: User, name: Any, outlet: Any, email: Any, now: datetime
) -> tuple[AddedRecipient, tuple]:
    actor = secret_links.staff_member(actor)
    release = _lock_release(release_id)
    if release_service.release_status(release, now) != "scheduled":
        raise WrongState(
            "Embargoed copies can only be sent for a scheduled release: schedule it first"
        )
    cleaned, errors = links.clean_recipient(name, outlet, email)
    if errors:
        raise ValidationFailed(errors)
    link = secret_links.new_link(now, links.PREVIEW_LINK_LIFETIME)
    recipient = EmbargoRecipient(
        release_id=release.id,
        name=cleaned["name"],
        outlet=cleaned["outlet"],
        email=cleaned["email"],
        token_hash=link.token_hash,
        created_by_id=actor.id,
        created_at=now,
        expires_at=link.expires_at,
    )
    db.session.add(recipient)
    release_service.record_event(
        release,
        actor,
        "recipient_added",
        now,
        comment=f"{cleaned['name']} ({cleaned['outlet']}, {cleaned['email']})",
    )
    db.session.flush()
    url = secret_links.link_url("preview", link.token)
    added = AddedRecipient(token=link.token, url=url, emailed=None, recipient=recipient)
    letter = (
        recipient.name,
        recipient.email,
        recipient.outlet,
        release.title,
        release.embargo_until,
        url,
    )
    return added, letter


def _lock_release(release_id: int | str) -> Release:
    try:
        key = int(release_id)
    except (TypeError, ValueError):
        raise NotFound("There is no release with that number") from None
    return release_service.lock_release(key)


def list_recipients(release_id: int | str) -> list[EmbargoRecipient]:
    """Every recipient of the release (revoked ones too), with their views: two queries."""
    release = release_service.get_release(release_id)
    return list(
        db.session.scalars(
            sa.select(EmbargoRecipient)
            .where(EmbargoRecipient.release_id == release.id)
            .options(selectinload(EmbargoRecipient.views))
            .order_by(EmbargoRecipient.created_at, EmbargoRecipient.id)
        )
    )


def _lock_recipient(
    release_id: int | str, recipient_id: int | str
) -> tuple[EmbargoRecipient, Release]:
    """The release, then one of its recipients, both locked and read afresh."""
    release = _lock_release(release_id)
    try:
        key = int(recipient_id)
    except (TypeError, ValueError):
        raise NotFound("There is no such recipient") from None
    recipient = secret_links.lock_holder(
        EmbargoRecipient, EmbargoRecipient.id == key, EmbargoRecipient.release_id == release.id
    )
    if recipient is None:
        raise NotFound("There is no such recipient")
    return recipient, release


@unit_of_work
def revoke_recipient(
    release_id: int | str, recipient_id: int | str, *, actor: User, now: datetime | None = None
) -> EmbargoRecipient:
    """Stop one link working, at once. Revoking a revoked link changes nothing."""
    now = clock.instant(now)
    actor = secret_links.staff_member(actor)
    recipient, release = _lock_recipient(release_id, recipient_id)
    if recipient.revoked_at is None:
        recipient.revoked_at = now
        release_service.record_event(
            release,
            actor,
            "recipient_revoked",
            now,
            comment=f"{recipient.name} ({recipient.outlet}): link revoked",
        )
    return recipient


@unit_of_work
def revoke_all(release_id: int | str, *, actor: User, now: datetime | None = None) -> int:
    """Stop every link to the release working, at once; answers how many were still live."""
    now = clock.instant(now)
    actor = secret_links.staff_member(actor)
    release = _lock_release(release_id)
    live = list(
        db.session.scalars(
            sa.select(EmbargoRecipient)
            .where(EmbargoRecipient.release_id == release.id, EmbargoRecipient.revoked_at.is_(None))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )
    for recipient in live:
        recipient.revoked_at = now
    if live:
        names = ", ".join(f"{r.name} ({r.outlet})" for r in live)
        release_service.record_event(
            release, actor, "recipient_revoked", now, comment=f"All links revoked: {names}"
        )
    return len(live)


# --- the access list -----------------------------------------------------------------------


@dataclass(frozen=True)
class AccessRow:
    recipient: EmbargoRecipient
    view: PreviewView


def access_list(release_id: int | str) -> list[AccessRow]:
    """The pre-release access list: every opening of every link, oldest first."""
    release = release_service.get_release(release_id)
    rows = db.session.execute(
        sa.select(PreviewView, EmbargoRecipient)
        .join(EmbargoRecipient, EmbargoRecipient.id == PreviewView.recipient_id)
        .where(EmbargoRecipient.release_id == release.id)
        .order_by(PreviewView.viewed_at, PreviewView.id)
    )
    return [AccessRow(recipient=r, view=v) for v, r in rows]


ACCESS_COLUMNS = (
    "Name",
    "Outlet",
    "Email",
    "Link created (UTC)",
    "Terms accepted (UTC)",
    "Revoked (UTC)",
    "Viewed (UTC)",
    "Viewed (UK time)",
    "Address",
    "Browser",
)


def access_list_csv(release_id: int | str) -> Iterator[str]:
    """The access list as CSV, one row per opening and one for each recipient who never opened
    their link; cells that a spreadsheet would run as formulas are made safe."""
    views: dict[int, list[PreviewView]] = {}
    for row in access_list(release_id):
        views.setdefault(row.recipient.id, []).append(row.view)
    yield csv_text([ACCESS_COLUMNS])
    for recipient in list_recipients(release_id):
        fixed = [
            recipient.name,
            recipient.outlet,
            recipient.email,
            iso_utc(recipient.created_at),
            iso_utc(recipient.terms_accepted_at),
            iso_utc(recipient.revoked_at),
        ]
        rows = [
            [
                *fixed,
                iso_utc(view.viewed_at),
                uk_datetime_short(view.viewed_at),
                view.address,
                view.user_agent,
            ]
            for view in views.get(recipient.id, ())
        ]
        yield csv_text(rows or [[*fixed, "", "", "", ""]])


# --- what a link shows ---------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewAccess:
    """What a link answers now: ``kind`` is ``links.SHOW`` or ``links.REDIRECT`` (NotFound is
    raised otherwise). ``terms_needed`` is set until the recipient has accepted the terms."""

    kind: str
    recipient: EmbargoRecipient
    release: Release
    terms_needed: bool = False
    content: ReleaseContent | None = None

    @property
    def slug(self) -> str:
        return self.release.slug

    @property
    def embargo_banner(self) -> str:
        return links.embargo_banner(self.release.embargo_until)

    def rendered(self) -> RenderedRelease:
        from ..domain.render import render_release

        return render_release(self.content, release_service.contact_details())


def _load(token: str, now: datetime, *, lock: bool = False) -> PreviewAccess:
    find = secret_links.lock_by_token if lock else secret_links.find_by_token
    recipient, release = find(EmbargoRecipient, token, LINK_NOT_FOUND)
    answer = links.preview_answer(
        links.LinkFacts(revoked_at=recipient.revoked_at, expires_at=recipient.expires_at),
        links.EmbargoedRelease(
            state=release.state,
            embargo_until=release.embargo_until,
            public_revision_id=release.public_revision_id,
            approved_revision_id=release.approved_revision_id,
        ),
        now,
    )
    if answer == links.MISSING:
        raise NotFound(LINK_NOT_FOUND)
    return PreviewAccess(
        kind=answer,
        recipient=recipient,
        release=release,
        terms_needed=recipient.terms_accepted_at is None,
    )


def _log_view(recipient: EmbargoRecipient, now: datetime, address: Any, user_agent: Any) -> None:
    db.session.add(
        PreviewView(
            recipient_id=recipient.id,
            viewed_at=now,
            address=str(address or "")[:ADDRESS_MAX],
            user_agent=str(user_agent or "")[:USER_AGENT_MAX],
        )
    )


@unit_of_work
def open_preview(
    token: str, *, address: Any = "", user_agent: Any = "", now: datetime | None = None
) -> PreviewAccess:
    """What the link holding ``token`` shows now. The approved copy is logged as a view (who,
    when, from which address and browser) each time it opens. NotFound, the same answer as a
    missing release, for anything that must show nothing."""
    now = clock.instant(now)
    access = _load(token, now, lock=True)
    if access.kind != links.SHOW or access.terms_needed:
        return access
    revision = access.release.public_revision
    _log_view(access.recipient, now, address, user_agent)
    return PreviewAccess(
        kind=links.SHOW,
        recipient=access.recipient,
        release=access.release,
        content=release_service.revision_content(revision),
    )


@unit_of_work
def accept_terms(token: str, now: datetime | None = None) -> PreviewAccess:
    """The recipient accepts the embargo terms; the instant is kept (the first acceptance)."""
    now = clock.instant(now)
    access = _load(token, now, lock=True)
    if access.kind == links.SHOW and access.recipient.terms_accepted_at is None:
        access.recipient.terms_accepted_at = now
    return access


@unit_of_work
def preview_attachment(
    token: str,
    attachment_id: Any,
    *,
    address: Any = "",
    user_agent: Any = "",
    now: datetime | None = None,
) -> Attachment:
    """A file of the embargoed release through the same link and under the same rules: only a
    file the approved content lists, only once the terms are accepted. Logged as a view."""
    now = clock.instant(now)
    access = _load(token, now, lock=True)
    if access.kind != links.SHOW or access.terms_needed:
        raise NotFound(LINK_NOT_FOUND)
    try:
        wanted = int(attachment_id)
    except (TypeError, ValueError):
        raise NotFound(LINK_NOT_FOUND) from None
    listed = {a.get("id") for a in access.release.public_revision.attachments}
    attachment = db.session.get(Attachment, wanted) if wanted in listed else None
    if attachment is None or attachment.release_id != access.release.id:
        raise NotFound(LINK_NOT_FOUND)
    _log_view(access.recipient, now, address, user_agent)
    return attachment


# --- "embargo broken" ----------------------------------------------------------------------


@dataclass(frozen=True)
class BrokenEmbargo:
    release: Release
    # Everyone who was given a link, for the press office to follow up.
    recipients: list[EmbargoRecipient]


@unit_of_work
def break_embargo(
    release_id: int | str, *, actor: User, reason: Any, now: datetime | None = None
) -> BrokenEmbargo:
    """Publish a scheduled release now because its embargo was broken
    (``releases.break_embargo``), naming on its timeline everyone who was given a link, for the
    press office to follow up. Every link then leads to the public page."""
    actor = secret_links.staff_member(actor)
    reason = reason.strip() if isinstance(reason, str) else ""
    release = _lock_release(release_id)
    # Read once the release is locked: an embargo that lifted while this waited is not broken.
    now = clock.instant(now)
    recipients = list(
        db.session.scalars(
            sa.select(EmbargoRecipient)
            .where(EmbargoRecipient.release_id == release.id)
            .order_by(EmbargoRecipient.created_at, EmbargoRecipient.id)
        )
    )
    release = release_service.break_embargo(
        release.id,
        actor=actor,
        reason=reason,
        follow_up=[f"{r.name} ({r.outlet}, {r.email})" for r in recipients],
        now=now,
    )
    return BrokenEmbargo(release=release, recipients=recipients)


def embargo_broken_event(release_id: int) -> ReleaseEvent | None:
    """The "embargo broken" entry on the release's timeline, if there is one."""
    return db.session.scalars(
        sa.select(ReleaseEvent)
        .where(ReleaseEvent.release_id == release_id, ReleaseEvent.action == "embargo_broken")
        .order_by(ReleaseEvent.created_at.desc())
        .limit(1)
    ).first()
