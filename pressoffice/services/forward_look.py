"""The forward look's use cases: plan, edit, move and cancel an entry, write its release, and
read the grid and the public release calendar.

Each write is one unit of work: a linked release is locked first (the house lock order starts
with the release), then the entry, read afresh; ``domain.forward_look`` decides; the change and
its timeline entry are written together. A refusal raises one of ``services.errors`` in the
domain's words and changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa

from .. import clock
from ..domain import forward_look as rules
from ..domain.roles import has_role
from ..domain.visibility import status_of
from ..extensions import db
from ..models import MAX_ID, PlannedEntry, PlannedEntryEvent, Release, User
from .errors import NotFound, StaleVersion, ValidationFailed
from .sign_off import acting_staff, refuse_unless
from .unit_of_work import unit_of_work


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


# Reading lives in its own module; callers name both through this one.
from .forward_look_grid import (  # noqa: E402
    ACTION_LABELS,
    PUBLIC_WEEKS,
    PublicChange,
    PublicEntry,
    TimelineLine,
    entry_timeline,
    grid,
    public_calendar,
    public_calendar_changes_at,
)

__all__ = [
    "ACTION_LABELS",
    "PUBLIC_WEEKS",
    "PublicChange",
    "PublicEntry",
    "TimelineLine",
    "cancel_entry",
    "create_entry",
    "entry_facts",
    "entry_for_release",
    "entry_timeline",
    "get_entry",
    "grid",
    "move_entry",
    "owner_choices",
    "public_calendar",
    "public_calendar_changes_at",
    "record_entry_event",
    "update_entry",
    "write_release_for_entry",
]
