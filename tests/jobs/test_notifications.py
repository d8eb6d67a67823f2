"""Staff notifications: each reaches the right people, by email over real SMTP and on their
notifications page, and nobody else; written in the change's transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import Notification, OutboxMessage
from pressoffice.services import (
    accounts,
    enquiries,
    notifications,
    outbox_delivery,
    quote_signoffs,
    releases,
    rota,
)
from pressoffice.services.unit_of_work import unit_of_work

from ..factories import create_release, make_enquiry, make_user, release_content

# Tuesday 29 November 2016, 20:00 GMT: out of hours.
EVENING = datetime(2016, 11, 29, 20, 0, tzinfo=UTC)


@pytest.fixture
def mail(app_ctx, smtp_server, queue):
    """The inbox, emptied; ``mail.deliver()`` runs the queue and answers who got what."""

    class Mail:
        inbox = smtp_server

        def clear(self):
            queue.run()
            smtp_server.messages.clear()

        def deliver(self) -> list[str]:
            queue.run()
            return sorted(smtp_server.recipients)

        def subjects(self) -> list[str]:
            return [m["Subject"] for _r, m in smtp_server.messages]

    return Mail()


def told(kind: str) -> list[str]:
    """Whose notifications page shows a notification of this kind (emails, sorted)."""
    db.session.rollback()
    from pressoffice.models import User

    rows = db.session.execute(
        sa.select(User.email)
        .join(Notification, Notification.user_id == User.id)
        .where(Notification.kind == kind)
    )
    return sorted(email for (email,) in rows)


# --- releases ---------------------------------------------------------------------------------


def test_a_submitted_release_goes_to_every_approver_and_admin_who_may_sign_it_off(
    officer, approver, admin, mail
):
    editor = make_user(role="approver", email="ed@example.org")
    make_user(role="officer", email="other-officer@example.org")
    gone = make_user(role="approver", email="gone@example.org")
    accounts.deactivate_user(gone, EVENING)
    release = releases.create_release(actor=officer, **release_content())
    # An approver who changed the content may not sign it off: they are not asked to.
    releases.update_release(
        release.id,
        actor=editor,
        expected_version=release.version,
        **release_content(title="A better headline"),
    )
    mail.clear()

    releases.submit_release(release.id, actor=officer)

    assert mail.deliver() == [admin.email, approver.email]
    assert told("release_submitted") == [admin.email, approver.email]
    assert mail.subjects() == ["Waiting for your sign-off: A better headline"] * 2


def test_approval_changes_requested_and_withdrawal_go_to_the_author_only(
    officer, approver, admin, mail
):
    release = create_release(state="in_review", author=officer)
    mail.clear()
    releases.request_changes(release.id, actor=approver, comment="Check the figures")
    assert mail.deliver() == [officer.email]
    assert "Check the figures" in mail_body(mail)

    mail.clear()
    releases.submit_release(release.id, actor=officer)
    mail.clear()
    releases.approve_release(release.id, actor=approver)
    assert mail.deliver() == [officer.email]

    mail.clear()
    colleague = make_user(role="officer")
    releases.publish_release(release.id, actor=colleague)
    assert mail.deliver() == [officer.email]

    mail.clear()
    releases.withdraw_release(release.id, actor=admin, reason="The figures were wrong")
    assert mail.deliver() == [officer.email]
    assert told("release_approved") == [officer.email]
    assert told("release_changes_requested") == [officer.email]
    assert told("release_published") == [officer.email]
    assert told("release_withdrawn") == [officer.email]


def mail_body(mail) -> str:
    return "\n".join(m.get_body(("plain",)).get_content() for _r, m in mail.inbox.messages)


def test_the_author_who_publishes_their_own_release_is_not_told_they_did(officer, mail):
    release = create_release(state="approved", author=officer)
    mail.clear()
    releases.publish_release(release.id, actor=officer)
    assert mail.deliver() == []


def test_an_approved_correction_goes_to_its_author(officer, approver, mail):
    release = create_release(state="published", author=officer, approver=approver)
    fixed = releases.update_release(
        release.id,
        actor=officer,
        expected_version=release.version,
        change_note="Corrected a figure",
        **release_content(body="Inspectors returned in September."),
    )
    mail.clear()
    releases.approve_release(fixed.id, actor=approver)
    assert mail.deliver() == [officer.email]
    assert told("correction_approved") == [officer.email]


def test_a_scheduled_release_tells_its_author_at_the_embargo_instant_not_before(
    officer, approver, mail, clock
):
    embargo = clock.instant + timedelta(hours=2)
    release = create_release(
        state="scheduled", author=officer, approver=approver, embargo_until=embargo
    )
    # The approver was asked to sign it off; the author told of the approval, nothing more yet.
    assert mail.deliver() == [approver.email, officer.email]
    mail.clear()
    [message_id] = _published_messages(release.id)

    clock.set(embargo - timedelta(microseconds=1))
    assert outbox_delivery.deliver(message_id) is None
    assert notifications.unread_count(officer.id) == 1  # the approval; not yet the publication
    clock.set(embargo)
    assert outbox_delivery.deliver(message_id) == "sent"
    assert mail.deliver() == [officer.email]
    assert mail.subjects() == [f"Published: {release.title}"]
    assert notifications.unread_count(officer.id) == 2


def _published_messages(release_id) -> list[int]:
    db.session.rollback()
    return [
        n.outbox_message_id
        for n in db.session.scalars(
            sa.select(Notification).where(
                Notification.release_id == release_id, Notification.kind == "release_published"
            )
        )
    ]


def _status(message_id) -> tuple[str, datetime]:
    db.session.rollback()
    row = db.session.get(OutboxMessage, message_id, populate_existing=True)
    return row.status, row.send_at


def test_moving_the_embargo_moves_the_authors_notification_with_it(officer, approver, mail, clock):
    embargo = clock.instant + timedelta(hours=2)
    release = create_release(
        state="scheduled", author=officer, approver=approver, embargo_until=embargo
    )
    later = embargo + timedelta(days=1)
    releases.schedule_release(release.id, actor=officer, embargo_until=later)
    [message_id] = _published_messages(release.id)
    assert _status(message_id) == ("queued", later)
    clock.set(embargo)
    assert outbox_delivery.deliver(message_id) is None
    assert told("release_published") == [officer.email]
    assert notifications.unread_count(officer.id) == 1


@pytest.mark.parametrize("how", ["unschedule", "edit", "break_embargo"])
def test_unscheduling_or_voiding_the_schedule_cancels_the_notification_at_the_embargo(
    how, officer, approver, mail, clock
):
    embargo = clock.instant + timedelta(hours=2)
    release = create_release(
        state="scheduled", author=officer, approver=approver, embargo_until=embargo
    )
    [message_id] = _published_messages(release.id)
    if how == "unschedule":
        releases.unschedule_release(release.id, actor=officer)
    elif how == "edit":
        releases.update_release(
            release.id,
            actor=officer,
            expected_version=release.version,
            **release_content(title="Changed after approval"),
        )
    else:
        releases.break_embargo(release.id, actor=approver, reason="It was reported early")
    assert _status(message_id)[0] == "cancelled"
    clock.set(embargo)
    mail.clear()
    assert outbox_delivery.deliver(message_id) is None
    assert mail.deliver() == []
    expected = [officer.email] if how == "break_embargo" else []
    assert told("release_published") == expected


def test_a_rolled_back_change_tells_nobody(officer, approver, mail):
    release = create_release(state="draft", author=officer)
    mail.clear()

    class Refused(Exception):
        pass

    @unit_of_work
    def submit_then_fail():
        releases.submit_release(release.id, actor=officer)
        raise Refused()

    with pytest.raises(Refused):
        submit_then_fail()
    assert mail.deliver() == []
    assert told("release_submitted") == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_a_person_who_turned_email_off_for_a_kind_sees_it_on_the_page_only(officer, approver, mail):
    notifications.set_email_choices(officer, set(notifications.KIND_LABELS) - {"release_approved"})
    release = create_release(state="in_review", author=officer)
    mail.clear()
    releases.approve_release(release.id, actor=approver)
    assert mail.deliver() == []
    assert told("release_approved") == [officer.email]


# --- quotes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("decision", ["approve", "propose"])
def test_a_speakers_answer_goes_to_the_officer_who_asked(decision, officer, mail):
    asker = make_user(role="officer", email="asker@example.org")
    release = create_release(state="draft", author=officer)
    key = release.quotes[0]["key"]
    requested = quote_signoffs.request_signoff(
        release.id, key, actor=asker, name="Ann Lee", email="ann@example.org"
    )
    mail.clear()
    quote_signoffs.answer_signoff(
        requested.token, decision=decision, proposed_text="I am delighted with the progress."
    )
    assert mail.deliver() == [asker.email]
    assert told("quote_answered") == [asker.email]
    if decision == "propose":
        assert "I am delighted with the progress." in mail_body(mail)


# --- enquiries ----------------------------------------------------------------------------------


def test_an_out_of_hours_enquiry_goes_at_once_to_the_duty_officer_only(
    officer, approver, admin, mail, clock
):
    duty = make_user(role="officer", email="duty@example.org")
    rota.add_shift(
        user_id=duty.id,
        starts_at=EVENING - timedelta(hours=3),
        ends_at=EVENING + timedelta(hours=12),
        now=clock.instant,
    )
    mail.clear()
    clock.set(EVENING)
    enquiry = make_enquiry(received_at=EVENING, phone="07700 900123")
    assert mail.deliver() == [duty.email]
    assert told("enquiry_out_of_hours") == [duty.email]
    assert enquiry.reference in mail.subjects()[0]
    assert "07700 900123" in mail_body(mail)


def test_with_nobody_on_duty_the_admins_and_the_out_of_hours_address_are_told(
    app, officer, approver, admin, mail, clock
):
    second_admin = make_user(role="admin", email="second-admin@example.org")
    app.config["OUT_OF_HOURS_EMAIL"] = "out-of-hours@example.org"
    try:
        mail.clear()
        clock.set(EVENING)
        make_enquiry(received_at=EVENING)
        assert mail.deliver() == sorted(
            [admin.email, second_admin.email, "out-of-hours@example.org"]
        )
    finally:
        app.config["OUT_OF_HOURS_EMAIL"] = None
    assert told("enquiry_out_of_hours") == sorted([admin.email, second_admin.email])


def test_an_enquiry_in_office_hours_alerts_nobody(officer, admin, mail, clock):
    mail.clear()
    make_enquiry(received_at=clock.instant)
    assert mail.deliver() == []
    assert told("enquiry_out_of_hours") == []


def test_the_assignee_is_reminded_once_30_minutes_before_an_unanswered_deadline(
    officer, approver, mail, clock
):
    deadline = clock.instant + timedelta(hours=2)
    enquiry = make_enquiry(
        received_at=clock.instant, logged_by=approver, assignee_id=officer.id, deadline=deadline
    )
    answered = make_enquiry(
        received_at=clock.instant, logged_by=approver, assignee_id=officer.id, deadline=deadline
    )
    enquiries.respond(
        answered.reference,
        "We will publish the figures on Friday.",
        actor=officer,
        now=clock.instant,
    )
    mail.clear()

    clock.set(deadline - timedelta(minutes=30, microseconds=1))
    assert notifications.remind_due_enquiries() == 0
    clock.set(deadline - timedelta(minutes=30))
    assert notifications.remind_due_enquiries() == 1
    assert mail.deliver() == [officer.email]
    assert enquiry.reference in mail.subjects()[0]
    clock.advance(minutes=5)
    assert notifications.remind_due_enquiries() == 0
    assert told("enquiry_deadline") == [officer.email]


def test_the_sweep_sends_the_deadline_reminder(app, officer, approver, mail, clock):
    from pressoffice.jobs.delivery import sweep_now

    deadline = clock.instant + timedelta(minutes=20)
    make_enquiry(
        received_at=clock.instant, logged_by=approver, assignee_id=officer.id, deadline=deadline
    )
    mail.clear()
    sweep_now()
    assert mail.deliver() == [officer.email]
