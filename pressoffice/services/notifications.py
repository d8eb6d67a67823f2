"""Telling staff what needs them: a notification on their notifications page, and an email
through the outbox when they want that kind by email (each person chooses, per kind).

Notifications are written inside the use case that causes them, in its transaction: a change
rolled back tells nobody. Who is told:

- a release submitted for sign-off: every approver and admin who may sign it off (not its author,
  nor anyone who changed the content under review);
- approved, changes requested, published, withdrawn, a correction approved: its author (unless
  the author did it). A scheduled release tells its author as its embargo lifts: the notification
  is written when it is scheduled, shown from that instant, and its email is an outbox message due
  then; unscheduling, moving the embargo or voiding the approval moves or cancels both;
- a quote answered by its speaker (approved, or a change suggested): the officer who asked;
- an out-of-hours enquiry: the duty officer on the rota at the instant it arrived, at once; with
  nobody on duty, every admin and the office's out-of-hours address (``OUT_OF_HOURS_EMAIL``);
- an enquiry still unanswered ``ENQUIRY_REMINDER_MINUTES`` before its deadline: its assignee,
  once (the job queue's sweep looks every minute).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from .. import clock
from ..domain import signoff as signoff_rules
from ..extensions import db
from ..models import (
    NOTIFICATION_KINDS,
    Enquiry,
    Notification,
    NotificationPreference,
    QuoteSignoff,
    Release,
    User,
)
from ..timefmt import uk_datetime
from . import outbox
from .unit_of_work import unit_of_work

# What each kind is called on the preferences page.
KIND_LABELS = {
    "release_submitted": "A release is waiting for your sign-off",
    "release_approved": "Your release was approved",
    "release_changes_requested": "Changes were asked for on your release",
    "release_published": "Your release was published",
    "release_withdrawn": "Your release was withdrawn",
    "correction_approved": "A correction to your release was approved",
    "quote_answered": "A speaker answered the quote you sent them",
    "enquiry_out_of_hours": "An out-of-hours enquiry arrived while you are on duty",
    "enquiry_deadline": "An enquiry of yours is near its deadline and still unanswered",
    "enquiry_follow_up": "A journalist wrote again about an enquiry of yours",
}
assert set(KIND_LABELS) == set(NOTIFICATION_KINDS)

ACTIVE = ("new", "assigned")


# --- writing ---------------------------------------------------------------------------------


def wants_email(user_id: int, kind: str) -> bool:
    """Whether the person wants this kind by email (yes, unless they turned it off)."""
    choice = db.session.get(NotificationPreference, (user_id, kind))
    return True if choice is None else choice.email


def _office() -> str:
    return current_app.config.get("PRESS_OFFICE_NAME") or "The press office"


def _address(link: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + link


def _email_text(name: str, title: str, body: str, link: str) -> str:
    text = f"{name},\n\n{title}\n"
    if body:
        text += f"\n{body}\n"
    if link:
        text += f"\nOpen it in Pressoffice: {_address(link)}\n"
    return text + (
        f"\n{_office()}\nYou can turn these emails off on your notification settings page.\n"
    )


def notify(
    user: User,
    kind: str,
    title: str,
    *,
    now: datetime,
    body: str = "",
    link: str = "",
    release_id: int | None = None,
    enquiry_id: int | None = None,
    due_at: datetime | None = None,
) -> Notification:
    """Tell one member of staff: a notification shown from ``due_at`` (default now) and, if they
    want this kind by email, an outbox message due at the same instant. Inside a unit of work."""
    assert kind in KIND_LABELS, kind
    due_at = due_at or now
    notification = Notification(
        user_id=user.id,
        kind=kind,
        title=title[:300],
        body=body,
        link=link[:500],
        release_id=release_id,
        enquiry_id=enquiry_id,
        due_at=due_at,
        created_at=now,
    )
    if user.active and wants_email(user.id, kind):
        message = outbox.queue_email(
            kind=f"notification:{kind}",
            to_name=user.name,
            to_address=user.email,
            subject=title,
            text=_email_text(user.name, title, body, link),
            send_at=due_at if due_at > now else None,
            user_id=user.id,
        )
        notification.outbox_message_id = message.id
    db.session.add(notification)
    return notification


def _release_link(release: Release) -> str:
    return f"/releases/{release.id}"


def _title(release: Release) -> str:
    return release.title or "Untitled release"


def release_submitted(release: Release, facts: Any, actor: User, now: datetime) -> None:
    """Tell every approver and admin who may sign off the release that it waits for them."""
    approvers = db.session.scalars(
        sa.select(User)
        .where(User.active.is_(True), User.role.in_(signoff_rules.SIGN_OFF_ROLES))
        .order_by(User.id)
    )
    for person in approvers:
        if not signoff_rules.two_person_rule(
            facts, signoff_rules.Actor(id=person.id, role=person.role), "it", noun="release"
        ):
            continue
        notify(
            person,
            "release_submitted",
            f"Waiting for your sign-off: {_title(release)}",
            now=now,
            body=f"{actor.name} submitted it for sign-off.",
            link=_release_link(release),
            release_id=release.id,
        )


_TOLD_THE_AUTHOR = {
    "release_approved": ("Approved: {title}", "{actor} approved it."),
    "release_changes_requested": (
        "Changes asked for: {title}",
        "{actor} asked for changes: {comment}",
    ),
    "release_published": ("Published: {title}", "{actor} published it."),
    "release_withdrawn": ("Withdrawn: {title}", "{actor} withdrew it: {comment}"),
    "correction_approved": ("Correction approved: {title}", "{actor} approved the correction."),
}


def tell_author(
    release: Release, kind: str, actor: User, now: datetime, comment: str | None = None
) -> None:
    """Tell a release's author what someone else did to it."""
    if release.author_id == actor.id:
        return
    author = db.session.get(User, release.author_id)
    title, body = _TOLD_THE_AUTHOR[kind]
    words = {"title": _title(release), "actor": actor.name, "comment": (comment or "").strip()}
    notify(
        author,
        kind,
        title.format(**words),
        now=now,
        body=body.format(**words),
        link=_release_link(release),
        release_id=release.id,
    )


def follow_release_schedule(release: Release, now: datetime) -> None:
    """Keep the author's "published at its embargo" notification in step with the release:
    written when it is scheduled, moved with the embargo, withdrawn (and its email cancelled)
    when it is unscheduled, voided, published early or withdrawn. Call after the change."""
    waiting = list(
        db.session.scalars(
            sa.select(Notification).where(
                Notification.release_id == release.id,
                Notification.kind == "release_published",
                Notification.due_at > now,
            )
        )
    )
    embargo = release.embargo_until
    if release.state == "scheduled" and embargo is not None and embargo > now:
        if waiting:
            for notification in waiting:
                notification.due_at = embargo
                if notification.outbox_message_id:
                    outbox.reschedule_messages([notification.outbox_message_id], embargo)
            return
        author = db.session.get(User, release.author_id)
        notify(
            author,
            "release_published",
            f"Published: {_title(release)}",
            now=now,
            body=f"Its embargo lifted at {uk_datetime(embargo)}: it is public now.",
            link=_release_link(release),
            release_id=release.id,
            due_at=embargo,
        )
        return
    for notification in waiting:
        if notification.outbox_message_id:
            outbox.cancel_messages([notification.outbox_message_id])
        db.session.delete(notification)


def quote_answered(signoff: QuoteSignoff, release: Release, now: datetime) -> None:
    """Tell the officer who asked that the speaker answered: approved, or a change suggested."""
    asker = db.session.get(User, signoff.requested_by_id)
    if asker is None:
        return
    if signoff.status == "approved":
        title = f"{signoff.name} approved their quote: {_title(release)}"
        body = "The quote can go as it stands."
    else:
        title = f"{signoff.name} suggested a change to their quote: {_title(release)}"
        body = f"Their wording: “{signoff.proposed_text}”"
    if signoff.comment:
        body += f"\nTheir comment: {signoff.comment}"
    notify(
        asker,
        "quote_answered",
        title,
        now=now,
        body=body,
        link=_release_link(release),
        release_id=release.id,
    )


def _enquiry_link(enquiry: Enquiry) -> str:
    return f"/enquiries/{enquiry.reference}"


def _enquiry_words(enquiry: Enquiry) -> str:
    words = f"{enquiry.journalist_name}"
    if enquiry.outlet:
        words += f" ({enquiry.outlet})"
    words += f": {enquiry.subject}"
    contact = " / ".join(part for part in (enquiry.phone, enquiry.email) if part)
    if contact:
        words += f"\nContact: {contact}"
    if enquiry.deadline:
        words += f"\nDeadline: {uk_datetime(enquiry.deadline)}"
    return words


def enquiry_out_of_hours(enquiry: Enquiry, duty_officer: User | None, now: datetime) -> None:
    """Tell the duty officer of an out-of-hours enquiry at once; with nobody on duty, every
    admin and the office's out-of-hours address."""
    title = f"Out-of-hours enquiry {enquiry.reference}: {enquiry.subject}"
    body = _enquiry_words(enquiry)
    link = _enquiry_link(enquiry)
    if duty_officer is not None:
        if enquiry.logged_by_id != duty_officer.id:
            notify(
                duty_officer,
                "enquiry_out_of_hours",
                title,
                now=now,
                body=f"You are on duty.\n{body}",
                link=link,
                enquiry_id=enquiry.id,
            )
        return
    body = f"Nobody is on the duty rota.\n{body}"
    admins = db.session.scalars(
        sa.select(User).where(User.active.is_(True), User.role == "admin").order_by(User.id)
    )
    for admin in admins:
        notify(
            admin,
            "enquiry_out_of_hours",
            title,
            now=now,
            body=body,
            link=link,
            enquiry_id=enquiry.id,
        )
    address = current_app.config.get("OUT_OF_HOURS_EMAIL")
    if address:
        outbox.queue_email(
            kind="notification:enquiry_out_of_hours",
            to_name=f"{_office()} out of hours",
            to_address=address,
            subject=title,
            text=_email_text("Out-of-hours duty", title, body, link),
        )


@unit_of_work
def remind_due_enquiries(now: datetime | None = None) -> int:
    """Remind each assignee, once, of their enquiries still unanswered within
    ``ENQUIRY_REMINDER_MINUTES`` of the deadline (and not past it); answers how many."""
    now = clock.instant(now)
    window = timedelta(minutes=current_app.config["ENQUIRY_REMINDER_MINUTES"])
    reminded = sa.select(Notification.id).where(
        Notification.enquiry_id == Enquiry.id, Notification.kind == "enquiry_deadline"
    )
    due = list(
        db.session.scalars(
            sa.select(Enquiry)
            .where(
                Enquiry.status.in_(ACTIVE),
                Enquiry.deadline > now,
                Enquiry.deadline <= now + window,
                Enquiry.assignee_id.is_not(None),
                ~sa.exists(reminded),
            )
            .order_by(Enquiry.deadline)
            .limit(500)
            # Two workers sweeping at once: each takes the enquiries the other has not locked,
            # so nobody is reminded twice (SQLite: the unit of work's write lock does this).
            .with_for_update(skip_locked=True, of=Enquiry)
        )
    )
    for enquiry in due:
        minutes = max(int((enquiry.deadline - now).total_seconds() // 60), 0)
        notify(
            enquiry.assignee,
            "enquiry_deadline",
            f"Deadline in {minutes} minutes, still unanswered: {enquiry.reference} "
            f"{enquiry.subject}",
            now=now,
            body=_enquiry_words(enquiry),
            link=_enquiry_link(enquiry),
            enquiry_id=enquiry.id,
        )
    return len(due)


# --- reading and marking -------------------------------------------------------------------------


def unread_count(user_id: int, now: datetime | None = None) -> int:
    """How many notifications the person has not read (those shown already)."""
    now = clock.instant(now)
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.read_at.is_(None),
            Notification.due_at <= now,
        )
    )


def notifications_for(
    user: User, now: datetime | None = None, *, limit: int = 50, before_id: int | None = None
) -> list[Notification]:
    """The person's notifications shown so far, newest first."""
    now = clock.instant(now)
    query = (
        sa.select(Notification)
        .where(Notification.user_id == user.id, Notification.due_at <= now)
        .order_by(Notification.due_at.desc(), Notification.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(Notification.id < before_id)
    return list(db.session.scalars(query))


@unit_of_work
def mark_read(user: User, notification_id: int, now: datetime | None = None) -> bool:
    """Mark one of the person's notifications read; False if they have no such one."""
    now = clock.instant(now)
    done = db.session.execute(
        sa.update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.user_id == user.id,
            Notification.due_at <= now,
        )
        .values(read_at=sa.func.coalesce(Notification.read_at, now))
        .execution_options(synchronize_session=False)
    )
    return done.rowcount == 1


@unit_of_work
def open_notification(user: User, notification_id: int, now: datetime | None = None) -> str | None:
    """Mark one of the person's notifications read as they open it, and answer where it leads
    (the notifications page when it leads nowhere); None if they have no such notification."""
    now = clock.instant(now)
    notification = db.session.scalar(
        sa.select(Notification)
        .where(
            Notification.id == notification_id,
            Notification.user_id == user.id,
            Notification.due_at <= now,
        )
        .with_for_update()
    )
    if notification is None:
        return None
    if notification.read_at is None:
        notification.read_at = now
    link = notification.link or ""
    # Links are written by this app as paths on this site; anything else leads nowhere.
    return link if link.startswith("/") and not link.startswith("//") else ""


@unit_of_work
def mark_all_read(user: User, now: datetime | None = None) -> int:
    """Mark every notification the person has been shown read; answers how many were unread."""
    now = clock.instant(now)
    done = db.session.execute(
        sa.update(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.read_at.is_(None),
            Notification.due_at <= now,
        )
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )
    return done.rowcount or 0


def email_choices(user: User) -> dict[str, bool]:
    """Each kind, and whether the person wants it by email."""
    chosen = dict(
        db.session.execute(
            sa.select(NotificationPreference.kind, NotificationPreference.email).where(
                NotificationPreference.user_id == user.id
            )
        ).all()
    )
    return {kind: chosen.get(kind, True) for kind in KIND_LABELS}


@unit_of_work
def set_email_choices(user: User, wanted: Iterable[str] | Mapping[str, bool]) -> dict[str, bool]:
    """Email for the kinds in ``wanted``, none for the rest; unknown kinds are refused."""
    from .errors import ValidationFailed

    wanted = set(wanted)
    unknown = wanted - set(KIND_LABELS)
    if unknown:
        raise ValidationFailed({"email": "Choose from the kinds of notification listed"})
    for kind in KIND_LABELS:
        choice = db.session.get(NotificationPreference, (user.id, kind))
        if choice is None:
            db.session.add(NotificationPreference(user_id=user.id, kind=kind, email=kind in wanted))
        else:
            choice.email = kind in wanted
    db.session.flush()
    return {kind: kind in wanted for kind in KIND_LABELS}
