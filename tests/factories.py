"""Factories with overrides: build exactly the rows a test needs, through the real services
where a rule applies, so a test's setup obeys the same rules as a user."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

from pressoffice.services import accounts

DEFAULT_PASSWORD = "correct-horse-battery"

_sequence = count(1)


def make_user(**overrides):
    number = next(_sequence)
    values = {
        "email": f"user{number}@example.org",
        "name": f"User {number}",
        "role": "officer",
        "password": DEFAULT_PASSWORD,
        "now": datetime(2016, 1, 1, tzinfo=UTC),
    }
    values.update(overrides)
    return accounts.create_user(**values)


def make_enquiry(received_at=None, logged_by=None, now=None, **overrides):
    """An enquiry logged through the real service (routed, referenced, assigned by the rota).
    ``now`` defaults to ``received_at``; ``logged_by`` None logs it as a member of the public
    would, at ``now``."""
    from pressoffice.services import enquiries

    received_at = received_at or datetime(2016, 11, 29, 10, 0, tzinfo=UTC)
    values = {
        "journalist_name": "Jo Reporter",
        "outlet": "The Daily Example",
        "email": "jo@example.com",
        "phone": "",
        "subject": "Waiting times",
        "details": "How many cases are waiting?",
        "deadline": received_at + timedelta(hours=4),
        "channel": "phone",
    }
    values.update(overrides)
    return enquiries.log_enquiry(
        values, now=now or received_at, received_at=received_at, logged_by=logged_by
    )


# --- releases ---------------------------------------------------------------------------------

RELEASE_STATES = ("draft", "in_review", "approved", "scheduled", "published", "withdrawn")


def release_content(**overrides):
    """Complete release content, ready for review; override any part."""
    values = {
        "title": "Inspectors find steady progress in child protection",
        "summary": "A follow-up inspection found the force committed to improving.",
        "body": "Inspectors returned in August to check progress.\n\nThey found improvements.",
        "quotes": [
            {
                "speaker": "Ann Lee",
                "role": "Chief Inspector",
                "text": "I am pleased with the progress the force has made.",
            }
        ],
        "links": [{"label": "Get the report", "url": "https://example.org/report.pdf"}],
        "notes": ["The inspection took place in August."],
    }
    values.update(overrides)
    return values


def create_release(
    *,
    state="draft",
    author=None,
    approver=None,
    now=None,
    embargo_until=None,
    withdrawal_reason="The figures in the third paragraph were wrong.",
    **content,
):
    """A release brought to ``state`` through the real use cases, so it obeys every rule:
    written by ``author`` (a new officer by default), signed off by ``approver`` (a new
    approver), scheduled for ``embargo_until`` (an hour after ``now``) when ``scheduled``.
    ``now`` defaults to the app's clock."""
    from datetime import timedelta

    from pressoffice import clock
    from pressoffice.services import releases

    if state not in RELEASE_STATES:
        raise ValueError(f"unknown release state {state!r}")
    now = now or clock.now()
    author = author or make_user(role="officer")
    release = releases.create_release(actor=author, now=now, **release_content(**content))
    steps = RELEASE_STATES.index(state)
    if steps >= 1:
        releases.submit_release(release.id, actor=author, now=now)
    if steps >= 2:
        approver = approver or make_user(role="approver")
        releases.approve_release(release.id, actor=approver, now=now)
    if state == "scheduled":
        releases.schedule_release(
            release.id,
            actor=author,
            embargo_until=embargo_until or now + timedelta(hours=1),
            now=now,
        )
    elif steps >= 4:
        releases.publish_release(release.id, actor=author, now=now)
    if state == "withdrawn":
        releases.withdraw_release(release.id, actor=approver, reason=withdrawal_reason, now=now)
    return releases.get_release(release.id)
