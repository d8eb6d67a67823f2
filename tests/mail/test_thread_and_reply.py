"""The enquiry page and the API show the email thread (in and out, oldest first, UK times, the
quoted history folded, files and the whole message for staff, a bounce on the message that
bounced) in two queries; "Reply" on an emailed enquiry says where the answer goes, sends it, and
a form sent twice or a retried API request sends it once."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import MailAttachment, MailMessage
from pressoffice.services import attachments, enquiries
from pressoffice.services.unit_of_work import unit_of_work
from tests.factories import make_enquiry
from tests.mail.outgoing_helpers import (
    OFFICE,
    emailed_enquiry,
    out_messages,
)

# Tuesday 29 November 2016 09:00 GMT, answered at 10:00 (the frozen clock's instant).
RECEIVED = datetime(2016, 11, 29, 9, 0, tzinfo=UTC)
NOW = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)
RAW = b"From: Jo Reporter <jo@newsroom.example>\r\nSubject: Flood defence figures\r\n\r\nHello\r\n"


@unit_of_work
def _dress(in_id: int, ack_id: int) -> int:
    """Their message kept whole with quoted history and a PDF; our acknowledgement bounced."""
    message = db.session.get(MailMessage, in_id)
    message.raw = RAW
    message.quoted_text = "> On Monday the office wrote:\n> earlier words"
    key = secrets.token_hex(20)
    (attachments.attachment_dir() / key).write_bytes(b"%PDF-1.4 figures")
    db.session.add(
        MailAttachment(
            message_id=in_id,
            filename="figures.pdf",
            content_type="application/pdf",
            size=16,
            sha256="0" * 64,
            storage_key=key,
            created_at=RECEIVED,
        )
    )
    bounced = db.session.get(MailMessage, ack_id)
    bounced.delivery_failed_at = RECEIVED + timedelta(minutes=2)
    bounced.delivery_error = "550 5.1.1 No such user"
    db.session.flush()
    return db.session.scalar(sa.select(MailAttachment.id))


def _thread_with_files(clock):
    clock.set(RECEIVED)
    reference, in_id, ack_id = emailed_enquiry(RECEIVED, message_id="<q1@newsroom.example>")
    file_id = _dress(in_id, ack_id)
    clock.set(NOW)
    return reference, in_id, ack_id, file_id


def _count_queries(app):
    statements: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    return statements, note


def test_the_enquiry_page_shows_the_thread_oldest_first_in_two_queries(
    app, app_ctx, office, officer, signed_in, clock
):
    reference, in_id, ack_id, file_id = _thread_with_files(clock)
    enquiries.respond(reference, "4,000 homes.", actor=officer, now=NOW)
    browser = signed_in(officer)

    statements, note = _count_queries(app)
    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        page = browser.get(f"/enquiries/{reference}")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    on_messages = [s for s in statements if "FROM mail_messages" in s]
    on_files = [s for s in statements if "FROM mail_attachments" in s]
    assert (len(on_messages), len(on_files)) == (1, 1), statements

    items = page.select("#messages .mail-message")
    assert [i["id"] for i in items] == [
        f"message-{in_id}",
        f"message-{ack_id}",
        f"message-{out_messages(reference, 'answer')[0].id}",
    ]
    first, ack, answer = (i.get_text(" ", strip=True) for i in items)
    assert "From Jo Reporter <jo@newsroom.example>" in first
    assert "09:00 GMT on Tuesday 29 November 2016" in first
    assert "How many homes are protected?" in first
    quoted = items[0].select_one("details")
    assert "earlier words" in quoted.get_text()
    assert "earlier words" not in items[0].select_one(".mail-message__text").get_text()
    assert "Sent by the office: acknowledgement" in ack and OFFICE in ack
    assert "permanent failure" in ack and "550 5.1.1 No such user" in ack
    assert "4,000 homes." in answer and "Waiting to be sent" in answer
    assert not page.select("script:not([src])")

    file_link = items[0].select_one(".mail-message__files a")["href"]
    raw_link = items[0].select_one("a[href$='.eml']")
    assert "Download the whole message" in raw_link.get_text()
    raw_link = raw_link["href"]
    assert browser.client.get(file_link).data == b"%PDF-1.4 figures"
    downloaded = browser.client.get(raw_link)
    assert downloaded.data == RAW
    assert downloaded.headers["Content-Disposition"].startswith("attachment")
    # Another enquiry's address for the same file finds nothing.
    other = file_link.replace(reference, "ENQ-20161129-9999")
    assert browser.client.get(other).status_code == 404
    # Without signing in, neither is served.
    browser.client.post("/sign-out")
    assert browser.client.get(file_link).status_code in (302, 401, 403)
    assert browser.client.get(raw_link).status_code in (302, 401, 403)


def test_reply_says_where_the_answer_goes_sends_it_once_and_says_sent(
    app_ctx, office, officer, signed_in, smtp_server, queue, clock
):
    clock.set(RECEIVED)
    reference, _in, _ack = emailed_enquiry(RECEIVED, message_id="<q1@newsroom.example>")
    clock.set(NOW)
    browser = signed_in(officer)
    page = browser.get(f"/enquiries/{reference}")
    assert (
        f"Your answer will be emailed to jo@newsroom.example from {OFFICE}"
        in page.select_one("#reply-by-email").get_text()
    )
    buttons = [b.get_text(strip=True) for b in page.select("section#reply button")]
    assert buttons == ["Reply and close", "Reply"]

    form = {"response": "4,000 homes are protected."}
    done = browser.post(f"/enquiries/{reference}/respond", data=form)
    assert f"Sent: emailed to jo@newsroom.example from {OFFICE}" in done.get_text()
    # The same form sent again (a double click, a reload): refused, nothing more sent.
    again = browser.post(f"/enquiries/{reference}/respond", data=form)
    assert "already been answered" in again.get_text()
    again = browser.post(f"/enquiries/{reference}/reply-and-close", data=form)
    queue.run()
    answers = [m for _r, m in smtp_server.messages if m["Auto-Submitted"] == "auto-generated"]
    assert len(answers) == 1
    assert answers[0]["In-Reply-To"] == "<q1@newsroom.example>"
    assert answers[0]["From"].addresses[0].addr_spec == OFFICE
    # Once the mail server has taken it, the thread says so, in UK time.
    page = browser.get(f"/enquiries/{reference}")
    [sent] = [
        item.get_text(" ", strip=True)
        for item in page.select("#messages .mail-message--out")
        if "4,000 homes are protected." in item.get_text()
    ]
    assert "Sent 10:00 GMT on Tuesday 29 November 2016" in sent
    timeline = page.select_one(".enquiry-timeline").get_text(" ", strip=True)
    assert f"Answer emailed to the journalist from {OFFICE}" in timeline


def test_the_api_gives_the_channel_and_the_messages_oldest_first(
    app_ctx, office, officer, api_token, client, clock
):
    reference, in_id, _ack, _file = _thread_with_files(clock)
    answer = client.get(f"/api/v1/enquiries/{reference}", headers=api_token(officer)).get_json()
    assert answer["channel"] == "email"
    first, ack = answer["messages"]
    assert first == {
        "direction": "in",
        "from": "jo@newsroom.example",
        "to": OFFICE,
        "subject": "Flood defence figures",
        "at": "2016-11-29T09:00:00Z",
        "message_id": "<q1@newsroom.example>",
        "text": "How many homes are protected?",
        "outcome": "enquiry",
        "delivery": None,
        "attachments": [{"filename": "figures.pdf", "size": 16}],
    }
    assert ack["direction"] == "out" and ack["outcome"] == "acknowledgement"
    assert ack["from"] == OFFICE
    assert ack["delivery"]["failed_at"] == "2016-11-29T09:02:00Z"
    assert ack["delivery"]["error"] == "550 5.1.1 No such user"


def test_api_respond_emails_once_even_when_retried_and_send_false_records_only(
    app_ctx, office, officer, api_token, client, smtp_server, queue, clock
):
    clock.set(RECEIVED)
    emailed, _in, _ack = emailed_enquiry(RECEIVED)
    quiet, _in, _ack = emailed_enquiry(RECEIVED, sender="sam@broadcast.example", name="Sam")
    clock.set(NOW)
    headers = {**api_token(officer), "Idempotency-Key": "answer-1"}
    body = {"response": "4,000 homes."}
    first = client.post(f"/api/v1/enquiries/{emailed}/respond", json=body, headers=headers)
    retried = client.post(f"/api/v1/enquiries/{emailed}/respond", json=body, headers=headers)
    assert first.status_code == retried.status_code == 200
    assert retried.get_json() == first.get_json()
    assert retried.headers.get("Idempotent-Replayed") == "true"
    # Without a key, a repeat is refused as already answered.
    repeat = client.post(
        f"/api/v1/enquiries/{emailed}/respond", json=body, headers=api_token(officer)
    )
    assert repeat.status_code == 409

    recorded = client.post(
        f"/api/v1/enquiries/{quiet}/respond",
        json={"response": "Told them on the phone.", "send": False},
        headers=api_token(officer),
    )
    assert recorded.status_code == 200 and recorded.get_json()["status"] == "answered"
    refused = client.post(
        f"/api/v1/enquiries/{quiet}/respond",
        json={"response": "x", "send": "no"},
        headers=api_token(officer),
    )
    assert refused.status_code == 422 and "send" in refused.get_json()["error"]["fields"]

    queue.run()
    answers = [m for _r, m in smtp_server.messages if m["Auto-Submitted"] == "auto-generated"]
    assert [m["To"].addresses[0].addr_spec for m in answers] == ["jo@newsroom.example"]
    assert out_messages(quiet, "answer") == []


def test_reply_marked_record_only_is_recorded_and_not_emailed(
    app_ctx, office, officer, signed_in, smtp_server, queue, clock
):
    clock.set(RECEIVED)
    reference, _in, _ack = emailed_enquiry(RECEIVED)
    clock.set(NOW)
    browser = signed_in(officer)
    box = browser.get(f"/enquiries/{reference}").select_one("input#record_only")
    assert box is not None and not box.has_attr("checked")
    done = browser.post(
        f"/enquiries/{reference}/reply-and-close",
        data={"response": "Told them on the phone.", "record_only": "y"},
    )
    assert "Not emailed, as asked." in done.get_text()
    queue.run()
    assert [m for _r, m in smtp_server.messages if m["Auto-Submitted"] == "auto-generated"] == []
    assert out_messages(reference, "answer") == []
    assert enquiries.get_enquiry(reference).status == "closed"


def test_a_phone_enquiry_page_offers_no_email(app_ctx, office, officer, signed_in, clock):
    logged = make_enquiry(channel="phone")
    page = signed_in(officer).get(f"/enquiries/{logged.reference}")
    assert page.select_one("#reply-by-email") is None
    assert page.select_one("input#record_only") is None
    assert not page.select("#messages")
