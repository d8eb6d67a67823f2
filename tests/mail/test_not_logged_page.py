"""The "Mail not logged" page: parked messages with their reason and UK time, the raw message
for staff only, "Log it anyway" (the enquiry received when the message arrived) and "Dismiss"
(who and when), each once."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import Enquiry, MailMessage
from pressoffice.services.mail_desk.ingest import ingest

from .messages import BROKEN_MIME

# Friday 2 December 2016, 17:00:00 GMT: out of hours.
FRIDAY_CLOSING = datetime(2016, 12, 2, 17, 0, tzinfo=UTC)


def _parked(clock):
    clock.set(datetime(2016, 12, 5, 9, 0, tzinfo=UTC))
    ingest(BROKEN_MIME, received_at=FRIDAY_CLOSING)
    return db.session.scalar(sa.select(MailMessage.id).where(MailMessage.outcome == "parked"))


def test_the_page_lists_parked_mail_with_its_reason_in_uk_time(app_ctx, clock, signed_in, officer):
    message_id = _parked(clock)
    page = signed_in(officer).get("/mail/not-logged")
    row = page.select_one("tbody tr").get_text(" ", strip=True)
    assert "17:00 GMT on Friday 2 December 2016" in row
    assert "MIME structure is broken" in row and "Broken" in row
    assert page.select_one(f'a[href="/mail/messages/{message_id}.eml"]')
    log_page = signed_in(officer).get("/enquiries")
    assert log_page.find("a", string="Mail not logged")["href"] == "/mail/not-logged"


def test_the_raw_message_is_for_staff_only(app_ctx, clock, client, signed_in, officer):
    message_id = _parked(clock)
    anonymous = client.get(f"/mail/messages/{message_id}.eml")
    assert anonymous.status_code in (302, 401)
    signed_in(officer)
    response = client.get(f"/mail/messages/{message_id}.eml")
    assert response.status_code == 200 and response.data == BROKEN_MIME
    assert response.mimetype == "message/rfc822"
    assert "attachment" in response.headers["Content-Disposition"]
    assert client.get("/mail/messages/999999.eml").status_code == 404


def test_log_it_anyway_makes_the_enquiry_received_when_it_arrived(
    app_ctx, clock, signed_in, officer
):
    message_id = _parked(clock)
    page = signed_in(officer).post(f"/mail/not-logged/{message_id}/log")
    [enquiry] = db.session.scalars(sa.select(Enquiry)).all()
    assert "Logged as enquiry ENQ-20161202-0001" in page.get_text()
    assert (enquiry.received_at, enquiry.route, enquiry.channel) == (
        FRIDAY_CLOSING,
        "out_of_hours",
        "email",
    )
    assert "The parts are missing." in enquiry.details
    message = db.session.get(MailMessage, message_id)
    assert (message.outcome, message.enquiry_id, message.decided_by_id) == (
        "enquiry",
        enquiry.id,
        officer.id,
    )
    again = signed_in(officer).post(f"/mail/not-logged/{message_id}/log")
    assert "someone has already decided" in again.get_text()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enquiry)) == 1


def test_dismiss_keeps_who_and_when(app_ctx, clock, signed_in, officer):
    message_id = _parked(clock)
    page = signed_in(officer).post(f"/mail/not-logged/{message_id}/dismiss")
    assert "Dismissed" in page.get_text()
    text = page.get_text(" ", strip=True)
    assert "by Olivia Officer at 09:00 GMT on Monday 5 December 2016" in text
    message = db.session.get(MailMessage, message_id)
    assert (message.outcome, message.decided_by_id) == ("dismissed", officer.id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enquiry)) == 0


def test_a_message_without_a_sender_cannot_be_logged_and_says_why(
    app_ctx, clock, signed_in, officer
):
    clock.set(datetime(2016, 12, 5, 9, 0, tzinfo=UTC))
    ingest(b"Subject: who?\r\n\r\nno sender\r\n", received_at=FRIDAY_CLOSING)
    message_id = db.session.scalar(sa.select(MailMessage.id))
    page = signed_in(officer).post(f"/mail/not-logged/{message_id}/log")
    assert "Nothing was changed" in page.get_text() and "no sender address" in page.get_text()
    assert db.session.get(MailMessage, message_id).outcome == "parked"


def test_decisions_need_the_csrf_token(app, app_ctx, clock, signed_in, officer, client):
    message_id = _parked(clock)
    signed_in(officer)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/mail/not-logged/{message_id}/dismiss")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert db.session.get(MailMessage, message_id).outcome == "parked"


def test_the_page_says_when_the_mailbox_was_last_read_and_its_last_problem(
    app_ctx, clock, signed_in, officer
):
    from pressoffice.models import Mailbox

    db.session.add(
        Mailbox(
            name="press@mail.example.org:993/INBOX",
            uidvalidity=1,
            last_uid=7,
            last_fetch_at=datetime(2016, 12, 5, 8, 59, tzinfo=UTC),
            last_error="LoginError: [AUTHENTICATIONFAILED] Authentication failed.",
        )
    )
    db.session.commit()
    text = signed_in(officer).get("/mail/not-logged").get_text(" ", strip=True)
    assert "press@mail.example.org:993/INBOX was last read at 08:59 GMT on Monday" in text
    assert "The last attempt to read it failed: LoginError" in text
