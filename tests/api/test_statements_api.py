"""The statements API (lines to take) and answering an enquiry from a statement."""

from __future__ import annotations

from datetime import UTC, datetime

from ..factories import make_enquiry

BODY = {
    "title": "Hospital waiting times",
    "topics": ["Waiting times"],
    "lines": ["Waiting lists are falling"],
    "qa": [{"question": "When?", "answer": "By spring."}],
    "statement": "We are cutting waiting times.",
    "spokesperson": "Alex Minister",
    "spokesperson_role": "Minister for Health",
    "background": "Not for quotation.",
    "review_by": "2016-12-31",
}


def _approved(client, officer_headers, approver_headers):
    created = client.post("/api/v1/statements", json=BODY, headers=officer_headers).get_json()
    sid = created["id"]
    client.post(f"/api/v1/statements/{sid}/submit", json={}, headers=officer_headers)
    answer = client.post(
        f"/api/v1/statements/{sid}/approve", json={"version": 1}, headers=approver_headers
    )
    assert answer.status_code == 200, answer.get_json()
    return sid


def test_a_statement_is_created_with_its_id_status_and_version(client, officer, api_token):
    response = client.post("/api/v1/statements", json=BODY, headers=api_token(officer))
    assert response.status_code == 201
    body = response.get_json()
    assert (body["status"], body["version"], body["usable"]) == ("draft", 1, False)
    assert body["qa"] == [{"question": "When?", "answer": "By spring."}]
    assert body["review_by"] == "2016-12-31"
    assert response.headers["Location"] == f"/api/v1/statements/{body['id']}"


def test_bad_fields_are_refused_by_name(client, officer, api_token):
    headers = api_token(officer)
    answer = client.post(
        "/api/v1/statements", json={**BODY, "review_by": "tomorrow", "mood": 1}, headers=headers
    )
    assert answer.status_code == 422
    assert list(answer.get_json()["error"]["fields"]) == ["mood"]
    answer = client.post(
        "/api/v1/statements",
        json={**BODY, "title": "x" * 201, "review_by": "2016-13-01"},
        headers=headers,
    )
    assert answer.get_json()["error"]["fields"] == {
        "title": "The title must be 200 characters or fewer",
        "review_by": "The review-by date must be a real date, such as 2027-01-31",
    }


def test_the_author_cannot_approve_and_approve_must_name_the_version(
    client, admin, approver, api_token
):
    author = api_token(admin)
    sid = client.post("/api/v1/statements", json=BODY, headers=author).get_json()["id"]
    client.post(f"/api/v1/statements/{sid}/submit", headers=author)
    refused = client.post(f"/api/v1/statements/{sid}/approve", json={"version": 1}, headers=author)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["message"] == (
        "You wrote this statement; someone else must approve it"
    )
    other = api_token(approver)
    missing = client.post(f"/api/v1/statements/{sid}/approve", json={}, headers=other)
    assert missing.status_code == 422
    assert "version" in missing.get_json()["error"]["fields"]
    stale = client.post(f"/api/v1/statements/{sid}/approve", json={"version": 9}, headers=other)
    assert stale.status_code == 409


def test_a_stale_edit_is_a_409_with_both_versions(client, officer, approver, api_token):
    headers = api_token(officer)
    sid = client.post("/api/v1/statements", json=BODY, headers=headers).get_json()["id"]
    client.patch(
        f"/api/v1/statements/{sid}",
        json={"version": 1, "title": "Newer"},
        headers=api_token(approver),
    )
    answer = client.patch(
        f"/api/v1/statements/{sid}", json={"version": 1, "title": "Mine"}, headers=headers
    )
    assert answer.status_code == 409
    error = answer.get_json()["error"]
    assert (error["current_version"], error["submitted_version"]) == (2, 1)
    assert error["current"]["title"] == "Newer"
    assert error["submitted"]["title"] == "Mine"


def test_an_approved_statement_answers_an_enquiry_and_the_history_shows_who_was_told(
    client, officer, approver, api_token
):
    officer_headers = api_token(officer)
    sid = _approved(client, officer_headers, api_token(approver))
    enquiry = make_enquiry()
    answer = client.post(
        f"/api/v1/enquiries/{enquiry.reference}/respond",
        json={"statement_id": sid},
        headers=officer_headers,
    )
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["statement_id"], body["statement_version"]) == (sid, 1)
    assert body["response"] == "We are cutting waiting times."

    history = client.get(f"/api/v1/statements/{sid}/history", headers=officer_headers).get_json()
    assert [e["action"] for e in history["events"]] == ["create", "submit", "approve", "used"]
    assert history["answered"][0]["reference"] == enquiry.reference
    assert history["answered"][0]["version"] == 1


def test_an_edit_voids_the_approval_and_the_statement_cannot_be_chosen(
    client, officer, approver, api_token
):
    headers = api_token(officer)
    sid = _approved(client, headers, api_token(approver))
    edited = client.patch(
        f"/api/v1/statements/{sid}",
        json={"version": 1, "statement": "New words"},
        headers=headers,
    ).get_json()
    assert (edited["status"], edited["usable"]) == ("draft", False)
    enquiry = make_enquiry()
    refused = client.post(
        f"/api/v1/enquiries/{enquiry.reference}/respond",
        json={"statement_id": sid},
        headers=headers,
    )
    assert refused.status_code == 422
    assert "statement_id" in refused.get_json()["error"]["fields"]


def test_a_statement_past_its_review_by_date_cannot_be_chosen(
    client, clock, officer, approver, api_token
):
    headers = api_token(officer)
    sid = _approved(client, headers, api_token(approver))
    clock.set(datetime(2017, 1, 1, 0, 0, tzinfo=UTC))
    assert client.get(f"/api/v1/statements/{sid}", headers=headers).get_json()["status"] == (
        "needs_review"
    )
    enquiry = make_enquiry()
    refused = client.post(
        f"/api/v1/enquiries/{enquiry.reference}/respond",
        json={"statement_id": sid, "response": "Our line"},
        headers=headers,
    )
    assert refused.status_code == 422
    assert "needs review" in refused.get_json()["error"]["fields"]["statement_id"]


def test_retire_needs_a_reason_and_search_finds_by_topic(client, officer, api_token):
    headers = api_token(officer)
    sid = client.post("/api/v1/statements", json=BODY, headers=headers).get_json()["id"]
    found = client.get("/api/v1/statements?topic=waiting%20times", headers=headers).get_json()
    assert [s["id"] for s in found["statements"]] == [sid]
    refused = client.post(f"/api/v1/statements/{sid}/retire", json={}, headers=headers)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"] == {
        "reason": "Give the reason for retiring this statement"
    }
    retired = client.post(
        f"/api/v1/statements/{sid}/retire", json={"reason": "Superseded"}, headers=headers
    )
    assert retired.get_json()["status"] == "retired"


def test_an_unknown_statement_is_404(client, officer, api_token):
    assert client.get("/api/v1/statements/999", headers=api_token(officer)).status_code == 404


def test_hostile_shapes_are_refused_by_field_never_a_server_error(client, officer, api_token):
    headers = api_token(officer)
    cases = [
        ({"topics": [1]}, "topics-0"),
        ({"topics": "Health"}, "topics"),
        ({"lines": ["ok", {"x": 1}]}, "lines-1"),
        ({"lines": ["x"] * 31}, "lines"),
        ({"qa": [[]]}, "qa-0"),
        ({"qa": [{"question": "Q", "answer": "A", "extra": "?"}]}, "qa-0-extra"),
        ({"statement": "\ud800"}, "statement"),
        ({"review_by": 20161231}, "review_by"),
        ({"review_by": "2016-12-31T00:00:00"}, "review_by"),
        ({"release_ids": [999]}, "release_ids-0"),
        ({"release_ids": "one"}, "release_ids"),
        ({"release_ids": ["one"]}, "release_ids-0"),
        ({"release_ids": [1.5]}, "release_ids-0"),
        ({"release_ids": [1] * 21}, "release_ids"),
        ({"spokesperson": "A\nB"}, "spokesperson"),
    ]
    for change, field in cases:
        answer = client.post("/api/v1/statements", json={**BODY, **change}, headers=headers)
        assert answer.status_code == 422, (change, answer.status_code)
        assert field in answer.get_json()["error"]["fields"], (change, answer.get_json())
    listed = client.get("/api/v1/statements?q=" + "%25" * 500, headers=headers)
    assert listed.status_code == 200
