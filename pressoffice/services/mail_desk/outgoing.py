"""What the enquiry desk sends: the acknowledgement of a new emailed enquiry, and an answer
given from the enquiry, threaded into the journalist's conversation.

Both are written through the outbox (``queue_email``) inside the caller's unit of work, with an
out ``MailMessage`` keyed on the Message-ID the outbox fixed for the row, so a reply naming it in
``In-Reply-To`` or ``References`` joins the same enquiry, and a change rolled back sends nothing.
They come from ``PRESS_OFFICE_EMAIL`` (``MAIL_FROM`` when it is not set), the address a reply
should reach. An acknowledgement says ``Auto-Submitted: auto-replied``; an answer, as everything
else the product sends, ``auto-generated``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ... import clock
from ...domain import mail_out as rules
from ...extensions import db
from ...models import Enquiry, EnquiryEvent, MailMessage, User
from ..office_calendar import calendar_for, route_and_next_change
from ..outbox import queue_email
from ..unit_of_work import in_unit_of_work

ACKNOWLEDGEMENT = "acknowledgement"
ANSWER = "answer"
# The outbox's kinds, shown on the outbox page.
ACKNOWLEDGEMENT_KIND = "enquiry_acknowledgement"
ANSWER_KIND = "enquiry_answer"
# What came in from the journalist and may be answered.
_ANSWERABLE = ("enquiry", "follow_up")


def office_address() -> str:
    """The address the enquiry desk sends from, and that journalists reply to."""
    config = current_app.config
    return (config.get("PRESS_OFFICE_EMAIL") or config["MAIL_FROM"]).strip()


def _office_name() -> str:
    return current_app.config.get("PRESS_OFFICE_NAME") or "The press office"


def answers_by_email(enquiry: Enquiry | object) -> bool:
    """Whether an answer given to this enquiry is emailed to the journalist: it came by
    email, and its address is still held (not removed by retention)."""
    return getattr(enquiry, "channel", None) == "email" and bool(getattr(enquiry, "email", None))


def _last_acknowledged_at(address: str, now: datetime) -> datetime | None:
    # Out rows only; read by the outcome-and-instant index, the hour before now.
    return db.session.scalar(
        sa.select(sa.func.max(MailMessage.at)).where(
            MailMessage.direction == "out",
            MailMessage.outcome == ACKNOWLEDGEMENT,
            MailMessage.at > now - rules.ACKNOWLEDGE_EVERY - timedelta(seconds=1),
            sa.func.lower(MailMessage.to_addresses) == address.casefold(),
        )
    )


def _lock_sender(address: str) -> None:
    """Two new enquiries from one sender at once decide one after the other. SQLite's unit of
    work already holds the write lock; PostgreSQL takes a lock on the address until commit."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
            {"key": f"mail-acknowledgement:{address.casefold()}"},
        )


def _write(
    *,
    enquiry: Enquiry,
    outcome: str,
    kind: str,
    letter: rules.Letter,
    answered: MailMessage | None,
    auto_submitted: str,
    now: datetime,
) -> MailMessage:
    sender = office_address()
    their_id = their_references = None
    if answered is not None:
        # A message that came without a Message-ID is keyed on a hash: nothing to name.
        their_id = answered.message_id
        their_references = answered.references
    threading = rules.threading_for(their_id, their_references)
    headers = {**threading.headers(), "Auto-Submitted": auto_submitted}
    if outcome == ACKNOWLEDGEMENT:
        # Asks Exchange and its kind not to answer an acknowledgement with an out-of-office.
        headers["X-Auto-Response-Suppress"] = "All"
    outbox = queue_email(
        kind=kind,
        to_name=enquiry.journalist_name,
        to_address=enquiry.email or "",
        subject=letter.subject,
        text=letter.text,
        headers=headers,
        sender=sender,
    )
    message = MailMessage(
        direction="out",
        message_key=rules.key_of(outbox.message_id),
        message_id=outbox.message_id,
        in_reply_to=threading.in_reply_to or None,
        references=threading.references or None,
        from_name=_office_name(),
        from_address=sender,
        to_addresses=(enquiry.email or "").strip(),
        cc_addresses="",
        subject=outbox.subject,
        text=letter.text,
        quoted_text="",
        at=now,
        size=len(letter.text.encode()),
        enquiry_id=enquiry.id,
        outcome=outcome,
        outbox_message_id=outbox.id,
        created_at=now,
    )
    db.session.add(message)
    db.session.flush()
    return message


def acknowledge(
    enquiry: Enquiry,
    message: MailMessage | None,
    automatic: bool = False,
    now: datetime | None = None,
) -> MailMessage | None:
    """Acknowledge a NEW enquiry made from the emailed ``message``, inside the caller's unit of
    work: its reference, whether it reached office hours, the line to call if urgent and when
    to expect an answer, threaded on their message, ``Auto-Submitted: auto-replied``.

    Nothing is sent (None) when ``MAIL_ACKNOWLEDGE`` is off, the message was ``automatic`` or
    list mail, the sender's address takes no replies (no-reply, mailer-daemon ...), is the
    office's own, or was acknowledged less than an hour ago (the out rows of
    ``mail_messages`` are counted, under a lock on the address)."""
    assert in_unit_of_work(), "acknowledge is called inside the unit of work that logs the enquiry"
    now = clock.instant(now)
    config = current_app.config
    address = (enquiry.email or "").strip()
    own = (office_address(), config.get("MAIL_FROM") or "")
    refusal = rules.why_no_acknowledgement(
        enabled=bool(config.get("MAIL_ACKNOWLEDGE", True)),
        address=address,
        automatic=automatic,
        own_addresses=own,
        last_acknowledged_at=None,
        now=now,
    )
    if refusal is None:
        _lock_sender(address)
        refusal = rules.why_no_acknowledgement(
            enabled=True,
            address=address,
            automatic=False,
            last_acknowledged_at=_last_acknowledged_at(address, now),
            now=now,
        )
    if refusal is not None:
        current_app.logger.info("No acknowledgement for %s: %s", enquiry.reference, refusal)
        return None
    routing, opens_again = route_and_next_change(enquiry.received_at)
    letter = rules.acknowledgement_letter(
        reference=enquiry.reference,
        their_subject=message.subject if message is not None else enquiry.subject,
        name=enquiry.journalist_name,
        office_name=_office_name(),
        routing=routing,
        calendar=calendar_for(enquiry.received_at),
        deadline=enquiry.deadline,
        opens_again=opens_again,
        now=now,
    )
    sent = _write(
        enquiry=enquiry,
        outcome=ACKNOWLEDGEMENT,
        kind=ACKNOWLEDGEMENT_KIND,
        letter=letter,
        answered=message,
        auto_submitted="auto-replied",
        now=now,
    )
    # The timeline names no address: retention removes the journalist's details, not notes.
    _record(enquiry, None, "acknowledged", "Acknowledgement emailed to the journalist", now)
    return sent


def message_answered(enquiry: Enquiry) -> MailMessage | None:
    """The journalist's latest message on the enquiry (the one an answer replies to), or
    None for an enquiry logged by hand."""
    return db.session.scalar(
        sa.select(MailMessage)
        .where(
            MailMessage.enquiry_id == enquiry.id,
            MailMessage.direction == "in",
            MailMessage.outcome.in_(_ANSWERABLE),
        )
        .order_by(MailMessage.at.desc(), MailMessage.id.desc())
        .limit(1)
    )


def answer_letter(enquiry: Enquiry, text: str, answered: MailMessage | None) -> rules.Letter:
    """The answer as the journalist receives it: their subject with ``Re:`` and the token,
    the answer's words, and the office's name and the reference beneath."""
    subject = rules.reply_subject(
        answered.subject if answered is not None else enquiry.subject, enquiry.reference
    )
    body = f"{text.rstrip()}\n\n{_office_name()}\nReference: {enquiry.reference}\n"
    return rules.Letter(subject, body)


def send_answer(
    enquiry: Enquiry, text: str, actor: User | None = None, now: datetime | None = None
) -> MailMessage | None:
    """Email the answer ``text`` to the journalist, inside the unit of work that records it:
    from ``PRESS_OFFICE_EMAIL``, threaded on their latest message (``In-Reply-To``,
    ``References``, the subject ``Re: <theirs> [ENQ-...]``), ``Auto-Submitted:
    auto-generated``. None when the enquiry does not answer by email (see
    ``answers_by_email``). Sent once: the outbox row is written with the answer, and the
    enquiry's state refuses a second answer to the same message."""
    assert in_unit_of_work(), "send_answer is called inside the unit of work that records it"
    if not answers_by_email(enquiry):
        return None
    now = clock.instant(now)
    answered = message_answered(enquiry)
    sent = _write(
        enquiry=enquiry,
        outcome=ANSWER,
        kind=ANSWER_KIND,
        letter=answer_letter(enquiry, text, answered),
        answered=answered,
        auto_submitted="auto-generated",
        now=now,
    )
    _record(
        enquiry,
        actor,
        "emailed",
        f"Answer emailed to the journalist from {sent.from_address}",
        now,
    )
    return sent


def _record(enquiry: Enquiry, actor: User | None, action: str, comment: str, now: datetime) -> None:
    db.session.add(
        EnquiryEvent(
            enquiry_id=enquiry.id, actor=actor, action=action, comment=comment, created_at=now
        )
    )
