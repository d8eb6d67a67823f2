"""The acknowledgement of a new emailed enquiry, as the journalist receives it through a real
SMTP server: threaded on their message, Auto-Submitted: auto-replied, from the office's address,
at most once per sender an hour (at the exact boundary), and never to a machine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pressoffice.domain.mail_out import ACKNOWLEDGE_EVERY
from tests.mail.outgoing_helpers import (
    OFFICE,
    emailed_enquiry,
    just_under,
    out_messages,
)

# Tuesday 29 November 2016, 10:00 GMT: office hours.
TUESDAY = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)
# Friday 2 December 2016, 17:00:00 GMT: the office has just closed.
FRIDAY_CLOSING = datetime(2016, 12, 2, 17, 0, tzinfo=UTC)


def test_acknowledgement_is_delivered_threaded_and_auto_replied(
    app_ctx, office, smtp_server, queue, clock
):
    clock.set(TUESDAY)
    reference, _in_id, out_id = emailed_enquiry(
        TUESDAY, message_id="<first@newsroom.example>", references="<earlier@newsroom.example>"
    )
    assert out_id is not None
    assert queue.run() == 1
    [(recipients, delivered)] = smtp_server.messages
    assert recipients == ["jo@newsroom.example"]
    assert delivered["From"].addresses[0].addr_spec == OFFICE
    assert delivered["Subject"] == f"Re: Flood defence figures [{reference}]"
    assert delivered["In-Reply-To"] == "<first@newsroom.example>"
    assert delivered["References"] == "<earlier@newsroom.example> <first@newsroom.example>"
    assert delivered["Auto-Submitted"] == "auto-replied"
    assert delivered["X-Auto-Response-Suppress"] == "All"
    body = delivered.get_content()
    assert f"Your reference is {reference}." in body
    assert "during office hours" in body
    assert "call the press office on" in body
    # The Message-ID it went with is the key a reply to it is found by.
    [stored] = out_messages(reference, "acknowledgement")
    assert delivered["Message-ID"] == f"<{stored.message_key}>"
    assert stored.from_address == OFFICE
    assert stored.to_addresses == "jo@newsroom.example"


def test_acknowledgement_out_of_hours_names_the_duty_line_and_the_next_opening(
    app_ctx, office, smtp_server, queue, clock
):
    clock.set(FRIDAY_CLOSING)
    emailed_enquiry(FRIDAY_CLOSING)
    queue.run()
    [(_r, delivered)] = smtp_server.messages
    body = delivered.get_content()
    assert "out of hours, at 17:00 GMT on Friday 2 December 2016" in body
    assert "call the duty press officer on" in body
    assert "at 08:30 GMT on Monday 5 December." in body


def test_one_acknowledgement_per_sender_an_hour_at_the_exact_boundary(
    app_ctx, office, smtp_server, queue, clock
):
    first = TUESDAY
    clock.set(first)
    _ref, _m, acknowledged = emailed_enquiry(first)
    assert acknowledged is not None
    # A second new enquiry from the same sender a microsecond before the hour is up: none.
    clock.set(first + just_under(ACKNOWLEDGE_EVERY))
    _ref, _m, second = emailed_enquiry(first + just_under(ACKNOWLEDGE_EVERY))
    assert second is None
    # Another sender in the meantime is acknowledged.
    _ref, _m, other = emailed_enquiry(
        first + timedelta(minutes=30), sender="sam@broadcast.example", name="Sam"
    )
    assert other is not None
    # The same sender, in another case, exactly an hour after the first: acknowledged again.
    clock.set(first + ACKNOWLEDGE_EVERY)
    _ref, _m, third = emailed_enquiry(first + ACKNOWLEDGE_EVERY, sender="JO@newsroom.example")
    assert third is not None
    queue.run()
    assert sorted(smtp_server.recipients) == [
        "JO@newsroom.example",
        "jo@newsroom.example",
        "sam@broadcast.example",
    ]


@pytest.mark.parametrize(
    "sender",
    [
        "noreply@newsroom.example",
        "no-reply@newsroom.example",
        "MAILER-DAEMON@mx.example",
        "postmaster@newsroom.example",
        "press-request@lists.example",
        OFFICE,
    ],
)
def test_never_acknowledges_a_no_reply_sender_nor_the_office(
    app_ctx, office, smtp_server, queue, clock, sender
):
    reference, _m, out_id = emailed_enquiry(TUESDAY, sender=sender)
    assert out_id is None
    assert out_messages(reference) == []
    queue.run()
    assert smtp_server.messages == []


def test_never_acknowledges_automatic_mail(app_ctx, office, smtp_server, queue, clock):
    reference, _m, out_id = emailed_enquiry(TUESDAY, automatic=True)
    assert out_id is None
    queue.run()
    assert smtp_server.messages == []


def test_acknowledgements_switched_off(app, app_ctx, office, smtp_server, queue, clock):
    app.config["MAIL_ACKNOWLEDGE"] = False
    _ref, _m, out_id = emailed_enquiry(TUESDAY)
    assert out_id is None
    queue.run()
    assert smtp_server.messages == []
