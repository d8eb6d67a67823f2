"""Media enquiries: log one (routed by the instant it arrived), find them, assign, answer,
close, export, and remove journalists' personal data once it is no longer needed."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from ..domain import enquiries as rules
from ..domain.routing import OUT_OF_HOURS
from ..extensions import db
from ..models import Enquiry, EnquiryCounter, EnquiryEvent, Release, User
from ..timefmt import iso_utc
from . import notifications, office_calendar, rota
from .csv_export import csv_text
from .enquiry_filters import ALL_STATUSES as ALL_STATUSES

# The filters, the snapshot an answer is built from and the retention of personal data live in
# modules of their own; they stay part of this module's interface.
from .enquiry_filters import STATUS_FILTERS as STATUS_FILTERS
from .enquiry_filters import UNASSIGNED as UNASSIGNED
from .enquiry_filters import UNCLOSED as UNCLOSED
from .enquiry_filters import EnquiryFilters, filtered_query, row_id
from .enquiry_filters import parse_filters as parse_filters
from .enquiry_pages import COUNT_LIMIT as COUNT_LIMIT
from .enquiry_pages import count_matching
from .enquiry_pages import log_page as log_page
from .enquiry_retention import AnonymiseResult as AnonymiseResult
from .enquiry_retention import anonymise_closed as anonymise_closed
from .enquiry_snapshot import EnquirySnapshot, snapshot
from .enquiry_snapshot import PersonSnapshot as PersonSnapshot
from .errors import NotFound, ValidationFailed, WrongState
from .paging import Page
from .releases.revisions import lock_release
from .statements import statement_for_answer
from .unit_of_work import unit_of_work

PER_PAGE = 50
MAX_PER_PAGE = 200


# --- logging an enquiry -----------------------------------------------------------------------


def next_reference_number(day: date) -> int:
    """The next number for ``day``, taken atomically: one INSERT ... ON CONFLICT DO UPDATE ...
    RETURNING. On PostgreSQL the counter row stays locked until this transaction ends, so
    concurrent loggers queue for it; on SQLite the unit of work's ``BEGIN IMMEDIATE`` does the
    same. Called inside the unit of work that stores the enquiry, so a number is never handed
    out twice, nor used up by an enquiry that was refused."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(EnquiryCounter)
        .values(day=day, last_number=1)
        .on_conflict_do_update(
            index_elements=[EnquiryCounter.day],
            set_={"last_number": EnquiryCounter.last_number + 1},
        )
        .returning(EnquiryCounter.last_number)
    )
    return db.session.execute(statement).scalar_one()


def _active_user(user_id: Any, field_name: str, errors: dict[str, str]) -> User | None:
    key = row_id(user_id)
    user = db.session.get(User, key) if key is not None else None
    if user is None or not user.active:
        errors[field_name] = "Choose a member of staff from the list"
        return None
    return user


@unit_of_work
def log_enquiry(
    raw: Mapping[str, Any],
    *,
    now: datetime,
    received_at: datetime | None = None,
    logged_by: User | None = None,
    urgent: bool = False,
    received_by_server: bool = False,
) -> EnquirySnapshot:
    """Log an enquiry. ``raw`` holds the journalist's details (see ``domain.enquiries``) and,
    for staff only, ``assignee_id`` and ``release_id``. ``received_at`` defaults to ``now``;
    a caller without an account (``logged_by`` None) can never set it, the route or the
    assignee (the public endpoints refuse them before they get here). ``urgent`` records
    that the journalist said the matter is urgent. ``received_by_server`` says that
    ``received_at`` is the instant the office's own mail server received the message (the
    enquiry desk by email), kept though nobody logged it.

    The route, line and reason are stored as they stand at ``received_at``; out of hours the
    duty officer on the rota then is assigned, and with nobody on duty the enquiry is flagged.
    One unit of work; the answer is a snapshot taken before the commit.
    """
    if logged_by is None and not received_by_server:
        received_at = now
        raw = {k: v for k, v in raw.items() if k not in ("assignee_id", "release_id")}
    received_at = (received_at or now).astimezone(UTC)
    details, errors = rules.validate_details(raw, received_at=received_at, now=now)
    errors = dict(errors)

    assignee = None
    if raw.get("assignee_id") not in (None, ""):
        assignee = _active_user(raw["assignee_id"], "assignee_id", errors)
    release_id = None
    if raw.get("release_id") not in (None, ""):
        release_id = row_id(raw["release_id"])
        if release_id is None or db.session.get(Release, release_id) is None:
            errors["release_id"] = "Choose a release from the list"
    if errors:
        raise ValidationFailed(errors)

    routing = office_calendar.route_at(received_at)
    # Out of hours, the officer on duty when it arrived is assigned and told.
    duty_officer = rota.duty_officer_at(received_at) if routing.route == OUT_OF_HOURS else None
    needs_attention = False
    events = [("logged", routing.reason)]
    if urgent:
        events.append(("urgent", "The journalist said this is urgent"))
    if assignee is not None:
        events.append(("assigned", f"Assigned to {assignee.name}"))
    elif routing.route == OUT_OF_HOURS:
        assignee = duty_officer
        if assignee is not None:
            events.append(("assigned", f"Assigned to {assignee.name}, on duty at the time"))
        else:
            needs_attention = True
            events.append(("needs_attention", "Nobody was on the duty rota when it arrived"))

    london_day = received_at.astimezone(routing.local.tzinfo).date()
    enquiry = Enquiry(
        reference=rules.format_reference(london_day, next_reference_number(london_day)),
        received_at=received_at,
        journalist_name=details.journalist_name,
        outlet=details.outlet,
        email=details.email,
        phone=details.phone,
        subject=details.subject,
        details=details.details,
        deadline=details.deadline,
        channel=details.channel,
        release_id=release_id,
        route=routing.route,
        line=routing.line,
        route_reason=routing.reason,
        assignee=assignee,
        needs_attention=needs_attention,
        status=rules.ASSIGNED if assignee else rules.NEW,
        logged_by=logged_by,
        created_at=now,
    )
    db.session.add(enquiry)
    db.session.flush()
    for action, comment in events:
        _record(enquiry, logged_by, action, comment, now)
    if routing.route == OUT_OF_HOURS:
        notifications.enquiry_out_of_hours(enquiry, duty_officer, now)
    return snapshot(enquiry)


def _record(
    enquiry: Enquiry, actor: User | None, action: str, comment: str | None, now: datetime
) -> None:
    db.session.add(
        EnquiryEvent(
            enquiry_id=enquiry.id, actor=actor, action=action, comment=comment, created_at=now
        )
    )


# --- finding enquiries ------------------------------------------------------------------------


@dataclass
class EnquiryPage(Page):
    """A page of the log, with the filters that chose it (for the paging and CSV links).
    ``total_more`` says more than ``total`` match: the count stops there (see
    ``list_enquiries``), and ``pages`` is then the least there are."""

    filters: EnquiryFilters = field(default_factory=EnquiryFilters)
    total_more: bool = False

    @property
    def has_next(self) -> bool:
        return self.total_more or self.page < self.pages


def list_enquiries(
    filters: EnquiryFilters, *, now: datetime, page: int = 1, per_page: int | None = None
) -> EnquiryPage:
    """One page of the log, newest first, with the total matching counted exactly up to
    ``COUNT_LIMIT`` (or to the end of the page asked for, if further) and "more than" beyond,
    so a count never reads the whole log."""
    per_page = max(1, min(per_page or PER_PAGE, MAX_PER_PAGE))
    query = filtered_query(filters, now)
    page = max(1, page)
    counted = count_matching(query, limit=max(COUNT_LIMIT, page * per_page))
    items = db.session.scalars(
        query.options(joinedload(Enquiry.assignee))
        .order_by(Enquiry.received_at.desc(), Enquiry.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return EnquiryPage(
        items=list(items),
        total=counted.value,
        total_more=counted.more,
        page=page,
        per_page=per_page,
        filters=filters,
    )


def get_enquiry(reference: str) -> Enquiry:
    """One enquiry by its reference, in any case; NotFound when there is none."""
    enquiry = db.session.scalar(
        sa.select(Enquiry).where(Enquiry.reference == (reference or "").strip().upper())
    )
    if enquiry is None:
        raise NotFound(f"No enquiry with reference {reference}")
    return enquiry


def timeline(enquiry: Enquiry) -> list[EnquiryEvent]:
    """What happened to the enquiry, oldest first, with who did it."""
    return list(
        db.session.scalars(
            sa.select(EnquiryEvent)
            .options(joinedload(EnquiryEvent.actor))
            .where(EnquiryEvent.enquiry_id == enquiry.id)
            .order_by(EnquiryEvent.created_at, EnquiryEvent.id)
        )
    )


def enquiries_about_release(release_id: int) -> list[Enquiry]:
    """The enquiries linked to a release, newest first (shown on the release)."""
    return list(
        db.session.scalars(
            sa.select(Enquiry)
            .where(Enquiry.release_id == release_id)
            .order_by(Enquiry.received_at.desc())
        )
    )


# --- assign, respond, close -------------------------------------------------------------------


def _load_for_change(reference: str, action: str) -> Enquiry:
    """The enquiry, locked (PostgreSQL: a row lock; SQLite: the unit's write lock) and read
    afresh as the first thing the use case decides on."""
    enquiry = db.session.scalar(
        sa.select(Enquiry)
        .where(Enquiry.reference == (reference or "").strip().upper())
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if enquiry is None:
        raise NotFound(f"No enquiry with reference {reference}")
    problem = rules.why_not(action, enquiry.status)
    if problem:
        raise WrongState(problem)
    return enquiry


@unit_of_work
def assign(reference: str, assignee_id: Any, *, actor: User, now: datetime) -> EnquirySnapshot:
    """Give the enquiry to a member of staff (or hand it on to someone else)."""
    errors: dict[str, str] = {}
    if assignee_id in (None, ""):
        errors["assignee_id"] = "Choose who should handle this enquiry"
        raise ValidationFailed(errors)
    enquiry = _load_for_change(reference, "assign")
    assignee = _active_user(assignee_id, "assignee_id", errors)
    if assignee is not None and assignee.id == enquiry.assignee_id:
        errors["assignee_id"] = f"This enquiry is already assigned to {assignee.name}"
    if errors:
        raise ValidationFailed(errors)
    action = "reassigned" if enquiry.assignee_id else "assigned"
    enquiry.assignee = assignee
    enquiry.status = rules.status_after("assign", enquiry.status)
    enquiry.needs_attention = False
    _record(enquiry, actor, action, f"Assigned to {assignee.name}", now)
    return snapshot(enquiry)


@unit_of_work
def respond(
    reference: str,
    response: Any,
    *,
    actor: User,
    now: datetime,
    statement_id: Any = None,
    send: bool = True,
) -> EnquirySnapshot:
    """Record the answer given to the journalist, and when. With ``statement_id`` the answer
    is given from that statement (the response defaults to its on-the-record statement), which
    must be approved and current; the enquiry records the statement and its version.

    An enquiry that came by email is answered by email (``mail_desk.outgoing.send_answer``),
    threaded, in this same unit of work; ``send=False`` records the answer without sending."""
    chosen = None
    if statement_id not in (None, ""):
        # The statement is locked first, so an edit cannot void it while it is being given.
        chosen, content = statement_for_answer(
            statement_id, now, actor=actor, reference=(reference or "").strip().upper()
        )
        if response is None or (isinstance(response, str) and not response.strip()):
            response = content.statement or "\n".join(content.lines)
    text, errors = rules.validate_response(response)
    if errors:
        raise ValidationFailed(errors)
    enquiry = _load_for_change(reference, "respond")
    enquiry.statement_id = chosen.id if chosen is not None else None
    enquiry.statement_version = chosen.version if chosen is not None else None
    enquiry.response = text
    enquiry.answered_at = now
    enquiry.status = rules.status_after("respond", enquiry.status)
    if enquiry.assignee_id is None:
        enquiry.assignee = actor
    enquiry.needs_attention = False
    _record(enquiry, actor, "answered", text, now)
    if send:
        # Imported here: the mail desk's reading side logs enquiries through this module.
        from .mail_desk.outgoing import send_answer

        send_answer(enquiry, text, actor, now)
    return snapshot(enquiry)


@unit_of_work
def close(reference: str, *, actor: User, now: datetime, comment: Any = None) -> EnquirySnapshot:
    """Close the enquiry: answered, or no longer needed (say why in ``comment``)."""
    note = rules.clean_text(comment)
    errors: dict[str, str] = {}
    rules.check_length("comment", note, errors)
    if errors:
        raise ValidationFailed(errors)
    enquiry = _load_for_change(reference, "close")
    enquiry.status = rules.status_after("close", enquiry.status)
    enquiry.closed_at = now
    enquiry.needs_attention = False
    _record(enquiry, actor, "closed", note or None, now)
    return snapshot(enquiry)


@unit_of_work
def respond_and_close(
    reference: str,
    response: Any,
    *,
    actor: User,
    now: datetime,
    statement_id: Any = None,
    comment: Any = None,
    send: bool = True,
) -> EnquirySnapshot:
    """Reply and close in one step: the answer is recorded (as ``respond``, emailed when the
    enquiry came by email) and the enquiry closed (as ``close``) in the one unit of work, the
    timeline keeping both; a refusal of either leaves the enquiry as it was."""
    respond(reference, response, actor=actor, now=now, statement_id=statement_id, send=send)
    return close(reference, actor=actor, now=now, comment=comment)


@unit_of_work
def link_release(reference: str, release_id: Any, *, actor: User, now: datetime) -> EnquirySnapshot:
    """Say which release an enquiry is about (or, with no ``release_id``, that it is about
    none), at any time after it was logged. Staff only: any release may be chosen, embargoed
    ones too, since staff may see them; the timeline records the change."""
    release = None
    if release_id not in (None, ""):
        key = row_id(release_id)
        if key is None:
            raise ValidationFailed({"release_id": "Choose a release from the list"})
        # Lock order: the release before the enquiry.
        try:
            release = lock_release(key)
        except NotFound:
            raise ValidationFailed({"release_id": "Choose a release from the list"}) from None
    enquiry = db.session.scalar(
        sa.select(Enquiry)
        .where(Enquiry.reference == (reference or "").strip().upper())
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if enquiry is None:
        raise NotFound(f"No enquiry with reference {reference}")
    if enquiry.release_id == (release.id if release else None):
        message = (
            "This enquiry is already linked to that release"
            if release
            else "This enquiry is not linked to a release"
        )
        raise ValidationFailed({"release_id": message})
    enquiry.release_id = release.id if release else None
    if release is not None:
        note = f"About the release: {release.title or f'Untitled release {release.id}'}"
    else:
        note = "No longer linked to a release"
    _record(enquiry, actor, "linked", note, now)
    return snapshot(enquiry)


# --- CSV export -------------------------------------------------------------------------------

CSV_COLUMNS = (
    ("Reference", lambda e: e.reference),
    ("Received (UTC)", lambda e: iso_utc(e.received_at)),
    ("Route", lambda e: e.route),
    ("Line", lambda e: e.line),
    ("Route reason", lambda e: e.route_reason),
    ("Status", lambda e: e.status),
    ("Journalist", lambda e: e.journalist_name),
    ("Outlet", lambda e: e.outlet),
    ("Email", lambda e: e.email),
    ("Phone", lambda e: e.phone),
    ("Channel", lambda e: e.channel),
    ("Subject", lambda e: e.subject),
    ("Details", lambda e: e.details),
    ("Deadline (UTC)", lambda e: iso_utc(e.deadline)),
    ("Assignee", lambda e: e.assignee_name or ""),
    ("Needs attention", lambda e: "yes" if e.needs_attention else "no"),
    ("Answered (UTC)", lambda e: iso_utc(e.answered_at)),
    ("Response", lambda e: e.response),
    ("Closed (UTC)", lambda e: iso_utc(e.closed_at)),
)

CSV_BATCH = 1000


def export_csv(filters: EnquiryFilters, *, now: datetime) -> Iterator[str]:
    """The filtered log as CSV (RFC 4180: CRLF line ends, every field quoted), in
    chunks for streaming. Cells that a spreadsheet would run as a formula are made safe."""
    yield csv_text([[title for title, _ in CSV_COLUMNS]])
    # Plain rows rather than ORM objects: a long export is several times faster.
    query = (
        filtered_query(filters, now)
        .with_only_columns(
            *Enquiry.__table__.columns,
            User.name.label("assignee_name"),
            maintain_column_froms=True,
        )
        .outerjoin(User, User.id == Enquiry.assignee_id)
        .order_by(Enquiry.received_at.desc(), Enquiry.id.desc())
    )
    # Keyset batches: memory stays flat however long the log is, and no cursor is held open.
    last: tuple[datetime, int] | None = None
    while True:
        batch_query = query
        if last is not None:
            batch_query = batch_query.where(
                sa.or_(
                    Enquiry.received_at < last[0],
                    sa.and_(Enquiry.received_at == last[0], Enquiry.id < last[1]),
                )
            )
        batch = db.session.execute(batch_query.limit(CSV_BATCH)).all()
        if not batch:
            break
        yield csv_text([get(row) for _, get in CSV_COLUMNS] for row in batch)
        last = (batch[-1].received_at, batch[-1].id)
        if len(batch) < CSV_BATCH:
            break


# --- used by the forms ------------------------------------------------------------------------


def staff_choices() -> list[User]:
    """Active staff, for the assignee lists."""
    return list(
        db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.name))
    )


def release_choices(limit: int = 200, linked: int | None = None) -> list[sa.Row]:
    """The newest releases (``id`` and ``title`` only), for linking an enquiry to the one it
    asks about, read newest first from the ``(created_at, id)`` index; the ``linked`` release
    is kept in the list however old it is, so the form still shows it chosen."""
    columns = sa.select(Release.id, Release.title)
    rows = list(
        db.session.execute(
            columns.order_by(Release.created_at.desc(), Release.id.desc()).limit(limit)
        )
    )
    if linked is not None and all(row.id != linked for row in rows):
        rows += db.session.execute(columns.where(Release.id == linked)).all()
    return rows
