"""An answer given on an emailed enquiry goes back by email, through the outbox and a real SMTP
server: threaded on the journalist's latest message, from the office's address, Auto-Submitted:
auto-generated, once. Everything else the product sends carries Auto-Submitted too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest

from pressoffice.extensions import db
from pressoffice.models import MailMessage
from pressoffice.services import enquiries, mail, outbox, outbox_batches
from pressoffice.services.errors import WrongState
from pressoffice.services.outbox_delivery import Claimed
from pressoffice.services.unit_of_work import unit_of_work
from tests.factories import make_enquiry
from tests.mail.outgoing_helpers import (
    OFFICE,
    emailed_enquiry,
    out_messages,
)
from tests.statement_factories import make_approved_statement

TUESDAY = datetime(2016, 11, 29, 9, 0, tzinfo=UTC)
LATER = TUESDAY + timedelta(hours=1)


@unit_of_work
def _follow_up(reference: str, message_id: str, references: str, at: datetime) -> None:
    enquiry = enquiries.get_enquiry(reference)
    db.session.add(
        MailMessage(
            direction="in",
            message_key=message_id.strip("<>"),
            message_id=message_id,
            in_reply_to=references.split()[-1],
            references=references,
            from_address="jo@newsroom.example",
            to_addresses=OFFICE,
            subject=f"Re: Flood defence figures [{reference}]",
            text="And the cost?",
            at=at,
            size=50,
            enquiry_id=enquiry.id,
            outcome="follow_up",
            created_at=at,
        )
    )


def test_an_answer_is_emailed_threaded_from_the_office(
    app_ctx, quiet_office, officer, smtp_server, queue, clock
):
    clock.set(LATER)
    reference, _m, _ack = emailed_enquiry(TUESDAY, message_id="<q1@newsroom.example>")
    # Their follow-up is the latest message: the answer replies to it.
    _follow_up(
        reference, "<q2@newsroom.example>", "<q1@newsroom.example>", TUESDAY + timedelta(minutes=5)
    )
    enquiries.respond(reference, "4,000 homes are protected.", actor=officer, now=LATER)
    assert queue.run() == 1
    [(recipients, delivered)] = smtp_server.messages
    assert recipients == ["jo@newsroom.example"]
    assert delivered["From"].addresses[0].addr_spec == OFFICE
    assert delivered["To"].addresses[0].addr_spec == "jo@newsroom.example"
    assert delivered["Subject"] == f"Re: Flood defence figures [{reference}]"
    assert delivered["In-Reply-To"] == "<q2@newsroom.example>"
    assert delivered["References"] == "<q1@newsroom.example> <q2@newsroom.example>"
    assert delivered["Auto-Submitted"] == "auto-generated"
    assert "4,000 homes are protected." in delivered.get_content()
    assert reference in delivered.get_content()
    [answer] = out_messages(reference, "answer")
    assert delivered["Message-ID"] == f"<{answer.message_key}>"
    assert answer.in_reply_to == "<q2@newsroom.example>"


def test_a_second_answer_to_the_same_message_is_refused_and_nothing_more_is_sent(
    app_ctx, quiet_office, officer, smtp_server, queue, clock
):
    clock.set(LATER)
    reference, _m, _ack = emailed_enquiry(TUESDAY)
    enquiries.respond(reference, "The figures are attached.", actor=officer, now=LATER)
    with pytest.raises(WrongState):
        enquiries.respond(reference, "The figures are attached.", actor=officer, now=LATER)
    with pytest.raises(WrongState):
        enquiries.respond_and_close(reference, "Again", actor=officer, now=LATER)
    queue.run()
    assert len(smtp_server.messages) == 1
    assert len(out_messages(reference, "answer")) == 1


def test_reply_and_close_emails_the_answer(
    app_ctx, quiet_office, officer, smtp_server, queue, clock
):
    clock.set(LATER)
    reference, _m, _ack = emailed_enquiry(TUESDAY)
    closed = enquiries.respond_and_close(reference, "No comment.", actor=officer, now=LATER)
    assert closed.status == "closed"
    queue.run()
    [(_r, delivered)] = smtp_server.messages
    assert delivered["Subject"] == f"Re: Flood defence figures [{reference}]"


def test_send_false_records_the_answer_without_emailing(
    app_ctx, quiet_office, officer, smtp_server, queue, clock
):
    clock.set(LATER)
    reference, _m, _ack = emailed_enquiry(TUESDAY)
    answered = enquiries.respond(
        reference, "Said on the phone.", actor=officer, now=LATER, send=False
    )
    assert answered.status == "answered"
    queue.run()
    assert smtp_server.messages == []
    assert out_messages(reference) == []


def test_a_phone_enquiry_is_not_emailed(app_ctx, quiet_office, officer, smtp_server, queue, clock):
    logged = make_enquiry(channel="phone", email="jo@example.com")
    enquiries.respond(logged.reference, "Told them.", actor=officer, now=clock())
    queue.run()
    assert smtp_server.messages == []


def test_an_email_enquiry_logged_by_hand_is_answered_on_its_subject(
    app_ctx, quiet_office, officer, smtp_server, queue, clock
):
    logged = make_enquiry(channel="email", email="jo@example.com", subject="Waiting times")
    enquiries.respond(logged.reference, "Six weeks.", actor=officer, now=clock())
    queue.run()
    [(_r, delivered)] = smtp_server.messages
    assert delivered["Subject"] == f"Re: Waiting times [{logged.reference}]"
    assert delivered["In-Reply-To"] is None
    assert delivered["Auto-Submitted"] == "auto-generated"


@unit_of_work
def _notification():
    return outbox.queue_email(
        kind="notification:test",
        to_name="Olivia",
        to_address="olivia@example.org",
        subject="Assigned to you",
        text="An enquiry was assigned to you.",
    ).id


def test_every_outbox_message_says_it_was_sent_automatically(app_ctx, smtp_server, queue, clock):
    _notification()
    queue.run()
    [(_r, delivered)] = smtp_server.messages
    assert delivered["Auto-Submitted"] == "auto-generated"
    assert delivered["From"].addresses[0].addr_spec == app_ctx.config["MAIL_FROM"]


def test_a_distribution_batch_message_says_it_was_sent_automatically(app_ctx):
    claim = Claimed(
        id=1,
        attempt=1,
        to_name="Jo",
        to_address="jo@example.com",
        subject="Embargoed: x",
        body_text="Hello",
        body_html=None,
        headers={"List-Unsubscribe": "<https://u/1>"},
        message_id="<1@example.org>",
    )
    sender, raw = outbox_batches.compose_fast(claim, app_ctx.config, datetime.now(UTC))
    built = message_from_bytes(raw, policy=policy.default)
    assert built["Auto-Submitted"] == "auto-generated"
    assert sender == app_ctx.config["MAIL_FROM"]
    # A row sent from the office's own address goes from it, on the wire and in the header.
    claim = Claimed(
        **{**claim.__dict__, "headers": {"From": OFFICE, "Auto-Submitted": "auto-replied"}}
    )
    sender, raw = outbox_batches.compose_fast(claim, app_ctx.config, datetime.now(UTC))
    built = message_from_bytes(raw, policy=policy.default)
    assert sender == OFFICE
    assert built["From"].addresses[0].addr_spec == OFFICE
    assert built.get_all("Auto-Submitted") == ["auto-replied"]


def test_an_answer_from_a_statement_is_emailed_in_the_statements_words(
    app_ctx, quiet_office, officer, approver, smtp_server, queue, clock
):
    record = make_approved_statement(officer, approver)
    clock.set(LATER)
    reference, _m, _ack = emailed_enquiry(TUESDAY)
    enquiries.respond(reference, None, actor=officer, now=LATER, statement_id=record.id)
    queue.run()
    [(_r, delivered)] = smtp_server.messages
    assert (
        "We are cutting waiting times: 2,000 more patients are seen each week."
        in delivered.get_content()
    )
    [answer] = out_messages(reference, "answer")
    assert answer.text.startswith("We are cutting waiting times")


def test_once_retention_removes_the_journalist_the_timeline_names_no_address(
    app_ctx, app, quiet_office, officer, smtp_server, queue, clock
):
    app.config["MAIL_ACKNOWLEDGE"] = True
    clock.set(LATER)
    reference, _m, acknowledged = emailed_enquiry(TUESDAY)
    assert acknowledged is not None
    enquiries.respond_and_close(reference, "No comment.", actor=officer, now=LATER)
    enquiries.anonymise_closed(now=LATER + timedelta(days=800))
    db.session.rollback()
    events = enquiries.timeline(enquiries.get_enquiry(reference))
    assert {"acknowledged", "emailed"} <= {event.action for event in events}
    assert not [e for e in events if "jo@newsroom.example" in (e.comment or "")]


def test_a_link_sent_at_once_says_it_was_sent_automatically(app_ctx, smtp_server):
    # Embargoed preview and quote sign-off links go straight to the mail server.
    assert mail.send_message("Jo", "jo@example.com", "Please check your quote", "The link")
    [(_r, delivered)] = smtp_server.messages
    assert delivered["Auto-Submitted"] == "auto-generated"
