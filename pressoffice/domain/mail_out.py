"""What the enquiry desk sends by email, as plain rules: the subject and threading headers of an
answer, who never gets an acknowledgement (no-reply and automatic senders, and anyone
acknowledged within the hour), and the acknowledgement's words.

Nothing here reads the database or the clock: the instants and the routing are arguments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..timefmt import to_london, uk_datetime
from .routing import DAY_NAMES, OfficeCalendar, Routing

# --- the subject ------------------------------------------------------------------------------

# "Re:", "RE :", "Re[2]:", "Re(3):", "Aw:", "Sv:", "Antw:" and the like, repeated at the start.
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|aw|sv|antw)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*)+", re.I)
# The enquiry's token, anywhere in the subject: "[ENQ-20261208-0001]".
REFERENCE_TOKEN = re.compile(r"\[\s*(ENQ-\d{8}-\d{4,})\s*\]", re.I)
# The longest subject the outbox keeps (the header stays on one line).
MAX_SUBJECT = 300


def reply_subject(their_subject: str | None, reference: str) -> str:
    """The subject of an answer: ``Re: <theirs> [ENQ-YYYYMMDD-NNNN]``, with one ``Re:`` however
    many their subject had, and the enquiry's token once (an old token of the same enquiry
    anywhere in theirs is taken out, so the reply to a reply does not grow)."""
    token = f"[{reference}]"
    subject = " ".join((their_subject or "").split())
    subject = REFERENCE_TOKEN.sub(
        lambda m: "" if m.group(1).upper() == reference.upper() else m.group(0), subject
    )
    subject = _REPLY_PREFIX.sub("", " ".join(subject.split())).strip()
    if not subject:
        subject = "Your enquiry"
    room = MAX_SUBJECT - len("Re:  ") - len(token)
    if len(subject) > room:
        subject = subject[: room - 1].rstrip() + "…"
    return f"Re: {subject} {token}"


# --- threading: In-Reply-To and References ----------------------------------------------------

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
# A header line stays well within SMTP's 998 characters (the outbox writes it on one line).
MAX_REFERENCES_LENGTH = 900


def message_ids(header: str | None) -> list[str]:
    """The ``<...>`` message identifiers in a header (References, In-Reply-To), in order,
    each once."""
    seen: list[str] = []
    for found in _MESSAGE_ID.findall(header or ""):
        if found not in seen:
            seen.append(found)
    return seen


def bracketed(message_id: str) -> str:
    """A Message-ID with its angle brackets, however it was stored."""
    return f"<{message_id.strip().strip('<>')}>"


def key_of(message_id: str) -> str:
    """A Message-ID as ``mail_messages.message_key`` holds it: without angle brackets."""
    return message_id.strip().strip("<>").strip()


@dataclass(frozen=True)
class Threading:
    """The headers that put an answer in the journalist's thread."""

    in_reply_to: str
    references: str

    def headers(self) -> dict[str, str]:
        """As outbox headers (nothing when there is no message to answer)."""
        if not self.in_reply_to:
            return {}
        return {"In-Reply-To": self.in_reply_to, "References": self.references}


def threading_for(their_message_id: str | None, their_references: str | None) -> Threading:
    """In-Reply-To names the message answered; References is their References followed by
    their Message-ID (RFC 5322 3.6.4). A long chain is trimmed to fit one header line by
    dropping identifiers from the middle: the first (the thread's start) and the latest stay."""
    if not their_message_id or not message_ids(bracketed(their_message_id)):
        return Threading("", "")
    answered = bracketed(their_message_id)
    chain = [i for i in message_ids(their_references) if i != answered] + [answered]
    while len(chain) > 2 and len(" ".join(chain)) > MAX_REFERENCES_LENGTH:
        del chain[1]
    return Threading(answered, " ".join(chain))


# --- who gets an acknowledgement --------------------------------------------------------------

# Local parts (before the @) of addresses that no person reads, or that answer by machine.
_NO_REPLY = re.compile(
    r"^(?:.*[-_.+]?(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|dont[-_.]?reply)[-_.+]?.*"
    r"|mailer[-_.]?daemon|postmaster|bounces?(?:[-_.+].*)?|.*[-_.+]bounces?(?:[-_.+].*)?"
    r"|auto[-_.]?(?:reply|responder|mailer)|autoresponder|daemon|listserv|majordomo"
    r"|.*-request|owner-.*|.*-owner|notifications?|alerts?)$",
    re.I,
)

ACKNOWLEDGE_EVERY = timedelta(hours=1)


def is_no_reply_address(address: str | None) -> bool:
    """True for an address no person answers from: no-reply, do-not-reply, mailer-daemon,
    postmaster, bounce addresses, list robots (-request, owner-), autoresponders and
    notification senders. An empty or malformed address counts as one (nowhere to write)."""
    address = (address or "").strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        return True
    return bool(_NO_REPLY.match(local))


def acknowledgement_due(last_acknowledged_at: datetime | None, now: datetime) -> bool:
    """At most one acknowledgement per sender an hour: due when none was sent to them, or
    the last went an hour or more before ``now`` (exactly an hour later is due again)."""
    if last_acknowledged_at is None:
        return True
    return now - last_acknowledged_at >= ACKNOWLEDGE_EVERY


def why_no_acknowledgement(
    *,
    enabled: bool,
    address: str | None,
    automatic: bool,
    own_addresses: tuple[str, ...] = (),
    last_acknowledged_at: datetime | None,
    now: datetime,
) -> str | None:
    """None when an acknowledgement goes to ``address``; otherwise why not, in words for the
    record: switched off, automatic or list mail (RFC 3834: never answer a machine), a
    no-reply address, the office's own address, or one acknowledged within the hour."""
    if not enabled:
        return "Acknowledgements are switched off (MAIL_ACKNOWLEDGE)"
    if automatic:
        return "Automatic or list mail is never answered"
    if is_no_reply_address(address):
        return "The sender's address does not take replies"
    if (address or "").strip().casefold() in {a.strip().casefold() for a in own_addresses if a}:
        return "The office's own address"
    if not acknowledgement_due(last_acknowledged_at, now):
        return "This sender was acknowledged less than an hour ago"
    return None


# --- the acknowledgement's words --------------------------------------------------------------


def _opening(moment: datetime) -> str:
    local = to_london(moment)
    return f"{local:%H:%M} {local.tzname()} on {DAY_NAMES[local.weekday()]} {local.day} {local:%B}"


def expected_answer(
    routing: Routing,
    calendar: OfficeCalendar,
    *,
    deadline: datetime | None,
    opens_again: datetime | None,
    now: datetime,
) -> str:
    """When the journalist may expect an answer: by their deadline when they gave one still
    ahead; in office hours, during today's hours; out of hours, once the office opens again
    (the next opening the calendar gives, bank holidays and closures included)."""
    if deadline is not None and deadline > now:
        return f"We aim to answer before your deadline, {uk_datetime(deadline)}."
    if routing.is_office_hours:
        return f"We aim to answer today, during office hours ({calendar.hours} UK time)."
    if opens_again is not None:
        return f"We will answer once the office opens again, at {_opening(opens_again)}."
    return "We will answer once the office opens again."


@dataclass(frozen=True)
class Letter:
    """A message's subject and plain-text words."""

    subject: str
    text: str


def acknowledgement_letter(
    *,
    reference: str,
    their_subject: str | None,
    name: str,
    office_name: str,
    routing: Routing,
    calendar: OfficeCalendar,
    deadline: datetime | None,
    opens_again: datetime | None,
    now: datetime,
) -> Letter:
    """The acknowledgement of a new emailed enquiry: its reference (kept in the subject, so a
    reply joins the same enquiry), whether it reached the office in office hours or out of
    hours, the line to call if it is urgent, and when to expect an answer."""
    received = uk_datetime(routing.at)
    if routing.is_office_hours:
        reached = f"It reached us during office hours, at {received}."
        urgent = f"If it is urgent, call the press office on {routing.line}."
    else:
        reached = (
            f"It reached us out of hours, at {received} ({routing.reason}). "
            "The duty press officer has been told."
        )
        urgent = f"If it is urgent, call the duty press officer on {routing.line}."
    greeting = f"Dear {name}," if name.strip() else "Hello,"
    text = (
        f"{greeting}\n\n"
        f"Thank you for your enquiry. Your reference is {reference}.\n\n"
        f"{reached}\n\n"
        f"{expected_answer(routing, calendar, deadline=deadline, opens_again=opens_again, now=now)}"
        f"\n\n{urgent}\n\n"
        "To add to your enquiry, reply to this message and keep the reference in the subject.\n\n"
        f"{office_name}\n\n"
        "This is an automatic acknowledgement.\n"
    )
    return Letter(reply_subject(their_subject, reference), text)
