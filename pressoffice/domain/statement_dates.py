"""A statement's review-by date: read as a date, and when it has passed (in London)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def parse_review_by(value: Any) -> tuple[date | None, str | None]:
    """A review-by date given as ``YYYY-MM-DD`` (or a date), or why it is not one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, datetime):
        return None, "Give the review-by date as a date, such as 2027-01-31"
    if isinstance(value, date):
        return value, None
    if not isinstance(value, str):
        return None, "Give the review-by date as a date, such as 2027-01-31"
    text = value.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None, "Give the review-by date as year-month-day, such as 2027-01-31"
    try:
        return date.fromisoformat(text), None
    except ValueError:
        return None, "The review-by date must be a real date, such as 2027-01-31"


def london_date(now: datetime) -> date:
    """The date in London at ``now``."""
    return now.astimezone(LONDON).date()


def review_is_due(review_by: date | None, now: datetime) -> bool:
    """Past its review-by date: the London date at ``now`` is after it. On the date itself the
    statement still holds (until midnight in London)."""
    return review_by is not None and london_date(now) > review_by
