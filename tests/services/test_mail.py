"""Links go out by email when an SMTP server is configured: tested against a real local one."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from pressoffice.services import mail, previews, quote_signoffs

from ..factories import create_release

EMBARGO = datetime(2016, 12, 1, 0, 1, tzinfo=UTC)


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(
            (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    saved = {k: app.config.get(k) for k in ("SMTP_HOST", "SMTP_PORT")}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port)
    yield inbox
    app.config.update(saved)
    controller.stop()


def test_a_recipient_is_emailed_their_personal_link_with_the_embargo(
    smtp_server, officer, approver
):
    release = create_release(
        state="scheduled", author=officer, approver=approver, embargo_until=EMBARGO
    )
    added = previews.add_recipient(
        release.id,
        actor=officer,
        name="Jo Reporter",
        outlet="The Daily Example",
        email="jo@example.com",
    )
    assert added.emailed is True
    [(to, message)] = smtp_server.messages
    assert to == ["jo@example.com"]
    assert message["Subject"] == f"Embargoed: {release.title}"
    body = message.get_content()
    assert added.url in body
    assert "EMBARGOED UNTIL 00:01 Thursday 1 December 2016 (UK time)" in body


def test_the_person_quoted_is_emailed_their_sign_off_link(smtp_server, officer):
    release = create_release(state="draft", author=officer)
    requested = quote_signoffs.request_signoff(
        release.id,
        release.quotes[0]["key"],
        actor=officer,
        name="Ann Lee",
        email="ann@example.org",
    )
    assert requested.emailed is True
    [(to, message)] = smtp_server.messages
    assert to == ["ann@example.org"]
    assert requested.url in message.get_content()


def test_without_an_smtp_host_nothing_is_sent_and_the_link_still_works(app, officer, approver):
    assert not app.config.get("SMTP_HOST")
    release = create_release(
        state="scheduled", author=officer, approver=approver, embargo_until=EMBARGO
    )
    added = previews.add_recipient(
        release.id,
        actor=officer,
        name="Jo Reporter",
        outlet="The Daily Example",
        email="jo@example.com",
    )
    assert added.emailed is None
    assert previews.open_preview(added.token).kind == "show"


def test_a_server_that_cannot_be_reached_is_reported_and_the_recipient_is_kept(
    app, officer, approver
):
    release = create_release(
        state="scheduled", author=officer, approver=approver, embargo_until=EMBARGO
    )
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=_free_port())
    try:
        added = previews.add_recipient(
            release.id,
            actor=officer,
            name="Jo Reporter",
            outlet="The Daily Example",
            email="jo@example.com",
        )
    finally:
        app.config.update(SMTP_HOST=None, SMTP_PORT=25)
    assert added.emailed is False
    assert previews.open_preview(added.token).kind == "show"
    assert not mail.mail_configured(app.config)
