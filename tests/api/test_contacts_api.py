"""The media contacts and lists API: the contract's shapes, and bad input refused by field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

BODY = {
    "name": "Jo Reporter",
    "outlet": "The Daily Example",
    "email": "Jo@Example.com",
    "phone": "020 7946 0000",
    "beats": ["Health", "Education"],
    "consent_basis": "consent",
    "consent_at": "2016-11-01",
    "do_not_contact": False,
    "do_not_contact_reason": None,
}


def create(client, headers, **overrides):
    response = client.post("/api/v1/contacts", json={**BODY, **overrides}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_contact_is_created_and_answered_as_stored(client, officer, api_token):
    headers = api_token(officer)
    response = client.post("/api/v1/contacts", json=BODY, headers=headers)
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/contacts/{body['id']}"
    assert (body["email"], body["phone"], body["beats"]) == (
        "jo@example.com",
        "+442079460000",
        ["Health", "Education"],
    )
    assert (body["consent_basis"], body["consent_at"], body["may_contact"]) == (
        "consent",
        "2016-11-01",
        True,
    )
    assert client.get(body["url"], headers=headers).get_json() == body


def test_the_list_searches_and_pages(client, officer, api_token):
    headers = api_token(officer)
    create(client, headers)
    create(client, headers, name="Sam Writer", email="sam@example.com", outlet="Health Weekly")
    found = client.get("/api/v1/contacts?q=health+sam", headers=headers).get_json()
    assert [c["name"] for c in found["contacts"]] == ["Sam Writer"]
    page = client.get("/api/v1/contacts?per_page=1&page=2", headers=headers).get_json()
    assert (page["total"], page["pages"], page["contacts"][0]["name"]) == (2, 2, "Sam Writer")
    bad = client.get("/api/v1/contacts?per_page=0", headers=headers)
    assert bad.status_code == 422 and "per_page" in bad.get_json()["error"]["fields"]


def test_a_patch_changes_only_what_it_names_and_do_not_contact_wins(client, officer, api_token):
    headers = api_token(officer)
    contact = create(client, headers)
    response = client.patch(
        contact["url"],
        json={"do_not_contact": True, "do_not_contact_reason": "Asked by phone"},
        headers=headers,
    )
    body = response.get_json()
    assert response.status_code == 200, body
    assert (body["do_not_contact"], body["may_contact"], body["phone"]) == (
        True,
        False,
        "+442079460000",
    )
    assert body["do_not_contact_at"] == "2016-11-29T10:00:00Z"
    # The answer may be sent back unchanged; a changed read-only field is refused by name.
    back = client.patch(contact["url"], json={**body, "outlet": "New"}, headers=headers)
    assert back.status_code == 200, back.get_json()
    refused = client.patch(contact["url"], json={"may_contact": True}, headers=headers)
    assert refused.status_code == 422
    assert "read-only" in refused.get_json()["error"]["fields"]["may_contact"]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"name": ""}, "name"),
        ({"name": 12}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"email": "not-an-address"}, "email"),
        ({"email": None, "phone": None}, "email"),
        ({"phone": "12"}, "phone"),
        ({"phone": 2079460000}, "phone"),
        ({"beats": "Health"}, "beats"),
        ({"beats": [1]}, "beats"),
        ({"beats": ["b"] * 21}, "beats"),
        ({"consent_basis": "gut feeling"}, "consent_basis"),
        ({"consent_at": "2016-11-30"}, "consent_at"),
        ({"consent_at": "yesterday"}, "consent_at"),
        ({"consent_at": 20161101}, "consent_at"),
        ({"do_not_contact": "yes"}, "do_not_contact"),
        ({"do_not_contact": True}, "do_not_contact_reason"),
        ({"do_not_contact_reason": "Asked"}, "do_not_contact_reason"),
        ({"name": "\ud800"}, "name"),
        ({"shoe_size": 9}, "shoe_size"),
    ],
)
def test_bad_input_is_refused_by_field_name_and_nothing_is_stored(
    client, officer, api_token, overrides, field
):
    headers = api_token(officer)
    response = client.post("/api/v1/contacts", json={**BODY, **overrides}, headers=headers)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert field in error["fields"]
    assert client.get("/api/v1/contacts", headers=headers).get_json()["total"] == 0


def test_a_second_contact_with_the_same_email_is_refused_by_the_email_field(
    client, officer, api_token
):
    headers = api_token(officer)
    create(client, headers)
    response = client.post(
        "/api/v1/contacts", json={**BODY, "email": "JO@example.com"}, headers=headers
    )
    assert response.status_code == 422
    assert "already has this email address" in response.get_json()["error"]["fields"]["email"]


def test_malformed_bodies_and_missing_contacts(client, officer, api_token):
    headers = api_token(officer)
    assert client.post("/api/v1/contacts", data="[]", headers=headers).status_code == 400
    assert client.get("/api/v1/contacts/99", headers=headers).status_code == 404
    assert client.patch("/api/v1/contacts/99", json={}, headers=headers).status_code == 404
    assert client.get("/api/v1/contacts").status_code == 401


def test_lists_are_made_and_members_added(client, officer, api_token):
    headers = api_token(officer)
    jo = create(client, headers)
    sam = create(
        client,
        headers,
        name="Sam",
        email="sam@example.com",
        do_not_contact=True,
        do_not_contact_reason="Asked",
    )
    response = client.post("/api/v1/lists", json={"name": "Health"}, headers=headers)
    assert response.status_code == 201
    created = response.get_json()
    assert (created["name"], created["members"]) == ("Health", [])
    added = client.post(
        f"/api/v1/lists/{created['id']}/members",
        json={"contact_ids": [jo["id"], sam["id"]]},
        headers=headers,
    ).get_json()
    assert (added["members"], added["may_contact"], added["added"]) == (
        [jo["id"], sam["id"]],
        1,
        [jo["id"], sam["id"]],
    )
    lists = client.get("/api/v1/lists", headers=headers).get_json()["lists"]
    assert [(x["name"], x["members"]) for x in lists] == [("Health", [jo["id"], sam["id"]])]
    contact = client.get(jo["url"], headers=headers).get_json()
    assert contact["lists"] == [{"id": created["id"], "name": "Health"}]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"contact_ids": []}, "contact_ids"),
        ({"contact_ids": "1"}, "contact_ids"),
        ({"contact_ids": [True]}, "contact_ids"),
        ({"contact_ids": [99]}, "contact_ids"),
        ({"contact_ids": [2**40]}, "contact_ids"),
        ({"ids": [1]}, "ids"),
    ],
)
def test_bad_members_are_refused_by_field_and_nobody_is_added(
    client, officer, api_token, body, field
):
    headers = api_token(officer)
    create(client, headers)
    lst = client.post("/api/v1/lists", json={"name": "Health"}, headers=headers).get_json()
    response = client.post(f"/api/v1/lists/{lst['id']}/members", json=body, headers=headers)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert client.get(lst["url"], headers=headers).get_json()["members"] == []


@pytest.mark.parametrize(
    "body", [{"name": ""}, {"name": 3}, {"name": "y" * 121}, {"name": "HEALTH"}, {}]
)
def test_bad_list_names_are_refused_by_the_name_field(client, officer, api_token, body):
    headers = api_token(officer)
    client.post("/api/v1/lists", json={"name": "Health"}, headers=headers)
    response = client.post("/api/v1/lists", json=body, headers=headers)
    assert response.status_code == 422
    assert "name" in response.get_json()["error"]["fields"]


def test_openapi_documents_the_contacts_bodies(client):
    document = client.get("/api/v1/openapi.json").get_json()
    post = document["paths"]["/api/v1/contacts"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ContactInput"
    }
    fields = document["components"]["schemas"]["ContactInput"]["properties"]
    assert set(fields) == set(BODY)
    assert "/api/v1/lists/{list_id}/members" in document["paths"]


def test_the_clock_makes_consent_today_valid(client, officer, api_token, clock):
    clock.set(datetime(2016, 11, 30, 0, 30, tzinfo=UTC))
    response = client.post(
        "/api/v1/contacts", json={**BODY, "consent_at": "2016-11-30"}, headers=api_token(officer)
    )
    assert response.status_code == 201, response.get_json()
