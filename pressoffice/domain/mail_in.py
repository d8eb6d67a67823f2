"""Reading a message that came in to the office's mailbox: who sent it, what it says, what it
answers, when the office's server received it, and whether it is automatic mail or a bounce.

Plain Python on the standard library's ``email`` (``policy=default``): no Flask, no database.
The rules that keep the desk from doubling, looping or losing mail start here:

- ``message_key``: the Message-ID without angle brackets, or ``sha256:<hex>`` of the headers a
  sender writes and the body when there is none, so the same message fetched twice, or
  delivered to two of the office's addresses, has one key;
- ``automatic_reason``: RFC 3834 and the bulk-mail headers (``Auto-Submitted`` other than
  ``no``, ``Precedence: bulk|list|junk``, ``X-Auto-Response-Suppress``, ``List-Id``);
- ``bounce_of``: a delivery-status report (``multipart/report``) or mail from ``MAILER-DAEMON``,
  with the message it answers and whether the failure is permanent;
- ``received_instant``: the newest ``Received`` header, never the sender's ``Date``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.errors import (
    CloseBoundaryNotFoundDefect,
    InvalidMultipartContentTransferEncodingDefect,
    MultipartInvariantViolationDefect,
    NoBoundaryInMultipartDefect,
    StartBoundaryNotFoundDefect,
)
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

from .mail_text import readable_text, split_quoted, storable

__all__ = ["split_quoted"]

MESSAGE_KEY_MAX = 300
# Defects that leave the message's parts unreadable: such a message is parked for a person.
BROKEN_STRUCTURE = (
    StartBoundaryNotFoundDefect,
    CloseBoundaryNotFoundDefect,
    NoBoundaryInMultipartDefect,
    MultipartInvariantViolationDefect,
    InvalidMultipartContentTransferEncodingDefect,
)
REFERENCE_TOKEN = re.compile(r"\[\s*(ENQ-\d{8}-\d{4,})\s*\]", re.IGNORECASE)
_ANGLE_ID = re.compile(r"<([^<>\s]+)>")
# Headers a sender writes: the same message keeps them wherever it is delivered, while the trace
# headers (Received, Delivered-To, Return-Path...) differ from one copy to the next.
_KEYED_HEADERS = ("from", "to", "cc", "subject", "date", "in-reply-to", "references")
_BOUNCE_SENDERS = ("mailer-daemon", "postmaster", "mail-daemon")
_BULK_PRECEDENCE = ("bulk", "list", "junk")
# The standard library's header parser slows with the square of a header's length (a minute
# for a megabyte); a header longer than this is read as it stands, without decoding.
LONG_HEADER = 16 * 1024


class Unreadable(ValueError):
    """The message cannot be read as an enquiry; the message says why, for the person who
    decides what to do with it."""


@dataclass(frozen=True)
class MailFile:
    """A file that came with a message, as the sender named it."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Bounce:
    """A report that a message could not be delivered."""

    answers: str | None  # the message key of the message that bounced, when the report says
    permanent: bool
    diagnostic: str


@dataclass(frozen=True)
class ParsedMail:
    """What the desk needs of one message."""

    message_key: str
    message_id: str | None
    in_reply_to: list[str]
    references: list[str]
    from_name: str
    from_address: str
    to_addresses: list[str]
    cc_addresses: list[str]
    subject: str
    text: str
    quoted_text: str
    date_header: str | None
    received: datetime | None
    enquiry_reference: str | None
    automatic_reason: str | None
    bounce: Bounce | None
    attachments: list[MailFile] = field(default_factory=list)
    # The From address (who wrote it), which decides whether it is the office's own mail.
    author_address: str = ""

    @property
    def thread_keys(self) -> list[str]:
        """The message keys this message answers, the most direct first."""
        keys = list(self.in_reply_to)
        keys += [key for key in reversed(self.references) if key not in keys]
        return keys


def read_message(raw: bytes) -> EmailMessage:
    """The message object for raw RFC 5322 bytes (``policy=default``)."""
    return message_from_bytes(raw, policy=policy.default)


def parse_mail(
    raw: bytes, *, lenient: bool = False, own_addresses: frozenset[str] | set[str] = frozenset()
) -> ParsedMail:
    """Read a message that came in; raises Unreadable, saying why, when it cannot be read as an
    enquiry (no sender address, or a MIME structure whose parts cannot be told apart).
    ``lenient`` (a person chose to log it anyway) reads a broken structure as best it can: its
    body as text when no part can be told apart. A ``Reply-To`` naming one of
    ``own_addresses`` (the office's) is passed over for ``From``."""
    try:
        message = read_message(raw)
        return _parse(message, raw, lenient, own_addresses)
    except Unreadable:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of a malformed message is a reason
        raise Unreadable(f"The message could not be read ({type(exc).__name__}: {exc})") from exc


def _parse(message: EmailMessage, raw: bytes, lenient: bool, own_addresses) -> ParsedMail:
    broken = [d for d in _all_defects(message) if isinstance(d, BROKEN_STRUCTURE)]
    if broken and not lenient:
        raise Unreadable(
            "The message's MIME structure is broken, so its parts cannot be told apart ("
            + "; ".join(sorted({type(d).__name__ for d in broken}))
            + ")"
        )
    from_name, from_address = sender(message, own_addresses)
    if not from_address:
        raise Unreadable("The message has no sender address (From) to reply to")
    subject = one_line(header_text(message, "subject"))
    text, quoted = readable_text(message)
    if lenient and not text:
        text, quoted = split_quoted(storable(_body_bytes(raw).decode("utf-8", "replace")))
    return ParsedMail(
        message_key=message_key(message, raw),
        message_id=header_text(message, "message-id") or None,
        in_reply_to=message_ids(header_text(message, "in-reply-to")),
        references=message_ids(header_text(message, "references")),
        from_name=from_name,
        from_address=from_address,
        to_addresses=_addresses(message, "to"),
        cc_addresses=_addresses(message, "cc"),
        subject=subject,
        text=text,
        quoted_text=quoted,
        date_header=(header_text(message, "date") or None),
        received=received_instant(message),
        enquiry_reference=enquiry_reference_in(subject),
        automatic_reason=automatic_reason(message),
        bounce=bounce_of(message),
        attachments=attachments(message),
        author_address=sender(message, own_addresses, reply_to=False)[1],
    )


def _all_defects(message: EmailMessage) -> list:
    found = []
    for part in message.walk():
        found.extend(part.defects)
    return found


def _raw_headers(message: EmailMessage, name: str) -> list[str]:
    return [value for key, value in message.raw_items() if key.lower() == name]


def header_text(message: EmailMessage, name: str) -> str:
    """A header's value as text ('' when missing); an undecodable header, or one too long to
    decode in good time (``LONG_HEADER``), is read as it stands."""
    found = _raw_headers(message, name)
    if not found:
        return ""
    value = found[0]
    if len(value) <= LONG_HEADER:
        try:
            value = message.get(name)
        except Exception:  # noqa: BLE001 - a malformed header is read as it stands
            value = found[0]
    return storable(str(value)).strip()


def one_line(text: str) -> str:
    """Text on one line: folding, tabs and control characters become single spaces."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


# --- who and which -------------------------------------------------------------------------


def _addresses(message: EmailMessage, name: str) -> list[str]:
    return [address.lower() for _, address in getaddresses([header_text(message, name)]) if address]


def sender(
    message: EmailMessage, own_addresses=frozenset(), *, reply_to: bool = True
) -> tuple[str, str]:
    """The journalist's name and address: ``Reply-To`` when it names one (where they asked
    for answers to go) other than the office's own, else ``From``; the name from whichever
    header gives one. ``reply_to=False``: the From header alone (who wrote it)."""
    from_pairs = [p for p in getaddresses([header_text(message, "from")]) if "@" in p[1]]
    reply_pairs = [
        p
        for p in getaddresses([header_text(message, "reply-to")] if reply_to else [])
        if "@" in p[1] and not is_own_address(p[1], own_addresses)
    ]
    from_name, from_address = from_pairs[0] if from_pairs else ("", "")
    if not from_address:
        # MAILER-DAEMON and friends often write a bare name without a domain.
        bare = getaddresses([header_text(message, "from")])
        from_address = bare[0][1] if bare and bare[0][1] else ""
        from_name = bare[0][0] if bare else ""
    if reply_pairs:
        name, address = reply_pairs[0]
        return one_line(name or from_name), address.strip()
    return one_line(from_name), from_address.strip()


def message_ids(value: str) -> list[str]:
    """The Message-IDs in an In-Reply-To or References header, without angle brackets, in order."""
    found = _ANGLE_ID.findall(value or "")
    if not found and value and value.strip() and " " not in value.strip():
        found = [value.strip()]
    return [key for key in dict.fromkeys(found) if len(key) <= MESSAGE_KEY_MAX]


def message_key(message: EmailMessage, raw: bytes) -> str:
    """The key one message has wherever and however often it arrives: its Message-ID without
    angle brackets, or ``sha256:<hex>`` of the headers its sender wrote and its body."""
    message_id = header_text(message, "message-id")
    ids = _ANGLE_ID.findall(message_id) or ([message_id] if message_id else [])
    if ids and ids[0].strip():
        key = ids[0].strip()
        if len(key) <= MESSAGE_KEY_MAX:
            return key
        return "sha256:" + hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()
    digest = hashlib.sha256()
    for name in _KEYED_HEADERS:
        digest.update(name.encode() + b":" + header_text(message, name).encode("utf-8", "replace"))
        digest.update(b"\n")
    digest.update(_body_bytes(raw))
    return "sha256:" + digest.hexdigest()


def _body_bytes(raw: bytes) -> bytes:
    for separator in (b"\r\n\r\n", b"\n\n"):
        at = raw.find(separator)
        if at >= 0:
            return raw[at + len(separator) :].replace(b"\r\n", b"\n")
    return b""


def enquiry_reference_in(subject: str) -> str | None:
    """The reference in a subject's ``[ENQ-YYYYMMDD-NNNN]`` token, upper case, or None. With
    several, the last: our answers keep any token of theirs and add the enquiry's after it."""
    found = REFERENCE_TOKEN.findall(subject or "")
    return found[-1].upper() if found else None


def is_own_address(address: str, own_addresses: set[str] | frozenset[str]) -> bool:
    """True when ``address`` is one of the office's own (compared without regard to case)."""
    return (address or "").strip().lower() in {a.strip().lower() for a in own_addresses if a}


# --- when ----------------------------------------------------------------------------------


def received_instant(message: EmailMessage) -> datetime | None:
    """The instant the newest ``Received`` header (the top one, written by the office's own
    server) gives after its semicolon, in UTC; None when there is none to read."""
    for text in _raw_headers(message, "received"):
        if ";" not in text:
            continue
        try:
            instant = parsedate_to_datetime(one_line(text.rsplit(";", 1)[1]))
        except (TypeError, ValueError, IndexError):
            continue
        if instant is None or instant.tzinfo is None:
            continue
        return instant.astimezone(UTC)
    return None


# --- automatic mail and bounces ---------------------------------------------------------------


def automatic_reason(message: EmailMessage) -> str | None:
    """Why a message is automatic mail that must get neither an enquiry nor an answer, or
    None for mail a person wrote."""
    auto = header_text(message, "auto-submitted").lower()
    if auto and auto.split(";")[0].strip() != "no":
        return f"Auto-Submitted: {auto}"
    precedence = header_text(message, "precedence").lower()
    if precedence in _BULK_PRECEDENCE:
        return f"Precedence: {precedence}"
    suppress = header_text(message, "x-auto-response-suppress")
    if suppress:
        return f"X-Auto-Response-Suppress: {suppress}"
    list_id = header_text(message, "list-id")
    if list_id:
        return f"List-Id: {list_id}"
    return None


def bounce_of(message: EmailMessage) -> Bounce | None:
    """The delivery failure a message reports, or None when it is not a bounce."""
    is_report = (
        message.get_content_type() == "multipart/report"
        and message.get_param("report-type", "").lower() == "delivery-status"
    )
    _, address = sender(message)
    local = address.split("@", 1)[0].lower()
    if not is_report and local not in _BOUNCE_SENDERS:
        return None
    permanent, diagnostic = True, ""
    answers = None
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            permanent, diagnostic = _delivery_status(part)
        elif kind in ("message/rfc822", "text/rfc822-headers") and answers is None:
            answers = _returned_message_key(part)
    if answers is None:
        keys = message_ids(header_text(message, "in-reply-to")) or message_ids(
            header_text(message, "references")
        )
        answers = keys[0] if keys else _message_id_in_text(message)
    if not diagnostic:
        diagnostic = one_line(header_text(message, "subject")) or "Delivery failed"
    return Bounce(answers=answers, permanent=permanent, diagnostic=storable(diagnostic)[:2000])


def _delivery_status(part: EmailMessage) -> tuple[bool, str]:
    blocks = part.get_payload()
    if not isinstance(blocks, list):
        blocks = [read_message(str(blocks).encode("utf-8", "replace"))]
    permanent, diagnostic = True, ""
    for block in blocks[1:] or blocks:
        action = str(block.get("action", "")).strip().lower()
        status = str(block.get("status", "")).strip()
        code = str(block.get("diagnostic-code", "")).strip()
        if action in ("delayed", "delivered", "relayed", "expanded") or status.startswith("4"):
            permanent = False
        elif action == "failed" or status.startswith("5"):
            permanent = True
        diagnostic = one_line(" ".join(x for x in (status, code) if x)) or diagnostic
        if permanent:
            break
    return permanent, diagnostic


def _returned_message_key(part: EmailMessage) -> str | None:
    if part.get_content_type() == "message/rfc822":
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
    else:
        inner = read_message(part.get_payload(decode=True) or b"")
    if inner is None:
        return None
    ids = message_ids(header_text(inner, "message-id"))
    return ids[0] if ids else None


def _message_id_in_text(message: EmailMessage) -> str | None:
    text, quoted = readable_text(message)
    match = re.search(r"^\s*Message-ID:\s*<([^<>\s]+)>", text + "\n" + quoted, re.I | re.M)
    return match.group(1) if match else None


# --- files ----------------------------------------------------------------------------------


def attachments(message: EmailMessage) -> list[MailFile]:
    """The files that came with a message (parts with a file name, or marked as attachments),
    in the order they appear; a bounce's returned message is not a file."""
    files = []
    for part in message.walk():
        if part.is_multipart() or part.get_content_type() in (
            "message/delivery-status",
            "message/rfc822",
            "text/rfc822-headers",
        ):
            continue
        filename = part.get_filename()
        if not filename and part.get_content_disposition() != "attachment":
            continue
        data = part.get_payload(decode=True) or b""
        files.append(
            MailFile(
                filename=one_line(storable(filename or "attachment")),
                content_type=part.get_content_type(),
                data=data,
            )
        )
    return files
