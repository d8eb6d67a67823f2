"""Reading mail that came in: the sender, the words, the threading keys, the instant the
office's server received it, and automatic mail and bounces told apart from a person's mail."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from pressoffice.domain.mail_in import (
    Unreadable,
    enquiry_reference_in,
    is_own_address,
    parse_mail,
    split_quoted,
)


def mail(body="Can you confirm the figures?", headers=None, subtype="plain", charset="utf-8"):
    message = EmailMessage()
    message["From"] = "Jo Journalist <jo@example.com>"
    message["To"] = "press.office@example.org"
    message["Subject"] = "Figures"
    message["Date"] = "Tue, 29 Nov 2016 10:00:00 +0000"
    message["Message-ID"] = "<abc@example.com>"
    for name, value in (headers or {}).items():
        del message[name]
        if value is not None:
            message[name] = value
    message.set_content(body, subtype=subtype, charset=charset)
    return message.as_bytes()


def test_a_plain_message_gives_its_sender_subject_words_and_key():
    parsed = parse_mail(mail())
    assert (parsed.from_name, parsed.from_address) == ("Jo Journalist", "jo@example.com")
    assert parsed.subject == "Figures"
    assert parsed.text == "Can you confirm the figures?"
    assert parsed.message_key == "abc@example.com"
    assert parsed.automatic_reason is None and parsed.bounce is None


def test_reply_to_names_where_answers_go():
    parsed = parse_mail(mail(headers={"Reply-To": "Desk <desk@paper.example>"}))
    assert (parsed.from_name, parsed.from_address) == ("Desk", "desk@paper.example")


def test_html_only_in_windows_1252_is_made_readable():
    html = "<html><head><style>p{}</style></head><body><p>Caf\u00e9 \u2013 \u201cquote\u201d</p>"
    html += "<p>Second&nbsp;line</p><blockquote>old message</blockquote></body></html>"
    raw = mail(html, subtype="html", charset="windows-1252")
    assert b'charset="windows-1252"' in raw and b"=93quote=94" in raw
    parsed = parse_mail(raw)
    assert parsed.text == "Caf\u00e9 \u2013 \u201cquote\u201d\n\nSecond line"
    assert parsed.quoted_text == "old message"


def test_a_message_without_a_message_id_is_keyed_on_its_headers_and_body():
    one = mail(headers={"Message-ID": None})
    two = b"Received: from a by b; Tue, 29 Nov 2016 10:00:01 +0000\r\nDelivered-To: x@y\r\n" + one
    other = mail("Something else", headers={"Message-ID": None})
    key = parse_mail(one).message_key
    assert key.startswith("sha256:")
    assert parse_mail(two).message_key == key
    assert parse_mail(other).message_key != key


def test_threading_keys_and_the_reference_token():
    parsed = parse_mail(
        mail(
            headers={
                "Subject": "Re: Figures [enq-20161129-0007]",
                "In-Reply-To": "<out-2@office.example>",
                "References": "<abc@example.com> <out-1@office.example> <out-2@office.example>",
            }
        )
    )
    assert parsed.enquiry_reference == "ENQ-20161129-0007"
    assert parsed.thread_keys == ["out-2@office.example", "out-1@office.example", "abc@example.com"]


@pytest.mark.parametrize(
    ("subject", "reference"),
    [
        ("Re: Figures [ENQ-20161129-0001]", "ENQ-20161129-0001"),
        ("[ ENQ-20161129-0012 ] follow up", "ENQ-20161129-0012"),
        ("About ENQ-20161129-0001", None),
        ("Re: Figures", None),
    ],
)
def test_reference_token_table(subject, reference):
    assert enquiry_reference_in(subject) == reference


def test_received_instant_is_the_newest_received_header_never_the_date():
    raw = (
        b"Received: from mx by office; Fri, 2 Dec 2016 17:00:00 +0000\r\n"
        b"Received: from sender by mx; Fri, 2 Dec 2016 16:59:58 +0000\r\n" + mail()
    )
    parsed = parse_mail(raw)
    assert parsed.received == datetime(2016, 12, 2, 17, 0, tzinfo=UTC)
    assert parsed.date_header == "Tue, 29 Nov 2016 10:00:00 +0000"
    assert parse_mail(mail()).received is None


@pytest.mark.parametrize(
    ("headers", "automatic"),
    [
        ({}, False),
        ({"Auto-Submitted": "no"}, False),
        ({"Auto-Submitted": "auto-replied"}, True),
        ({"Auto-Submitted": "auto-generated"}, True),
        ({"Precedence": "bulk"}, True),
        ({"Precedence": "list"}, True),
        ({"Precedence": "junk"}, True),
        ({"Precedence": "first-class"}, False),
        ({"X-Auto-Response-Suppress": "All"}, True),
        ({"List-Id": "<press.lists.example>"}, True),
    ],
)
def test_automatic_mail_table(headers, automatic):
    assert (parse_mail(mail(headers=headers)).automatic_reason is not None) is automatic


def _bounce(status="5.1.1", action="failed", original_id="<out-1@office.example>"):
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example>\r\n"
        "To: press.office@example.org\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <bounce-1@mx.example>\r\nAuto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; "
        'boundary="B"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be '
        "delivered.\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; jo@example.com\r\n"
        f"Action: {action}\r\nStatus: {status}\r\nDiagnostic-Code: smtp; 550 No such user\r\n"
        "\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: press.office@example.org\r\nMessage-ID: {original_id}\r\nSubject: Re: x\r\n"
        "\r\n--B--\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("status", "action", "permanent"),
    [("5.1.1", "failed", True), ("4.4.1", "delayed", False), ("4.2.2", "failed", False)],
)
def test_a_delivery_status_report_names_the_message_it_answers(status, action, permanent):
    bounce = parse_mail(_bounce(status, action)).bounce
    assert bounce is not None
    assert bounce.answers == "out-1@office.example"
    assert bounce.permanent is permanent
    assert status in bounce.diagnostic


def test_mail_from_mailer_daemon_without_a_report_is_a_bounce():
    parsed = parse_mail(
        mail(
            "Delivery failed.\n\nMessage-ID: <out-9@office.example>",
            headers={"From": "MAILER-DAEMON@mx.example"},
        )
    )
    assert parsed.bounce is not None and parsed.bounce.answers == "out-9@office.example"


def test_own_address_is_recognised_without_regard_to_case():
    assert is_own_address("Press.Office@Example.org", {"press.office@example.org"})
    assert not is_own_address("jo@example.com", {"press.office@example.org"})


def test_quoted_history_is_folded_away_but_an_answer_between_quotes_stays():
    text, quoted = split_quoted(
        "Thanks, one more question.\n\nOn Tue, 29 Nov 2016, Press Office wrote:\n> Our answer\n"
        "> more\nAnd in between.\n"
    )
    assert text == "Thanks, one more question.\n\nAnd in between."
    assert quoted == "On Tue, 29 Nov 2016, Press Office wrote:\n> Our answer\n> more"
    text, quoted = split_quoted("Reply\n-----Original Message-----\nFrom: a\nold")
    assert (text, quoted) == ("Reply", "-----Original Message-----\nFrom: a\nold")
    text, quoted = split_quoted("Reply\n\nFrom: Press Office\nSent: Tuesday\nSubject: x\nold")
    assert text == "Reply" and quoted.startswith("From: Press Office")


def test_a_pdf_attachment_is_found():
    message = EmailMessage()
    message["From"] = "jo@example.com"
    message["Subject"] = "Report"
    message.set_content("See attached")
    message.add_attachment(b"%PDF-1.4 x", maintype="application", subtype="pdf", filename="r.pdf")
    parsed = parse_mail(message.as_bytes())
    assert [(f.filename, f.content_type, f.data) for f in parsed.attachments] == [
        ("r.pdf", "application/pdf", b"%PDF-1.4 x")
    ]
    assert parsed.text == "See attached"


def test_broken_mime_is_unreadable_with_a_reason():
    raw = (
        b"From: jo@example.com\r\nSubject: Broken\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="nothere"\r\n\r\nno parts at all\r\n'
    )
    with pytest.raises(Unreadable, match="MIME structure is broken"):
        parse_mail(raw)


def test_a_message_without_a_sender_is_unreadable():
    with pytest.raises(Unreadable, match="no sender address"):
        parse_mail(b"Subject: who?\r\n\r\nbody\r\n")


def test_an_unknown_charset_is_read_not_refused():
    raw = (
        b"From: jo@example.com\r\nSubject: x\r\nContent-Type: text/plain; charset=x-unknown\r\n"
        b"\r\ncaf\xc3\xa9\r\n"
    )
    assert parse_mail(raw).text == "caf\u00e9"


def test_a_megabyte_header_is_read_within_a_second_not_minutes():
    # The standard library's header parser takes minutes over a header of a megabyte (it
    # grows with the square of the length): one hostile message would hold up the desk.
    import time

    raw = (
        b"From: jo@example.com\r\nTo: " + b"a@b.example, " * 60_000 + b"\r\n"
        b"Subject: " + b"word " * 200_000 + b"\r\n"
        b"Received: from x by y; " + b"z " * 200_000 + b"; Tue, 29 Nov 2016 10:00:00 +0000\r\n"
        b"Message-ID: <big@example.com>\r\n\r\nThe figures?\r\n"
    )
    started = time.monotonic()
    parsed = parse_mail(raw)
    assert time.monotonic() - started < 15  # minutes before; under a second on a quiet machine
    assert parsed.from_address == "jo@example.com" and parsed.text == "The figures?"
    assert parsed.subject.startswith("word word") and parsed.message_key == "big@example.com"
