"""Newest-first pages read by id (the outbox and notifications pages): the next page starts
below the last row shown, and a ?before= that is not a plain number is ignored."""

from dataclasses import dataclass

import pytest

from pressoffice.services.paging import newest_first_page


@dataclass
class Row:
    id: int


ROWS = [Row(n) for n in range(7, 0, -1)]  # ids 7..1, newest first


def fetch(limit, before_id):
    return [r for r in ROWS if before_id is None or r.id < before_id][:limit]


def test_pages_follow_on_from_the_last_row_shown_and_the_last_page_says_so():
    first, after = newest_first_page(fetch, "", 3)
    assert ([r.id for r in first], after) == ([7, 6, 5], 5)
    second, after = newest_first_page(fetch, str(after), 3)
    assert ([r.id for r in second], after) == ([4, 3, 2], 2)
    last, after = newest_first_page(fetch, str(after), 3)
    assert ([r.id for r in last], after) == ([1], None)


@pytest.mark.parametrize("before", ["-1", "5x", "1" * 11, None, ["5"], "٥"])
def test_a_before_that_is_not_a_plain_number_starts_at_the_newest(before):
    rows, _after = newest_first_page(fetch, before, 3)
    assert [r.id for r in rows] == [7, 6, 5]
