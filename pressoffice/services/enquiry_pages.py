"""The enquiry log a page at a time, newest first, however long the log grows.

A page is found by where it starts, not by how many rows come before it (keyset paging on
``(received_at, id)``): the next page is "the 50 enquiries received before the last one shown",
read from an index in the same time at the 4,000th page as at the first. Links carry a position
(``after`` or ``before``), and the newest and oldest pages are always one step away; to reach a
date, filter by the dates received.

How many match is counted exactly up to ``COUNT_LIMIT`` and said in words beyond it ("more than
10,000"), so counting never reads the whole log either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..domain import enquiries as rules
from ..extensions import db
from ..models import MAX_ID, Enquiry, UTCDateTime
from .enquiry_filters import EnquiryFilters, filtered_query
from .errors import ValidationFailed

COUNT_LIMIT = 10_000
NEWEST, OLDEST = "newest", "oldest"

_POSITION = re.compile(r"^(\d{20})-(\d{1,10})$")


def position_of(enquiry: Enquiry) -> str:
    """Where an enquiry stands in the log, as a link carries it: its time received to the
    microsecond (UTC) and its number, e.g. ``20161129100000000000-42``."""
    return f"{enquiry.received_at.astimezone(UTC):%Y%m%d%H%M%S%f}-{enquiry.id}"


def parse_position(value: Any, name: str) -> tuple[datetime, int]:
    """A position from a link; a hand-edited one is refused with the argument named."""
    match = _POSITION.match(str(value or "").strip())
    problem = "Not a position in the log: follow the links to newer or older enquiries"
    if not match:
        raise ValidationFailed({name: problem}, problem)
    try:
        instant = datetime.strptime(match.group(1), "%Y%m%d%H%M%S%f").replace(tzinfo=UTC)
    except ValueError:
        raise ValidationFailed({name: problem}, problem) from None
    number = int(match.group(2))
    if not 1 <= number <= MAX_ID:
        raise ValidationFailed({name: problem}, problem)
    return instant, number


@dataclass
class Count:
    """How many enquiries match: exact up to ``COUNT_LIMIT``, "more than" beyond."""

    value: int
    more: bool = False

    def __str__(self) -> str:
        return f"more than {self.value:,}" if self.more else f"{self.value:,}"


@dataclass
class LogPage:
    """One page of the log, newest first. ``newer`` and ``older`` are the positions of the
    pages either side (None at either end); ``where`` says which end the page is at."""

    items: list[Enquiry]
    per_page: int
    total: Count
    filters: EnquiryFilters = field(default_factory=EnquiryFilters)
    newer: str | None = None
    older: str | None = None
    where: str | None = None  # NEWEST, OLDEST, or None for a page in between
    duty: bool = False  # in the duty officer's order: NEWEST is then its first page

    @property
    def at_newest(self) -> bool:
        return self.newer is None

    @property
    def at_oldest(self) -> bool:
        return self.older is None

    @property
    def first_index(self) -> int:
        """Row numbers are known only from the newest end."""
        return 1 if self.items else 0

    @property
    def last_index(self) -> int:
        return len(self.items)


def count_matching(query: sa.Select, limit: int | None = None) -> Count:
    """Count the rows of ``query``, reading at most ``limit + 1`` of them from the index
    (default ``COUNT_LIMIT``)."""
    limit = COUNT_LIMIT if limit is None else limit
    bounded = query.with_only_columns(Enquiry.id).order_by(None).limit(limit + 1).subquery()
    found = db.session.scalar(sa.select(sa.func.count()).select_from(bounded)) or 0
    return Count(limit, more=True) if found > limit else Count(found)


def _older_than(instant: datetime, number: int):
    # Written so that both databases walk the (received_at, id) index from the position.
    return sa.and_(
        Enquiry.received_at <= instant,
        sa.or_(Enquiry.received_at < instant, Enquiry.id < number),
    )


def _newer_than(instant: datetime, number: int):
    return sa.and_(
        Enquiry.received_at >= instant,
        sa.or_(Enquiry.received_at > instant, Enquiry.id > number),
    )


def log_page(
    filters: EnquiryFilters,
    *,
    now: datetime,
    per_page: int,
    after: Any = None,
    before: Any = None,
    oldest: bool = False,
) -> LogPage:
    """The page of enquiries matching ``filters`` just older than position ``after``, or just
    newer than position ``before``, or the oldest page, or else the newest page. Enquiries
    still to be dealt with come in the duty officer's order instead (see ``duty_page``)."""
    if filters.duty_order:
        return duty_page(
            filters, now=now, per_page=per_page, after=after, before=before, last=oldest
        )
    matching = filtered_query(filters, now)
    query = matching.options(joinedload(Enquiry.assignee))
    newest_first = (Enquiry.received_at.desc(), Enquiry.id.desc())
    oldest_first = (Enquiry.received_at.asc(), Enquiry.id.asc())
    has_newer = has_older = None
    if after not in (None, ""):
        query = query.where(_older_than(*parse_position(after, "after")))
        rows = list(db.session.scalars(query.order_by(*newest_first).limit(per_page + 1)))
        items, has_older = rows[:per_page], len(rows) > per_page
    elif before not in (None, "") or oldest:
        if not oldest:
            query = query.where(_newer_than(*parse_position(before, "before")))
        rows = list(db.session.scalars(query.order_by(*oldest_first).limit(per_page + 1)))
        items, has_newer = list(reversed(rows[:per_page])), len(rows) > per_page
        if oldest:
            has_older = False
    else:
        rows = list(db.session.scalars(query.order_by(*newest_first).limit(per_page + 1)))
        items, has_older, has_newer = rows[:per_page], len(rows) > per_page, False
    if not items and not oldest and (has_newer is None or has_older is None):
        # Nothing beyond that position any more (removed since the link was made): show the
        # end of the log it pointed towards.
        towards_oldest = after not in (None, "")
        return log_page(filters, now=now, per_page=per_page, oldest=towards_oldest)

    def any_beyond(condition) -> bool:
        found = db.session.scalar(matching.with_only_columns(Enquiry.id).where(condition).limit(1))
        return found is not None

    if items and has_newer is None:
        has_newer = any_beyond(_newer_than(items[0].received_at, items[0].id))
    if items and has_older is None:
        has_older = any_beyond(_older_than(items[-1].received_at, items[-1].id))
    return LogPage(
        items=items,
        per_page=per_page,
        total=count_matching(matching),
        filters=filters,
        newer=position_of(items[0]) if items and has_newer else None,
        older=position_of(items[-1]) if items and has_older else None,
        where=NEWEST if not has_newer else OLDEST if not has_older else None,
    )


# --- the duty officer's order ------------------------------------------------------------------

# Stands for "no deadline" in the order, after every real one.
_NO_DEADLINE = datetime(9999, 12, 31, tzinfo=UTC)
_DUTY_POSITION = re.compile(r"^d([0-3])-(\d{20})-(\d{20})-(\d{1,10})$")
_STAMP = "%Y%m%d%H%M%S%f"


def _duty_key(now: datetime):
    """The order as SQL, column for column what ``duty_position`` writes down (see
    ``rules.duty_rank``)."""
    open_statuses = Enquiry.status.in_(rules.OPEN_STATUSES)
    rank = sa.case(
        (sa.and_(open_statuses, Enquiry.deadline < now), rules.DUTY_OVERDUE),
        (open_statuses, rules.DUTY_WAITING),
        (Enquiry.status == rules.ANSWERED, rules.DUTY_ANSWERED),
        else_=rules.DUTY_CLOSED,
    )
    deadline = sa.func.coalesce(Enquiry.deadline, sa.literal(_NO_DEADLINE, UTCDateTime()))
    return (rank, deadline, Enquiry.received_at, Enquiry.id)


def duty_position(enquiry: Enquiry, now: datetime) -> str:
    """Where an enquiry stands in the duty officer's order at ``now``, as a link carries it."""
    rank = rules.duty_rank(enquiry.status, enquiry.deadline, now)
    deadline = enquiry.deadline or _NO_DEADLINE
    return (
        f"d{rank}-{deadline.astimezone(UTC):{_STAMP}}-"
        f"{enquiry.received_at.astimezone(UTC):{_STAMP}}-{enquiry.id}"
    )


def _parse_duty_position(value: Any, name: str) -> tuple:
    match = _DUTY_POSITION.match(str(value or "").strip())
    problem = "Not a position in the log: follow the links to newer or older enquiries"
    if not match:
        raise ValidationFailed({name: problem}, problem)
    try:
        deadline, received = (
            datetime.strptime(match.group(n), _STAMP).replace(tzinfo=UTC) for n in (2, 3)
        )
    except ValueError:
        raise ValidationFailed({name: problem}, problem) from None
    number = int(match.group(4))
    if not 1 <= number <= MAX_ID:
        raise ValidationFailed({name: problem}, problem)
    return int(match.group(1)), deadline, received, number


def _beyond(key, position: tuple, later: bool):
    values = sa.tuple_(
        sa.literal(position[0]),
        sa.literal(position[1], UTCDateTime()),
        sa.literal(position[2], UTCDateTime()),
        sa.literal(position[3]),
    )
    row = sa.tuple_(*key)
    return row > values if later else row < values


def duty_page(
    filters: EnquiryFilters,
    *,
    now: datetime,
    per_page: int,
    after: Any = None,
    before: Any = None,
    last: bool = False,
) -> LogPage:
    """A page of the enquiries still to be dealt with, in the duty officer's order: overdue
    first (the longest overdue first), then by deadline (none last), then the longest waiting.
    Paged by position like the rest of the log: ``after`` the next page, ``before`` the one
    before, ``last`` the end of the list. The enquiries not closed are few beside the whole
    log, so ordering them costs little however long the log grows."""
    matching = filtered_query(filters, now)
    key = _duty_key(now)
    query = matching.options(joinedload(Enquiry.assignee))
    forwards = [part.asc() for part in key]
    backwards = [part.desc() for part in key]
    has_earlier = has_later = None
    if after not in (None, ""):
        query = query.where(_beyond(key, _parse_duty_position(after, "after"), later=True))
        rows = list(db.session.scalars(query.order_by(*forwards).limit(per_page + 1)))
        items, has_later = rows[:per_page], len(rows) > per_page
    elif before not in (None, "") or last:
        if not last:
            query = query.where(_beyond(key, _parse_duty_position(before, "before"), later=False))
        rows = list(db.session.scalars(query.order_by(*backwards).limit(per_page + 1)))
        items, has_earlier = list(reversed(rows[:per_page])), len(rows) > per_page
        if last:
            has_later = False
    else:
        rows = list(db.session.scalars(query.order_by(*forwards).limit(per_page + 1)))
        items, has_later, has_earlier = rows[:per_page], len(rows) > per_page, False
    if not items and not last and (has_earlier is None or has_later is None):
        return duty_page(filters, now=now, per_page=per_page, last=after not in (None, ""))

    def any_beyond(enquiry: Enquiry, later: bool) -> bool:
        position = _parse_duty_position(duty_position(enquiry, now), "position")
        condition = _beyond(key, position, later=later)
        # In the order, so the planner reads the few enquiries not closed through the status
        # index rather than scanning the whole log for one row.
        query = matching.with_only_columns(Enquiry.id).where(condition)
        found = db.session.scalar(query.order_by(*(forwards if later else backwards)).limit(1))
        return found is not None

    if items and has_earlier is None:
        has_earlier = any_beyond(items[0], later=False)
    if items and has_later is None:
        has_later = any_beyond(items[-1], later=True)
    return LogPage(
        items=items,
        per_page=per_page,
        total=count_matching(matching),
        filters=filters,
        newer=duty_position(items[0], now) if items and has_earlier else None,
        older=duty_position(items[-1], now) if items and has_later else None,
        where=NEWEST if not has_earlier else OLDEST if not has_later else None,
        duty=True,
    )
