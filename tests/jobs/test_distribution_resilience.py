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
