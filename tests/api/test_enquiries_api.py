"""The enquiries API: journalists submit without an account; staff log, list, assign, answer."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import Enquiry
from pressoffice.services import enquiries as enquiries_service

from ..conftest import api_headers
from ..factories import make_enquiry

AFTER_CHRISTMAS = datetime(2017, 1, 10, 12, 0, tzinfo=UTC)


def count_enquiries():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Enquiry))


def submission(**overrides):
    body = {
        "journalist_name": "Jo Reporter",
        "outlet": "The Daily Example",
        "email": "jo@example.com",
        "subject": "Flood defences",
        "details": "How much was spent?",
    }
    body.update(overrides)
    return body


# --- the done-when cases -------------------------------------------------------------------------


def test_a_staff_submission_on_the_christmas_substitute_day_is_out_of_hours(
    client, clock, officer, api_token
):
    clock.set(AFTER_CHRISTMAS)

    response = client.post(
        "/api/v1/enquiries",
        json=submission(received_at="2016-12-27T10:00:00Z", channel="phone"),
        headers=api_token(officer),
    )

    assert response.status_code == 201
    answer = response.get_json()
    assert answer["reference"] == "ENQ-20161227-0001"
    assert answer["received_at"] == "2016-12-27T10:00:00Z"
    assert answer["route"] == "out_of_hours"
    assert answer["reason"] == "Bank holiday: Christmas Day (substitute day)"
    assert answer["line"] == "07836 217 729"
    assert answer["status"] == "new"
    assert answer["needs_attention"] is True


def test_a_staff_submission_at_0745_utc_in_july_is_office_hours(client, clock, officer, api_token):
    response = client.post(
        "/api/v1/enquiries",
        json=submission(received_at="2016-07-01T07:45:00Z", channel="email"),
        headers=api_token(officer),
    )

    answer = response.get_json()
    assert (answer["route"], answer["reason"]) == (
        "office_hours",
        "Office hours (Friday 08:30 to 17:00)",
    )
    assert answer["line"] == "020 3513 0600"


def test_twenty_concurrent_submissions_get_twenty_distinct_references(
    app, clock, officer, api_token
):
    headers = api_token(officer)
    # The token's first use is recorded once; the race here is the references'.
    assert app.test_client().get("/api/v1/enquiries", headers=headers).status_code == 200
    start = threading.Barrier(20)
    answers = []

    def submit(number):
        client = app.test_client()
        start.wait()
        response = client.post(
            "/api/v1/enquiries",
            json=submission(journalist_name=f"Reporter {number}", channel="phone"),
            headers=headers,
        )
        answers.append((response.status_code, response.get_json().get("reference")))

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [status for status, _ in answers] == [201] * 20
    assert sorted(ref for _, ref in answers) == [f"ENQ-20161129-{n:04d}" for n in range(1, 21)]


# --- the public -----------------------------------------------------------------------------------


def test_a_journalist_submits_without_an_account_and_gets_a_reference(client, clock):
    response = client.post("/api/v1/enquiries", json=submission())

    assert response.status_code == 201
    answer = response.get_json()
    assert answer["reference"] == "ENQ-20161129-0001"
    assert answer["received_at"] == "2016-11-29T10:00:00Z"
    assert answer["route"] == "office_hours"
    assert answer["call_now"] is None
    assert "email" not in answer and "details" not in answer
    assert response.headers["Location"].endswith("/api/v1/enquiries/ENQ-20161129-0001")


def test_an_urgent_submission_is_told_the_number_to_call_now(client, clock):
    clock.set(datetime(2016, 11, 29, 18, 0, tzinfo=UTC))

    answer = client.post("/api/v1/enquiries", json=submission(urgent=True)).get_json()

    assert answer["call_now"] == "07836 217 729"
    assert "As this is urgent, call 07836 217 729 now." in answer["message"]


def test_a_deadline_within_four_hours_counts_as_urgent(client, clock):
    answer = client.post(
        "/api/v1/enquiries", json=submission(deadline="2016-11-29T14:00:00Z")
    ).get_json()

    assert answer["call_now"] == "020 3513 0600"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("received_at", "2016-11-28T10:00:00Z", "Only staff can set this"),
        ("assignee", "olivia@example.org", "Only staff can set this"),
        ("route", "office_hours", "Set by the server"),
        ("line", "0800 000 000", "Set by the server"),
        ("colour", "blue", "Not a field of an enquiry"),
    ],
)
def test_the_public_can_never_set_the_time_route_or_assignee(client, clock, field, value, message):
    response = client.post("/api/v1/enquiries", json=submission(**{field: value}))

    assert response.status_code == 422
    assert message in response.get_json()["error"]["fields"][field]
    with client.application.app_context():
        assert count_enquiries() == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": None}, "email", "Enter an email address or a phone number"),
        ({"email": "jo@"}, "email", "correct format"),
        ({"deadline": "2016-11-29T09:00:00Z"}, "deadline", "after the enquiry was received"),
        ({"deadline": "2016-11-29T15:00:00"}, "deadline", "needs a time-zone offset"),
        ({"subject": "x" * 201}, "subject", "200 characters or fewer"),
        ({"subject": 42}, "subject", "Must be text"),
        ({"urgent": "yes"}, "urgent", "true or false"),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_stored(
    client, clock, overrides, field, message
):
    response = client.post("/api/v1/enquiries", json=submission(**overrides))

    assert response.status_code == 422
    assert message in response.get_json()["error"]["fields"][field]
    with client.application.app_context():
        assert count_enquiries() == 0


def test_a_body_that_is_not_a_json_object_is_malformed(client, clock):
    response = client.post("/api/v1/enquiries", data="name=jo", content_type="text/plain")

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "malformed"


def test_a_bad_token_is_refused_rather_than_treated_as_the_public(client, clock):
    response = client.post(
        "/api/v1/enquiries", json=submission(), headers=api_headers("po_not-a-token")
    )

    assert response.status_code == 401


def test_public_submissions_are_rate_limited_but_staff_are_not(
    client, clock, app, officer, api_token
):
    limit = int(app.config["PUBLIC_ENQUIRY_LIMIT"].split()[0])
    statuses = [
        client.post("/api/v1/enquiries", json=submission()).status_code for _ in range(limit + 1)
    ]

    assert statuses == [201] * limit + [429]
    refused = client.post("/api/v1/enquiries", json=submission())
    assert refused.get_json()["error"]["code"] == "too_many_requests"
    staff = client.post(
        "/api/v1/enquiries", json=submission(channel="phone"), headers=api_token(officer)
    )
    assert staff.status_code == 201


# --- staff with a token ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received_at", "message"),
    [
        ("2016-11-29T10:00:01Z", "cannot be in the future"),
        ("2016-11-29T09:00:00", "needs a time-zone offset"),
    ],
)
def test_staff_cannot_give_a_future_or_offsetless_time_received(
    client, clock, officer, api_token, received_at, message
):
    response = client.post(
        "/api/v1/enquiries",
        json=submission(received_at=received_at, channel="phone"),
        headers=api_token(officer),
    )

    assert response.status_code == 422
    assert message in response.get_json()["error"]["fields"]["received_at"]


def test_staff_list_the_log_with_filters_and_pages(client, clock, officer, api_token):
    for hour in (1, 2, 3):
        make_enquiry(received_at=clock() - timedelta(hours=hour), outlet="BBC")
    make_enquiry(received_at=clock() - timedelta(hours=20), outlet="Sky")

    answer = client.get(
        "/api/v1/enquiries?outlet=bbc&per_page=2&page=2", headers=api_token(officer)
    ).get_json()

    assert (answer["total"], answer["pages"], answer["page"]) == (3, 2, 2)
    assert answer["more_than_total"] is False
    assert [e["received_at"] for e in answer["items"]] == ["2016-11-29T07:00:00Z"]
    assert answer["items"][0]["outlet"] == "BBC"


def test_the_count_of_a_long_log_stops_and_says_more_than(
    client, clock, officer, api_token, monkeypatch
):
    # An exact count of every match read the whole log on each request (three quarters of
    # the answer's time at 200,000 enquiries); it stops where the log page's count does.
    monkeypatch.setattr(enquiries_service, "COUNT_LIMIT", 3)
    for minutes in range(5):
        make_enquiry(received_at=clock() - timedelta(minutes=minutes + 1))
    headers = api_token(officer)

    first = client.get("/api/v1/enquiries?per_page=2", headers=headers).get_json()
    far = client.get("/api/v1/enquiries?per_page=2&page=2", headers=headers).get_json()
    last = client.get("/api/v1/enquiries?per_page=2&page=3", headers=headers).get_json()

    assert (first["total"], first["more_than_total"], first["pages"]) == (3, True, 2)
    assert len(first["items"]) == 2
    # Counting goes as far as the page asked for, so its paging stays true.
    assert (far["total"], far["more_than_total"], far["pages"]) == (4, True, 2)
    assert (last["total"], last["more_than_total"], last["pages"]) == (5, False, 3)
    assert len(last["items"]) == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [("status=lost", "status"), ("assignee=12345", "assignee"), ("per_page=5000", "per_page")],
)
def test_an_unknown_filter_is_refused(client, clock, officer, api_token, query, field):
    response = client.get(f"/api/v1/enquiries?{query}", headers=api_token(officer))

    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_the_log_needs_a_token(client, clock):
    assert client.get("/api/v1/enquiries").status_code == 401


def test_staff_assign_answer_and_close_an_enquiry(client, clock, officer, approver, api_token):
    enquiry = make_enquiry()
    headers = api_token(officer)
    url = f"/api/v1/enquiries/{enquiry.reference}"

    assigned = client.post(f"{url}/assign", json={"assignee": "amir@example.org"}, headers=headers)
    answered = client.post(f"{url}/respond", json={"response": "Yes."}, headers=headers)
    again = client.post(f"{url}/respond", json={"response": "No."}, headers=headers)
    closed = client.post(f"{url}/close", headers=headers)

    assert assigned.get_json()["assignee"]["email"] == "amir@example.org"
    assert answered.get_json()["status"] == "answered"
    assert answered.get_json()["answered_at"] == "2016-11-29T10:00:00Z"
    assert again.status_code == 409
    assert again.get_json()["error"]["message"] == "This enquiry has already been answered"
    assert closed.get_json()["status"] == "closed"
    assert client.get(url, headers=headers).get_json()["response"] == "Yes."


def test_assigning_to_someone_unknown_is_refused_with_the_field_named(
    client, clock, officer, api_token
):
    enquiry = make_enquiry()

    response = client.post(
        f"/api/v1/enquiries/{enquiry.reference}/assign",
        json={"assignee": "nobody@example.org"},
        headers=api_token(officer),
    )

    assert response.status_code == 422
    assert "assignee" in response.get_json()["error"]["fields"]


def test_an_unknown_reference_is_not_found(client, clock, officer, api_token):
    response = client.get("/api/v1/enquiries/ENQ-20161129-0042", headers=api_token(officer))

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
