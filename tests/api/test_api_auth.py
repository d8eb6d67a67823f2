"""Bearer tokens and the JSON error shape."""

from __future__ import annotations


def test_api_without_a_token_answers_401_in_the_documented_shape(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    error = response.get_json()["error"]
    assert error["code"] == "unauthorised" and error["message"] and error["fields"] == {}


def test_api_with_a_token_knows_who_is_calling(client, officer, api_token):
    response = client.get("/api/v1/me", headers=api_token(officer))
    assert response.status_code == 200
    assert response.get_json()["email"] == "olivia@example.org"


def test_a_made_up_token_is_refused(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer po_madeup"})
    assert response.status_code == 401


def test_unknown_api_address_answers_json_not_a_page(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
