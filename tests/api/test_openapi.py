"""The OpenAPI description covers exactly the API that exists."""

from __future__ import annotations

import re


def _documented_paths(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.")
    return document["paths"]


def _api_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[a-z]+:)?([^>]+)>", r"{\1}", rule.rule)
            methods = {m.lower() for m in rule.methods} - {"head", "options"}
            yield path, methods


def test_every_api_route_is_described(app, client):
    paths = _documented_paths(client)
    for path, methods in _api_rules(app):
        assert path in paths, f"{path} is not in openapi.json"
        for method in methods:
            assert method in paths[path], f"{method.upper()} {path} is not in openapi.json"


def test_the_description_names_no_route_that_does_not_exist(app, client):
    paths = _documented_paths(client)
    existing = {}
    for path, methods in _api_rules(app):
        existing.setdefault(path, set()).update(methods)
    for path, operations in paths.items():
        assert path in existing, f"openapi.json describes {path}, which does not exist"
        for method in operations:
            assert method in existing[path], f"openapi.json describes {method.upper()} {path}"


def _operations_with_a_body(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if "requestBody" in operation:
                schema = operation["requestBody"]["content"]["application/json"]["schema"]
                if "$ref" in schema:
                    schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
                yield path, method, operation, schema


def _staff_call(client, approver, api_token, officer):
    from tests.factories import create_release, make_enquiry

    headers = api_token(approver)
    ids = {
        "release_id": create_release(author=officer).id,
        "reference": make_enquiry().reference,
        "recipient_id": 1,
        "statement_id": 1,
        "contact_id": 1,
        "list_id": 1,
    }

    def call(path, method, **kwargs):
        url = path.format(**ids)
        return client.open(url, method=method.upper(), headers=headers, **kwargs)

    return call


def test_a_body_that_is_not_a_json_object_gets_a_status_the_description_lists(
    client, approver, api_token, officer
):
    call = _staff_call(client, approver, api_token, officer)
    for path, method, operation, _schema in _operations_with_a_body(client):
        response = call(path, method, data="[1]", content_type="application/json")
        assert response.status_code == 400, f"{method.upper()} {path}"
        assert "400" in operation["responses"], f"{method.upper()} {path} does not list 400"


def test_a_body_refused_for_an_unknown_field_is_described_as_taking_only_its_fields(
    client, approver, api_token, officer
):
    call = _staff_call(client, approver, api_token, officer)
    for path, method, _operation, schema in _operations_with_a_body(client):
        response = call(path, method, json={"surprise": 1})
        if response.status_code == 422 and "surprise" in response.get_json()["error"]["fields"]:
            assert schema.get("additionalProperties") is False, f"{method.upper()} {path}"


def test_a_list_that_refuses_a_page_number_lists_422_and_says_which_pages_exist(
    client, approver, api_token
):
    headers = api_token(approver)
    paths = _documented_paths(client)
    for path in ("/api/v1/enquiries", "/api/v1/releases", "/api/v1/public/releases"):
        operation = paths[path]["get"]
        assert client.get(path + "?page=0", headers=headers).status_code == 422
        assert "422" in operation["responses"], path
        page = next(p for p in operation["parameters"] if p["name"] == "page")
        assert page["schema"]["minimum"] == 1, path
