"""The outbox: rows written in the change's transaction, delivered by the queue over real SMTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import OutboxMessage
from pressoffice.services import outbox, outbox_delivery
from pressoffice.services.unit_of_work import unit_of_work


class Refused(Exception):
    pass


@unit_of_work
def _queue(count=1, fail=False, **overrides):
    messages = []
    for number in range(count):
        values = {
            "kind": "test",
            "to_name": f"Reader {number}",
            "to_address": f"reader{number}@example.com",
            "subject": f"Message {number}",
            "text": f"Hello {number}",
        }
        values.update(overrides)
        messages.append(outbox.queue_email(**values))
    if fail:
        raise Refused()
    return [m.id for m in messages]


def _row(message_id) -> OutboxMessage:
    db.session.rollback()
    return db.session.get(OutboxMessage, message_id, populate_existing=True)


def test_queue_email_refuses_to_run_outside_a_unit_of_work(app_ctx):
    with pytest.raises(AssertionError, match="unit_of_work"):
        outbox.queue_email(
            kind="test", to_name="A", to_address="a@example.com", subject="s", text="t"
        )


def test_a_committed_message_is_delivered_once_with_its_headers_and_html(
    app_ctx, smtp_server, queue, clock
):
    [message_id] = _queue(
        html="<p>Hello</p>",
        headers={"List-Unsubscribe": "<https://example.org/u/1>"},
    )
    assert queue.run() == 1
    assert queue.run() == 0
    [(rcpts, message)] = smtp_server.messages
    row = _row(message_id)
    assert rcpts == ["reader0@example.com"]
    assert message["Subject"] == "Message 0"
    assert message["Message-ID"] == row.message_id
    assert message["List-Unsubscribe"] == "<https://example.org/u/1>"
    assert message.get_body(("plain",)).get_content().strip() == "Hello 0"
    assert message.get_body(("html",)).get_content().strip() == "<p>Hello</p>"
    assert (row.status, row.attempts, row.sent_at) == ("sent", 1, clock.instant)


def test_a_rolled_back_change_sends_nothing_and_leaves_no_row(app_ctx, smtp_server, queue):
    with pytest.raises(Refused):
        _queue(count=3, fail=True)
    assert queue.pending() == 0
    queue.run()
    assert smtp_server.messages == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_without_smtp_settings_messages_stay_queued_to_read(app_ctx, queue):
    [message_id] = _queue()
    assert queue.pending() == 0
    assert _row(message_id).status == "queued"


def test_a_message_for_later_is_not_sent_before_its_instant(app_ctx, smtp_server, queue, clock):
    at = clock.instant + timedelta(minutes=5)
    [message_id] = _queue(send_at=at)
    queue.run()
    assert smtp_server.messages == []
    clock.set(at - timedelta(microseconds=1))
    assert outbox_delivery.deliver(message_id) is None
    assert smtp_server.messages == []
    clock.set(at)
    assert outbox_delivery.deliver(message_id) == "sent"
    assert len(smtp_server.messages) == 1
    assert _row(message_id).sent_at == at


def test_a_temporary_refusal_is_retried_with_backoff_and_records_the_servers_reason(
    app, app_ctx, smtp_server, queue, clock
):
    smtp_server.refuse_next("451 4.3.0 Mailbox busy, try later", "452 4.2.2 Over quota")
    start = clock.instant
    base = app.config["OUTBOX_RETRY_SECONDS"]
    [message_id] = _queue()
    queue.run()
    row = _row(message_id)
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.last_error == "451 4.3.0 Mailbox busy, try later"
    assert row.next_attempt_at == start + timedelta(seconds=base)

    clock.set(start + timedelta(seconds=base - 1))
    assert outbox_delivery.deliver(message_id) is None
    clock.set(start + timedelta(seconds=base))
    assert outbox_delivery.deliver(message_id) == "queued"
    row = _row(message_id)
    assert row.last_error == "452 4.2.2 Over quota"
    # The second wait is twice the first.
    assert row.next_attempt_at == clock.instant + timedelta(seconds=2 * base)

    clock.advance(seconds=2 * base)
    assert outbox_delivery.deliver(message_id) == "sent"
    row = _row(message_id)
    assert (row.status, row.attempts) == ("sent", 3)
    assert len(smtp_server.messages) == 1


def test_a_permanent_refusal_fails_at_once_with_the_servers_reason(app_ctx, smtp_server, queue):
    smtp_server.refuse_next("550 5.1.1 No such mailbox here")
    [message_id] = _queue()
    queue.run()
    row = _row(message_id)
    assert (row.status, row.attempts, row.last_error) == (
        "failed",
        1,
        "550 5.1.1 No such mailbox here",
    )


def test_after_the_last_attempt_the_message_has_failed(app, app_ctx, smtp_server, queue, clock):
    app.config["OUTBOX_MAX_ATTEMPTS"], saved = 2, app.config["OUTBOX_MAX_ATTEMPTS"]
    try:
        smtp_server.refuse_next("421 4.7.0 Try again", "421 4.7.0 Still busy")
        [message_id] = _queue()
        queue.run()
        clock.advance(hours=1)
        assert outbox_delivery.deliver(message_id) == "failed"
    finally:
        app.config["OUTBOX_MAX_ATTEMPTS"] = saved
    row = _row(message_id)
    assert (row.status, row.attempts, row.last_error) == ("failed", 2, "421 4.7.0 Still busy")


def test_an_unreachable_server_is_a_temporary_failure_saying_so(app, app_ctx, queue):
    from .conftest import free_port

    saved = {k: app.config.get(k) for k in ("SMTP_HOST", "SMTP_PORT")}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())
    try:
        [message_id] = _queue()
        queue.run()
    finally:
        app.config.update(saved)
    row = _row(message_id)
    assert row.status == "queued"
    assert row.last_error.startswith("Could not reach the mail server")


def test_cancelled_messages_are_never_sent(app_ctx, smtp_server, queue, clock):
    ids = _queue(count=3, send_at=clock.instant + timedelta(minutes=1))
    assert outbox.cancel_messages(ids[:2]) == 2
    clock.advance(minutes=1)
    for message_id in ids:
        outbox_delivery.deliver(message_id)
    queue.run()
    assert smtp_server.recipients == ["reader2@example.com"]
    assert [_row(i).status for i in ids] == ["cancelled", "cancelled", "sent"]
    # A message already sent cannot be cancelled.
    assert outbox.cancel_messages(ids) == 0


def test_rescheduled_messages_go_at_the_new_instant_only(app_ctx, smtp_server, queue, clock):
    first = clock.instant + timedelta(minutes=1)
    later = clock.instant + timedelta(minutes=10)
    ids = _queue(count=2, send_at=first)
    assert outbox.reschedule_messages(ids, later) == 2
    clock.set(first)
    queue.run()
    for message_id in ids:
        assert outbox_delivery.deliver(message_id) is None
    clock.set(later)
    for message_id in ids:
        assert outbox_delivery.deliver(message_id) == "sent"
    assert sorted(smtp_server.recipients) == ["reader0@example.com", "reader1@example.com"]


def test_two_workers_handed_the_same_message_send_it_once(app_ctx, smtp_server, queue):
    [message_id] = _queue()
    first = outbox_delivery.claim_message(message_id)
    assert first is not None
    assert outbox_delivery.claim_message(message_id) is None
    queue.run()
    assert smtp_server.messages == []
    assert outbox_delivery.mark_sent(first)


def test_the_sweep_hands_on_a_message_whose_worker_died_after_its_lease(
    app, app_ctx, smtp_server, queue, clock
):
    from pressoffice.jobs.delivery import sweep_now

    [message_id] = _queue()
    claim = outbox_delivery.claim_message(message_id)  # then the worker dies
    queue.run()
    sweep_now()
    queue.run()
    assert smtp_server.messages == []
    clock.advance(seconds=app.config["OUTBOX_LEASE_SECONDS"] + 1)
    sweep_now()
    queue.run()
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0][1]["Message-ID"] == claim.message_id
    # The dead worker's late word no longer counts.
    assert not outbox_delivery.mark_sent(claim)
    assert _row(message_id).attempts == 2


def test_the_sweep_queues_again_a_message_whose_job_was_lost(
    app, app_ctx, smtp_server, queue, clock
):
    from pressoffice.jobs import huey
    from pressoffice.jobs.delivery import sweep_now

    [message_id] = _queue()
    huey.flush()  # the job is lost
    clock.advance(seconds=app.config["OUTBOX_SWEEP_GRACE_SECONDS"] - 1)
    sweep_now()
    queue.run()
    assert smtp_server.messages == []
    clock.advance(seconds=1)
    sweep_now()
    queue.run()
    assert _row(message_id).status == "sent"
    assert len(smtp_server.messages) == 1


def test_a_header_cannot_carry_a_line_break_or_replace_the_outboxs_own(app_ctx):
    @unit_of_work
    def queue_with(headers):
        return outbox.queue_email(
            kind="t",
            to_name="A",
            to_address="a@example.com",
            subject="s",
            text="t",
            headers=headers,
        )

    with pytest.raises(ValueError, match="To"):
        queue_with({"To": "someone@else.example"})
    message = queue_with({"X-Note": "one\r\nBcc: evil@example.com"})
    assert _row(message.id).headers == {"X-Note": "one Bcc: evil@example.com"}
