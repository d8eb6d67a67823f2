"""Publishing statements through the API: POST /statements/ID/publish and /withdraw, the
publication and release_ids in a statement's answer, and their place in openapi.json."""

from __future__ import annotations

from ..factories import create_release
from .test_statements_api import BODY, _approved


def test_an_approved_statement_is_published_and_withdrawn_with_a_public_reason(
    client, officer, approver, api_token
):
    officer_headers, approver_headers = api_token(officer), api_token(approver)
    sid = _approved(client, officer_headers, approver_headers)
    body = client.get(f"/api/v1/statements/{sid}", headers=officer_headers).get_json()
    assert body["publication"] is None

    answer = client.post(
        f"/api/v1/statements/{sid}/publish", json={"version": 1}, headers=officer_headers
    )
    assert answer.status_code == 200, answer.get_json()
    publication = answer.get_json()["publication"]
    assert publication["status"] == "published"
    assert publication["public_url"] == "/news/statements/hospital-waiting-times"
    assert publication["public_version"] == 1
    assert publication["published_at"].endswith("Z")
    assert client.get(publication["public_url"]).status_code == 200

    again = client.post(f"/api/v1/statements/{sid}/publish", headers=officer_headers)
    assert again.status_code == 409
    assert "already published" in again.get_json()["error"]["message"]

    refused = client.post(
        f"/api/v1/statements/{sid}/withdraw", json={"reason": "Gone"}, headers=officer_headers
    )
    assert refused.status_code == 403
    missing = client.post(f"/api/v1/statements/{sid}/withdraw", json={}, headers=approver_headers)
    assert missing.status_code == 422
    assert "reason" in missing.get_json()["error"]["fields"]
    answer = client.post(
        f"/api/v1/statements/{sid}/withdraw",
        json={"reason": "Superseded", "version": 1},
        headers=approver_headers,
    )
    assert answer.status_code == 200
    publication = answer.get_json()["publication"]
    assert (publication["status"], publication["withdrawal_reason"]) == ("withdrawn", "Superseded")
    assert "Superseded" in client.get(publication["public_url"]).get_data(as_text=True)


def test_a_draft_cannot_be_published_and_a_stale_version_is_refused(
    client, officer, approver, api_token
):
    headers = api_token(officer)
    created = client.post("/api/v1/statements", json=BODY, headers=headers).get_json()
    answer = client.post(f"/api/v1/statements/{created['id']}/publish", headers=headers)
    assert answer.status_code == 409
    assert "Only an approved statement can be published" in answer.get_json()["error"]["message"]
    sid = _approved(client, headers, api_token(approver))
    stale = client.post(f"/api/v1/statements/{sid}/publish", json={"version": 7}, headers=headers)
    assert stale.status_code == 409
    assert stale.get_json()["error"]["fields"]["version"]
    unknown = client.post(f"/api/v1/statements/{sid}/publish", json={"when": 1}, headers=headers)
    assert unknown.status_code == 422
    assert list(unknown.get_json()["error"]["fields"]) == ["when"]


def test_a_statement_names_the_releases_it_serves_and_an_edit_can_change_them(
    client, officer, api_token
):
    headers = api_token(officer)
    first = create_release(author=officer, title="One")
    second = create_release(author=officer, title="Two")
    created = client.post(
        "/api/v1/statements", json={**BODY, "release_ids": [second.id, first.id]}, headers=headers
    ).get_json()
    assert created["release_ids"] == [second.id, first.id]
    answer = client.patch(
        f"/api/v1/statements/{created['id']}",
        json={**created, "release_ids": [first.id]},
        headers=headers,
    )
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["release_ids"] == [first.id]
    history = client.get(f"/api/v1/statements/{created['id']}/history", headers=headers)
    assert [r["content"]["release_ids"] for r in history.get_json()["revisions"]] == [
        [first.id],
        [second.id, first.id],
    ]


def test_openapi_documents_publication_and_the_links_to_releases(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for action in ("publish", "withdraw"):
        operation = spec["paths"][f"/api/v1/statements/{{statement_id}}/{action}"]["post"]
        assert operation["responses"]["200"]
        assert operation["requestBody"]
    withdraw = spec["paths"]["/api/v1/statements/{statement_id}/withdraw"]["post"]
    schema = withdraw["requestBody"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["reason"]
    statement = spec["components"]["schemas"]["Statement"]["properties"]
    assert statement["release_ids"]["type"] == "array"
    assert statement["publication"] == {"$ref": "#/components/schemas/StatementPublication"}
    assert "public_url" in spec["components"]["schemas"]["StatementPublication"]["properties"]
    assert "release_id" not in spec["components"]["schemas"]["StatementInput"]["properties"]
