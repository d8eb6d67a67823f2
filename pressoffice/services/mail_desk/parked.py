"""Mail not logged: the messages parked for a person to decide (unreadable, over the size
limit, refused by the log, or failing for any other reason), listed newest first, each
downloadable whole, and either logged anyway (the enquiry made as if it had come in, at the
instant it arrived) or dismissed, with who decided and when. Each decision is one unit of work.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import undefer

from ...domain import mail_in
from ...domain.mail_in import Unreadable
from ...extensions import db
from ...models import Enquiry, Mailbox, MailMessage, User
from ..errors import NotFound, ValidationFailed, WrongState
from ..unit_of_work import unit_of_work
from .ingest import DISMISSED, PARKED, make_enquiry, own_addresses

PAGE = 100


def parked_messages(limit: int = PAGE) -> list[MailMessage]:
    """The messages waiting for a person, newest first."""
    return list(
        db.session.scalars(
            sa.select(MailMessage)
            .where(MailMessage.direction == "in", MailMessage.outcome == PARKED)
            .order_by(MailMessage.at.desc(), MailMessage.id.desc())
            .limit(limit)
        )
    )


def parked_count() -> int:
    """How many messages wait for a person."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(MailMessage)
        .where(MailMessage.direction == "in", MailMessage.outcome == PARKED)
    )


def recently_decided(limit: int = 20) -> list[MailMessage]:
    """Parked messages a person dismissed, newest decision first, with who did it."""
    return list(
        db.session.scalars(
            sa.select(MailMessage)
            .where(MailMessage.direction == "in", MailMessage.outcome == DISMISSED)
            .order_by(MailMessage.decided_at.desc(), MailMessage.id.desc())
            .limit(limit)
        )
    )


def decider_names(messages: list[MailMessage]) -> dict[int, str]:
    """The names of the people who decided, by user id."""
    ids = {m.decided_by_id for m in messages if m.decided_by_id}
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(ids))).all())


def mailboxes() -> list[Mailbox]:
    """The mailboxes read, with when each was last read and the last problem reading it."""
    return list(db.session.scalars(sa.select(Mailbox).order_by(Mailbox.name)))


def raw_message(message_id: int) -> MailMessage:
    """A message that came in, with its raw bytes, for download; NotFound otherwise."""
    message = db.session.scalar(
        sa.select(MailMessage)
        .options(undefer(MailMessage.raw))
        .where(MailMessage.id == message_id, MailMessage.direction == "in")
    )
    if message is None or message.raw is None:
        raise NotFound("No such message")
    return message


def _lock_parked(message_id: int) -> MailMessage:
    message = db.session.scalar(
        sa.select(MailMessage)
        .options(undefer(MailMessage.raw))
        .where(MailMessage.id == message_id, MailMessage.direction == "in")
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if message is None:
        raise NotFound("No such message")
    if message.outcome != PARKED:
        raise WrongState("This message is no longer waiting: someone has already decided")
    return message


@unit_of_work
def log_anyway(message_id: int, *, actor: User, now: datetime) -> str:
    """Make the enquiry a parked message would have made, as if it had come in: received at
    the instant it arrived, routed and assigned by that instant, acknowledged; answers its
    reference. Refused, saying why, when it has no sender address to reply to."""
    message = _lock_parked(message_id)
    try:
        parsed = mail_in.parse_mail(message.raw or b"", lenient=True, own_addresses=own_addresses())
    except Unreadable as problem:
        raise ValidationFailed(
            {"message": f"{problem}: log it by hand from the enquiry log instead"}
        ) from None
    enquiry = make_enquiry(message, parsed, actor=actor, now=now)
    if enquiry is None:
        raise ValidationFailed({"message": message.reason})
    message.decided_by_id = actor.id
    message.decided_at = now
    return enquiry.reference


@unit_of_work
def dismiss(message_id: int, *, actor: User, now: datetime) -> None:
    """Set a parked message aside: no enquiry; who dismissed it and when are kept."""
    message = _lock_parked(message_id)
    message.outcome = DISMISSED
    message.decided_by_id = actor.id
    message.decided_at = now


def enquiry_reference(enquiry_id: int | None) -> str | None:
    """The reference of the enquiry a message belongs to, if any."""
    if enquiry_id is None:
        return None
    return db.session.scalar(sa.select(Enquiry.reference).where(Enquiry.id == enquiry_id))
