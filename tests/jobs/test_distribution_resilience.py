"""A distribution holds up when its jobs are lost, its server is slow or a contact changes
their mind: do-not-contact wins on every path, nothing goes twice, no secret stays behind."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.jobs import huey
from pressoffice.jobs.delivery import sweep_now
from pressoffice.models import Contact
from pressoffice.services import contacts, distributions, notifications
from tests.conftest import DEFAULT_NOW
from tests.factories import create_release
from tests.services.test_distributions import make_list, outbox


def media(inbox):
    return sorted(a for a in inbox.recipients if a.endswith("@echo.example"))


def test_a_contact_marked_do_not_contact_after_the_distribution_gets_nothing_from_the_sweep(
    app, app_ctx, officer, smtp_server, queue, clock
):
    """A batch job lost (a queue restarted): the sweep hands the rows to the one-row delivery,
    which asks do-not-contact too."""
    notifications.set_email_choices(officer, [])
    list_id = make_list("Crime", [("Amy Archer", "amy@echo.example", False)])
    release = create_release(state="published", author=officer)
    queue.run()
    distributions.create_distribution(
        release.id, actor=officer, list_ids=[list_id], kind="on_publication"
    )
    huey.flush()  # the batch job is lost
    amy = db.session.scalar(sa.select(Contact).where(Contact.email == "amy@echo.example"))
    contacts.mark_do_not_contact(amy.id, reason="Asked us by phone", now=clock())
    clock.advance(seconds=app.config["OUTBOX_SWEEP_GRACE_SECONDS"] + 1)
    sweep_now()
    queue.run()
    assert media(smtp_server) == []  # do-not-contact always wins


def test_a_copy_sent_by_the_sweep_leaves_no_personal_link_in_the_outbox(
    app, app_ctx, officer, smtp_server, queue, clock
):
    notifications.set_email_choices(officer, [])
    list_id = make_list("Crime", [("Amy Archer", "amy@echo.example", False)])
    release = create_release(
        state="scheduled", author=officer, embargo_until=DEFAULT_NOW + timedelta(hours=2)
    )
    distributions.create_distribution(
        release.id, actor=officer, list_ids=[list_id], kind="embargoed_copy"
    )
    huey.flush()
    clock.advance(seconds=app.config["OUTBOX_SWEEP_GRACE_SECONDS"] + 1)
    sweep_now()
    queue.run()
    assert media(smtp_server) == ["amy@echo.example"]
    [message] = outbox()
    assert message.status == "sent"
    assert not re.search(r"/preview/[A-Za-z0-9_-]{43}", message.body_text)


def test_a_batch_slower_than_the_usual_lease_is_not_sent_again_by_the_sweep(
    app, app_ctx, officer, smtp_server, queue, clock, monkeypatch
):
    """The rows of a batch go one after another over one connection and are recorded at the
    end: the batch's lease covers a slow server, so the sweep does not hand them on meanwhile."""
    from pressoffice.services import outbox_batches

    notifications.set_email_choices(officer, [])
    list_id = make_list(
        "Crime",
        [("Amy Archer", "amy@echo.example", False), ("Ben Bell", "ben@echo.example", False)],
    )
    release = create_release(state="published", author=officer)
    queue.run()
    real = outbox_batches.compose_fast
    calls = []

    def slow_server(claim, config, now):
        calls.append(claim.id)
        if len(calls) == 2:  # the first message took longer than the lease
            clock.advance(seconds=app.config["OUTBOX_LEASE_SECONDS"] + 1)
            sweep_now()
            from pressoffice.jobs import huey as h

            while (task := h.dequeue()) is not None:
                h.execute(task)
        return real(claim, config, now)

    monkeypatch.setattr(outbox_batches, "compose_fast", slow_server)
    distributions.create_distribution(
        release.id, actor=officer, list_ids=[list_id], kind="on_publication"
    )
    queue.run()
    assert media(smtp_server) == ["amy@echo.example", "ben@echo.example"]


def test_a_sent_messages_unsubscribe_secret_is_not_kept_in_the_outbox(
    app, app_ctx, officer, smtp_server, queue, clock
):
    """Once sent, neither the body nor the List-Unsubscribe header keeps a working link."""
    notifications.set_email_choices(officer, [])
    list_id = make_list("Crime", [("Amy Archer", "amy@echo.example", False)])
    release = create_release(state="published", author=officer)
    queue.run()
    distributions.create_distribution(
        release.id, actor=officer, list_ids=[list_id], kind="on_publication"
    )
    queue.run()
    [message] = outbox()
    assert message.status == "sent"
    found = re.search(r"/unsubscribe/([A-Za-z0-9_-]{43})", message.headers["List-Unsubscribe"])
    assert found is None or not distributions.unsubscribe_link_works(found.group(1))


# --- what the office takes back is never sent, whatever the worker was doing ----------------

SECRET = re.compile(r"/(?:preview|unsubscribe)/[A-Za-z0-9_-]{43}")


def _three(officer):
    notifications.set_email_choices(officer, [])
    return make_list(
        "Crime",
        [
            ("Amy Archer", "amy@echo.example", False),
            ("Ben Bell", "ben@echo.example", False),
            ("Cat Cole", "cat@echo.example", False),
        ],
    )


def _keeps_a_secret(message) -> bool:
    kept = [message.body_text, message.body_html or "", *message.headers.values()]
    return any(SECRET.search(part) for part in kept)


def test_a_release_withdrawn_while_its_batch_is_on_the_wire_stops_before_the_next_message(
    app, app_ctx, officer, approver, smtp_server, queue, clock, monkeypatch
):
    """The worker holds all three under its lease; the release is withdrawn while the first is
    with the server: that one has gone, the other two never go."""
    from pressoffice.services import outbox_batches, releases

    list_id = _three(officer)
    notifications.set_email_choices(approver, [])
    release = create_release(state="published", author=officer, approver=approver)
    queue.run()
    real = outbox_batches.compose_fast
    composed = []

    def withdrawn_meanwhile(claim, config, now):
        composed.append(claim.to_address)
        if len(composed) == 1:
            releases.withdraw_release(release.id, actor=approver, reason="Wrong figures")
        return real(claim, config, now)

    monkeypatch.setattr(outbox_batches, "compose_fast", withdrawn_meanwhile)
    distributions.create_distribution(
        release.id, actor=officer, list_ids=[list_id], kind="on_publication"
    )
    queue.run()
    assert media(smtp_server) == ["amy@echo.example"]
    rows = {m.to_address: m for m in outbox()}
    assert [rows[a].status for a in sorted(rows)] == ["sent", "cancelled", "cancelled"]
    assert rows["ben@echo.example"].last_error == "Cancelled: The release was withdrawn"
    assert not any(_keeps_a_secret(m) for m in rows.values())


def test_a_cancel_covers_rows_whose_worker_died_and_whose_lease_has_run_out(
    app, app_ctx, officer, approver, smtp_server, queue, clock
):
    """A worker took the batch and died; its lease has run out when the release is withdrawn:
    the withdrawal cancels those rows there and then, and takes their secrets out."""
    from pressoffice.services import releases
    from pressoffice.services.outbox_batches import claim_batch

    list_id = _three(officer)
    release = create_release(state="published", author=officer, approver=approver)
    queue.run()
    made = distributions.create_distribution(
        release.id, actor=officer, list_ids=[list_id], kind="on_publication"
    )
    huey.flush()
    claim_batch([m.id for m in outbox()])  # ... and the worker is killed
    db.session.rollback()
    assert {m.status for m in outbox()} == {"sending"}
    lease = max(m.lease_until for m in outbox())
    clock.set(lease + timedelta(seconds=1))
    releases.withdraw_release(release.id, actor=approver, reason="Wrong figures")
    db.session.expire_all()
    assert [m.status for m in outbox()] == ["cancelled"] * 3
    assert not any(_keeps_a_secret(m) for m in outbox())
    assert distributions.distribution_progress(release.id, made.id).cancelled == 3
    sweep_now()
    queue.run()
    assert media(smtp_server) == []


def test_an_embargoed_copy_whose_link_was_revoked_before_it_went_is_not_sent(
    app, app_ctx, officer, smtp_server, queue, clock
):
    from pressoffice.models import EmbargoRecipient
    from pressoffice.services import previews

    list_id = _three(officer)
    release = create_release(
        state="scheduled", author=officer, embargo_until=DEFAULT_NOW + timedelta(hours=2)
    )
    distributions.create_distribution(
        release.id, actor=officer, list_ids=[list_id], kind="embargoed_copy"
    )
    ben = db.session.scalar(
        sa.select(EmbargoRecipient.id).where(EmbargoRecipient.email == "ben@echo.example")
    )
    previews.revoke_recipient(release.id, ben, actor=officer)
    queue.run()
    assert media(smtp_server) == ["amy@echo.example", "cat@echo.example"]
    [bens] = [m for m in outbox() if m.to_address == "ben@echo.example"]
    assert bens.status == "cancelled"
    assert "revoked" in bens.last_error
    assert not _keeps_a_secret(bens)


def test_a_copy_of_a_release_corrected_before_the_worker_came_to_it_is_not_sent(
    app, app_ctx, officer, approver, smtp_server, queue, clock
):
    """The copies were written from the approved text; a correction approved since makes them
    out of date: none goes, and the office reads why."""
    from pressoffice.services import releases
    from tests.services.test_releases import edit

    list_id = _three(officer)
    release = create_release(state="published", author=officer, approver=approver)
    queue.run()
    distributions.create_distribution(
        release.id, actor=officer, list_ids=[list_id], kind="on_publication"
    )
    huey.flush()  # the worker has not come to them yet
    clock.advance(minutes=5)
    edit(release, officer, body="Corrected body", change_note="Corrected the date")
    releases.approve_release(release.id, actor=approver)
    clock.advance(seconds=app.config["OUTBOX_SWEEP_GRACE_SECONDS"] + 1)
    sweep_now()
    queue.run()
    assert media(smtp_server) == []
    assert {m.last_error for m in outbox()} == {
        "The release was approved again after this copy was written"
    }


def test_a_message_refused_for_good_keeps_no_personal_link(
    app, app_ctx, officer, smtp_server, queue, clock
):
    """A copy that will never go (the server refused it for good) keeps neither the embargoed
    link nor the unsubscribe link: an admin reading the outbox cannot open them."""
    notifications.set_email_choices(officer, [])
    list_id = make_list("Crime", [("Amy Archer", "amy@echo.example", False)])
    release = create_release(
        state="scheduled", author=officer, embargo_until=DEFAULT_NOW + timedelta(hours=2)
    )
    smtp_server.refuse_next("550 5.1.1 No such mailbox")
    distributions.create_distribution(
        release.id, actor=officer, list_ids=[list_id], kind="embargoed_copy"
    )
    queue.run()
    [message] = outbox()
    assert message.status == "failed"
    assert not _keeps_a_secret(message)
    assert "/preview/(link not kept: not sent)" in message.body_text


def test_copies_cancelled_with_their_release_keep_no_personal_link(
    app, app_ctx, officer, smtp_server, queue, clock
):
    from pressoffice.services import releases

    list_id = _three(officer)
    release = create_release(
        state="scheduled", author=officer, embargo_until=DEFAULT_NOW + timedelta(hours=2)
    )
    made = {}
    for kind in ("embargoed_copy", "on_publication"):
        made[kind] = distributions.create_distribution(
            release.id, actor=officer, list_ids=[list_id], kind=kind
        )
    huey.flush()
    assert sum(_keeps_a_secret(m) for m in outbox()) == 6
    releases.unschedule_release(release.id, actor=officer)
    db.session.expire_all()
    assert [m.status for m in outbox()] == ["cancelled"] * 6
    assert not any(_keeps_a_secret(m) for m in outbox())


def test_an_embargo_moved_after_a_worker_died_holding_the_copies_is_said_in_them(
    app, app_ctx, officer, smtp_server, queue, clock
):
    """The worker that took the embargoed copies died before sending them and its lease ran
    out; the embargo moves: each journalist gets one copy, stating the new embargo."""
    from pressoffice.services import releases
    from pressoffice.services.outbox_batches import claim_batch

    list_id = _three(officer)
    release = create_release(
        state="scheduled", author=officer, embargo_until=DEFAULT_NOW + timedelta(hours=2)
    )
    distributions.create_distribution(
        release.id, actor=officer, list_ids=[list_id], kind="embargoed_copy"
    )
    huey.flush()
    claim_batch([m.id for m in outbox()])  # ... and the worker is killed
    db.session.rollback()
    clock.set(max(m.lease_until for m in outbox()) + timedelta(seconds=1))
    releases.schedule_release(
        release.id, actor=officer, embargo_until=DEFAULT_NOW + timedelta(hours=6)
    )
    sweep_now()
    queue.run()
    assert media(smtp_server) == ["amy@echo.example", "ben@echo.example", "cat@echo.example"]
    for _rcpts, message in smtp_server.messages:
        assert message["Subject"].startswith("Embargoed: ")  # the copy, not a note about it
        words = message.get_body(("plain",)).get_content()
        assert "EMBARGOED UNTIL 16:00" in words
        assert re.search(r"/preview/[A-Za-z0-9_-]{43}", words)


def test_every_message_of_a_batch_is_recorded_as_sent_before_the_connection_is_closed(
    app, app_ctx, officer, smtp_server, queue, clock, monkeypatch
):
    """A worker killed while the server is slow to answer QUIT must not leave a message the
    server accepted to be sent again."""
    import smtplib

    list_id = _three(officer)
    release = create_release(state="published", author=officer)
    queue.run()
    at_quit = []
    real_exit = smtplib.SMTP.__exit__

    def closing(self, *args):
        if smtp_server.messages:
            db.session.rollback()
            at_quit.append(sorted(m.status for m in outbox()))
        return real_exit(self, *args)

    monkeypatch.setattr(smtplib.SMTP, "__exit__", closing)
    distributions.create_distribution(
        release.id, actor=officer, list_ids=[list_id], kind="on_publication"
    )
    queue.run()
    assert media(smtp_server) == ["amy@echo.example", "ben@echo.example", "cat@echo.example"]
    assert at_quit == [["sent", "sent", "sent"]]
