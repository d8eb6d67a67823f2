"""Sending a release to media lists: who gets it, when, and whether a message may still go.

Two kinds of distribution:

- ``embargoed_copy``: before the embargo, each contact on the chosen lists gets their own
  personal embargoed link (the per-recipient link, watermark, terms and access log of an
  embargoed copy), emailed at once. Only a scheduled release whose embargo is still ahead.
- ``on_publication``: each contact gets the public release by email at the embargo instant
  (a scheduled release), or at once (a release already public). Never before the instant.

Who: every contact on the lists, once each (matched by email address, whatever its case),
except those marked do not contact and those anonymised: do-not-contact always wins, and it
is checked again when each message is about to go, so a contact who unsubscribes after the
distribution was made gets nothing.

A message that is about to go asks ``may_message_go`` with the facts at that instant, read under
the lock of the claim that takes it (every claim: one message, a batch, a lease run out, each
message of a batch before it goes): the distribution cancelled, the contact do-not-contact or
anonymised, the release unscheduled, withdrawn, or approved again since the copy was written,
the embargo moved, or the copy's personal link revoked, each drops the message or holds it back,
so a send is never early and never of something the office has taken back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from .contacts import contact_refusal, may_contact
from .links import embargo_banner, has_expired
from .signoff import ALLOWED, Decision
from .visibility import computed_status

EMBARGOED_COPY = "embargoed_copy"
ON_PUBLICATION = "on_publication"
KINDS = (EMBARGOED_COPY, ON_PUBLICATION)
KIND_LABELS = {
    EMBARGOED_COPY: "Embargoed copies",
    ON_PUBLICATION: "The release when it goes public",
}

# What happens to one recipient.
QUEUED = "queued"
SENT = "sent"
FAILED = "failed"
CANCELLED = "cancelled"
SKIPPED_DO_NOT_CONTACT = "skipped_do_not_contact"
RECIPIENT_STATUSES = (QUEUED, SENT, FAILED, CANCELLED, SKIPPED_DO_NOT_CONTACT)

# A message about to go: send it, wait until a later instant, or drop it for good.
SEND = "send"
WAIT = "wait"
DROP = "drop"

LISTS_MAX = 50


class ContactFacts(Protocol):
    id: int
    email: str | None
    do_not_contact: bool
    anonymised_at: datetime | None


@dataclass(frozen=True)
class Plan:
    """The outcome of choosing recipients: who gets a message, and who is skipped and why."""

    to_send: tuple
    skipped_do_not_contact: tuple
    duplicates: int
    already_sent: int = 0


def choose_recipients(
    contacts: Iterable[ContactFacts], already: frozenset[int] | set[int] = frozenset()
) -> Plan:
    """Each contact once, by email address in any case, in the order given; do-not-contact
    (and anonymised) contacts are skipped, and counted so the office can see it; contacts in
    ``already`` (sent this release in this way before) are left out, and counted."""
    seen: set[str] = set()
    to_send, skipped, duplicates, repeats = [], [], 0, 0
    for contact in contacts:
        if contact.id in already:
            repeats += 1
            continue
        key = (contact.email or "").strip().casefold() or f"id:{contact.id}"
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        (to_send if may_contact(contact) else skipped).append(contact)
    return Plan(tuple(to_send), tuple(skipped), duplicates, repeats)


def may_distribute(
    kind: str, state: str, embargo_until: datetime | None, now: datetime
) -> Decision:
    """May a distribution of this kind be made for a release in this state, now?"""
    status = computed_status(state, embargo_until, now)
    if kind == EMBARGOED_COPY:
        if status != "scheduled":
            return Decision(
                False,
                "Embargoed copies go out only while a release is scheduled and its embargo "
                "is ahead. Schedule the release first.",
                "state",
            )
        return ALLOWED
    if kind == ON_PUBLICATION:
        if status not in ("scheduled", "published"):
            return Decision(
                False,
                "The release can be sent to lists once it is scheduled (it goes at the "
                "embargo instant) or published (it goes at once).",
                "state",
            )
        return ALLOWED
    return Decision(
        False, "Choose embargoed copies or the release when it goes public.", "invalid", "kind"
    )


def send_at_for(kind: str, state: str, embargo_until: datetime | None, now: datetime) -> datetime:
    """When the messages of a new distribution go: an embargoed copy at once; the public
    release at the embargo instant while one is ahead, otherwise at once."""
    if kind == ON_PUBLICATION and computed_status(state, embargo_until, now) == "scheduled":
        assert embargo_until is not None
        return embargo_until
    return now


def may_deliver(
    kind: str, state: str, embargo_until: datetime | None, now: datetime
) -> tuple[str, datetime | None]:
    """Whether one message of a distribution may go at ``now``: ``(SEND, None)``,
    ``(WAIT, instant)`` when the embargo is still ahead, or ``(DROP, None)`` when the release
    is no longer in a state the message was made for."""
    status = computed_status(state, embargo_until, now)
    if kind == EMBARGOED_COPY:
        return (SEND, None) if status == "scheduled" else (DROP, None)
    if status == "scheduled":
        return WAIT, embargo_until
    if status == "published":
        return SEND, None
    return DROP, None


@dataclass(frozen=True)
class MessageFacts:
    """What decides whether one message of a distribution may still go, as it stands at the
    instant a worker claims it. A message not made by a distribution (a staff notification, an
    answer to an enquiry) has no such facts: ``may_message_go`` is not asked about it."""

    # The distribution's kind; None when the message's place in a distribution is gone.
    kind: str | None
    distribution_cancelled: bool = False
    cancel_reason: str | None = None
    # The contact as they are now; None when the contact was deleted.
    contact: ContactFacts | None = None
    release_state: str = "published"
    embargo_until: datetime | None = None
    # When the release's current approval was given, and when the copy was written from it.
    approved_at: datetime | None = None
    written_at: datetime | None = None
    # An embargoed copy: its personal link, and the embargo line the copy states.
    link_revoked_at: datetime | None = None
    link_expires_at: datetime | None = None
    embargo_line: str | None = None


@dataclass(frozen=True)
class Verdict:
    """``SEND`` now; ``WAIT`` until ``until``; or ``DROP`` for good, with the reason kept on the
    message for the office to read."""

    answer: str
    until: datetime | None = None
    reason: str | None = None


def may_message_go(facts: MessageFacts, now: datetime) -> Verdict:
    """The one rule every sending path asks of a distribution's message, at the instant it is
    claimed: may it still go, now? Do-not-contact first, then whatever the office has taken
    back since the copy was written; otherwise wait for the embargo, or send."""
    if facts.kind is None:
        return Verdict(DROP, reason="No longer part of a distribution")
    if facts.contact is None:
        return Verdict(DROP, reason="The contact was removed")
    refusal = contact_refusal(facts.contact)
    if refusal is not None:
        return Verdict(DROP, reason="Do not contact: " + refusal)
    if facts.distribution_cancelled:
        said = facts.cancel_reason or "The distribution was cancelled"
        return Verdict(DROP, reason=f"Cancelled: {said}")
    answer, later = may_deliver(facts.kind, facts.release_state, facts.embargo_until, now)
    if answer == DROP:
        return Verdict(DROP, reason=why_not_any_more(facts.release_state))
    if (
        facts.approved_at is not None
        and facts.written_at is not None
        and facts.approved_at > facts.written_at
    ):
        return Verdict(DROP, reason="The release was approved again after this copy was written")
    if facts.kind == EMBARGOED_COPY:
        if facts.link_revoked_at is not None or has_expired(facts.link_expires_at, now):
            return Verdict(DROP, reason="The embargoed link in this copy was revoked or expired")
        if (
            facts.embargo_line is not None
            and facts.embargo_until is not None
            and facts.embargo_line != embargo_banner(facts.embargo_until)
        ):
            return Verdict(DROP, reason="The embargo moved after this copy was written")
    if answer == WAIT:
        return Verdict(WAIT, until=later)
    return Verdict(SEND)


def why_not_any_more(state: str) -> str:
    """Why a release's messages stop, from the state the release is in now."""
    return {
        "approved": "The release was unscheduled",
        "draft": "The release was edited: its approval is void",
        "in_review": "The release was edited: its approval is void",
        "withdrawn": "The release was withdrawn",
    }.get(state, "The release is no longer scheduled")


def summary_status(counts: dict[str, int], send_at: datetime, now: datetime) -> str:
    """One word for a distribution's progress, from its recipients' counts."""
    queued = counts.get(QUEUED, 0)
    done = counts.get(SENT, 0) + counts.get(FAILED, 0)
    if queued == 0 and done == 0:
        return "cancelled" if counts.get(CANCELLED, 0) else "sent"
    if queued:
        return "scheduled" if send_at > now and done == 0 else "sending"
    return "sent with failures" if counts.get(FAILED, 0) else "sent"
