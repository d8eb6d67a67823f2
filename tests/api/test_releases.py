"""The staff release API: status codes, the error shape, and the workflow through HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import create_release, make_user, release_content


@pytest.fixture
def officer_api(client, officer, api_token):
    headers = api_token(officer)

    def call(method, url, json=None, **kwargs):
        return client.open(url, method=method, json=json, headers=headers, **kwargs)

    return call


@pytest.fixture
def approver_api(client, approver, api_token):
    headers = api_token(approver)

    def call(method, url, json=None, **kwargs):
        return client.open(url, method=method, json=json, headers=headers, **kwargs)

    return call


def error_of(response):
    body = response.get_json()
    assert set(body) == {"error"} or "current" in body["error"]
    return body["error"]


def test_creating_a_release_answers_201_with_the_contract_shape(officer_api):
    response = officer_api("POST", "/api/v1/releases", release_content())
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/releases/{body['id']}")
    assert {
        "id",
        "slug",
        "title",
        "summary",
        "body",
        "quotes",
        "notes",
        "links",
        "status",
        "version",
        "author",
        "embargo_until",
        "published_at",
        "created_at",
        "updated_at",
    } <= set(body)
    assert body["status"] == "draft"
    assert body["version"] == 1
    assert body["author"]["name"] == "Olivia Officer"
    assert body["created_at"] == "2016-11-29T10:00:00Z"
    assert body["quotes"][0]["speaker"] == "Ann Lee"


def test_invalid_content_answers_422_naming_each_field_and_saves_nothing(officer_api):
    response = officer_api(
        "POST",
        "/api/v1/releases",
        release_content(
            title="x" * 201,
            body="y" * 100_001,
            links=[
                {"label": "Report", "url": "https://example.org/r.pdf"},
                {"label": "Relative", "url": "/reports/r.pdf"},
                {"label": "Script", "url": "javascript:alert(1)"},
            ],
            notes=["n"] * 31,
        ),
    )
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"title", "body", "links-1-url", "links-2-url", "notes"}
    assert officer_api("GET", "/api/v1/releases").get_json()["total"] == 0


def test_a_body_that_is_not_a_json_object_answers_400(officer_api):
    response = officer_api("POST", "/api/v1/releases", ["a list"])
    assert response.status_code == 400
    assert error_of(response)["code"] == "malformed"


def test_a_field_the_api_does_not_take_is_refused_rather_than_ignored(officer_api):
    response = officer_api("POST", "/api/v1/releases", release_content(headline="Typo'd field"))
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"headline": "This field is not part of a release"}


def test_a_release_that_does_not_exist_answers_404(officer_api):
    response = officer_api("GET", "/api/v1/releases/999")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_without_a_token_the_release_api_answers_401(client):
    assert client.get("/api/v1/releases").status_code == 401
    assert client.post("/api/v1/releases/1/approve").status_code == 401


def test_an_edit_must_name_its_version_and_a_stale_one_answers_409_with_both(
    officer_api, approver_api
):
    created = officer_api("POST", "/api/v1/releases", release_content()).get_json()
    url = f"/api/v1/releases/{created['id']}"

    missing = officer_api("PATCH", url, {"body": "No version"})
    assert missing.status_code == 422
    assert "version" in error_of(missing)["fields"]

    saved = approver_api("PATCH", url, {"version": 1, "body": "The approver's body"})
    assert saved.status_code == 200
    assert saved.get_json()["version"] == 2
    assert saved.get_json()["title"] == created["title"]  # a PATCH keeps what it does not name

    stale = officer_api("PATCH", url, {"version": 1, "body": "The officer's body"})
    assert stale.status_code == 409
    error = error_of(stale)
    assert error["code"] == "stale_version"
    assert error["current"]["body"] == "The approver's body"
    assert error["submitted"]["body"] == "The officer's body"
    assert officer_api("GET", url).get_json()["body"] == "The approver's body"


def test_the_two_person_rule_answers_403_in_plain_words(officer_api, api_token, client):
    created = officer_api("POST", "/api/v1/releases", release_content()).get_json()
    url = f"/api/v1/releases/{created['id']}"
    assert officer_api("POST", f"{url}/submit").status_code == 200

    refused = officer_api("POST", f"{url}/approve")
    assert refused.status_code == 403
    assert error_of(refused)["message"] == "Only an approver or an admin can approve it"

    author_who_approves = make_user(role="approver")
    own = create_release(state="in_review", author=author_who_approves)
    response = client.post(
        f"/api/v1/releases/{own.id}/approve", headers=api_token(author_who_approves)
    )
    assert response.status_code == 403
    assert error_of(response)["message"] == "You wrote this release; someone else must approve it"


def test_an_action_that_does_not_apply_in_the_state_answers_409(officer_api):
    created = officer_api("POST", "/api/v1/releases", release_content()).get_json()
    response = officer_api("POST", f"/api/v1/releases/{created['id']}/publish")
    assert response.status_code == 409
    assert error_of(response)["code"] == "wrong_state"
    assert "Only an approved release can be published" in error_of(response)["message"]


def test_requesting_changes_without_a_comment_answers_422_naming_it(officer, approver_api):
    release = create_release(state="in_review", author=officer)
    response = approver_api("POST", f"/api/v1/releases/{release.id}/request-changes", {})
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"comment"}


@pytest.mark.parametrize(
    ("embargo", "message"),
    [
        ("2016-11-29T12:00:00", "time-zone offset"),
        ("tomorrow at nine", "Not an ISO 8601 instant"),
        ("2016-11-29T09:59:59Z", "The embargo must be in the future"),
        ("2016-11-29T10:00:00+00:00", "The embargo must be in the future"),
        (None, "Give the instant the embargo lifts"),
    ],
)
def test_an_embargo_without_an_offset_or_not_in_the_future_answers_422(
    officer, approver, officer_api, embargo, message
):
    release = create_release(state="approved", author=officer, approver=approver)
    response = officer_api(
        "POST", f"/api/v1/releases/{release.id}/schedule", {"embargo_until": embargo}
    )
    assert response.status_code == 422
    assert message in error_of(response)["fields"]["embargo_until"]
    assert officer_api("GET", f"/api/v1/releases/{release.id}").get_json()["status"] == "approved"


def test_a_scheduled_release_answers_published_once_its_embargo_passes(
    officer, approver, officer_api, clock
):
    release = create_release(state="approved", author=officer, approver=approver)
    url = f"/api/v1/releases/{release.id}"
    response = officer_api("POST", f"{url}/schedule", {"embargo_until": "2016-12-01T00:01:00Z"})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["embargo_until"], body["published_at"]) == (
        "scheduled",
        "2016-12-01T00:01:00Z",
        None,
    )
    clock.set(clock().replace(day=1, month=12, hour=0, minute=1))
    body = officer_api("GET", url).get_json()
    assert (body["status"], body["published_at"]) == ("published", "2016-12-01T00:01:00Z")
    listed = officer_api("GET", "/api/v1/releases?status=published").get_json()["releases"]
    assert [r["id"] for r in listed] == [release.id]


def test_an_embargo_in_british_summer_time_is_answered_in_utc(officer, approver, officer_api):
    release = create_release(state="approved", author=officer, approver=approver)
    response = officer_api(
        "POST",
        f"/api/v1/releases/{release.id}/schedule",
        {"embargo_until": "2017-06-01T09:30:00+01:00"},
    )
    assert response.get_json()["embargo_until"] == "2017-06-01T08:30:00Z"


def test_only_an_approver_can_withdraw(officer, approver, officer_api, approver_api):
    release = create_release(state="published", author=officer, approver=approver)
    url = f"/api/v1/releases/{release.id}/withdraw"
    assert officer_api("POST", url, {"reason": "Wrong"}).status_code == 403
    missing = approver_api("POST", url, {})
    assert missing.status_code == 422
    assert set(error_of(missing)["fields"]) == {"reason"}
    done = approver_api("POST", url, {"reason": "The figures were wrong"})
    assert done.status_code == 200
    assert done.get_json()["status"] == "withdrawn"
    assert done.get_json()["withdrawal_reason"] == "The figures were wrong"


def test_the_history_lists_every_transition_and_every_revision(
    officer, approver, officer_api, clock
):
    release = create_release(state="published", author=officer, approver=approver)
    history = officer_api("GET", f"/api/v1/releases/{release.id}/history").get_json()
    assert [e["action"] for e in history["events"]] == ["create", "submit", "approve", "publish"]
    approve = history["events"][2]
    assert approve["actor"]["name"] == "Amir Approver"
    assert approve["at"] == "2016-11-29T10:00:00Z"
    assert [r["number"] for r in history["revisions"]] == [1]


def test_two_revisions_compare_field_by_field(officer, officer_api):
    release = create_release(author=officer)
    officer_api(
        "PATCH", f"/api/v1/releases/{release.id}", {"version": 1, "title": "A new headline"}
    )
    compared = officer_api("GET", f"/api/v1/releases/{release.id}/compare?old=1&new=2").get_json()
    changed = [f for f in compared["fields"] if f["changed"]]
    assert [(f["name"], f["old"], f["new"]) for f in changed] == [
        ("title", "Inspectors find steady progress in child protection", "A new headline")
    ]
    missing = officer_api("GET", f"/api/v1/releases/{release.id}/compare?old=1&new=5")
    assert missing.status_code == 422


def test_the_whole_sign_off_through_the_api(client, officer, approver, api_token, clock):
    """Drafted with three quotes, two links and four notes; approved by someone else;
    scheduled two minutes ahead; nobody outside sees it until the minute comes."""
    officer_headers, approver_headers = api_token(officer), api_token(approver)
    created = client.post(
        "/api/v1/releases",
        headers=officer_headers,
        json=release_content(
            quotes=[
                {"speaker": "Ann Lee", "role": "Chief Inspector", "text": "First."},
                {"speaker": "Bob Roy", "role": "Chief Constable", "text": "Second."},
                {"speaker": "Cat Dee", "role": "Commissioner", "text": "Third."},
            ],
            links=[
                {"label": "Get the report", "url": "https://example.org/report.pdf"},
                {"label": "Read the 2015 report", "url": "https://example.org/2015.pdf"},
            ],
            notes=["One.", "Two.", "Three.", "Four."],
        ),
    ).get_json()
    url = f"/api/v1/releases/{created['id']}"
    submitted = client.post(f"{url}/submit", headers=officer_headers)
    assert submitted.status_code == 200
    unnamed = client.post(f"{url}/approve", headers=approver_headers)
    assert unnamed.status_code == 422 and "version" in unnamed.get_json()["error"]["fields"]
    approved = client.post(
        f"{url}/approve",
        headers=approver_headers,
        json={"version": submitted.get_json()["version"]},
    )
    assert approved.status_code == 200
    embargo = clock() + timedelta(minutes=2)
    scheduled = client.post(
        f"{url}/schedule",
        headers=officer_headers,
        json={"embargo_until": embargo.isoformat()},
    )
    assert scheduled.status_code == 200

    public_url = f"/api/v1/public/releases/{created['slug']}"
    clock.set(embargo - timedelta(seconds=1))
    assert client.get(public_url).status_code == 404
    assert client.get("/api/v1/public/releases").get_json()["releases"] == []
    clock.set(embargo)
    shown = client.get(public_url).get_json()
    assert len(shown["quotes"]) == 3 and len(shown["links"]) == 2 and len(shown["notes"]) == 4
    assert shown["published_at"] == embargo.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_an_edit_that_tries_to_change_the_status_is_refused_not_ignored(officer_api):
    created = officer_api("POST", "/api/v1/releases", release_content()).get_json()
    url = f"/api/v1/releases/{created['id']}"
    refused = officer_api("PATCH", url, {**created, "status": "published", "body": "Changed"})
    assert refused.status_code == 422
    assert set(error_of(refused)["fields"]) == {"status"}
    assert officer_api("GET", url).get_json()["version"] == 1

    round_trip = officer_api("PATCH", url, {**created, "body": "Changed"})
    assert round_trip.status_code == 200
    assert round_trip.get_json()["body"] == "Changed"
