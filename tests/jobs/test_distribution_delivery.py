"""A release sent to media lists, end to end: the job queue writes the messages at the embargo
instant and delivers them over real SMTP, each contact once, with one-click unsubscribe."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from pressoffice.jobs.batches import enqueue_batch
from pressoffice.services import distributions, notifications, previews
from tests.conftest import DEFAULT_NOW
from tests.factories import create_release
from tests.services.test_distributions import make_list, outbox

EMBARGO = DEFAULT_NOW + timedelta(hours=1)


@pytest.fixture(autouse=True)
def _no_staff_emails(officer):
    """The author's own notification emails (approved, published) are not the media's: these
    tests count what reaches the contacts."""
    notifications.set_email_choices(officer, [])


def media(inbox) -> list[str]:
    """Who among the media got a message (staff notifications go through the same server)."""
    return sorted(a for a in inbox.recipients if a.endswith("@echo.example"))


@pytest.fixture
def media_list(app_ctx):
    return make_list(
        "Crime reporters",
        [
            ("Amy Archer", "amy@echo.example", False),
            ("Ben Bell", "ben@echo.example", False),
            ("Cat Cole", "cat@echo.example", True),
        ],
    )


def test_the_public_release_reaches_each_contact_once_at_the_embargo_and_not_before(
    media_list, officer, smtp_server, queue, clock
):
    release = create_release(
        state="scheduled",
        author=officer,
        embargo_until=EMBARGO,
        notes=["The survey ran in October."],
    )
    made = distributions.create_distribution(
        release.id, actor=officer, list_ids=[media_list], kind="on_publication"
    )
    queue.run()  # the jobs for the embargo instant, run early: they must send nothing
    assert media(smtp_server) == []

    clock.set(EMBARGO)
    ids = [m.id for m in outbox()]
    enqueue_batch(ids, None)  # what the queue does at the instant
    queue.run()
    assert media(smtp_server) == ["amy@echo.example", "ben@echo.example"]
    message = smtp_server.to("amy@echo.example")[0]
    assert message["Subject"] == release.title
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(r"<\S+/unsubscribe/[A-Za-z0-9_-]{43}>", message["List-Unsubscribe"])
    assert "Notes to editors" in message.get_body(("plain",)).get_content()
    assert "The survey ran in October." in message.get_body(("html",)).get_content()

    enqueue_batch(ids, None)  # a repeat of the job sends nothing twice
    queue.run()
    assert media(smtp_server) == ["amy@echo.example", "ben@echo.example"]
    progress = distributions.distribution_progress(release.id, made.id)
    assert (progress.status, progress.sent, progress.skipped_do_not_contact) == ("sent", 2, 1)


def test_embargoed_copies_arrive_with_each_contacts_own_link(
    media_list, officer, smtp_server, queue
):
    release = create_release(state="scheduled", author=officer, embargo_until=EMBARGO)
    distributions.create_distribution(
        release.id, actor=officer, list_ids=[media_list], kind="embargoed_copy"
    )
    queue.run()
    assert media(smtp_server) == ["amy@echo.example", "ben@echo.example"]
    for address in ("amy@echo.example", "ben@echo.example"):
        text = smtp_server.to(address)[0].get_body(("plain",)).get_content()
        token = re.search(r"/preview/([A-Za-z0-9_-]{43})", text).group(1)
        assert previews.open_preview(token).recipient.email == address
    # Sent: the outbox keeps the words, not the secret of anyone's link.
    for message in outbox():
        assert message.status == "sent"
        assert not re.search(r"/preview/[A-Za-z0-9_-]{43}", message.body_text)
        assert "link not kept after sending" in message.body_text


def test_a_server_refusal_is_shown_with_its_reason(media_list, officer, smtp_server, queue):
    release = create_release(state="published", author=officer)
    queue.run()  # the staff notifications of its publication go first
    smtp_server.refuse_next("550 5.1.1 Mailbox unavailable")
    made = distributions.create_distribution(
        release.id, actor=officer, list_ids=[media_list], kind="on_publication"
    )
    queue.run()
    progress = distributions.distribution_progress(release.id, made.id)
    assert (progress.sent, progress.failed) == (1, 1)
    [(_name, _email, reason)] = progress.failures
    assert "Mailbox unavailable" in reason
    assert progress.status == "sent with failures"


def test_sending_a_distribution_keeps_the_public_pages_kept(
    media_list, officer, smtp_server, queue, clock
):
    """Thousands of outbox and contact rows are written as the embargo lifts, just when
    journalists open the release: none of them is something a public page shows."""
    from pressoffice.services.public_freshness import public_change_token

    release = create_release(state="scheduled", author=officer, embargo_until=EMBARGO)
    distributions.create_distribution(
        release.id, actor=officer, list_ids=[media_list], kind="on_publication"
    )
    queue.run()
    clock.set(EMBARGO)
    before = public_change_token()
    enqueue_batch([m.id for m in outbox()], None)
    queue.run()
    assert media(smtp_server) == ["amy@echo.example", "ben@echo.example"]
    assert public_change_token() == before
