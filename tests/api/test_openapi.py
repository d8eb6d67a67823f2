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
