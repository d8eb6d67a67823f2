"""Staff logging or handling an enquiry are told it was saved, even when the database connection
drops right after the commit: the page's answer is built from values in hand."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import Enquiry

from ..connection_faults import connection_lost_after_commit
from ..factories import make_enquiry
from .test_enquiry_log import NOW, log_form


def test_a_call_logged_when_the_connection_drops_after_the_commit_says_its_reference(
    app_ctx, client, signed_in, officer
):
    page = signed_in(officer)

    with connection_lost_after_commit(db.engine) as fault:
        response = client.post("/enquiries/new", data=log_form())

    assert fault["lost"]
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/enquiries/ENQ-20161129-0001")
    shown = page.get("/enquiries/ENQ-20161129-0001").get_text(" ", strip=True)
    assert "Logged ENQ-20161129-0001: office hours" in shown
    assert db.session.scalars(sa.select(Enquiry.reference)).all() == ["ENQ-20161129-0001"]


def test_assigning_answering_and_closing_on_the_page_survive_a_connection_drop(
    app_ctx, client, signed_in, officer, approver
):
    reference = make_enquiry(received_at=NOW - timedelta(hours=1)).reference
    page = signed_in(officer)
    url = f"/enquiries/{reference}"
    changes = [
        ("assign", {"assignee_id": str(approver.id)}),
        ("respond", {"response": "We spent £3m."}),
        ("close", {"comment": "Done"}),
    ]

    answers = []
    for action, form in changes:
        with connection_lost_after_commit(db.engine, writing="enquiries") as fault:
            answers.append(client.post(f"{url}/{action}", data=form))
        assert fault["lost"], action

    assert [a.status_code for a in answers] == [303, 303, 303]
    assert all(a.headers["Location"].endswith(url) for a in answers)
    text = page.get(url).get_text(" ", strip=True)
    assert "Enquiry closed." in text
    stored = db.session.scalar(sa.select(Enquiry))
    assert (stored.status, stored.response, stored.assignee.name) == (
        "closed",
        "We spent £3m.",
        "Amir Approver",
    )
