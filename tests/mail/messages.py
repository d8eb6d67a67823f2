"""Messages as journalists, mail servers and auto-responders send them, as raw bytes."""

from __future__ import annotations

from email.message import EmailMessage
from itertools import count

_numbers = count(1)

# The smallest file a PDF reader (and the attachment check) takes for a PDF.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def journalist_mail(
    body: str = "Can you confirm the waiting-time figures?",
    *,
    subject: str = "Waiting times",
    sender: str = "Jo Journalist <jo@example.com>",
    to: str = "press.office@example.org",
    message_id: str | None = "auto",
    headers: dict[str, str] | None = None,
    html: str | None = None,
    charset: str = "utf-8",
    files: list[tuple[str, str, bytes]] | None = None,
    date: str = "Tue, 29 Nov 2016 10:00:00 +0000",
) -> bytes:
    """One message as a mail program writes it."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = date
    if message_id == "auto":
        message_id = f"<m{next(_numbers)}.{id(message)}@paper.example>"
    if message_id:
        message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    if html is not None:
        message.set_content(html, subtype="html", charset=charset)
    else:
        message.set_content(body, charset=charset)
    for filename, content_type, data in files or []:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def bounce_for(original_message_id: str, *, status: str = "5.1.1") -> bytes:
    """A delivery-status report from the journalist's mail server about one of our messages."""
    action = "failed" if status.startswith("5") else "delayed"
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.paper.example>\r\n"
        "To: press.office@example.org\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: <bounce{next(_numbers)}@mx.paper.example>\r\n"
        "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
        f"Final-Recipient: rfc822; jo@example.com\r\nAction: {action}\r\nStatus: {status}\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 No such mailbox\r\n\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: press.office@example.org\r\nMessage-ID: <{original_message_id}>\r\n\r\n"
        "--B--\r\n"
    ).encode()


BROKEN_MIME = (
    b"From: Jo Journalist <jo@example.com>\r\nTo: press.office@example.org\r\n"
    b"Subject: Broken\r\nMessage-ID: <broken@paper.example>\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="never-there"\r\n\r\nThe parts are missing.\r\n'
)
