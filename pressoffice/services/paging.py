"""One page of a longer list, as the release lists, the newsroom and the enquiry log show it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass
class Page:
    """``items`` are the rows of page ``page`` (from 1), ``per_page`` to a page, out of
    ``total`` matching rows."""

    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are; an empty list still has one page."""
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        """The position of the first row on this page, from 1 (0 for an empty list)."""
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.page * self.per_page, self.total)


def newest_first_page(fetch, before: Any, per_page: int) -> tuple[list, int | None]:
    """One page of a list read newest first by id (the outbox, notifications): ``fetch(limit,
    before_id)`` answers the rows; ``before`` is the page's ``?before=`` argument, ignored
    unless it is a plain number. Answers the page's rows and the ``before`` of the next page
    (None on the last)."""
    text = before if isinstance(before, str) else ""
    before_id = int(text) if text.isascii() and text.isdigit() and len(text) <= 10 else None
    rows = list(fetch(per_page + 1, before_id))
    page = rows[:per_page]
    return page, (page[-1].id if len(rows) > per_page else None)
