"""Taking in one message: it becomes a new enquiry, joins the enquiry it answers, is recorded
as automatic mail, a bounce or the office's own mail, or is parked for a person to decide.

Never doubled: the message's key (``domain.mail_in.message_key``) is claimed first, with an
insert that does nothing when the key is already there (``ON CONFLICT DO NOTHING``, on SQLite
and PostgreSQL alike), so the same message fetched twice, received at two of the office's
addresses or fetched by two workers at once makes one row and one enquiry. Never looped:
automatic mail, bounces and the office's own mail make no enquiry and get no answer. Never
lost: whatever cannot be logged is kept whole, parked with its reason.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import getaddresses

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from ... import clock
from ...domain import enquiries as enquiry_rules
from ...domain import mail_in
from ...domain.mail_in import ParsedMail, Unreadable
from ...extensions import db
from ...models import Enquiry, EnquiryEvent, Mailbox, MailMessage, User
from .. import contact_bounces, notifications
from ..enquiries import get_enquiry, log_enquiry
from ..errors import ValidationFailed
from ..unit_of_work import unit_of_work
from .files import Stored, keep_files

ENQUIRY, FOLLOW_UP, PARKED, DISMISSED = "enquiry", "follow_up", "parked", "dismissed"
AUTOMATIC, BOUNCE, OWN = "automatic", "bounce", "own"
DEFAULT_MAX_BYTES = 25 * 1024 * 1024
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Ingested:
    """What became of one message: its outcome (``already`` when it had come in before), the
    enquiry it made or joined, and why it was parked or set aside."""

    outcome: str
    message_key: str
    reference: str | None = None
    reason: str | None = None
    already: bool = False


def max_bytes() -> int:
    """The largest message logged (``MAIL_IN_MAX_BYTES``); a larger one is parked."""
    return int(current_app.config.get("MAIL_IN_MAX_BYTES") or DEFAULT_MAX_BYTES)


def size_words(size: int) -> str:
    """A size as people read it: 30.0 MB, or 5,120 bytes under a megabyte."""
    return f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{size:,} bytes"


def own_addresses() -> set[str]:
    """The office's own addresses: mail from them is never an enquiry."""
    config = current_app.config
    return {a.lower() for a in (config.get("PRESS_OFFICE_EMAIL"), config.get("MAIL_FROM")) if a}


def ingest(
    raw: bytes,
    received_at: datetime | None = None,
    mailbox: str | None = None,
    uid: int | None = None,
    *,
    uidvalidity: int | None = None,
    size: int | None = None,
    now: datetime | None = None,
) -> Ingested:
    """Take in one RFC 5322 message as one unit of work (see the module's description).

    ``received_at`` is the instant the office's server received it (IMAP INTERNALDATE); for a
    piped message it is the newest ``Received`` header, else now; never the sender's ``Date``,
    and never later than now. With ``mailbox`` and ``uid`` (a fetch), the mailbox's position is
    moved on in the same transaction, so a crash before the commit fetches it again. ``size``
    is the message's whole size when only its headers were fetched (it is over the limit)."""
    now = clock.instant(now)
    limit = max_bytes()
    size = max(size or 0, len(raw))
    parsed: ParsedMail | None = None
    reason = None
    kept = raw
    if size > limit:
        kept = _headers_only(raw)
        reason = (
            f"The message is {size_words(size)}, over the {size_words(limit)} limit "
            "(MAIL_IN_MAX_BYTES): only its headers are kept here"
            + (f"; the whole message stays in the mailbox {mailbox} (UID {uid})" if uid else "")
        )
        key = _fallback_key(kept, raw)
    else:
        try:
            parsed = mail_in.parse_mail(raw, own_addresses=own_addresses())
            key = parsed.message_key
        except Unreadable as problem:
            reason = str(problem)
            key = _fallback_key(raw, raw)
    if received_at is None:
        received_at = (parsed.received if parsed else None) or _received_from(kept) or now
    received_at = min(received_at.astimezone(UTC), now)
    stored = Stored()
    try:
        return _take_in(
            kept,
            parsed,
            key,
            reason,
            size=size,
            received_at=received_at,
            mailbox=mailbox,
            uid=uid,
            uidvalidity=uidvalidity,
            now=now,
            stored=stored,
        )
    except BaseException:
        for path in stored.paths.values():
            path.unlink(missing_ok=True)
        raise


def ingest_or_park(
    raw: bytes,
    received_at: datetime | None = None,
    mailbox: str | None = None,
    uid: int | None = None,
    *,
    uidvalidity: int | None = None,
    size: int | None = None,
) -> Ingested:
    """Take in one message as ``ingest`` does; when that fails for any reason (a folder that
    cannot be written, a row the database refuses), park it whole with the reason instead,
    so it is never lost. Used by the fetch and by ``pressoffice mail ingest``."""
    try:
        return ingest(raw, received_at, mailbox, uid, uidvalidity=uidvalidity, size=size)
    except Exception as exc:  # noqa: BLE001 - any failure parks the message, never loses it
        log.exception("mail %s UID %s could not be taken in; parking it", mailbox or "-", uid)
        db.session.rollback()
        return park(
            raw,
            f"It could not be taken in ({type(exc).__name__}: {str(exc)[:300]})",
            received_at,
            mailbox,
            uid,
            uidvalidity=uidvalidity,
        )


def park(
    raw: bytes,
    reason: str,
    received_at: datetime | None = None,
    mailbox: str | None = None,
    uid: int | None = None,
    *,
    uidvalidity: int | None = None,
    now: datetime | None = None,
) -> Ingested:
    """Keep a message that failed to be taken in for any other reason, parked with that reason
    for a person to decide (one unit of work, moving the mailbox on as ``ingest`` does)."""
    now = clock.instant(now)
    kept = raw if len(raw) <= max_bytes() else _headers_only(raw)
    return _take_in(
        kept,
        None,
        _fallback_key(kept, raw),
        reason,
        size=len(raw),
        received_at=min((received_at or _received_from(kept) or now).astimezone(UTC), now),
        mailbox=mailbox,
        uid=uid,
        uidvalidity=uidvalidity,
        now=now,
        stored=Stored(),
    )


def _headers_only(raw: bytes) -> bytes:
    for separator in (b"\r\n\r\n", b"\n\n"):
        at = raw.find(separator, 0, 1024 * 1024)
        if at >= 0:
            return raw[: at + len(separator)]
    return raw[:65536]


def _fallback_key(head: bytes, raw: bytes) -> str:
    try:
        return mail_in.message_key(mail_in.read_message(head), raw)
    except Exception:  # noqa: BLE001 - a message too broken to key is keyed on its bytes
        return "sha256:" + hashlib.sha256(raw).hexdigest()


def _received_from(raw: bytes) -> datetime | None:
    try:
        return mail_in.received_instant(mail_in.read_message(_headers_only(raw)))
    except Exception:  # noqa: BLE001
        return None


@unit_of_work
def _take_in(
    raw: bytes,
    parsed: ParsedMail | None,
    key: str,
    reason: str | None,
    *,
    size: int,
    received_at: datetime,
    mailbox: str | None,
    uid: int | None,
    uidvalidity: int | None,
    now: datetime,
    stored: Stored,
) -> Ingested:
    if mailbox is not None and uid is not None:
        _move_on(mailbox, uid, uidvalidity, now)
    outcome, why = _outcome(parsed, reason)
    message_id = _claim(raw, parsed, key, outcome, why, size, received_at, mailbox, uid, now)
    if message_id is None:
        existing = db.session.scalar(sa.select(MailMessage).where(MailMessage.message_key == key))
        return Ingested(
            outcome=existing.outcome,
            message_key=key,
            reference=_reference_of(existing.enquiry_id),
            reason=existing.reason,
            already=True,
        )
    message = db.session.get(MailMessage, message_id)
    if outcome == BOUNCE:
        _record_bounce(message, parsed, now)
    elif outcome == FOLLOW_UP:
        _join(message, parsed, why, now, stored)
    elif outcome == ENQUIRY:
        make_enquiry(message, parsed, actor=None, now=now, stored=stored)
    return Ingested(
        outcome=message.outcome,
        message_key=key,
        reference=_reference_of(message.enquiry_id),
        reason=message.reason,
    )


def _move_on(mailbox: str, uid: int, uidvalidity: int | None, now: datetime) -> None:
    """Lock the mailbox's row (made if missing) and move its last UID on to ``uid``, under
    the UIDVALIDITY it was fetched with."""
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else None
    statement = (insert or sqlite.insert)(Mailbox).values(
        name=mailbox, uidvalidity=uidvalidity, last_uid=0
    )
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["name"]))
    row = db.session.scalar(
        sa.select(Mailbox)
        .where(Mailbox.name == mailbox)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if uidvalidity is not None and row.uidvalidity != uidvalidity:
        row.uidvalidity, row.last_uid = uidvalidity, 0
    row.last_uid = max(row.last_uid or 0, uid)
    row.last_fetch_at = now
    row.last_error = None


def _outcome(parsed: ParsedMail | None, reason: str | None) -> tuple[str, str | None]:
    """What a message is, before anything is written: parked, a bounce, automatic mail, the
    office's own, a follow-up (with the enquiry's reference), or a new enquiry."""
    if parsed is None:
        return PARKED, reason
    if parsed.bounce is not None:
        return BOUNCE, parsed.bounce.diagnostic
    if parsed.automatic_reason:
        return AUTOMATIC, f"Automatic mail ({parsed.automatic_reason}): no enquiry, no answer"
    if mail_in.is_own_address(parsed.author_address or parsed.from_address, own_addresses()):
        return OWN, "Sent from the office's own address: no enquiry, no answer"
    reference = _thread_enquiry(parsed)
    if reference:
        return FOLLOW_UP, reference
    return ENQUIRY, None


def _thread_enquiry(parsed: ParsedMail) -> str | None:
    """The reference of the enquiry a message answers: by In-Reply-To and References against
    every message of every enquiry, in or out, else by the ``[ENQ-...]`` token. An enquiry
    retention has anonymised is answered by none: its journalist's details are gone, so a
    reply to it is a new enquiry, with an address to answer."""
    keys = parsed.thread_keys
    if keys:
        rows = db.session.execute(
            sa.select(MailMessage.message_key, Enquiry.reference)
            .join(Enquiry, Enquiry.id == MailMessage.enquiry_id)
            .where(MailMessage.message_key.in_(keys), Enquiry.anonymised_at.is_(None))
        ).all()
        found = dict(rows)
        for key in keys:
            if key in found:
                return found[key]
    if parsed.enquiry_reference:
        exists = db.session.scalar(
            sa.select(Enquiry.reference).where(
                Enquiry.reference == parsed.enquiry_reference, Enquiry.anonymised_at.is_(None)
            )
        )
        if exists:
            return exists
    return None


def _claim(raw, parsed, key, outcome, why, size, received_at, mailbox, uid, now) -> int | None:
    """Insert the message's row unless its key is already there; its id, or None."""
    values = {
        "direction": "in",
        "message_key": key,
        "message_id": (parsed.message_id[:998] if parsed and parsed.message_id else None),
        "in_reply_to": " ".join(parsed.in_reply_to) if parsed else None,
        "references": " ".join(parsed.references) if parsed else None,
        "from_name": (parsed.from_name[:200] if parsed else ""),
        "from_address": (parsed.from_address[:254] if parsed else ""),
        "to_addresses": ", ".join(parsed.to_addresses) if parsed else "",
        "cc_addresses": ", ".join(parsed.cc_addresses) if parsed else "",
        "subject": parsed.subject if parsed else _raw_subject(raw),
        "text": parsed.text if parsed else "",
        "quoted_text": parsed.quoted_text if parsed else "",
        "at": received_at,
        "date_header": (parsed.date_header[:200] if parsed and parsed.date_header else None),
        "raw": raw,
        "size": size,
        "outcome": outcome,
        "reason": None if outcome in (ENQUIRY, FOLLOW_UP) else why,
        "mailbox": mailbox,
        "uid": uid,
        "created_at": now,
    }
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else None
    statement = (
        (insert or sqlite.insert)(MailMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["message_key"])
        .returning(MailMessage.id)
    )
    return db.session.execute(statement).scalar()


def _raw_subject(raw: bytes) -> str:
    try:
        return mail_in.one_line(
            mail_in.header_text(mail_in.read_message(_headers_only(raw)), "subject")
        )
    except Exception:  # noqa: BLE001
        return ""


def _reference_of(enquiry_id: int | None) -> str | None:
    if enquiry_id is None:
        return None
    return db.session.scalar(sa.select(Enquiry.reference).where(Enquiry.id == enquiry_id))


def _event(enquiry: Enquiry, actor: User | None, action: str, comment: str, now: datetime):
    db.session.add(
        EnquiryEvent(
            enquiry_id=enquiry.id, actor=actor, action=action, comment=comment, created_at=now
        )
    )


# --- a new enquiry ------------------------------------------------------------------------------


def make_enquiry(
    message: MailMessage,
    parsed: ParsedMail,
    *,
    actor: User | None,
    now: datetime,
    stored: Stored | None = None,
) -> Enquiry | None:
    """Log the enquiry a message makes, inside the caller's unit of work: channel email, the
    journalist from From (or Reply-To), routed by the instant the message arrived (the same
    logging as every enquiry: reference, route, duty officer, out-of-hours alert), its files
    kept, then acknowledged. A message the log refuses (an address it cannot take) is parked
    with the reason instead, and None answered."""
    name = parsed.from_name or parsed.from_address.split("@", 1)[0]
    subject = parsed.subject or "(no subject)"
    limits = enquiry_rules.LIMITS
    details = parsed.text or "(The message has no text.)"
    try:
        logged = log_enquiry(
            {
                "journalist_name": name[: limits["journalist_name"]],
                "email": parsed.from_address,
                "subject": subject[: limits["subject"]],
                "details": details[: limits["details"]],
                "channel": "email",
            },
            now=now,
            received_at=message.at,
            logged_by=actor,
            received_by_server=True,
        )
    except ValidationFailed as refusal:
        message.outcome = PARKED
        message.reason = "The enquiry log refused it: " + "; ".join(
            f"{enquiry_rules.FIELD_LABELS.get(k, k)}: {v}" for k, v in refusal.fields.items()
        )
        return None
    enquiry = get_enquiry(logged.reference)
    message.enquiry_id = enquiry.id
    message.outcome = ENQUIRY
    message.reason = None
    note = f"By email from {parsed.from_address}"
    if len(details) > limits["details"]:
        note += " (the details hold the start of the message; the thread has it whole)"
    _event(enquiry, actor, "email_received", note, now)
    keep_files(message, parsed, enquiry, actor, now, stored or Stored())
    _acknowledge(enquiry, message)
    return enquiry


def _acknowledge(enquiry: Enquiry, message: MailMessage) -> None:
    try:
        from .outgoing import acknowledge
    except ImportError:  # the answering side is not installed: nothing is sent
        return
    acknowledge(enquiry, message, automatic=False)


# --- a follow-up ------------------------------------------------------------------------------


def _join(message: MailMessage, parsed: ParsedMail, reference: str, now: datetime, stored):
    """A reply joins its enquiry. An answered or closed enquiry goes back to needing
    attention; its assignee is told."""
    enquiry = db.session.scalar(
        sa.select(Enquiry)
        .where(Enquiry.reference == reference)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    message.enquiry_id = enquiry.id
    message.outcome = FOLLOW_UP
    reopened = enquiry.status in (enquiry_rules.ANSWERED, enquiry_rules.CLOSED)
    if reopened:
        enquiry.status = enquiry_rules.ASSIGNED if enquiry.assignee_id else enquiry_rules.NEW
        enquiry.closed_at = None
        enquiry.needs_attention = True
    note = f"{parsed.from_address} wrote again: {parsed.subject or '(no subject)'}"
    if reopened:
        note += ". The enquiry needs attention again"
    _event(enquiry, None, "follow_up", note, now)
    keep_files(message, parsed, enquiry, None, now, stored)
    if enquiry.assignee is not None and enquiry.assignee.active:
        notifications.notify(
            enquiry.assignee,
            "enquiry_follow_up",
            f"{enquiry.reference}: {parsed.from_name or parsed.from_address} wrote again",
            now=now,
            body=(message.text or "")[:2000],
            link=f"/enquiries/{enquiry.reference}",
            enquiry_id=enquiry.id,
        )


# --- a bounce ---------------------------------------------------------------------------------


def _record_bounce(message: MailMessage, parsed: ParsedMail, now: datetime) -> None:
    """A bounce is recorded on the message it answers; a permanent failure shows on that
    message and its enquiry (which needs attention: the journalist did not get it), and on the
    timeline of the media contact holding the address, if one does."""
    bounce = parsed.bounce
    if not bounce.answers:
        return
    original = db.session.scalar(
        sa.select(MailMessage)
        .where(MailMessage.message_key == bounce.answers, MailMessage.direction == "out")
        .with_for_update()
    )
    if original is None:
        return
    message.bounce_of_id = original.id
    message.enquiry_id = original.enquiry_id
    if not bounce.permanent:
        return
    original.delivery_failed_at = message.at
    original.delivery_error = bounce.diagnostic
    if original.enquiry_id is not None:
        enquiry = db.session.get(Enquiry, original.enquiry_id)
        enquiry.needs_attention = True
        _event(
            enquiry,
            None,
            "delivery_failed",
            f"Our email to {original.to_addresses} was not delivered: {bounce.diagnostic}",
            now,
        )
    for _name, address in getaddresses([original.to_addresses]):
        contact_bounces.record_bounce(address, reason=bounce.diagnostic, at=message.at)
