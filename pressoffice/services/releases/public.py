"""What the public sees.

Everything the public can reach (the newsroom pages, the Atom feed, the public API, attachment
downloads) goes through ``list_public_releases``, ``latest_public_releases``,
``load_public_release`` and ``load_public_attachment``: they only ever answer the approved public
revision of a release whose embargo has lifted, and a constant number of queries however many
releases there are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from ... import clock
from ...domain.content import (
    ReleaseContent,
)
from ...domain.render import ContactDetails, RenderedRelease, render_release
from ...domain.visibility import computed_status
from ...extensions import db
from ...models import Attachment, Release, ReleaseEvent
from ..errors import NotFound
from ..paging import Page
from .listing import page_numbers
from .revisions import (
    revision_content,
)

# The one answer for anything the public may not see, so an embargoed release cannot be told
# apart from one that never existed.
PUBLIC_NOT_FOUND = "There is no release at this address"

DEFAULT_PER_PAGE = 20


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
    # The body as safe HTML, stored with the revision when it was saved.
    body_html: str | None = None

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
        return render_release(self.content, contact or contact_details(), self.body_html)


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
        body_html=revision.body_html,
    )


def list_public_releases(
    *, page: Any = 1, per_page: Any = DEFAULT_PER_PAGE, now: datetime | None = None
) -> Page:
    """Published releases, newest first, a page at a time: two queries however many."""
    now = clock.instant(now)
    page, per_page = page_numbers(page, per_page, DEFAULT_PER_PAGE)
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


def public_releases_by_id(ids: list[int], now: datetime) -> list[PublicRelease]:
    """The listed releases among ``ids`` (for the newsroom list of releases and statements)."""
    rows = db.session.scalars(
        sa.select(Release)
        .where(Release.id.in_(ids), public_clause(now, listed_only=True))
        .options(joinedload(Release.public_revision))
    )
    return [_public(r, now) for r in rows]


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
