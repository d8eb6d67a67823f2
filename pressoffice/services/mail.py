"""Sending links by email, when the office has an SMTP server configured.

Email is optional: every link is shown to the officer to send themselves, and is also emailed
when ``SMTP_HOST`` is set. A failure to send never undoes the change that made the link; the
caller is told whether the message went, so the page can say so.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

from flask import current_app

from ..domain.links import embargo_banner

SEND_TIMEOUT_SECONDS = 10


def mail_configured(config: Mapping[str, Any] | None = None) -> bool:
    """True when an SMTP server is configured (``SMTP_HOST``)."""
    config = config if config is not None else current_app.config
    return bool(config.get("SMTP_HOST"))


@contextmanager
def smtp_session(config: Mapping[str, Any]) -> Iterator[smtplib.SMTP]:
    """A connection to the office's SMTP server, with STARTTLS and a login when the settings
    ask for them; closed (QUIT) at the end."""
    with smtplib.SMTP(
        config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25), timeout=SEND_TIMEOUT_SECONDS
    ) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
        yield smtp


def send_message(
    to_name: str, to_address: str, subject: str, body: str, config: Mapping[str, Any] | None = None
) -> bool:
    """Send a plain-text message. False, with the reason logged, when no server is configured or
    it refused the message; True once the server accepted it."""
    config = config if config is not None else current_app.config
    if not mail_configured(config):
        return False
    message = EmailMessage()
    message["From"] = formataddr(
        (config.get("PRESS_OFFICE_NAME") or "Press office", config["MAIL_FROM"])
    )
    message["To"] = formataddr((to_name, to_address))
    # One line only: a header cannot carry a line break.
    message["Subject"] = " ".join(subject.split())
    message["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2] or None)
    # Sent by the product, not typed to this person: no autoresponder answers it (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    try:
        with smtp_session(config) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as problem:
        current_app.logger.warning("Could not email %s: %s", to_address, problem)
        return False
    return True


def send_preview_link(
    name: str, email: str, outlet: str, title: str, embargo_until: datetime, url: str
) -> bool:
    """Email a journalist their personal link to an embargoed release."""
    subject, body = preview_link_letter(name, outlet, title, embargo_until, url)
    return send_message(name, email, subject, body)


def preview_link_letter(
    name: str, outlet: str, title: str, embargo_until: datetime, url: str
) -> tuple[str, str]:
    """The subject and plain-text body of a journalist's embargoed link, whether it is sent at
    once or goes through the outbox with a distribution."""
    office = current_app.config.get("PRESS_OFFICE_NAME") or "The press office"
    body = (
        f"Dear {name},\n\n"
        f"{office} is sharing a release with you ahead of publication, for {outlet}.\n\n"
        f"{embargo_banner(embargo_until)}\n\n"
        f"{title}\n\n"
        f"Your personal link (do not forward it; it is logged and identifies you):\n{url}\n\n"
        "You will be asked to accept the embargo terms before the release opens. Nothing in it "
        "may be published, broadcast or shared before the embargo lifts.\n"
    )
    return f"Embargoed: {title}", body


def send_signoff_link(name: str, email: str, title: str, url: str) -> bool:
    """Email the person quoted a link to approve their quote or propose a change."""
    office = current_app.config.get("PRESS_OFFICE_NAME") or "The press office"
    body = (
        f"Dear {name},\n\n"
        f"{office} is preparing a news release that quotes you:\n\n{title}\n\n"
        f"Please check your quote and approve it or suggest a change here:\n{url}\n\n"
        "The link is personal to you. The release is not public yet: please keep it to yourself.\n"
    )
    return send_message(name, email, f"Please check your quote: {title}", body)
