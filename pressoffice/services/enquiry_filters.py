"""What the enquiry log is narrowed to: the filters of the log page, the CSV export and the
API, read from query-string arguments and turned into one SELECT."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from ..domain import enquiries as rules
from ..domain.routing import ROUTES, OfficeCalendar
from ..extensions import db
from ..models import MAX_ID, Enquiry, User
from .errors import ValidationFailed
from .text_search import contains


def row_id(value: Any) -> int | None:
    """``value`` as an id the database can hold, or None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= MAX_ID else None


UNASSIGNED = "none"

# What the free-text search reads on PostgreSQL: the searched columns joined by a character
# nobody types (chr(31)), so a match never runs from one field into the next. The expression
# of the trigram index ix_enquiries_search_trgm (migration 0005), column for column:
# PostgreSQL uses the index only for the same expression. (Named with their table here, since
# the log's query joins the assignee's row.)
SEARCH_TEXT_SQL = (
    "(enquiries.reference || chr(31) || enquiries.journalist_name || chr(31)"
    " || enquiries.outlet || chr(31) || enquiries.subject || chr(31) || enquiries.details"
    " || chr(31) || coalesce(enquiries.email, ''))"
)


@dataclass
class EnquiryFilters:
    """What the log is narrowed to. Dates are London dates, inclusive."""

    route: str | None = None
    status: str | None = None  # a status, or "open"
    assignee: str | None = None  # a user id, or "none" for nobody
    outlet: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = None
    overdue: bool = False
    needs_attention: bool = False
    release_id: int | None = None
    # Read for the log page, which opens on the open work (new or assigned): "any status" is
    # then said out loud ("all"), so links keep it.
    log_view: bool = False

    def as_args(self) -> dict[str, str]:
        """Query-string arguments that reproduce these filters (for paging and CSV links)."""
        status = self.status
        if self.log_view:
            status = status or ALL_STATUSES
        args = {
            "route": self.route,
            "status": status,
            "assignee": self.assignee,
            "outlet": self.outlet,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "q": self.q,
            "overdue": "1" if self.overdue else None,
            "attention": "1" if self.needs_attention else None,
        }
        return {key: value for key, value in args.items() if value}

    @property
    def active(self) -> bool:
        """Whether anything narrows the log beyond its opening view or the whole of it."""
        args = self.as_args()
        if self.log_view and args.get("status") in ("open", ALL_STATUSES):
            del args["status"]
        return bool(args)

    @property
    def duty_order(self) -> bool:
        """Whether the log lists these in the duty officer's order (overdue first, then by
        deadline, then the longest waiting) rather than newest first: so it does for the
        enquiries still to be dealt with."""
        return self.status in ("open", UNCLOSED, rules.NEW, rules.ASSIGNED)


STATUS_FILTERS = (*rules.STATUSES, "open")
# Only the log page's own filters: every enquiry not closed (its opening view), and any status.
UNCLOSED, ALL_STATUSES = "unclosed", "all"


def parse_filters(args: Mapping[str, Any], *, log_view: bool = False) -> EnquiryFilters:
    """Read filters from query-string arguments (the log page and the API use the same names:
    route, status, assignee, outlet, from, to, q, overdue, attention). An unknown value is
    refused with the field named, never ignored.

    For the log page (``log_view``) no status means the open work (new or assigned), and the
    status ``all`` means any status."""
    errors: dict[str, str] = {}

    def text(name: str, limit: int = 200) -> str | None:
        value = rules.clean_text(args.get(name))
        if len(value) > limit:
            errors[name] = f"Must be {limit} characters or fewer"
        return value or None

    route = text("route")
    if route and route not in ROUTES:
        errors["route"] = "Route must be office_hours or out_of_hours"
    status = text("status")
    if log_view:
        status = None if status == ALL_STATUSES else status or "open"
    if status and status not in STATUS_FILTERS and not (log_view and status == UNCLOSED):
        errors["status"] = "Status must be one of " + ", ".join(STATUS_FILTERS)
    assignee = text("assignee")
    if assignee and assignee != UNASSIGNED:
        key = row_id(assignee) if assignee.isdigit() else None
        if key is None or db.session.get(User, key) is None:
            errors["assignee"] = "No such member of staff"
    dates = {}
    for name in ("from", "to"):
        value = text(name)
        dates[name] = None
        if value:
            try:
                dates[name] = date.fromisoformat(value)
            except ValueError:
                errors[name] = "Enter a date like 2016-12-27"
    if dates["from"] and dates["to"] and dates["to"] < dates["from"]:
        errors["to"] = "The end date must be on or after the start date"
    if errors:
        raise ValidationFailed(errors, "Some filters need correcting")
    return EnquiryFilters(
        route=route,
        status=status,
        assignee=assignee,
        outlet=text("outlet"),
        date_from=dates["from"],
        date_to=dates["to"],
        q=text("q"),
        overdue=rules.clean_text(args.get("overdue")) in ("1", "true", "on", "yes"),
        needs_attention=rules.clean_text(args.get("attention")) in ("1", "true", "on", "yes"),
        log_view=log_view,
    )


def _london_midnight(day: date, calendar: OfficeCalendar) -> datetime:
    return datetime.combine(day, time(0), tzinfo=calendar.timezone).astimezone(UTC)


def filtered_query(filters: EnquiryFilters, now: datetime) -> sa.Select:
    """SELECT of the enquiries matching ``filters``, newest first."""
    calendar = OfficeCalendar.from_config(current_app.config)
    query = sa.select(Enquiry)
    if filters.route:
        query = query.where(Enquiry.route == filters.route)
    if filters.status == "open":
        query = query.where(Enquiry.status.in_(rules.OPEN_STATUSES))
    elif filters.status == UNCLOSED:
        query = query.where(Enquiry.status.in_(rules.UNCLOSED_STATUSES))
    elif filters.status:
        query = query.where(Enquiry.status == filters.status)
    if filters.assignee == UNASSIGNED:
        query = query.where(Enquiry.assignee_id.is_(None))
    elif filters.assignee:
        query = query.where(Enquiry.assignee_id == int(filters.assignee))
    if filters.outlet:
        query = query.where(contains(Enquiry.outlet, filters.outlet))
    if filters.date_from:
        query = query.where(Enquiry.received_at >= _london_midnight(filters.date_from, calendar))
    if filters.date_to:
        end = _london_midnight(filters.date_to + timedelta(days=1), calendar)
        query = query.where(Enquiry.received_at < end)
    if filters.q and db.session.get_bind().dialect.name == "postgresql":
        # One text of every searched column, matched through its trigram index.
        query = query.where(contains(sa.literal_column(SEARCH_TEXT_SQL), filters.q))
    elif filters.q:
        # SQLite has no trigram index: each column is searched in turn.
        query = query.where(
            sa.or_(
                *(
                    contains(column, filters.q)
                    for column in (
                        Enquiry.reference,
                        Enquiry.journalist_name,
                        Enquiry.outlet,
                        Enquiry.subject,
                        Enquiry.details,
                        Enquiry.email,
                    )
                )
            )
        )
    if filters.overdue:
        query = query.where(Enquiry.status.in_(rules.OPEN_STATUSES), Enquiry.deadline < now)
    if filters.needs_attention:
        query = query.where(Enquiry.needs_attention.is_(True))
    if filters.release_id:
        query = query.where(Enquiry.release_id == filters.release_id)
    return query
