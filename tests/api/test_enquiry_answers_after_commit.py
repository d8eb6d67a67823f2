"""A stored enquiry is answered as stored, even when the database connection drops right after
the commit: the answer is built from values in hand, never re-read after the commit."""

from __future__ import annotations

import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import Enquiry

from ..connection_faults import connection_lost_after_commit
from ..factories import make_enquiry
from .test_enquiries_api import submission


def stored_references():
    return db.session.scalars(sa.select(Enquiry.reference)).all()


def test_a_journalist_gets_their_reference_when_the_connection_drops_after_the_commit(
    app_ctx, client
):
    with connection_lost_after_commit(db.engine) as fault:
        response = client.post("/api/v1/enquiries", json=submission())

    assert fault["lost"]
    assert response.status_code == 201
    answer = response.get_json()
    assert answer["reference"] == "ENQ-20161129-0001"
    assert answer["message"] == "Your reference is ENQ-20161129-0001."
    assert answer["route"] == "office_hours"
    assert response.headers["Location"].endswith("/api/v1/enquiries/ENQ-20161129-0001")
    assert stored_references() == ["ENQ-20161129-0001"]


def test_staff_logging_a_call_get_the_full_answer_when_the_connection_drops(
    app_ctx, client, officer, api_token
):
    headers = api_token(officer)
    body = submission(channel="phone", assignee=officer.email)

    with connection_lost_after_commit(db.engine) as fault:
        response = client.post("/api/v1/enquiries", json=body, headers=headers)

    assert fault["lost"]
    assert response.status_code == 201
    answer = response.get_json()
    assert answer["reference"] == "ENQ-20161129-0001"
    assert answer["assignee"]["name"] == "Olivia Officer"
    assert answer["status"] == "assigned"
    assert stored_references() == ["ENQ-20161129-0001"]


def test_assigning_answering_and_closing_are_answered_as_stored_when_the_connection_drops(
    app_ctx, client, officer, approver, api_token
):
    headers = api_token(officer)
    reference = make_enquiry().reference
    url = f"/api/v1/enquiries/{reference}"

    changes = [
        ("assign", {"assignee": approver.id}),
        ("respond", {"response": "£3m."}),
        ("close", {"comment": "Done"}),
    ]
    answers = []
    for action, body in changes:
        with connection_lost_after_commit(db.engine, writing="enquiries") as fault:
            answers.append(client.post(f"{url}/{action}", json=body, headers=headers))
        assert fault["lost"], action
    assigned, answered, closed = answers

    assert assigned.status_code == 200
    assert assigned.get_json()["assignee"]["name"] == "Amir Approver"
    assert answered.status_code == 200
    assert answered.get_json()["response"] == "£3m."
    assert closed.status_code == 200
    assert closed.get_json()["status"] == "closed"
    stored = db.session.scalar(sa.select(Enquiry))
    assert (stored.status, stored.response, stored.assignee.name) == (
        "closed",
        "£3m.",
        "Amir Approver",
    )
