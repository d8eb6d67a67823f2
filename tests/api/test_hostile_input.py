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


# --- bodies too deep or too large, and text that cannot be stored ---------------------------


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [33, 1_000, 100_000])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/releases"),
        ("PATCH", "/api/v1/releases/{release}"),
        ("POST", "/api/v1/releases/{release}/submit"),
        ("POST", "/api/v1/enquiries"),
    ],
)
def test_json_nested_deeper_than_32_levels_is_refused_as_malformed(
    staff_api, officer, method, path, depth
):
    release = create_release(author=officer)
    body = '{"version": 1, "title": "Changed", "notes": ' + _nested(depth) + "}"

    response = staff_api(
        method,
        path.format(release=release.id),
        data=body,
        content_type="application/json",
    )

    error = contract_error(response, 400)
    assert error["code"] == "malformed"
    assert "32 levels" in error["message"]
    assert staff_api("GET", f"/api/v1/releases/{release.id}").get_json()["title"] != "Changed"


def test_json_nested_32_levels_deep_is_read_as_usual(staff_api):
    notes = ["Note"]
    for _ in range(30):  # the body object and the notes list make 32
        notes = [notes]

    response = staff_api("POST", "/api/v1/releases", {"title": "Deep", "notes": notes})

    # Read, and refused for what it says: a note must be text.
    assert "notes-0" in contract_error(response, 422)["fields"]


def test_a_body_larger_than_the_cap_is_refused_naming_the_limit(staff_api, app_ctx):
    from pressoffice.models import Release

    response = staff_api(
        "POST", "/api/v1/releases", {"title": "Big", "summary": "x" * (3 * 1024 * 1024)}
    )

    error = contract_error(response, 400)
    assert error["code"] == "malformed"
    assert "2 MB or smaller" in error["message"]
    assert db.session.query(Release).count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"title": "Figures \\ud800"}', "title"),
        ('{"title": "Figures", "summary": "\\udfff tail"}', "summary"),
        (
            '{"title": "Figures", "links": [{"label": "Report \\ud83d", '
            '"url": "https://example.org"}]}',
            "links-0.label",
        ),
    ],
)
def test_a_lone_surrogate_in_a_release_is_refused_naming_the_field(staff_api, app_ctx, body, field):
    from pressoffice.models import Release

    response = staff_api("POST", "/api/v1/releases", data=body, content_type="application/json")

    error = contract_error(response, 422)
    assert list(error["fields"]) == [field]
    assert "cannot be stored" in error["fields"][field]
    assert db.session.query(Release).count() == 0


def test_a_lone_surrogate_in_a_public_enquiry_is_refused_naming_the_field(client, app_ctx):
    response = client.post(
        "/api/v1/enquiries",
        data='{"journalist_name": "Jo \\ud800", "subject": "Figures", "email": "jo@example.org"}',
        content_type="application/json",
    )

    assert list(contract_error(response, 422)["fields"]) == ["journalist_name"]
    assert _enquiry_count() == 0


def test_a_surrogate_pair_is_an_ordinary_character(staff_api):
    response = staff_api(
        "POST",
        "/api/v1/releases",
        data='{"title": "Figures \\ud83d\\udcc8"}',
        content_type="application/json",
    )

    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["title"] == "Figures \U0001f4c8"


def test_broken_utf_8_in_a_form_never_reaches_a_server_error(signed_in, officer, client):
    signed_in(officer)

    response = client.post(
        "/enquiries/new",
        data=b"journalist_name=Jo%ED%A0%80&subject=Figures",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code < 500


# --- numbers too big in query strings ------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("old=1&new=99999999999999999999", "new"),
        (f"old={TOO_BIG}&new=1", "old"),
        ("old=0&new=1", "old"),
        ("old=1&new=-1", "new"),
    ],
)
def test_comparing_revisions_by_a_number_out_of_bounds_names_the_parameter(
    staff_api, officer, query, field
):
    release = create_release(author=officer)

    response = staff_api("GET", f"/api/v1/releases/{release.id}/compare?{query}")

    assert field in contract_error(response, 422)["fields"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/releases?page=99999999999999999999",
        "/api/v1/releases?per_page=99999999999999999999",
        "/api/v1/public/releases?page=99999999999999999999",
        "/api/v1/public/releases?per_page=99999999999999999999",
        "/api/v1/enquiries?page=99999999999999999999",
        "/api/v1/enquiries?per_page=99999999999999999999",
    ],
)
def test_a_page_number_too_big_names_the_parameter(staff_api, path):
    parameter = path.rsplit("?", 1)[1].split("=")[0]

    assert parameter in contract_error(staff_api("GET", path), 422)["fields"]


# --- hidden characters in one-line text, and link addresses ---------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "Figures\u202efdp.exe"}, "title"),
        ({"title": "Figures\u200b"}, "title"),
        (
            {"title": "Figures", "quotes": [{"speaker": "Ann\u2066", "text": "Yes"}]},
            "quotes-0-speaker",
        ),
        (
            {"title": "Figures", "links": [{"label": "Report\u2060", "url": "https://a.example"}]},
            "links-0-label",
        ),
        (
            {"title": "Figures", "links": [{"label": "Report", "url": "https://u:p@a.example/"}]},
            "links-0-url",
        ),
        (
            {"title": "Figures", "links": [{"label": "Report", "url": 'https://a.example/"<>'}]},
            "links-0-url",
        ),
    ],
)
def test_a_release_with_hidden_characters_or_a_doubtful_link_is_refused_by_field(
    staff_api, app_ctx, body, field
):
    from pressoffice.models import Release

    error = contract_error(staff_api("POST", "/api/v1/releases", body), 422)

    assert list(error["fields"]) == [field]
    assert db.session.query(Release).count() == 0


def test_an_edit_adding_a_right_to_left_override_to_the_headline_changes_nothing(
    staff_api, officer
):
    release = create_release(author=officer, title="Figures")

    response = staff_api(
        "PATCH", f"/api/v1/releases/{release.id}", {"version": 1, "title": "\u202eFigures"}
    )

    assert list(contract_error(response, 422)["fields"]) == ["title"]
    assert staff_api("GET", f"/api/v1/releases/{release.id}").get_json()["title"] == "Figures"


def test_a_public_enquiry_with_a_hidden_character_in_the_name_is_refused(client, app_ctx):
    response = client.post("/api/v1/enquiries", json={**ENQUIRY, "journalist_name": "Jo\u202e"})

    assert list(contract_error(response, 422)["fields"]) == ["journalist_name"]
    assert _enquiry_count() == 0


def test_a_recipient_with_a_hidden_character_in_the_outlet_is_refused(staff_api, officer):
    release = create_release(author=officer, state="scheduled")

    response = staff_api(
        "POST",
        f"/api/v1/releases/{release.id}/recipients",
        {"name": "Ann", "outlet": "Daily\u200bNews", "email": "ann@example.org"},
    )

    assert list(contract_error(response, 422)["fields"]) == ["outlet"]
