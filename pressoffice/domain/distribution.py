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

A message that is about to go asks ``may_deliver`` with the facts at that instant: the release
unscheduled, withdrawn or edited since (so no longer scheduled or public), or the embargo moved,
changes the answer, so a send is never early and never of something no longer approved.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from .contacts import may_contact
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


def summary_status(counts: dict[str, int], send_at: datetime, now: datetime) -> str:
    """One word for a distribution's progress, from its recipients' counts."""
    queued = counts.get(QUEUED, 0)
    done = counts.get(SENT, 0) + counts.get(FAILED, 0)
    if queued == 0 and done == 0:
        return "cancelled" if counts.get(CANCELLED, 0) else "sent"
    if queued:
        return "scheduled" if send_at > now and done == 0 else "sending"
    return "sent with failures" if counts.get(FAILED, 0) else "sent"
