"""The forward look's use cases: plan, edit, move and cancel an entry, write its release, and
read the grid and the public release calendar.

Each write is one unit of work: a linked release is locked first (the house lock order starts
with the release), then the entry, read afresh; ``domain.forward_look`` decides; the change and
its timeline entry are written together. A refusal raises one of ``services.errors`` in the
domain's words and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .. import clock
from ..domain import forward_look as rules
from ..domain.caching import soonest
from ..domain.roles import has_role
from ..domain.visibility import is_public, status_of
from ..extensions import db
from ..models import MAX_ID, PlannedEntry, PlannedEntryEvent, Release, User
from .errors import NotFound, StaleVersion, ValidationFailed
from .public_freshness import next_embargo_after
from .sign_off import acting_staff, refuse_unless
from .unit_of_work import unit_of_work

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


def _number(value: Any) -> int:
    if isinstance(value, PlannedEntry):
        identity = sa.inspect(value).identity
        return identity[0] if identity else value.id
    if isinstance(value, bool):
        raise NotFound("There is no planned entry with that number")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise NotFound("There is no planned entry with that number") from None
    if not 0 < number <= MAX_ID:
        raise NotFound("There is no planned entry with that number")
    return number


def get_entry(entry: PlannedEntry | int) -> PlannedEntry:
    """One planned entry, for reading; NotFound when there is none."""
    found = db.session.get(PlannedEntry, _number(entry))
    if found is None:
        raise NotFound("There is no planned entry with that number")
    return found


def entry_for_release(release_id: int) -> PlannedEntry | None:
    """The planned entry a release was written for, if any."""
    return db.session.scalars(
        sa.select(PlannedEntry).where(PlannedEntry.release_id == release_id)
    ).first()


def owner_choices() -> list[User]:
    """The people an entry can belong to: active press office staff, by name."""
    return [
        user
        for user in db.session.scalars(
            sa.select(User).where(User.active.is_(True)).order_by(User.name)
        )
        if has_role(user.role, "officer")
    ]


def entry_facts(entry: PlannedEntry, now: datetime) -> rules.EntryFacts:
    """What the rules look at: the entry and the computed state of its release."""
    release_status = status_of(entry.release, now) if entry.release is not None else None
    return rules.EntryFacts(
        status=entry.status,
        day=entry.day,
        at=entry.at,
        announced=entry.announced,
        release_status=release_status,
    )


def _lock(entry: PlannedEntry | int) -> PlannedEntry:
    """The entry locked for the unit of work, its release (if any) locked before it."""
    number = _number(entry)
    release_id = db.session.scalar(
        sa.select(PlannedEntry.release_id).where(PlannedEntry.id == number)
    )
    if release_id is not None:
        db.session.scalars(
            sa.select(Release.id).where(Release.id == release_id).with_for_update()
        ).first()
    found = db.session.scalars(
        sa.select(PlannedEntry)
        .where(PlannedEntry.id == number)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if found is None:
        raise NotFound("There is no planned entry with that number")
    return found


def _expect_version(entry: PlannedEntry, given: Any) -> None:
    if given is None or given == "":
        return
    try:
        expected = int(given)
    except (TypeError, ValueError):
        raise ValidationFailed({"version": "The version must be a whole number"}) from None
    if expected != entry.version:
        error = StaleVersion(entry.version, expected)
        error.message = (
            f"Someone else changed this entry (now version {entry.version}) after you opened "
            f"version {expected}. Nothing has been saved: check it and try again."
        )
        error.args = (error.message,)
        raise error


def record_entry_event(
    entry: PlannedEntry,
    actor: User | None,
    action: str,
    now: datetime,
    *,
    reason: str | None = None,
    public: bool = False,
    from_day: date | None = None,
    from_at: time | None = None,
    to_day: date | None = None,
    to_at: time | None = None,
) -> PlannedEntryEvent:
    """One line on the entry's timeline, in the caller's transaction."""
    event = PlannedEntryEvent(
        entry_id=entry.id,
        actor_id=actor.id if actor is not None else None,
        action=action,
        from_day=from_day,
        from_at=from_at,
        to_day=to_day,
        to_at=to_at,
        reason=reason or None,
        public=public,
        created_at=now,
    )
    db.session.add(event)
    return event


def _check_owner(owner_id: int | None, errors: dict[str, str]) -> None:
    if owner_id is None or "owner_id" in errors:
        return
    owner = db.session.get(User, owner_id)
    if owner is None or not owner.active or not has_role(owner.role, "officer"):
        errors["owner_id"] = "Choose someone in the press office to own this entry"


def _reason(value: Any) -> str:
    text, errors = rules.clean_text(value, "reason", rules.REASON_MAX)
    if errors:
        raise ValidationFailed(errors)
    return text


# --- writes ---------------------------------------------------------------------------------


@unit_of_work
def create_entry(
    *,
    actor: User,
    title: Any = "",
    owner_id: Any = None,
    day: Any = "",
    month: Any = "",
    year: Any = "",
    at: Any = "",
    status: Any = rules.PROVISIONAL,
    announced: Any = None,
    public_title: Any = "",
    notes: Any = "",
    now: datetime | None = None,
) -> PlannedEntry:
    """Plan a new entry on the grid, for a UK date today or later and perhaps a time."""
    now = clock.instant(now)
    who = acting_staff(actor)
    refuse_unless(rules.may_create(who))
    details, errors = rules.clean_details(
        {
            "title": title,
            "owner_id": owner_id,
            "status": status,
            "announced": announced,
            "public_title": public_title,
            "notes": notes,
        }
    )
    planned_day, day_errors = rules.parse_day(day, month, year)
    planned_at, time_errors = rules.parse_time(at)
    errors.update(day_errors)
    errors.update(time_errors)
    rules.check_day_and_time(planned_day, planned_at, rules.uk_today(now), errors)
    _check_owner(details.owner_id, errors)
    if errors:
        raise ValidationFailed(errors)
    entry = PlannedEntry(
        title=details.title,
        owner_id=details.owner_id,
        day=planned_day,
        at=planned_at,
        status=details.status,
        announced=details.announced,
        public_title=details.public_title,
        notes=details.notes,
        version=1,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    db.session.add(entry)
    db.session.flush()
    record_entry_event(
        entry, actor, "create", now, to_day=planned_day, to_at=planned_at, public=entry.announced
    )
    return entry


@unit_of_work
def update_entry(
    entry: PlannedEntry | int,
    *,
    actor: User,
    expected_version: Any = None,
    title: Any = "",
    owner_id: Any = None,
    status: Any = None,
    announced: Any = None,
    public_title: Any = "",
    notes: Any = "",
    now: datetime | None = None,
) -> PlannedEntry:
    """Change an entry's title, owner, status (provisional or confirmed), announcement or notes.
    Its date moves only through ``move_entry``, where the reason rule applies."""
    now = clock.instant(now)
    who = acting_staff(actor)
    record = _lock(entry)
    _expect_version(record, expected_version)
    refuse_unless(rules.may_edit(entry_facts(record, now), who))
    details, errors = rules.clean_details(
        {
            "title": title,
            "owner_id": owner_id,
            "status": status,
            "announced": announced,
            "public_title": public_title,
            "notes": notes,
        }
    )
    _check_owner(details.owner_id, errors)
    if errors:
        raise ValidationFailed(errors)
    changes = []
    if details.status != record.status:
        action = "confirm" if details.status == rules.CONFIRMED else "make_provisional"
        record_entry_event(record, actor, action, now, public=record.announced)
    if details.announced != record.announced:
        action = "announce" if details.announced else "unannounce"
        record_entry_event(record, actor, action, now)
    for name, label in (
        ("title", "title"),
        ("owner_id", "owner"),
        ("public_title", "public title"),
        ("notes", "notes"),
    ):
        if getattr(details, name) != getattr(record, name):
            changes.append(label)
    if changes:
        record_entry_event(record, actor, "edit", now, reason="Changed: " + ", ".join(changes))
    if not changes and details.status == record.status and details.announced == record.announced:
        return record
    record.title = details.title
    record.owner_id = details.owner_id
    record.status = details.status
    record.announced = details.announced
    record.public_title = details.public_title
    record.notes = details.notes
    record.version += 1
    record.updated_at = now
    return record


@unit_of_work
def move_entry(
    entry: PlannedEntry | int,
    *,
    actor: User,
    day: Any = "",
    month: Any = "",
    year: Any = "",
    at: Any = "",
    reason: Any = "",
    expected_version: Any = None,
    now: datetime | None = None,
) -> PlannedEntry:
    """Move an entry to another UK date or time. A confirmed entry needs the reason, which its
    timeline keeps (and the public calendar shows while the entry is announced)."""
    now = clock.instant(now)
    who = acting_staff(actor)
    record = _lock(entry)
    _expect_version(record, expected_version)
    errors: dict[str, str] = {}
    new_day, day_errors = rules.parse_day(day, month, year)
    new_at, time_errors = rules.parse_time(at)
    errors.update(day_errors)
    errors.update(time_errors)
    text, reason_errors = rules.clean_text(reason, "reason", rules.REASON_MAX)
    errors.update(reason_errors)
    facts = entry_facts(record, now)
    if errors:
        # A refusal of the entry's state is the clearer answer when there is one.
        refuse_unless(rules.may_edit(facts, who))
        raise ValidationFailed(errors)
    refuse_unless(rules.may_change_date(facts, who, new_day, new_at, text, now))
    record_entry_event(
        record,
        actor,
        "move",
        now,
        reason=text,
        public=rules.reason_is_public(facts),
        from_day=record.day,
        from_at=record.at,
        to_day=new_day,
        to_at=new_at,
    )
    record.day = new_day
    record.at = new_at
    record.version += 1
    record.updated_at = now
    return record


@unit_of_work
def cancel_entry(
    entry: PlannedEntry | int,
    *,
    actor: User,
    reason: Any = "",
    expected_version: Any = None,
    now: datetime | None = None,
) -> PlannedEntry:
    """Cancel an entry, saying why; it stays on the grid, marked cancelled, with the reason."""
    now = clock.instant(now)
    who = acting_staff(actor)
    record = _lock(entry)
    _expect_version(record, expected_version)
    text = _reason(reason)
    facts = entry_facts(record, now)
    refuse_unless(rules.may_cancel(facts, who, text))
    record_entry_event(record, actor, "cancel", now, reason=text, public=facts.announced)
    record.status = rules.CANCELLED
    record.cancelled_reason = text
    record.version += 1
    record.updated_at = now
    return record


@unit_of_work
def write_release_for_entry(
    entry: PlannedEntry | int, *, actor: User, now: datetime | None = None
) -> Release:
    """Start the release for a planned entry: a draft headed with the entry's title, linked to
    the entry both ways, so the grid shows the entry becoming the release."""
    from .releases import create_release

    now = clock.instant(now)
    who = acting_staff(actor)
    record = _lock(entry)
    refuse_unless(rules.may_write_release(entry_facts(record, now), who))
    release = create_release(actor=actor, title=record.title, now=now)
    record.release_id = release.id
    record.version += 1
    record.updated_at = now
    record_entry_event(record, actor, "write_release", now)
    return release


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
