"""Reading the forward look: the staff grid by UK day, an entry's timeline, and the public
release calendar (announced entries only, under their public titles, with the reasons given
while announced). Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..domain import forward_look as rules
from ..domain.caching import soonest
from ..domain.visibility import is_public, status_of
from ..extensions import db
from ..models import PlannedEntry, PlannedEntryEvent, Release
from .public_freshness import next_embargo_after

ACTION_LABELS = {
    "create": "Planned",
    "edit": "Details changed",
    "confirm": "Date confirmed",
    "make_provisional": "Date made provisional again",
    "announce": "Announced on the public release calendar",
    "unannounce": "Taken off the public release calendar",
    "move": "Date changed",
    "cancel": "Cancelled",
    "write_release": "Release started",
}

# How far ahead the public calendar lists announced entries.
PUBLIC_WEEKS = 12


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineLine:
    action: str
    label: str
    actor: str
    at: datetime
    reason: str | None
    from_day: date | None
    from_at: time | None
    to_day: date | None
    to_at: time | None
    public: bool


def entry_timeline(entry: PlannedEntry) -> list[TimelineLine]:
    """The entry's timeline, newest first."""
    events = db.session.scalars(
        sa.select(PlannedEntryEvent)
        .where(PlannedEntryEvent.entry_id == entry.id)
        .options(selectinload(PlannedEntryEvent.actor))
        .order_by(PlannedEntryEvent.created_at.desc(), PlannedEntryEvent.id.desc())
    )
    return [
        TimelineLine(
            action=event.action,
            label=ACTION_LABELS.get(event.action, event.action),
            actor=event.actor.name if event.actor else "",
            at=event.created_at,
            reason=event.reason,
            from_day=event.from_day,
            from_at=event.from_at,
            to_day=event.to_day,
            to_at=event.to_at,
            public=event.public,
        )
        for event in events
    ]


def _entries_for(window: rules.Window, *, announced_only: bool = False) -> list[PlannedEntry]:
    # Entries planned for the window, and those whose release has been scheduled into it.
    query = (
        sa.select(PlannedEntry)
        .outerjoin(Release, PlannedEntry.release_id == Release.id)
        .where(
            sa.or_(
                PlannedEntry.day.between(window.first_day, window.last_day),
                sa.and_(
                    Release.published_at >= window.starts_at,
                    Release.published_at < window.ends_at,
                ),
            )
        )
        .options(selectinload(PlannedEntry.owner), selectinload(PlannedEntry.release))
        .order_by(PlannedEntry.day, PlannedEntry.id)
    )
    if announced_only:
        query = query.where(PlannedEntry.announced.is_(True))
    return list(db.session.scalars(query))


def grid(now: datetime, first_day: date | None = None, weeks: int = rules.DEFAULT_WEEKS):
    """The forward look for staff: ``(window, days)``, every planned entry and every release
    scheduled or published on each UK day, an entry with a release showing the release's
    state."""
    window = rules.grid_window(now, first_day, weeks)
    items: list[rules.GridItem] = []
    linked: set[int] = set()
    for entry in _entries_for(window):
        release = entry.release
        release_status = status_of(release, now) if release is not None else None
        if release is not None:
            linked.add(release.id)
        day, instant = rules.placed(
            entry.day, entry.at, release_status, release.published_at if release else None
        )
        items.append(
            rules.GridItem(
                kind="entry",
                day=day,
                instant=instant,
                title=(release.title or entry.title) if release is not None else entry.title,
                status=rules.grid_status(entry.status, release_status),
                entry_id=entry.id,
                release_id=release.id if release is not None else None,
                owner=entry.owner.name,
                announced=entry.announced,
                planned_day=entry.day if day != entry.day else None,
            )
        )
    releases = db.session.scalars(
        sa.select(Release)
        .where(
            Release.state.in_(("scheduled", "published", "withdrawn")),
            Release.published_at >= window.starts_at,
            Release.published_at < window.ends_at,
        )
        .options(selectinload(Release.author))
        .order_by(Release.published_at)
    )
    for release in releases:
        if release.id in linked:
            continue
        items.append(
            rules.GridItem(
                kind="release",
                day=rules.uk_day_of(release.published_at),
                instant=release.published_at,
                title=release.title,
                status=status_of(release, now),
                release_id=release.id,
                owner=release.author.name,
            )
        )
    return window, rules.by_day(items, window)


@dataclass(frozen=True)
class PublicChange:
    """A change the public calendar explains: a moved date or a cancellation, with its reason."""

    action: str
    at: datetime
    reason: str
    from_day: date | None = None
    from_at: time | None = None
    to_day: date | None = None
    to_at: time | None = None


@dataclass(frozen=True)
class PublicEntry:
    """An announced entry as the public calendar shows it: its public title, its date and time,
    its status, the reasons for changes, and the release's address once it is public. Nothing
    else of the entry or of its release, whatever state the release is in."""

    id: int
    title: str
    day: date
    at: time | None
    instant: datetime | None
    status: str
    changes: list[PublicChange] = field(default_factory=list)
    release_slug: str | None = None

    @property
    def label(self) -> str:
        return "Published" if self.release_slug else rules.STATUS_LABELS[self.status]


def public_calendar(now: datetime, weeks: int = PUBLIC_WEEKS) -> list[PublicEntry]:
    """The announced entries from today (UK) for ``weeks`` weeks, by date: what anyone may see."""
    window = rules.grid_window(now, None, weeks)
    entries = [
        entry
        for entry in db.session.scalars(
            sa.select(PlannedEntry)
            .where(
                PlannedEntry.announced.is_(True),
                PlannedEntry.day.between(window.first_day, window.last_day),
            )
            .options(selectinload(PlannedEntry.release))
        )
    ]
    changes: dict[int, list[PublicChange]] = {entry.id: [] for entry in entries}
    if entries:
        for event in db.session.scalars(
            sa.select(PlannedEntryEvent)
            .where(
                PlannedEntryEvent.entry_id.in_(list(changes)),
                PlannedEntryEvent.public.is_(True),
                PlannedEntryEvent.action.in_(("move", "cancel")),
            )
            .order_by(PlannedEntryEvent.created_at, PlannedEntryEvent.id)
        ):
            changes[event.entry_id].append(
                PublicChange(
                    action=event.action,
                    at=event.created_at,
                    reason=event.reason or "",
                    from_day=event.from_day,
                    from_at=event.from_at,
                    to_day=event.to_day,
                    to_at=event.to_at,
                )
            )
    shown = []
    for entry in entries:
        release = entry.release
        slug = release.slug if release is not None and is_public(release, now) else None
        shown.append(
            PublicEntry(
                id=entry.id,
                title=entry.public_title,
                day=entry.day,
                at=entry.at,
                instant=rules.planned_instant(entry.day, entry.at),
                status=entry.status,
                changes=changes[entry.id],
                release_slug=slug,
            )
        )
    shown.sort(key=lambda item: (item.day, item.at or time(0), item.status == rules.CANCELLED))
    return shown


def public_calendar_changes_at(instant: datetime) -> datetime | None:
    """When the public calendar next changes by the clock alone: the next UK midnight (a day
    leaves it) or the next embargo to lift (an announced release's address appears)."""
    tomorrow = rules.uk_today(instant) + timedelta(days=1)
    return soonest(rules.start_of_uk_day(tomorrow), next_embargo_after(instant))
