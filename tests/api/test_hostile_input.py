"""Hostile and malformed input to the API: each answers the contract's JSON error, naming the
field where there is one, never a server error, and changes nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import Enquiry
from tests.factories import create_release, make_enquiry

TOO_BIG = 2**63  # past what the database can hold as an id


@pytest.fixture
def staff_api(client, approver, api_token):
    headers = api_token(approver)

    def call(method, url, json=None, **kwargs):
        return client.open(url, method=method, json=json, headers=headers, **kwargs)

    return call


def contract_error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    error = response.get_json()["error"]
    assert isinstance(error["code"], str) and isinstance(error["message"], str)
    assert isinstance(error["fields"], dict)
    return error


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/releases/{big}", None),
        ("PATCH", "/api/v1/releases/{big}", {"version": 1, "title": "A"}),
        ("GET", "/api/v1/releases/{big}/history", None),
        ("GET", "/api/v1/releases/{big}/compare", None),
        ("POST", "/api/v1/releases/{big}/submit", {}),
        ("POST", "/api/v1/releases/{big}/request-changes", {"comment": "Please"}),
        ("POST", "/api/v1/releases/{big}/withdraw", {"reason": "Wrong"}),
        ("GET", "/api/v1/releases/{big}/recipients", None),
        ("POST", "/api/v1/releases/{big}/recipients", {"name": "A", "email": "a@b.org"}),
        ("DELETE", "/api/v1/releases/{big}/recipients/1", None),
        ("DELETE", "/api/v1/releases/{release}/recipients/{big}", None),
    ],
)
def test_an_id_too_big_for_the_database_is_not_found(staff_api, officer, method, path, body):
    release = create_release(author=officer)
    url = path.format(big=TOO_BIG, release=release.id)

    error = contract_error(staff_api(method, url, body), 404)

    assert error["code"] == "not_found"


ENQUIRY = {"journalist_name": "Jo Reporter", "subject": "Figures", "email": "jo@example.org"}


def _enquiry_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Enquiry.id)))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("release_id", TOO_BIG),
        ("release_id", 1.5),
        ("release_id", True),
        ("release_id", "1"),
        ("assignee", TOO_BIG),
    ],
)
def test_a_staff_enquiry_naming_a_release_or_assignee_by_anything_but_its_number_is_refused(
    staff_api, officer, field, value
):
    create_release(author=officer)
    before = _enquiry_count()

    error = contract_error(staff_api("POST", "/api/v1/enquiries", {**ENQUIRY, field: value}), 422)

    assert field in error["fields"]
    assert _enquiry_count() == before


def test_assigning_to_a_number_too_big_for_the_database_names_the_assignee(staff_api, officer):
    reference = make_enquiry().reference

    response = staff_api("POST", f"/api/v1/enquiries/{reference}/assign", {"assignee": TOO_BIG})

    assert "assignee" in contract_error(response, 422)["fields"]


def test_filtering_enquiries_by_a_number_too_big_for_the_database_names_the_assignee(staff_api):
    response = staff_api("GET", f"/api/v1/enquiries?assignee={TOO_BIG}")

    assert "assignee" in contract_error(response, 422)["fields"]


ABSURD_INSTANTS = [
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-14:00",
]


@pytest.mark.parametrize("at", ABSURD_INSTANTS)
def test_routing_at_an_absurd_year_names_the_instant(client, at):
    response = client.get("/api/v1/routing", query_string={"at": at})

    assert "at" in contract_error(response, 422)["fields"]


@pytest.mark.parametrize("field", ["deadline", "received_at"])
@pytest.mark.parametrize("value", ABSURD_INSTANTS)
def test_an_enquiry_at_an_absurd_year_names_the_field(staff_api, field, value):
    before = _enquiry_count()

    error = contract_error(staff_api("POST", "/api/v1/enquiries", {**ENQUIRY, field: value}), 422)

    assert field in error["fields"]
    assert _enquiry_count() == before


@pytest.mark.parametrize("value", ABSURD_INSTANTS)
def test_an_embargo_at_an_absurd_year_names_the_field(staff_api, officer, value):
    release = create_release(author=officer, state="approved")

    response = staff_api(
        "POST", f"/api/v1/releases/{release.id}/schedule", {"embargo_until": value}
    )

    assert "embargo_until" in contract_error(response, 422)["fields"]
    assert staff_api("GET", f"/api/v1/releases/{release.id}").get_json()["status"] == "approved"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("TRACE", "/api/v1/me", {"GET"}),
        ("PUT", "/api/v1/releases", {"GET", "POST"}),
        ("DELETE", "/api/v1/routing", {"GET"}),
    ],
)
def test_a_method_the_api_does_not_take_says_which_it_does(staff_api, method, path, allowed):
    response = staff_api(method, path)

    assert contract_error(response, 405)["code"] == "method_not_allowed"
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}


@pytest.mark.parametrize("version", ["1", True, 1.0, 1.5])
def test_an_edit_naming_its_version_as_anything_but_a_whole_number_is_refused(
    staff_api, officer, version
):
    release = create_release(author=officer)
    assert release.version == 1

    response = staff_api(
        "PATCH", f"/api/v1/releases/{release.id}", {"version": version, "title": "Changed"}
    )

    assert "version" in contract_error(response, 422)["fields"]
    assert staff_api("GET", f"/api/v1/releases/{release.id}").get_json()["version"] == 1


@pytest.mark.parametrize("version", ["1", True, 1.5])
def test_an_approval_naming_its_version_as_anything_but_a_whole_number_is_refused(
    staff_api, officer, version
):
    release = create_release(author=officer, state="in_review")

    response = staff_api("POST", f"/api/v1/releases/{release.id}/approve", {"version": version})

    assert "version" in contract_error(response, 422)["fields"]
    assert staff_api("GET", f"/api/v1/releases/{release.id}").get_json()["status"] == "in_review"


def test_a_quote_or_link_with_a_field_the_api_does_not_know_is_refused_not_dropped(
    staff_api, app_ctx
):
    from pressoffice.models import Release

    response = staff_api(
        "POST",
        "/api/v1/releases",
        {
            "title": "Figures",
            "quotes": [{"speaker": "Ann", "text": "Yes", "photo": "ann.jpg"}],
            "links": [{"label": "Report", "url": "https://example.org/r", "title": "x"}],
        },
    )
    error = contract_error(response, 422)
    assert set(error["fields"]) == {"quotes-0-photo", "links-0-title"}
    assert db.session.query(Release).count() == 0
