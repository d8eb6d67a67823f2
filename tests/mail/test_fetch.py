"""Reading the office's mailbox from a real Dovecot: messages put in with IMAP APPEND (which
sets INTERNALDATE, the instant the server received them) become enquiries routed by that
instant; nothing is fetched twice or skipped; a message that cannot be logged is parked and the
pass goes on; the source mail is marked seen, never deleted."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import Enquiry, Mailbox, MailMessage
from pressoffice.services import rota
from pressoffice.services.mail_desk.fetch import MailboxProblem, fetch_once, mailbox_address

from .messages import BROKEN_MIME, PDF_BYTES, bounce_for, journalist_mail

LONDON = ZoneInfo("Europe/London")


def _in_messages():
    return db.session.scalars(
        sa.select(MailMessage).where(MailMessage.direction == "in").order_by(MailMessage.id)
    ).all()


def _enquiries():
    return db.session.scalars(sa.select(Enquiry).order_by(Enquiry.id)).all()


def test_mail_in_url_is_read_with_its_user_and_password_percent_decoded():
    address = mailbox_address("imaps://press%40example.org:p%2Fw%3Ad@mail.example.org/Press%20In")
    assert (address.user, address.password, address.host, address.port, address.ssl) == (
        "press@example.org",
        "p/w:d",
        "mail.example.org",
        993,
        True,
    )
    assert address.folder == "Press In" and "p/w" not in address.name
    assert (
        mailbox_address("imap://u@h").port == 143
        and mailbox_address("imap://u@h").folder == "INBOX"
    )
    with pytest.raises(MailboxProblem, match="MAIL_IN_URL"):
        mailbox_address("pop3://u@h")


def test_plain_html_and_pdf_mail_become_enquiries_at_their_internaldate(app_ctx, clock, mailbox):
    clock.set(datetime(2016, 11, 29, 12, 0, tzinfo=UTC))
    arrived = datetime(2016, 11, 29, 10, 15, 30, tzinfo=UTC)
    mailbox.append(journalist_mail(date="Mon, 28 Nov 2016 10:15:30 +0000"), arrived)
    html = "<p>Caf\u00e9 \u201cfigures\u201d</p>"
    mailbox.append(journalist_mail(html=html, charset="windows-1252", subject="HTML"), arrived)
    pdf = journalist_mail(subject="PDF", files=[("report.pdf", "application/pdf", PDF_BYTES)])
    mailbox.append(pdf, arrived)

    report = fetch_once()

    assert report.words().startswith("3 new enquiries, 0 follow-ups, 0 parked, 0 automatic")
    rows = _enquiries()
    assert [e.received_at for e in rows] == [arrived] * 3
    assert [e.subject for e in rows] == ["Waiting times", "HTML", "PDF"]
    assert rows[1].details == "Caf\u00e9 \u201cfigures\u201d"
    assert [a.filename for a in _in_messages()[2].attachments] == ["report.pdf"]
    assert all(b"\\Seen" in flags for flags in mailbox.flags().values())
    assert mailbox.count() == 3  # never deleted


@pytest.mark.parametrize(
    ("local", "route"),
    [
        (datetime(2016, 12, 2, 16, 59, 59), "office_hours"),  # Friday
        (datetime(2016, 12, 2, 17, 0, 0), "out_of_hours"),
        (datetime(2016, 8, 30, 8, 29, 59), "out_of_hours"),  # Tuesday after the bank holiday
        (datetime(2016, 8, 30, 8, 30, 0), "office_hours"),
        (datetime(2016, 5, 3, 8, 29, 59), "out_of_hours"),  # after the early May bank holiday
        # Monday 11 May 2020, after the Friday bank holiday for VE Day (8 May), in BST.
        (datetime(2020, 5, 11, 8, 29, 59), "out_of_hours"),
        (datetime(2020, 5, 11, 8, 30, 0), "office_hours"),
    ],
)
def test_arrival_on_the_office_hours_boundaries_routes_by_internaldate(
    app_ctx, clock, mailbox, local, route
):
    arrived = local.replace(tzinfo=LONDON)
    clock.set(datetime(2021, 1, 1, tzinfo=UTC))
    mailbox.append(journalist_mail(date="Sat, 1 Oct 2016 12:00:00 +0000"), arrived)
    fetch_once()
    [enquiry] = _enquiries()
    assert enquiry.received_at == arrived.astimezone(UTC)
    assert enquiry.route == route


def test_a_monday_after_a_bank_holiday_at_08_29_59_is_out_of_hours_and_goes_to_the_duty_officer(
    app_ctx, clock, mailbox, officer
):
    # Monday 2 January 2017 is the New Year substitute bank holiday; Tuesday 3 January opens.
    rota.add_shift(
        user_id=officer.id,
        starts_at=datetime(2016, 12, 30, 17, 0, tzinfo=UTC),
        ends_at=datetime(2017, 1, 3, 8, 30, tzinfo=UTC),
        now=datetime(2016, 12, 1, tzinfo=UTC),
    )
    clock.set(datetime(2017, 1, 3, 9, 0, tzinfo=UTC))
    mailbox.append(journalist_mail(), datetime(2017, 1, 3, 8, 29, 59, tzinfo=LONDON))
    mailbox.append(journalist_mail(), datetime(2017, 1, 3, 8, 30, 0, tzinfo=LONDON))
    fetch_once()
    early, opening = _enquiries()
    assert (early.route, early.assignee_id) == ("out_of_hours", officer.id)
    assert opening.route == "office_hours"


def test_nothing_is_fetched_twice_and_a_second_pass_finds_only_the_new(app_ctx, clock, mailbox):
    clock.set(datetime(2016, 11, 29, 12, 0, tzinfo=UTC))
    arrived = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)
    same = journalist_mail(message_id="<once@paper.example>")
    mailbox.append(same, arrived)
    mailbox.append(b"Delivered-To: enquiries@example.org\r\n" + same, arrived)  # two addresses
    assert fetch_once().words().startswith("1 new enquiry, 0 follow-ups, 0 parked")
    mailbox.append(journalist_mail(), arrived)
    second = fetch_once()
    assert second.words() == "1 new enquiry, 0 follow-ups, 0 parked, 0 automatic, 0 already had"
    assert len(_enquiries()) == 2 and len(_in_messages()) == 2


def test_a_changed_uidvalidity_starts_again_and_keeps_each_message_single(app_ctx, clock, mailbox):
    clock.set(datetime(2016, 11, 29, 12, 0, tzinfo=UTC))
    mailbox.append(journalist_mail(), datetime(2016, 11, 29, 10, 0, tzinfo=UTC))
    fetch_once()
    row = db.session.scalars(sa.select(Mailbox)).one()
    db.session.execute(sa.update(Mailbox).values(uidvalidity=row.uidvalidity + 1, last_uid=999))
    db.session.commit()
    again = fetch_once()
    assert again.words().endswith("1 already had") and len(_enquiries()) == 1


def test_a_30_mb_message_and_broken_mime_are_parked_and_the_pass_goes_on(app_ctx, clock, mailbox):
    clock.set(datetime(2016, 11, 29, 12, 0, tzinfo=UTC))
    arrived = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)
    # A 22 MB file, base64-encoded: a message of about 30 MB.
    big = journalist_mail(
        subject="Big", files=[("big.pdf", "application/pdf", PDF_BYTES + b"0" * (22 << 20))]
    )
    mailbox.append(big, arrived)
    mailbox.append(BROKEN_MIME, arrived)
    mailbox.append(journalist_mail(subject="After"), arrived)
    report = fetch_once()
    assert report.words().startswith("1 new enquiry, 0 follow-ups, 2 parked")
    big_row, broken_row, after_row = _in_messages()
    assert big_row.outcome == "parked" and "over the 25.0 MB limit" in big_row.reason
    assert 29 << 20 < big_row.size < 32 << 20 and big_row.subject == "Big"
    assert "30." in big_row.reason and len(big_row.raw) < 2000  # its headers: it stays in the box
    assert broken_row.outcome == "parked" and "MIME structure is broken" in broken_row.reason
    assert after_row.outcome == "enquiry"
    assert mailbox.count() == 3


def _out_count() -> int:
    db.session.rollback()
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(MailMessage).where(MailMessage.direction == "out")
    )


def test_replies_join_by_in_reply_to_references_or_token_and_automatic_mail_never_loops(
    app_ctx, clock, mailbox
):
    clock.set(datetime(2016, 11, 29, 12, 0, tzinfo=UTC))
    arrived = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)
    mailbox.append(journalist_mail(message_id="<first@paper.example>"), arrived)
    fetch_once()
    [enquiry] = _enquiries()
    sent_before = _out_count()
    replies = [
        journalist_mail("1", subject="Re: W", headers={"In-Reply-To": "<first@paper.example>"}),
        journalist_mail("2", subject="Re: W", headers={"References": "<first@paper.example>"}),
        journalist_mail("3", subject=f"Re: W [{enquiry.reference}]"),
    ]
    automatic = [
        journalist_mail(
            "I am away", headers={"Auto-Submitted": "auto-replied", "In-Reply-To": "<x@y>"}
        ),
        journalist_mail("Newsletter", headers={"Precedence": "bulk"}),
        journalist_mail("List", headers={"List-Id": "<list.example>"}),
        bounce_for("first@paper.example"),
        journalist_mail("Own", sender="press-office@example.org"),
    ]
    for raw in replies + automatic:
        mailbox.append(raw, arrived)
    report = fetch_once()
    assert report.words() == (
        "0 new enquiries, 3 follow-ups, 0 parked, 3 automatic, 1 bounce, "
        "1 from the office itself, 0 already had"
    )
    assert len(_enquiries()) == 1
    assert {m.enquiry_id for m in _in_messages() if m.outcome == "follow_up"} == {enquiry.id}
    # No loop: nothing was sent to automatic mail, a bounce or the office itself.
    assert _out_count() == sent_before


def test_with_a_done_folder_mail_is_moved_there_never_deleted(app, app_ctx, clock, mailbox):
    clock.set(datetime(2016, 11, 29, 12, 0, tzinfo=UTC))
    client = mailbox.server.client()
    if not client.folder_exists("Logged"):
        client.create_folder("Logged")
    app.config["MAIL_IN_DONE_FOLDER"] = "Logged"
    try:
        mailbox.append(journalist_mail(), datetime(2016, 11, 29, 10, 0, tzinfo=UTC))
        mailbox.append(journalist_mail(), datetime(2016, 11, 29, 10, 0, tzinfo=UTC))
        assert fetch_once().words().startswith("2 new enquiries")
        assert (mailbox.count(), mailbox.count("Logged")) == (0, 2)
        assert fetch_once().words().startswith("0 new enquiries")
    finally:
        app.config["MAIL_IN_DONE_FOLDER"] = None
        client.select_folder("Logged")
        client.delete_messages(client.search("ALL"))
        client.expunge()
        client.logout()


def test_a_mailbox_that_cannot_be_read_says_why_where_staff_look(app, app_ctx, mailbox):
    import time

    from pressoffice.services.mail_desk.fetch import start_watching

    app.config["MAIL_IN_URL"] = mailbox.url.replace("%40odd", "%40wrong")
    app.config["MAIL_IN_POLL_SECONDS"] = 1
    thread, stop = start_watching(app)
    try:
        deadline = time.monotonic() + 20
        row = None
        while time.monotonic() < deadline:
            db.session.rollback()
            row = db.session.scalar(sa.select(Mailbox))
            if row is not None and row.last_error:
                break
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(10)
        app.config["MAIL_IN_POLL_SECONDS"] = 30
    assert row is not None and "Authentication failed" in row.last_error
    assert row.last_fetch_at is None and not thread.is_alive()
