"""Delivering outbox rows in batches: what a distribution to thousands of contacts needs.

The same three steps as one row's delivery (``outbox_delivery``): one short unit of work claims
every row of the batch that is due (a conditional update, so a row is never claimed by two
workers), one SMTP connection carries them all, and each outcome is recorded in its own short
unit of work as soon as the server has answered, so a worker killed half way leaves only the
message in flight to be sent again (with the same Message-ID), as for one row. A row for a
distribution is claimed only while it may still go (``outbox_gate``: the release not withdrawn,
unscheduled or approved again, the distribution not cancelled, the contact not do not contact
...), and each message of the batch asks again just before it goes, so what the office takes
back while a batch is on its way stops before the next message.

A batch handed to the queue for an instant (the embargo) is never sent before it: rows are
claimed only once due. A batch that runs a moment early asks to run again at the instant.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from email import policy
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr

import sqlalchemy as sa
from flask import current_app

from .. import clock
from ..extensions import db
from ..models import OutboxMessage
from . import outbox_gate
from .mail import smtp_session
from .outbox import wire_headers
from .outbox_delivery import (
    Claimed,
    Refusal,
    _said,
    backoff,
    due_for_sending,
    failed_values,
    sent_values,
    still_ours,
)
from .unit_of_work import unit_of_work


@unit_of_work
def claim_batch(ids: Sequence[int], now: datetime | None = None) -> list[Claimed]:
    """Take every row of ``ids`` that is due for sending and may still go, in one transaction;
    rows the office has taken back are cancelled, rows that must wait are queued for their
    instant (``outbox_gate``), not taken."""
    now = clock.instant(now)
    ids = list(ids)
    outbox_gate.hold_back(ids, due_for_sending(now), now)
    # The lease covers the whole batch, however slow the server: each message may take up to
    # the send timeout, and a row waiting its turn must not be taken over by the sweep.
    config = current_app.config
    seconds = config["OUTBOX_LEASE_SECONDS"] + len(ids) * config["OUTBOX_BATCH_SECONDS_PER_MESSAGE"]
    lease = now + timedelta(seconds=seconds)
    taken = db.session.scalars(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), due_for_sending(now))
        .values(status="sending", lease_until=lease, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    if not taken:
        return []
    rows = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.id.in_(taken))
        .order_by(OutboxMessage.id)
        .execution_options(populate_existing=True)
    ).all()
    return [Claimed.of(row) for row in rows]


@unit_of_work
def record_outcomes(
    outcomes: Iterable[tuple[Claimed, Refusal | None]], now: datetime | None = None
) -> tuple[dict[str, int], list[tuple[int, datetime]]]:
    """Record, in one transaction, what the server said to each message of a batch: sent, or
    refused (queued again after a backoff, or failed); only rows still held by this claim.
    Answers the counts and the rows to try again, each with its instant."""
    now = clock.instant(now)
    config = current_app.config
    counts = {"sent": 0, "queued": 0, "failed": 0}
    retries: list[tuple[int, datetime]] = []
    for claim, refusal in outcomes:
        ours = still_ours(claim.id, claim.attempt)
        if refusal is None:
            values = sent_values(claim, now)
        elif refusal.permanent or claim.attempt >= config["OUTBOX_MAX_ATTEMPTS"]:
            values = failed_values(claim, refusal.reason)
        else:
            again = now + backoff(claim.attempt, config["OUTBOX_RETRY_SECONDS"])
            values = {
                "status": "queued",
                "next_attempt_at": again,
                "last_error": refusal.reason[:2000],
                "lease_until": None,
            }
        done = db.session.execute(
            sa.update(OutboxMessage)
            .where(ours)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if done.rowcount == 1:
            counts[values["status"]] += 1
            if values["status"] == "queued":
                retries.append((claim.id, values["next_attempt_at"]))
    return counts, retries


# The classic policy with the line ends SMTP wants (strict servers refuse a bare LF), and no
# folding of our one-line headers.
_WIRE = policy.compat32.clone(linesep="\r\n", max_line_length=0)


def _header(value: str) -> str | Header:
    return value if value.isascii() else Header(value, "utf-8")


def compose_fast(claim: Claimed, config, now: datetime) -> tuple[str, bytes]:
    """The same message as ``outbox_delivery.compose`` (plain text, the HTML alternative, the
    row's Message-ID and extra headers), built with the classic email API, which is several
    times quicker: it matters at thousands of messages. Answers the sender and the bytes."""
    sender, headers = wire_headers(claim.headers, config)
    office = config.get("PRESS_OFFICE_NAME") or "Press office"
    text = MIMEText(claim.body_text, "plain", "utf-8")
    if claim.body_html:
        message = MIMEMultipart("alternative")
        message.attach(text)
        message.attach(MIMEText(claim.body_html, "html", "utf-8"))
    else:
        message = text
    message["From"] = formataddr((office, sender), charset="utf-8")
    message["To"] = formataddr((claim.to_name, claim.to_address), charset="utf-8")
    message["Subject"] = _header(claim.subject)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = claim.message_id
    for name, value in headers.items():
        message[name] = _header(value)
    return sender, message.as_bytes(policy=_WIRE)


def transmit_batch(claims: Sequence[Claimed], config, now: datetime, record, may_go=None) -> None:
    """Send the claimed messages over one SMTP connection, handing each outcome to ``record``
    (its refusal, or None when accepted) as soon as the server has answered, so that a worker
    killed half way leaves at most the message in flight unrecorded. Before each message after
    the first, ``may_go(claim)`` is asked: False leaves it unsent (the caller has stopped it).
    A connection lost half way refuses the rest, for a later try."""
    answered: set[int] = set()

    def note(claim: Claimed, refusal: Refusal | None) -> None:
        answered.add(claim.id)
        record(claim, refusal)

    try:
        with smtp_session(config) as smtp:
            for place, claim in enumerate(claims):
                if place and may_go is not None and not may_go(claim):
                    answered.add(claim.id)
                    continue
                try:
                    sender, message = compose_fast(claim, config, now)
                    smtp.sendmail(sender, [claim.to_address], message)
                    note(claim, None)
                except smtplib.SMTPRecipientsRefused as problem:
                    code, words = next(iter(problem.recipients.values()))
                    note(claim, Refusal(_said(code, words), code >= 500))
                    smtp.rset()
                except smtplib.SMTPResponseException as problem:
                    said = _said(problem.smtp_code, problem.smtp_error)
                    note(claim, Refusal(said, problem.smtp_code >= 500))
                    if problem.smtp_code == 421:
                        break  # the server is closing the connection
                    smtp.rset()
    except (OSError, smtplib.SMTPException) as problem:
        reason = Refusal(f"Could not reach the mail server: {problem}", permanent=False)
        for claim in claims:
            if claim.id not in answered:
                note(claim, reason)
    lost = Refusal("The mail server closed the connection", permanent=False)
    for claim in claims:
        if claim.id not in answered:
            note(claim, lost)


@unit_of_work
def record_then_ask(
    outcomes: Sequence[tuple[Claimed, Refusal | None]], claim: Claimed, now: datetime | None = None
) -> tuple[dict[str, int], list[tuple[int, datetime]], bool]:
    """In one transaction: record the outcomes so far (``record_outcomes``), then ask whether
    the batch's next message, ``claim``, may still go now; one it may not is stopped
    (``outbox_gate``). Answers the counts and retries recorded, and whether it may go."""
    now = clock.instant(now)
    # The question first, then the rows: the order of every use case (a withdrawal takes the
    # release, then the rows). The row is this claim's: no share lock is needed (``hold_back``).
    held = outbox_gate.hold_back([claim.id], still_ours(claim.id, claim.attempt), now, lock=False)
    counts, retries = record_outcomes(outcomes, now)
    return counts, retries, not held.stopped(claim.id)


def deliver_batch(ids: Sequence[int]) -> tuple[dict[str, int], list[tuple[int, datetime]]]:
    """Claim, send and record a batch, each message's outcome recorded as the server answers
    it, and each message after the first asked again whether it may still go just before it
    goes. Answers the counts, and the rows to hand to the queue again with their instants:
    those refused for now, and those not due yet (a job that ran a moment before its instant,
    or held back by the rule until the embargo)."""
    claims = claim_batch(ids)
    counts = {"sent": 0, "queued": 0, "failed": 0}
    retries: list[tuple[int, datetime]] = []
    # An outcome waits for the next message's question, asked at once after it (one short
    # transaction a message, as before the question was asked); the last message's outcome is
    # recorded at once, before the connection is closed.
    unrecorded: list[tuple[Claimed, Refusal | None]] = []

    def tally(done: dict[str, int], again: list[tuple[int, datetime]]) -> None:
        for status, count in done.items():
            counts[status] += count
        retries.extend(again)

    def record(claim: Claimed, refusal: Refusal | None) -> None:
        unrecorded.append((claim, refusal))
        if claim.id == claims[-1].id:
            tally(*record_outcomes(list(unrecorded)))
            unrecorded.clear()

    def may_go(claim: Claimed) -> bool:
        done, again, go = record_then_ask(list(unrecorded), claim)
        unrecorded.clear()
        tally(done, again)
        return go

    if claims:
        try:
            transmit_batch(claims, current_app.config, clock.now(), record, may_go)
        finally:
            if unrecorded:
                tally(*record_outcomes(list(unrecorded)))
                unrecorded.clear()
    retried = {message_id for message_id, _ in retries}
    waiting = db.session.execute(
        sa.select(OutboxMessage.id, OutboxMessage.next_attempt_at).where(
            OutboxMessage.id.in_([i for i in ids if i not in retried]),
            OutboxMessage.status == "queued",
        )
    ).all()
    db.session.rollback()
    return counts, retries + [(row[0], row[1]) for row in waiting]
