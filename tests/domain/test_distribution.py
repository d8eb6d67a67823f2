"""Who a distribution reaches and when each message may go: truth tables at the embargo."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from pressoffice.domain import distribution as d

EMBARGO = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 01:30 BST, the night the clocks go back
BEFORE = EMBARGO - timedelta(seconds=1)
AFTER = EMBARGO + timedelta(seconds=1)


@dataclass
class Contact:
    id: int
    email: str | None
    do_not_contact: bool = False
    anonymised_at: datetime | None = None


def test_each_contact_once_by_email_in_any_case_and_do_not_contact_always_wins():
    plan = d.choose_recipients(
        [
            Contact(1, "jo@example.com"),
            Contact(2, "JO@example.com"),
            Contact(3, "sam@example.com", do_not_contact=True),
            Contact(4, "gone@example.com", anonymised_at=EMBARGO),
            Contact(5, None),
            Contact(6, "amy@example.com"),
        ]
    )
    assert [c.id for c in plan.to_send] == [1, 6]
    assert [c.id for c in plan.skipped_do_not_contact] == [3, 4, 5]
    assert plan.duplicates == 1


@pytest.mark.parametrize(
    ("kind", "state", "now", "ok"),
    [
        (d.EMBARGOED_COPY, "scheduled", BEFORE, True),
        (d.EMBARGOED_COPY, "scheduled", EMBARGO, False),  # the embargo has lifted: it is public
        (d.EMBARGOED_COPY, "approved", BEFORE, False),
        (d.EMBARGOED_COPY, "published", AFTER, False),
        (d.ON_PUBLICATION, "scheduled", BEFORE, True),
        (d.ON_PUBLICATION, "scheduled", EMBARGO, True),
        (d.ON_PUBLICATION, "published", AFTER, True),
        (d.ON_PUBLICATION, "approved", BEFORE, False),
        (d.ON_PUBLICATION, "draft", BEFORE, False),
        (d.ON_PUBLICATION, "withdrawn", AFTER, False),
        ("leaflet", "scheduled", BEFORE, False),
    ],
)
def test_which_releases_may_be_distributed(kind, state, now, ok):
    decision = d.may_distribute(kind, state, EMBARGO, now)
    assert decision.ok is ok
    assert decision.ok or decision.reason


@pytest.mark.parametrize(
    ("kind", "state", "now", "send_at"),
    [
        (d.ON_PUBLICATION, "scheduled", BEFORE, EMBARGO),
        (d.ON_PUBLICATION, "scheduled", EMBARGO, EMBARGO),
        (d.ON_PUBLICATION, "published", AFTER, AFTER),
        (d.EMBARGOED_COPY, "scheduled", BEFORE, BEFORE),
    ],
)
def test_a_release_sent_on_publication_goes_at_the_embargo_instant(kind, state, now, send_at):
    assert d.send_at_for(kind, state, EMBARGO, now) == send_at


@pytest.mark.parametrize(
    ("kind", "state", "now", "answer"),
    [
        (d.ON_PUBLICATION, "scheduled", BEFORE, (d.WAIT, EMBARGO)),
        (d.ON_PUBLICATION, "scheduled", EMBARGO, (d.SEND, None)),
        (d.ON_PUBLICATION, "published", BEFORE, (d.SEND, None)),  # broken embargo: public now
        (d.ON_PUBLICATION, "approved", AFTER, (d.DROP, None)),  # unscheduled
        (d.ON_PUBLICATION, "draft", AFTER, (d.DROP, None)),  # edited: approval void
        (d.ON_PUBLICATION, "withdrawn", AFTER, (d.DROP, None)),
        (d.EMBARGOED_COPY, "scheduled", BEFORE, (d.SEND, None)),
        (d.EMBARGOED_COPY, "scheduled", EMBARGO, (d.DROP, None)),
        (d.EMBARGOED_COPY, "approved", BEFORE, (d.DROP, None)),
    ],
)
def test_a_message_never_goes_before_the_embargo_nor_for_a_release_no_longer_approved(
    kind, state, now, answer
):
    assert d.may_deliver(kind, state, EMBARGO, now) == answer


@pytest.mark.parametrize(
    ("counts", "now", "status"),
    [
        ({d.QUEUED: 3}, BEFORE, "scheduled"),
        ({d.QUEUED: 2, d.SENT: 1}, AFTER, "sending"),
        ({d.QUEUED: 3}, AFTER, "sending"),
        ({d.SENT: 3}, AFTER, "sent"),
        ({d.SENT: 2, d.FAILED: 1}, AFTER, "sent with failures"),
        ({d.CANCELLED: 3}, AFTER, "cancelled"),
        ({}, AFTER, "sent"),
    ],
)
def test_one_word_for_a_distributions_progress(counts, now, status):
    assert d.summary_status(counts, EMBARGO, now) == status
