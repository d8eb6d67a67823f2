"""Taking in one message (``mail_desk.ingest``) on a real database: a new enquiry routed by the
instant the office's server received it, a follow-up joining its enquiry, automatic mail,
bounces and the office's own mail making none, and what cannot be logged parked, never lost."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import Enquiry, EnquiryEvent, MailMessage, Notification, OutboxMessage
from pressoffice.services import contacts, enquiries, rota
from pressoffice.services.attachments import attachment_dir
from pressoffice.services.contact_bounces import BOUNCED
from pressoffice.services.mail_desk.ingest import ingest
from pressoffice.services.unit_of_work import unit_of_work

from .messages import BROKEN_MIME, PDF_BYTES, bounce_for, journalist_mail

TUESDAY_10 = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)


def _enquiries():
    return db.session.scalars(sa.select(Enquiry).order_by(Enquiry.id)).all()


def _messages():
    """The messages that came in (the acknowledgements that went out are left aside)."""
    return db.session.scalars(
        sa.select(MailMessage).where(MailMessage.direction == "in").order_by(MailMessage.id)
    ).all()


def test_a_plain_message_becomes_an_email_enquiry_routed_by_its_arrival(app_ctx, clock):
    raw = journalist_mail(date="Mon, 28 Nov 2016 03:00:00 +0000")  # a Date a day off
    result = ingest(raw, received_at=TUESDAY_10)
    assert (result.outcome, result.already) == ("enquiry", False)
    [enquiry] = _enquiries()
    assert enquiry.reference == result.reference == "ENQ-20161129-0001"
    assert (enquiry.channel, enquiry.email, enquiry.journalist_name) == (
        "email",
        "jo@example.com",
        "Jo Journalist",
    )
    assert enquiry.received_at == TUESDAY_10 and enquiry.route == "office_hours"
    assert enquiry.details == "Can you confirm the waiting-time figures?"
    [message] = _messages()
    assert (message.enquiry_id, message.outcome, message.raw) == (enquiry.id, "enquiry", raw)
    assert message.date_header == "Mon, 28 Nov 2016 03:00:00 +0000"


def test_the_same_message_twice_or_at_two_addresses_makes_one_enquiry(app_ctx, clock):
    raw = journalist_mail(message_id="<same@paper.example>")
    copy_to_other_address = b"Delivered-To: enquiries@example.org\r\n" + raw
    first = ingest(raw, received_at=TUESDAY_10)
    again = ingest(raw, received_at=TUESDAY_10)
    other = ingest(copy_to_other_address, received_at=TUESDAY_10)
    assert [r.already for r in (first, again, other)] == [False, True, True]
    assert again.reference == other.reference == first.reference
    assert len(_enquiries()) == 1 and len(_messages()) == 1


def test_a_piped_message_is_routed_by_its_newest_received_header(app_ctx, clock, officer):
    # Friday 2 December 2016, 17:00:00 London (GMT): the office has just closed.
    rota.add_shift(
        user_id=officer.id,
        starts_at=datetime(2016, 12, 2, 17, 0, tzinfo=UTC),
        ends_at=datetime(2016, 12, 5, 8, 30, tzinfo=UTC),
        now=TUESDAY_10,
    )
    clock.set(datetime(2016, 12, 2, 17, 5, tzinfo=UTC))
    raw = (
        b"Received: from mx.example.org by office; Fri, 2 Dec 2016 17:00:00 +0000\r\n"
        b"Received: from paper by mx.example.org; Fri, 2 Dec 2016 16:59:58 +0000\r\n"
        + journalist_mail(date="Fri, 2 Dec 2016 16:00:00 +0000")
    )
    result = ingest(raw)
    enquiry = enquiries.get_enquiry(result.reference)
    assert enquiry.received_at == datetime(2016, 12, 2, 17, 0, tzinfo=UTC)
    assert enquiry.route == "out_of_hours" and enquiry.assignee_id == officer.id
    told = db.session.scalars(sa.select(Notification.kind)).all()
    assert told == ["enquiry_out_of_hours"]


def _reply(**headers):
    return journalist_mail("A follow-up question.", subject="Re: Waiting times", headers=headers)


def test_a_reply_joins_its_enquiry_by_in_reply_to_references_or_the_token(app_ctx, clock):
    first = ingest(journalist_mail(message_id="<first@paper.example>"), received_at=TUESDAY_10)
    by_in_reply_to = ingest(_reply(**{"In-Reply-To": "<first@paper.example>"}))
    by_references = ingest(_reply(References="<x@elsewhere> <first@paper.example>"))
    by_token = ingest(
        journalist_mail("Third", subject=f"Re: something [{first.reference}]"),
    )
    assert [r.outcome for r in (by_in_reply_to, by_references, by_token)] == ["follow_up"] * 3
    assert {r.reference for r in (by_in_reply_to, by_references, by_token)} == {first.reference}
    assert len(_enquiries()) == 1


def test_a_reply_to_a_closed_enquiry_needs_attention_again_and_its_assignee_is_told(
    app_ctx, clock, officer
):
    first = ingest(journalist_mail(message_id="<first@paper.example>"), received_at=TUESDAY_10)
    enquiries.assign(first.reference, officer.id, actor=officer, now=TUESDAY_10)
    enquiries.respond(first.reference, "The figures are right.", actor=officer, now=TUESDAY_10)
    enquiries.close(first.reference, actor=officer, now=TUESDAY_10)
    result = ingest(_reply(**{"In-Reply-To": "<first@paper.example>"}))
    enquiry = enquiries.get_enquiry(first.reference)
    assert (result.outcome, enquiry.status, enquiry.needs_attention) == (
        "follow_up",
        "assigned",
        True,
    )
    told = db.session.scalars(sa.select(Notification).where(Notification.user_id == officer.id))
    assert [n.kind for n in told] == ["enquiry_follow_up"]


def test_automatic_mail_and_the_offices_own_mail_make_no_enquiry(app_ctx, clock):
    outcomes = [
        ingest(journalist_mail(headers={"Auto-Submitted": "auto-replied"})).outcome,
        ingest(journalist_mail(headers={"Precedence": "bulk"})).outcome,
        ingest(journalist_mail(headers={"List-Id": "<news.example>"})).outcome,
        ingest(journalist_mail(headers={"X-Auto-Response-Suppress": "All"})).outcome,
        ingest(journalist_mail(sender="Press Office <press-office@example.org>")).outcome,
    ]
    assert outcomes == ["automatic"] * 4 + ["own"]
    assert _enquiries() == []


@unit_of_work
def _sent_answer(reference: str, key: str) -> None:
    enquiry = enquiries.get_enquiry(reference)
    db.session.add(
        MailMessage(
            direction="out",
            message_key=key,
            message_id=f"<{key}>",
            to_addresses="jo@example.com",
            subject="Re: Waiting times",
            at=TUESDAY_10,
            enquiry_id=enquiry.id,
            outcome="answer",
            created_at=TUESDAY_10,
        )
    )


def test_a_bounce_is_recorded_on_the_message_it_answers_and_shows_on_the_enquiry(app_ctx, clock):
    first = ingest(journalist_mail(), received_at=TUESDAY_10)
    _sent_answer(first.reference, "answer-1@office.example")
    result = ingest(bounce_for("answer-1@office.example"))
    assert (result.outcome, result.reference) == ("bounce", first.reference)
    answer = db.session.scalar(
        sa.select(MailMessage).where(MailMessage.message_key == "answer-1@office.example")
    )
    assert answer.delivery_failed_at == TUESDAY_10 and "5.1.1" in answer.delivery_error
    enquiry = enquiries.get_enquiry(first.reference)
    assert enquiry.needs_attention
    actions = db.session.scalars(sa.select(EnquiryEvent.action)).all()
    assert "delivery_failed" in actions and len(_enquiries()) == 1


def test_a_message_over_the_limit_is_parked_with_its_headers_not_lost(app_ctx, clock):
    app_ctx.config["MAIL_IN_MAX_BYTES"] = 1000
    try:
        result = ingest(journalist_mail("x" * 5000), received_at=TUESDAY_10)
    finally:
        app_ctx.config["MAIL_IN_MAX_BYTES"] = 25 * 1024 * 1024
    [message] = _messages()
    assert (result.outcome, message.outcome, message.subject) == (
        "parked",
        "parked",
        "Waiting times",
    )
    assert message.reason.startswith("The message is 5,") and "over the 1,000 bytes limit" in (
        message.reason
    )
    assert message.raw.endswith(b"\n\n") or message.raw.endswith(b"\r\n\r\n")
    assert _enquiries() == []


def test_broken_mime_is_parked_with_its_reason_and_kept_whole(app_ctx, clock):
    result = ingest(BROKEN_MIME, received_at=TUESDAY_10)
    [message] = _messages()
    assert result.outcome == "parked" and "MIME structure is broken" in message.reason
    assert message.raw == BROKEN_MIME and message.message_key == "broken@paper.example"
    assert ingest(BROKEN_MIME, received_at=TUESDAY_10).already


def test_a_pdf_is_kept_with_the_enquiry_and_a_program_is_not(app_ctx, clock):
    raw = journalist_mail(
        files=[("report.pdf", "application/pdf", PDF_BYTES), ("run.exe", "application/x", b"MZ")]
    )
    result = ingest(raw, received_at=TUESDAY_10)
    [message] = _messages()
    [kept] = message.attachments
    assert (kept.filename, kept.content_type, kept.size) == (
        "report.pdf",
        "application/pdf",
        len(PDF_BYTES),
    )
    assert (attachment_dir() / kept.storage_key).read_bytes() == PDF_BYTES
    notes = db.session.scalars(
        sa.select(EnquiryEvent.comment).where(EnquiryEvent.action == "files_not_kept")
    ).all()
    assert len(notes) == 1 and "run.exe" in notes[0]
    assert result.outcome == "enquiry"


def test_an_address_the_log_refuses_parks_the_message(app_ctx, clock):
    result = ingest(journalist_mail(sender="Jo <jo@localhost>"), received_at=TUESDAY_10)
    assert result.outcome == "parked" and "Email address" in result.reason
    assert _enquiries() == []


def test_an_arrival_after_now_is_taken_as_now(app_ctx, clock):
    later = datetime(2016, 11, 29, 10, 0, 5, tzinfo=UTC)
    result = ingest(journalist_mail(), received_at=later)
    assert enquiries.get_enquiry(result.reference).received_at == TUESDAY_10


def test_a_nul_byte_or_raw_8bit_headers_still_make_an_enquiry_on_any_database(app_ctx, clock):
    # PostgreSQL stores no NUL in text, and a header of undeclared 8-bit bytes (Latin-1 here)
    # reads as lone surrogates that no database takes: the journalist's words are still logged.
    raw = (
        b"From: Jos\xe9 Journalist <jose@example.com>\r\nTo: press.office@example.org\r\n"
        b"Subject: Caf\xe9 \x00figures\r\nMessage-ID: <nul@paper.example>\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
        b"Can you confirm\x00 the figures?\r\n"
    )
    result = ingest(raw, received_at=TUESDAY_10)
    assert result.outcome == "enquiry"
    enquiry = enquiries.get_enquiry(result.reference)
    assert enquiry.details == "Can you confirm the figures?"
    assert "\x00" not in enquiry.subject and "figures" in enquiry.subject
    [message] = _messages()
    assert message.raw == raw and "\x00" not in message.text


def test_a_reply_by_subject_alone_joins_the_enquiry_whose_token_we_added_last(app_ctx, clock):
    # Their subject names an enquiry we do not have; our acknowledgement keeps it and adds
    # ours after it. Their reply (a client that drops In-Reply-To) must join ours, not
    # make a second enquiry from the first token.
    first = ingest(
        journalist_mail(subject="About [ENQ-20150101-0001]", message_id="<a1@paper.example>"),
        received_at=TUESDAY_10,
    )
    ours = db.session.scalar(sa.select(MailMessage).where(MailMessage.direction == "out"))
    assert ours.subject == f"Re: About [ENQ-20150101-0001] [{first.reference}]"
    reply = ingest(
        journalist_mail(subject=ours.subject, message_id="<a2@paper.example>"),
        received_at=TUESDAY_10,
    )
    assert (reply.outcome, reply.reference) == ("follow_up", first.reference)
    assert len(_enquiries()) == 1


def test_the_offices_own_mail_is_known_by_from_whatever_its_reply_to_says(app_ctx, clock):
    # A press officer writing from the shared mailbox with Reply-To a journalist (or a copy of
    # it landing in the inbox) is the office's own mail: no enquiry, nothing sent to them.
    own = ingest(
        journalist_mail(
            sender="Press Office <press-office@example.org>",
            headers={"Reply-To": "Jo Journalist <jo@example.com>"},
        ),
        received_at=TUESDAY_10,
    )
    assert own.outcome == "own"
    assert _enquiries() == [] and db.session.scalars(sa.select(OutboxMessage)).all() == []
    # A journalist whose Reply-To names the office is answered at their own address.
    theirs = ingest(
        journalist_mail(headers={"Reply-To": "Press Office <press-office@example.org>"}),
        received_at=TUESDAY_10,
    )
    assert theirs.outcome == "enquiry"
    assert enquiries.get_enquiry(theirs.reference).email == "jo@example.com"


def test_the_enquiry_page_says_a_reopened_enquiry_needs_attention_because_they_wrote_again(
    app_ctx, clock, officer, signed_in
):
    first = ingest(journalist_mail(message_id="<first@paper.example>"), received_at=TUESDAY_10)
    enquiries.assign(first.reference, officer.id, actor=officer, now=TUESDAY_10)
    enquiries.respond(first.reference, "The figures are right.", actor=officer, now=TUESDAY_10)
    ingest(_reply(**{"In-Reply-To": "<first@paper.example>"}))
    page = signed_in(officer).get(f"/enquiries/{first.reference}")
    banner = page.select_one(".enquiry-attention").get_text(" ", strip=True)
    assert "wrote again after it was answered" in banner
    assert "duty rota" not in banner


def test_a_permanent_bounce_shows_on_the_media_contact_holding_the_address(
    app_ctx, clock, officer, signed_in
):
    jo = contacts.create_contact(
        {"name": "Jo Reporter", "email": "Jo@Example.com"}, actor=officer, now=TUESDAY_10
    )
    other = contacts.create_contact(
        {"name": "Sam Writer", "email": "sam@example.com"}, actor=officer, now=TUESDAY_10
    )
    first = ingest(journalist_mail(), received_at=TUESDAY_10)
    _sent_answer(first.reference, "answer-2@office.example")
    # A delay is not a failure: nothing on the contact.
    ingest(bounce_for("answer-2@office.example", status="4.4.1"), received_at=TUESDAY_10)
    assert BOUNCED not in [e.action for e in contacts.contact_timeline(jo.id)]
    bounced_at = datetime(2016, 11, 29, 10, 5, tzinfo=UTC)
    clock.set(bounced_at)

    ingest(bounce_for("answer-2@office.example"), received_at=bounced_at)

    [event] = [e for e in contacts.contact_timeline(jo.id) if e.action == BOUNCED]
    assert event.created_at == bounced_at
    assert event.comment == "Mail to jo@example.com bounced: 5.1.1 smtp; 550 5.1.1 No such mailbox"
    jo = contacts.get_contact(jo.id)
    assert not jo.do_not_contact
    assert BOUNCED not in [e.action for e in contacts.contact_timeline(other.id)]
    page = signed_in(officer).get(f"/contacts/{jo.id}")
    notice = page.find(id="mail-bounced").get_text(" ", strip=True)
    assert "Mail to jo@example.com bounced at 10:05 GMT on Tuesday 29 November 2016" in notice
    assert "550 5.1.1 No such mailbox" in notice
    assert "Mail bounced" in page.find(id="timeline-title").find_parent("section").get_text()
    # Once the contact has a new address, the old address's bounce no longer warns.
    contacts.update_contact(jo.id, {"email": "jo@paper.example"}, actor=officer, now=bounced_at)
    assert signed_in(officer).get(f"/contacts/{jo.id}").find(id="mail-bounced") is None
