"""Every route is either on the public list below, with a reason, or needs a sign-in or token.

The test walks the whole URL map, so a new page that forgot its guard fails here.
"""

from __future__ import annotations

import re

import pytest

from ..conftest import login
from ..factories import make_user

# endpoint -> why it is open to anyone. Nothing here may show an embargoed byte.
PUBLIC_ENDPOINTS = {
    "static": "stylesheet",
    "public.index": "landing page",
    "web.login": "the sign-in form itself",
    "public.news_index": "newsroom: published releases only",
    "public.news_release": "a published release; 404 for anything else",
    "public.news_atom": "feed of published releases only",
    "public.news_attachment": "attachment of a published release; 404 otherwise",
    "public.news_statement": "a published or withdrawn statement's words; 404 for anything else",
    "public.contact": "which press line to call now",
    "public.calendar": "release calendar: announced entries, public titles only",
    "public.calendar_ical": "release calendar feed: announced entries, public titles only",
    "public.enquiry_form": "journalists submit enquiries without an account",
    "public.enquiry_submitted": "the journalist's confirmation of their enquiry",
    "api.routing": "which line answers at an instant",
    "api.create_enquiry": "journalists submit enquiries without an account",
    "api.public_releases": "published releases only",
    "api.public_release": "a published release; 404 for anything else",
    "api.openapi": "the API description",
    "preview.view": "per-journalist embargoed link: the secret token is the permission",
    "preview.accept_terms": "per-journalist embargoed link: the secret token is the permission",
    "preview.attachment": "per-journalist embargoed link: the secret token is the permission",
    "signoff.view": "per-speaker quote sign-off link: the secret token is the permission",
    "signoff.answer": "per-speaker quote sign-off link: the secret token is the permission",
    "public.unsubscribe": "one-click unsubscribe: the secret token is the permission",
    "public.unsubscribe_confirm": "one-click unsubscribe (RFC 8058, posted by mail clients "
    "without a session or CSRF token): the secret token is the permission",
}

# Pages for any signed-in person, whatever their role.
SIGNED_IN_ENDPOINTS = {"web.logout"}


def _rules(app):
    return [rule for rule in app.url_map.iter_rules()]


def _example_url(rule) -> str:
    url = rule.rule
    for converter in re.findall(r"<([^>]+)>", url):
        kind, _, name = converter.rpartition(":")
        value = "1" if kind == "int" else "x"
        url = url.replace(f"<{converter}>", value)
    return url


def _method(rule) -> str:
    for method in ("GET", "POST", "PATCH", "DELETE", "PUT"):
        if method in rule.methods:
            return method
    raise AssertionError(f"{rule} has no method")


def test_every_route_is_public_by_decision_or_guarded(app):
    for rule in _rules(app):
        view = app.view_functions[rule.endpoint]
        access = getattr(view, "access", None)
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        assert access is not None, (
            f"{rule.rule} ({rule.endpoint}) has no access guard: use staff_required, "
            "role_required or token_required, or list it in PUBLIC_ENDPOINTS with a reason"
        )
        assert access != "public", f"{rule.endpoint} is marked public but not listed here"


def test_anonymous_visitors_are_sent_to_sign_in_or_refused_on_every_guarded_route(app, client):
    for rule in _rules(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        method = _method(rule)
        response = client.open(_example_url(rule), method=method)
        if rule.rule.startswith("/api/"):
            assert response.status_code == 401, f"{method} {rule.rule}: {response.status_code}"
            assert response.is_json
        else:
            assert response.status_code == 302, f"{method} {rule.rule}: {response.status_code}"
            assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("role", ["officer", "approver"])
def test_staff_below_admin_are_refused_admin_pages(app, client, app_ctx, role):
    user = make_user(role=role)
    login(client, user)
    admin_rules = [
        rule
        for rule in _rules(app)
        if getattr(app.view_functions[rule.endpoint], "access", None) == "role:admin"
        and not rule.rule.startswith("/api/")
    ]
    assert admin_rules, "there should be admin pages"
    for rule in admin_rules:
        response = client.open(_example_url(rule), method=_method(rule))
        assert response.status_code == 403, f"{rule.rule} answered {response.status_code}"


def test_api_routes_for_approvers_refuse_an_officer_token(app, client, app_ctx, api_token):
    headers = api_token(make_user(role="officer"))
    for rule in _rules(app):
        access = getattr(app.view_functions[rule.endpoint], "access", None)
        if not rule.rule.startswith("/api/") or access not in ("role:approver", "role:admin"):
            continue
        response = client.open(_example_url(rule), method=_method(rule), headers=headers)
        assert response.status_code == 403, f"{rule.rule} answered {response.status_code}"


def test_a_number_too_big_to_be_an_id_is_a_plain_not_found_on_pages_and_api(
    client, officer, api_token
):
    login(client, officer)
    page = client.get(f"/releases/{2**63}")
    assert page.status_code == 404 and b"Page not found" in page.data
    api = client.get(f"/api/v1/releases/{2**63}", headers=api_token(officer))
    assert api.status_code == 404 and api.get_json()["error"]["code"] == "not_found"
