"""Retention: when a closed emailed enquiry's personal data is removed, its messages lose the
raw message, the words, the addresses and their files; the message key stays, so a copy
fetched again is still recognised."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import EnquiryEvent, MailAttachment, MailMessage, OutboxMessage
from pressoffice.services import enquiries
from pressoffice.services.attachments import attachment_dir
from pressoffice.services.mail_desk.ingest import ingest

from .messages import PDF_BYTES, journalist_mail
from .outgoing_helpers import emailed_enquiry, out_messages

JO = "jo@newsroom.example"

TUESDAY_10 = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)


def test_anonymising_an_emailed_enquiry_removes_its_raw_message_files_and_addresses(
    app_ctx, clock, officer
):
    raw = journalist_mail(files=[("report.pdf", "application/pdf", PDF_BYTES)])
    result = ingest(raw, received_at=TUESDAY_10)
    [stored] = db.session.scalars(sa.select(MailAttachment)).all()
    path = attachment_dir() / stored.storage_key
    assert path.exists()
    enquiries.close(result.reference, actor=officer, now=TUESDAY_10)

    outcome = enquiries.anonymise_closed(now=datetime(2019, 1, 1, tzinfo=UTC))

    assert outcome.anonymised == 1
    message = db.session.scalar(sa.select(MailMessage).where(MailMessage.direction == "in"))
    assert message.raw is None and message.text == "" and message.from_address == ""
    assert db.session.scalars(sa.select(MailAttachment)).all() == []
    assert not path.exists()
    notes = db.session.scalars(
        sa.select(EnquiryEvent.comment).where(EnquiryEvent.action == "email_received")
    ).all()
    assert notes == [None]
    # The key stays: the same message fetched again is still known, not a new enquiry.
    assert ingest(raw, received_at=TUESDAY_10).already


def test_a_reply_to_an_anonymised_enquiry_is_a_new_enquiry_that_can_be_answered(
    app_ctx, clock, officer
):
    first = ingest(journalist_mail(message_id="<old@paper.example>"), received_at=TUESDAY_10)
    enquiries.close(first.reference, actor=officer, now=TUESDAY_10)
    enquiries.anonymise_closed(now=datetime(2019, 1, 1, tzinfo=UTC))
    ours = db.session.scalar(sa.select(MailMessage).where(MailMessage.direction == "out"))
    later = datetime(2019, 1, 2, 10, 0, tzinfo=UTC)
    clock.set(later)

    reply = ingest(
        journalist_mail(
            "Following up on this, two years on.",
            subject=ours.subject,
            headers={"In-Reply-To": ours.message_id, "References": ours.message_id},
        ),
        received_at=later,
    )

    # The anonymised record stays closed and empty; the new mail is an enquiry in its own
    # right, with the journalist's address to answer.
    old = enquiries.get_enquiry(first.reference)
    assert (old.status, old.email, old.details) == ("closed", None, "")
    assert reply.outcome == "enquiry" and reply.reference != first.reference
    new = enquiries.get_enquiry(reply.reference)
    assert (new.email, new.details) == ("jo@example.com", "Following up on this, two years on.")


def test_anonymising_clears_the_outbox_rows_that_carried_the_acknowledgement_and_answers(
    app_ctx, office, officer, admin, signed_in, smtp_server, queue, clock
):
    clock.set(TUESDAY_10)
    reference, _in, ack = emailed_enquiry(TUESDAY_10, name="Jo Reporter", sender=JO)
    assert ack is not None
    assert queue.run() == 1  # the acknowledgement goes
    # The answer is written but has not gone yet when retention comes (no worker ran).
    enquiries.respond_and_close(
        reference, "4,100 homes are protected.", actor=officer, now=TUESDAY_10
    )
    ids = [m.outbox_message_id for m in out_messages(reference)]
    assert len(ids) == 2
    sent_at = {
        row.id: row.sent_at
        for row in db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id.in_(ids)))
    }

    enquiries.anonymise_closed(now=datetime(2019, 1, 1, tzinfo=UTC))

    db.session.expire_all()
    rows = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)
    ).all()
    for row in rows:
        assert row.to_address == "" and row.to_name != "Jo Reporter"
        assert row.body_text == "" and row.body_html is None and row.headers == {}
        assert "Flood" not in row.subject and row.last_error is None
    # That a message was sent, and when, stays; the one not gone will not go to nobody.
    assert [row.status for row in rows] == ["sent", "cancelled"]
    assert {row.id: row.sent_at for row in rows} == sent_at
    listing = signed_in(admin).get("/outbox").get_text()
    for row in rows:
        shown = signed_in(admin).get(f"/outbox/{row.id}").get_text()
        for words in (JO, "Jo Reporter", "Flood defence", "homes", "4,100"):
            assert words not in listing and words not in shown
