"""The whole conversation by email, as the journalist sees it through a real SMTP server: their
mail makes an enquiry and is acknowledged in its thread; their reply to the acknowledgement (by
In-Reply-To only) and to the answer (by References only) joins the same enquiry; the answer
goes in the thread; an out-of-office to the acknowledgement makes nothing and gets nothing; a
bounce of the answer shows on it. 0 enquiries doubled, 0 loops."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import Enquiry, MailMessage
from pressoffice.services import enquiries
from pressoffice.services.mail_desk.ingest import ingest
from tests.mail.messages import bounce_for, journalist_mail
from tests.mail.outgoing_helpers import OFFICE

# Tuesday 29 November 2016, office hours.
ARRIVED = datetime(2016, 11, 29, 9, 30, tzinfo=UTC)


def _delivered(smtp_server, since: int):
    """What the journalist received, from the ``since``-th message on."""
    return smtp_server.to("jo@example.com")[since:]


def test_a_conversation_by_email_stays_one_enquiry_threaded_both_ways(
    app_ctx, office, officer, signed_in, smtp_server, queue, clock
):
    clock.set(ARRIVED)
    first = ingest(
        journalist_mail(subject="Waiting times", message_id="<q1@paper.example>"),
        received_at=ARRIVED,
    )
    assert first.outcome == "enquiry"
    reference = first.reference
    queue.run()
    [acknowledgement] = _delivered(smtp_server, 0)
    assert acknowledgement["In-Reply-To"] == "<q1@paper.example>"
    assert acknowledgement["Auto-Submitted"] == "auto-replied"
    assert acknowledgement["Subject"] == f"Re: Waiting times [{reference}]"

    # Their reply to the acknowledgement, found by In-Reply-To alone (their mail program
    # dropped the token from the subject).
    clock.set(ARRIVED + timedelta(minutes=10))
    follow_up = ingest(
        journalist_mail(
            "And the regional figures?",
            subject="Re: Waiting times",
            message_id="<q2@paper.example>",
            headers={"In-Reply-To": acknowledgement["Message-ID"]},
        ),
        received_at=ARRIVED + timedelta(minutes=10),
    )
    assert (follow_up.outcome, follow_up.reference) == ("follow_up", reference)

    # An out-of-office answering the acknowledgement: nothing made, nothing sent back.
    away = ingest(
        journalist_mail(
            "I am away until Monday.",
            subject=f"Automatic reply: Re: Waiting times [{reference}]",
            headers={
                "Auto-Submitted": "auto-replied",
                "In-Reply-To": acknowledgement["Message-ID"],
            },
        ),
        received_at=ARRIVED + timedelta(minutes=11),
    )
    assert away.outcome == "automatic"

    # The answer, threaded on their latest message.
    clock.set(ARRIVED + timedelta(minutes=30))
    browser = signed_in(officer)
    browser.post(f"/enquiries/{reference}/respond", data={"response": "Regional: 1,200."})
    queue.run()
    [answer] = _delivered(smtp_server, 1)
    assert answer["In-Reply-To"] == "<q2@paper.example>"
    assert answer["References"].split()[-1] == "<q2@paper.example>"
    assert answer["Auto-Submitted"] == "auto-generated"
    assert answer["From"].addresses[0].addr_spec == OFFICE

    # Their reply to the answer names it in References only, with a new subject.
    clock.set(ARRIVED + timedelta(minutes=40))
    again = ingest(
        journalist_mail(
            "Thanks. One more thing.",
            subject="Another question",
            message_id="<q3@paper.example>",
            headers={"References": f"<q1@paper.example> {answer['Message-ID']}"},
        ),
        received_at=ARRIVED + timedelta(minutes=40),
    )
    assert (again.outcome, again.reference) == ("follow_up", reference)

    # The answer bounced: the permanent failure shows on the message that bounced.
    ingest(
        bounce_for(answer["Message-ID"].strip("<>")),
        received_at=ARRIVED + timedelta(minutes=45),
    )
    page = browser.get(f"/enquiries/{reference}")
    answered = [
        item
        for item in page.select("#messages .mail-message--out")
        if "Regional: 1,200." in item.get_text()
    ]
    assert len(answered) == 1
    assert "permanent failure" in answered[0].get_text()

    queue.run()
    db.session.rollback()
    # One enquiry; to the journalist one acknowledgement and one answer, nothing to the
    # out-of-office (the officer is told of the follow-up to their answered enquiry).
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enquiry)) == 1
    assert len(smtp_server.to("jo@example.com")) == 2
    kinds = db.session.scalars(
        sa.select(MailMessage.outcome).order_by(MailMessage.at, MailMessage.id)
    ).all()
    assert kinds == [
        "enquiry",
        "acknowledgement",
        "follow_up",
        "automatic",
        "answer",
        "follow_up",
        "bounce",
    ]
    assert enquiries.get_enquiry(reference).reference == reference
