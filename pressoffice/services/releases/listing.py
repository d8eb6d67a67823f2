"""Reading, for staff: one release, its status and the actions open to a person, and the list."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ... import clock
from ...domain import release_page, workflow
from ...domain.visibility import computed_status
from ...extensions import db
from ...models import Release, User
from ..errors import NotFound, ValidationFailed
from ..paging import Page
from ..sign_off import acting_staff
from ..text_search import contains
from .revisions import latest_revision, sent_back_release_ids, workflow_facts

MAX_PER_PAGE = 100
# Far beyond any real list, and small enough for every database's integers.
MAX_PAGE = 1_000_000


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
    return workflow.available_actions(
        workflow_facts(release, latest_revision(release)), acting_staff(actor), now
    )


def why_not(
    action: str, release: Release, actor: User, now: datetime | None = None, **given: Any
) -> workflow.Decision:
    """The domain's answer for one action, without doing it (to explain a missing button)."""
    now = clock.instant(now)
    return workflow.decide(
        action.replace("-", "_"),
        workflow_facts(release, latest_revision(release)),
        acting_staff(actor),
        now,
        **given,
    )


@dataclass(frozen=True)
class ReleaseTasks:
    """What the release page tells one person: the status to show, the one next step, and
    every action of that status, allowed or refused with the reason and what to do."""

    display_status: str
    next_step: str
    options: list[release_page.ActionOption]
    # Quotes still waiting for their speakers, in words (approving past them needs a reason).
    quotes_waiting: tuple[str, ...]

    def option(self, action: str) -> release_page.ActionOption | None:
        """The option for ``action``, when the page offers it at all."""
        return next((o for o in self.options if o.action == action), None)

    def allows(self, action: str) -> bool:
        """Whether this person may take ``action`` now."""
        option = self.option(action)
        return option is not None and option.allowed

    @property
    def refused(self) -> list[release_page.ActionOption]:
        """The actions of this status this person cannot take now, each with its reason."""
        return [o for o in self.options if not o.allowed]


def release_tasks(release: Release, actor: User, now: datetime | None = None) -> ReleaseTasks:
    """What may be done to the release now by this person and, for what may not, why not: the
    one place the release page learns it from."""
    from .signoff_rules import quotes_awaiting_signoff

    now = clock.instant(now)
    facts = workflow_facts(release, latest_revision(release))
    if facts.status(now) == "in_review":
        facts = replace(facts, quotes_awaiting_signoff=quotes_awaiting_signoff(release))
    who = acting_staff(actor)
    return ReleaseTasks(
        display_status=workflow.display_status(facts, now),
        next_step=release_page.next_step(facts, who, now),
        options=release_page.release_options(facts, who, now),
        quotes_waiting=facts.quotes_awaiting_signoff,
    )


def display_statuses(items: list[Release], now: datetime | None = None) -> dict[int, str]:
    """The status each listed release shows (a draft sent back is "changes requested"), by
    release id. One query, however many releases."""
    now = clock.instant(now)
    sent_back = sent_back_release_ids([r.id for r in items if r.state == "draft"])
    shown = {}
    for release in items:
        status = release_status(release, now)
        if status == "draft" and release.id in sent_back:
            status = workflow.CHANGES_REQUESTED
        shown[release.id] = status
    return shown


def has_pending_correction(release: Release, now: datetime | None = None) -> bool:
    """A published release whose saved content differs from what the public sees."""
    if release.public_revision_id is None:
        return False
    if computed_status(release.state, release.embargo_until, clock.instant(now)) != "published":
        return False
    if release.public_revision.number == release.version:
        return False
    return latest_revision(release).content_hash != release.public_revision.content_hash


def page_numbers(page: Any, per_page: Any, default: int) -> tuple[int, int]:
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
    page, per_page = page_numbers(page, per_page, 50)
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
