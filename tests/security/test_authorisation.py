"""Who may reach what: every method of every staff route needs a sign-in or a token and the
right role; nobody acts on another person's tokens; a deactivated account stops at once; and
a signed-in browser cannot be made to act by another site."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from pressoffice.services import accounts

from ..conftest import login
from ..factories import DEFAULT_PASSWORD, make_user, release_content
from ..web.test_route_protection import PUBLIC_ENDPOINTS

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _url(rule) -> str:
    url = rule.rule
    for converter in re.findall(r"<([^>]+)>", url):
        kind = converter.rpartition(":")[0]
        url = url.replace(f"<{converter}>", "1" if kind == "int" else "x")
    return url


def _guarded(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in METHODS:
            if method in rule.methods:
                yield rule, method


def test_every_method_of_every_guarded_route_turns_away_a_visitor_without_an_account(app, client):
    for rule, method in _guarded(app):
        response = client.open(_url(rule), method=method)
        if rule.rule.startswith("/api/"):
            assert response.status_code == 401, f"{method} {rule.rule}"
        else:
            assert response.status_code == 302, f"{method} {rule.rule}"
            assert response.headers["Location"].startswith("/sign-in"), f"{method} {rule.rule}"


def test_every_method_of_every_approver_and_admin_page_refuses_an_officer(app, client, app_ctx):
    login(client, make_user(role="officer"))
    checked = 0
    for rule, method in _guarded(app):
        access = getattr(app.view_functions[rule.endpoint], "access", None)
        if access in ("role:approver", "role:admin"):
            response = client.open(_url(rule), method=method)
            assert response.status_code == 403, f"{method} {rule.rule}"
            checked += 1
    assert checked


def test_admin_pages_refuse_an_approver(app, client, app_ctx):
    login(client, make_user(role="approver"))
    for rule, method in _guarded(app):
        if getattr(app.view_functions[rule.endpoint], "access", None) == "role:admin":
            assert client.open(_url(rule), method=method).status_code == 403


def test_an_officer_cannot_revoke_a_colleagues_api_token(client, officer, api_token):
    colleague = make_user(role="officer")
    token, plain = accounts.create_token(colleague, datetime(2016, 11, 29, tzinfo=UTC))

    login(client, officer)
    response = client.post(f"/account/tokens/{token.id}/revoke")

    assert response.status_code == 404

    assert accounts.get_token(token.id).revoked_at is None
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 200


def test_revoking_a_token_that_does_not_exist_answers_not_found(client, officer):
    login(client, officer)
    assert client.post("/account/tokens/987654/revoke").status_code == 404


def test_a_deactivated_account_loses_its_session_and_every_token_at_once(
    app, client, officer, admin, api_token
):
    headers = api_token(officer)
    login(client, officer)
    assert client.get("/staff").status_code == 200

    accounts.deactivate_user(officer, datetime(2016, 11, 29, tzinfo=UTC))

    assert client.get("/staff").status_code == 302
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.post("/api/v1/releases", json=release_content(), headers=headers).status_code == (
        401
    )
    refused = client.post("/sign-in", data={"email": officer.email, "password": DEFAULT_PASSWORD})
    assert refused.status_code == 401

    # Coming back does not bring back the old session or tokens.
    accounts.reactivate_user(officer)
    assert client.get("/staff").status_code == 302
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_the_json_api_ignores_a_signed_in_browsers_cookie(client, officer):
    login(client, officer)

    assert client.get("/api/v1/releases").status_code == 401
    assert client.post("/api/v1/releases", json=release_content()).status_code == 401


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def test_with_csrf_on_no_staff_form_can_be_posted_by_another_site(app, client, admin, csrf_on):
    login_page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page) or re.search(
        r'name="csrf_token" value="([^"]+)"', login_page
    )
    signed_in = client.post(
        "/sign-in",
        data={"email": admin.email, "password": DEFAULT_PASSWORD, "csrf_token": token.group(1)},
    )
    assert signed_in.status_code == 302
    for rule, method in _guarded(app):
        if rule.rule.startswith("/api/") or method != "POST":
            continue
        response = client.post(_url(rule), data={"reason": "x", "comment": "x"})
        assert response.status_code == 400, f"POST {rule.rule}: {response.status_code}"
