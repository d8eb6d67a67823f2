"""Statement use cases at the same moment end as one of their serial outcomes: an edit racing
the use of a statement for an enquiry never leaves the enquiry recording words nobody approved,
and two approvers at once approve once. Each call runs in its own thread and app context (its
own connection), against the suite's database (SQLite, or PostgreSQL in that pass)."""

from __future__ import annotations

import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import Enquiry, StatementEvent, StatementRevision
from pressoffice.services import enquiries, statements
from pressoffice.services.errors import NotAllowed, ValidationFailed, WrongState
from tests.factories import make_enquiry, make_user
from tests.services.test_unit_of_work import _together, _user
from tests.statement_factories import WHEN, make_approved_statement, make_statement

ROUNDS = 8


def test_an_edit_racing_an_answer_never_gives_a_journalist_unapproved_words(app, app_ctx):
    author = make_user(role="officer")
    approver = make_user(role="approver")
    officer_id = make_user(role="officer").id
    seen = set()
    for n in range(ROUNDS):
        record = make_approved_statement(author, approver)
        enquiry = make_enquiry()
        db.session.commit()

        def edit(sid=record.id, n=n):
            return statements.update_statement(
                sid,
                actor=_user(officer_id),
                expected_version=1,
                statement=f"New words {n}",
                now=WHEN,
            )

        def answer(sid=record.id, ref=enquiry.reference):
            return enquiries.respond(ref, "", actor=_user(officer_id), now=WHEN, statement_id=sid)

        edited, answered = _together(app, edit, answer)
        db.session.rollback()
        stored = db.session.get(Enquiry, enquiry.id)
        if isinstance(answered, ValidationFailed):
            seen.add("edit first")
            assert stored.statement_id is None
        else:
            seen.add("answer first")
            approved = db.session.scalars(
                sa.select(StatementRevision).where(
                    StatementRevision.statement_id == record.id, StatementRevision.number == 1
                )
            ).one()
            assert (stored.statement_id, stored.statement_version) == (record.id, 1)
            assert stored.response == approved.content["statement"]
        assert not isinstance(edited, Exception)
    assert seen  # at least one ordering happened; each is a serial outcome


def test_two_approvers_at_once_approve_once(app, app_ctx):
    author = make_user(role="officer")
    first_id = make_user(role="approver").id
    second_id = make_user(role="approver").id
    for _ in range(ROUNDS):
        record = make_statement(author)
        statements.submit_statement(record.id, actor=author, now=WHEN)
        db.session.commit()
        outcomes = _together(
            app,
            *(
                lambda uid=uid, sid=record.id: statements.approve_statement(
                    sid, actor=_user(uid), expected_version=1, now=WHEN
                )
                for uid in (first_id, second_id)
            ),
        )
        refused = [o for o in outcomes if isinstance(o, WrongState | NotAllowed)]
        assert len(refused) == 1
        assert "already been approved by" in refused[0].message
        db.session.rollback()
        approvals = db.session.scalars(
            sa.select(StatementEvent).where(
                StatementEvent.statement_id == record.id, StatementEvent.action == "approve"
            )
        ).all()
        assert len(approvals) == 1
