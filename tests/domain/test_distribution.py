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


WRITTEN = EMBARGO - timedelta(hours=2)
AMY = Contact(1, "amy@echo.example")


def facts(**changes):
    """A message of a distribution sent when the release goes public, as it stands."""
    values = {
        "kind": d.ON_PUBLICATION,
        "contact": AMY,
        "release_state": "scheduled",
        "embargo_until": EMBARGO,
        "approved_at": WRITTEN - timedelta(minutes=5),
        "written_at": WRITTEN,
    }
    return d.MessageFacts(**(values | changes))


def copy(**changes):
    """An embargoed copy of the release, stating the embargo as it was written."""
    values = {
        "kind": d.EMBARGOED_COPY,
        "embargo_line": d.embargo_banner(EMBARGO),
        "link_expires_at": EMBARGO + timedelta(days=7),
    }
    return facts(**(values | changes))


@pytest.mark.parametrize(
    ("message", "now", "answer", "reason"),
    [
        # What may go: at the embargo instant, never before it; an embargoed copy before it.
        (facts(), BEFORE, d.WAIT, None),
        (facts(), EMBARGO, d.SEND, None),
        (facts(release_state="published", embargo_until=None), BEFORE, d.SEND, None),
        (copy(), BEFORE, d.SEND, None),
        # What the office took back, whenever the worker comes to it.
        (facts(release_state="withdrawn"), AFTER, d.DROP, "The release was withdrawn"),
        (facts(release_state="approved"), BEFORE, d.DROP, "The release was unscheduled"),
        (facts(release_state="draft"), AFTER, d.DROP, "The release was edited"),
        (
            facts(distribution_cancelled=True, cancel_reason="The release was withdrawn"),
            EMBARGO,
            d.DROP,
            "Cancelled: The release was withdrawn",
        ),
        (facts(approved_at=WRITTEN), EMBARGO, d.SEND, None),  # approved at the same instant
        (
            facts(approved_at=WRITTEN + timedelta(seconds=1)),
            EMBARGO,
            d.DROP,
            "approved again after this copy was written",
        ),
        # Do-not-contact wins over everything, and is said first.
        (
            facts(contact=Contact(1, "amy@echo.example", do_not_contact=True)),
            EMBARGO,
            d.DROP,
            "Do not contact",
        ),
        (
            facts(contact=Contact(1, None, anonymised_at=WRITTEN), release_state="withdrawn"),
            AFTER,
            d.DROP,
            "Do not contact",
        ),
        (facts(contact=None), EMBARGO, d.DROP, "The contact was removed"),
        (facts(kind=None), EMBARGO, d.DROP, "No longer part of a distribution"),
        # An embargoed copy: its link taken back, the embargo it states no longer true.
        (copy(link_revoked_at=WRITTEN), BEFORE, d.DROP, "revoked or expired"),
        (copy(link_expires_at=BEFORE), BEFORE, d.DROP, "revoked or expired"),
        (
            copy(embargo_until=EMBARGO + timedelta(hours=3)),
            BEFORE,
            d.DROP,
            "The embargo moved after this copy was written",
        ),
        (copy(), EMBARGO, d.DROP, "no longer scheduled"),  # the embargo has lifted
    ],
)
def test_whether_a_message_may_still_go_at_the_instant_a_worker_claims_it(
    message, now, answer, reason
):
    verdict = d.may_message_go(message, now)
    assert verdict.answer == answer
    if reason is None:
        assert verdict.reason is None
    else:
        assert reason in verdict.reason
    assert verdict.until == (EMBARGO if answer == d.WAIT else None)
