"""The mail commands as a mail server and an operator use them: ``pressoffice mail ingest``
taking a piped message (its arrival the newest Received header), ``pressoffice mail fetch``
without a mailbox set, and the XOAUTH2 token command."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from pressoffice.cli import cli
from pressoffice.extensions import db
from pressoffice.models import Enquiry, MailMessage
from pressoffice.services.mail_desk.fetch import MailboxProblem, _access_token

from .messages import journalist_mail

PIPED = (
    b"Received: from mx.example.org by office.example.org; Fri, 2 Dec 2016 17:00:00 +0000\r\n"
    + journalist_mail(date="Thu, 1 Dec 2016 09:00:00 +0000")
)


def _invoke(app, *args, stdin: bytes | None = None):
    return app.test_cli_runner().invoke(cli, list(args), input=stdin)


def test_a_piped_message_becomes_an_enquiry_at_its_received_instant(app, app_ctx, clock):
    clock.set(datetime(2016, 12, 2, 17, 1, tzinfo=UTC))
    result = _invoke(app, "mail", "ingest", stdin=PIPED)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "New enquiry ENQ-20161202-0001"
    enquiry = db.session.scalars(sa.select(Enquiry)).one()
    assert enquiry.received_at == datetime(2016, 12, 2, 17, 0, tzinfo=UTC)
    assert enquiry.route == "out_of_hours"
    again = _invoke(app, "mail", "ingest", stdin=PIPED)
    assert again.output.strip() == "Already had: New enquiry ENQ-20161202-0001"


def test_a_message_from_a_file_and_an_empty_one(app, app_ctx, clock, tmp_path):
    path = tmp_path / "message.eml"
    path.write_bytes(journalist_mail(headers={"Auto-Submitted": "auto-replied"}))
    result = _invoke(app, "mail", "ingest", str(path))
    assert result.exit_code == 0 and result.output.startswith("Automatic mail, not logged")
    empty = _invoke(app, "mail", "ingest", stdin=b"")
    assert empty.exit_code == 1 and "the message is empty" in empty.output


def test_fetch_without_a_mailbox_says_what_to_set(app, app_ctx):
    saved = app.config.get("MAIL_IN_URL")
    app.config["MAIL_IN_URL"] = None
    try:
        result = _invoke(app, "mail", "fetch")
    finally:
        app.config["MAIL_IN_URL"] = saved
    assert result.exit_code == 1 and "MAIL_IN_URL is not set" in result.output


def test_the_oauth_token_command_is_run_and_its_failure_named():
    assert _access_token("echo  token-123 ") == "token-123"
    with pytest.raises(MailboxProblem, match="printed no access token"):
        _access_token("true")
    with pytest.raises(MailboxProblem, match="MAIL_IN_OAUTH_TOKEN_COMMAND failed"):
        _access_token("false")


def test_the_oauth_token_commands_failure_names_no_secret_from_its_arguments():
    # The office's command may carry a client secret; its failure is shown to admins.
    with pytest.raises(MailboxProblem) as failure:
        _access_token("false --client-secret=hunter2-secret")
    assert "hunter2" not in str(failure.value)
    assert "exit status 1" in str(failure.value)


def test_a_piped_message_that_cannot_be_taken_in_is_parked_not_lost(app, app_ctx, clock, tmp_path):
    # The folder for files cannot be made (a file stands in its place): the enquiry cannot
    # be written, yet the message is kept, parked with its reason, for a person to decide.
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    saved = app.config["ATTACHMENT_DIR"]
    app.config["ATTACHMENT_DIR"] = str(blocked / "files")
    raw = journalist_mail(files=[("report.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n")])
    try:
        result = _invoke(app, "mail", "ingest", stdin=raw)
    finally:
        app.config["ATTACHMENT_DIR"] = saved
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Parked: It could not be taken in")
    parked = db.session.scalars(sa.select(MailMessage)).one()
    assert (parked.outcome, parked.raw) == ("parked", raw)
    assert db.session.scalars(sa.select(Enquiry)).all() == []
