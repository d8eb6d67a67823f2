"""Two answers to one emailed enquiry at the same moment (two officers, or one double
submission reaching two workers) end as one of their serial outcomes: one answer recorded and
one email written to the outbox; the other is refused as already answered. And two new enquiries
from one sender at once get one acknowledgement. Each call runs in its own thread and app
context (its own connection), on the suite's database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import MailMessage, OutboxMessage
from pressoffice.services import enquiries
from pressoffice.services.errors import WrongState
from tests.factories import make_user
from tests.mail.outgoing_helpers import emailed_enquiry
from tests.services.test_unit_of_work import _together, _user

ROUNDS = 6
RECEIVED = datetime(2016, 11, 29, 9, 0, tzinfo=UTC)
NOW = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)
MIDNIGHT = datetime(2016, 11, 29, 0, 0, tzinfo=UTC)  # GMT: London midnight
BEFORE_MIDNIGHT = MIDNIGHT - timedelta(seconds=1)


def _count(model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_two_answers_at_once_email_the_journalist_once(app, app_ctx, office, clock):
    officers = [make_user(role="officer").id for _ in range(2)]
    db.session.commit()
    for n in range(ROUNDS):
        reference, _m, _ack = emailed_enquiry(RECEIVED, sender=f"jo{n}@newsroom.example")

        def answer(user_id, words, ref=reference):
            return enquiries.respond(ref, words, actor=_user(user_id), now=NOW)

        outcomes = _together(
            app,
            lambda: answer(officers[0], "First answer"),
            lambda ref=reference: enquiries.respond_and_close(
                ref, "Second answer", actor=_user(officers[1]), now=NOW
            ),
        )
        refused = [o for o in outcomes if isinstance(o, WrongState)]
        assert len(refused) == 1, outcomes
        answers = db.session.scalars(
            sa.select(MailMessage.text).where(
                MailMessage.outcome == "answer",
                MailMessage.to_addresses == f"jo{n}@newsroom.example",
            )
        ).all()
        assert len(answers) == 1
        recorded = enquiries.get_enquiry(reference).response
        assert answers[0].startswith(recorded)
    assert _count(OutboxMessage, OutboxMessage.kind == "enquiry_answer") == ROUNDS


def test_two_new_enquiries_from_one_sender_at_once_get_one_acknowledgement(
    app, app_ctx, office, clock
):
    for n in range(ROUNDS):
        sender = f"sam{n}@broadcast.example"
        # Either side of midnight in London: the two enquiries take their numbers from two
        # days' counters, so nothing but the acknowledgement's own lock orders them.
        outcomes = _together(
            app,
            lambda s=sender: emailed_enquiry(BEFORE_MIDNIGHT, sender=s, subject="First"),
            lambda s=sender: emailed_enquiry(MIDNIGHT, sender=s, subject="Second"),
        )
        acknowledged = [o for o in outcomes if o[2] is not None]
        assert len(acknowledged) == 1, outcomes
    assert (
        _count(
            MailMessage, MailMessage.outcome == "acknowledgement", MailMessage.direction == "out"
        )
        == ROUNDS
    )
