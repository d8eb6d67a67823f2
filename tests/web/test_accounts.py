"""Signing in and out, throttling, deactivation and the admin's user pages."""

from __future__ import annotations

from pressoffice.extensions import db
from pressoffice.models import User
from pressoffice.services import accounts

from ..conftest import login
from ..factories import DEFAULT_PASSWORD, make_user


def test_staff_member_signs_in_and_reaches_the_staff_home(client, page, officer):
    response = client.post(
        "/sign-in", data={"email": "OLIVIA@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert page.get("/staff").h1.get_text().strip() == "Good to see you, Olivia Officer"


def test_wrong_password_and_unknown_account_get_the_same_message(client, officer):
    wrong = client.post("/sign-in", data={"email": officer.email, "password": "not-it-at-all"})
    unknown = client.post("/sign-in", data={"email": "nobody@example.org", "password": "x" * 14})
    assert wrong.status_code == unknown.status_code == 401
    assert b"Enter a correct email address and password" in wrong.data
    assert b"Enter a correct email address and password" in unknown.data


def test_repeated_failures_for_one_account_are_throttled_with_a_clear_message(client, officer):
    for _ in range(5):
        assert (
            client.post("/sign-in", data={"email": officer.email, "password": "bad"}).status_code
            == 401
        )
    response = client.post("/sign-in", data={"email": officer.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 429
    assert b"Too many" in response.data


def test_throttling_one_account_does_not_reveal_whether_it_exists(client):
    for _ in range(5):
        client.post("/sign-in", data={"email": "ghost@example.org", "password": "bad"})
    response = client.post("/sign-in", data={"email": "ghost@example.org", "password": "bad"})
    assert response.status_code == 429


def test_successful_sign_ins_do_not_count_towards_the_limit(client, officer):
    for _ in range(7):
        login(client, officer)
        client.post("/sign-out")


def test_deactivated_user_cannot_sign_in_and_their_session_ends(client, page, officer, admin):
    login(client, officer)
    assert client.get("/staff").status_code == 200
    accounts.deactivate_user(db.session.get(User, officer.id), admin.created_at)
    assert client.get("/staff").status_code == 302
    response = client.post("/sign-in", data={"email": officer.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 401


def test_sign_out_ends_the_session(client, officer):
    login(client, officer)
    client.post("/sign-out")
    assert client.get("/staff").status_code == 302


def test_sign_in_ignores_a_next_address_on_another_site(client, officer):
    response = client.post(
        "/sign-in?next=//evil.example/x",
        data={"email": officer.email, "password": DEFAULT_PASSWORD},
    )
    assert response.headers["Location"].endswith("/staff")


def test_admin_creates_a_user_who_can_then_sign_in(signed_in, admin, client):
    page = signed_in(admin)
    result = page.post(
        "/admin/users/new",
        data={
            "name": "Nia New",
            "email": "Nia@Example.org",
            "role": "approver",
            "password": "a-long-enough-phrase",
        },
    )
    assert "Nia New can now sign in as nia@example.org" in result.get_text()
    client.post("/sign-out")
    response = client.post(
        "/sign-in", data={"email": "nia@example.org", "password": "a-long-enough-phrase"}
    )
    assert response.status_code == 302


def test_duplicate_email_in_another_case_is_refused_next_to_the_field(signed_in, admin, officer):
    page = signed_in(admin)
    result = page.post(
        "/admin/users/new",
        data={
            "name": "X",
            "email": "OLIVIA@EXAMPLE.ORG",
            "role": "officer",
            "password": "p" * 4 + "-long-phrase",
        },
    )
    summary = result.select_one(".error-summary")
    assert "A user with this email address already exists" in summary.get_text()
    assert summary.a["href"] == "#email"
    assert db.session.query(User).count() == 2


def test_admin_deactivates_a_user_and_revokes_their_tokens(signed_in, admin, officer, client):
    _token, plain = accounts.create_token(officer, admin.created_at)
    page = signed_in(admin)
    page.post(f"/admin/users/{officer.id}/deactivate")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 401


def test_admin_changes_a_role(signed_in, admin, officer):
    page = signed_in(admin)
    page.post(f"/admin/users/{officer.id}/role", data={"role": "approver"})
    assert db.session.get(User, officer.id).role == "approver"


def test_an_admin_can_neither_drop_their_own_admin_role_nor_deactivate_themselves(
    signed_in, admin, client
):
    page = signed_in(admin)
    refused = page.post(f"/admin/users/{admin.id}/role", data={"role": "officer"})
    assert "You cannot remove your own administrator role." in refused.get_text()
    refused = page.post(f"/admin/users/{admin.id}/deactivate")
    assert "You cannot deactivate your own account." in refused.get_text()
    stored = db.session.get(User, admin.id)
    assert stored.role == "admin" and stored.active


def test_pages_carry_security_headers_and_a_csp_without_inline_script(client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_session_cookie_is_httponly_and_samesite_lax(client, officer):
    response = login(client, officer)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_unknown_page_is_a_friendly_html_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"Page not found" in response.data


def test_forms_refuse_a_post_without_a_csrf_token(app, officer):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = app.test_client().post(
            "/sign-in", data={"email": officer.email, "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_user_creates_and_revokes_their_own_api_token(signed_in, officer, client):
    page = signed_in(officer)
    result = page.post("/account/tokens", data={"label": "newsroom site"})
    plain = result.select_one(".token-display code").get_text()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    token = accounts.list_tokens(officer)[0]
    page.post(f"/account/tokens/{token.id}/revoke")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_make_user_helper_refuses_weak_passwords(app_ctx):
    import pytest

    from pressoffice.services.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        make_user(password="short")
    assert "at least 12 characters" in refused.value.fields["password"]


def test_many_failures_from_one_address_across_accounts_are_throttled(client):
    for number in range(20):
        client.post("/sign-in", data={"email": f"guess{number}@example.org", "password": "bad"})
    response = client.post("/sign-in", data={"email": "another@example.org", "password": "bad"})
    assert response.status_code == 429
    assert b"Too many attempts" in response.data


def test_failures_from_another_address_do_not_lock_out_a_colleague(client, officer):
    for number in range(20):
        client.post(
            "/sign-in",
            data={"email": f"guess{number}@example.org", "password": "bad"},
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        )
    assert login(client, officer).status_code == 302


def test_behind_a_proxy_the_forwarded_address_is_the_one_throttled(tmp_path):
    from flask_migrate import upgrade

    from pressoffice import create_app

    app = create_app(
        "testing",
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}", "PROXY_HOPS": 1},
    )
    with app.app_context():
        upgrade()
    client = app.test_client()
    for number in range(20):
        client.post(
            "/sign-in",
            data={"email": f"g{number}@example.org", "password": "bad"},
            headers={"X-Forwarded-For": "198.51.100.7"},
        )
    blocked = client.post(
        "/sign-in", data={"email": "x@example.org"}, headers={"X-Forwarded-For": "198.51.100.7"}
    )
    other = client.post(
        "/sign-in", data={"email": "x@example.org"}, headers={"X-Forwarded-For": "198.51.100.8"}
    )
    assert blocked.status_code == 429
    assert other.status_code != 429


def test_a_failed_sign_in_marks_the_email_field_and_links_to_it(client, page, officer):
    response = client.post("/sign-in", data={"email": officer.email, "password": "wrong-one"})
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(response.data, "html.parser")
    assert soup.select_one(".error-summary a")["href"] == "#email"
    assert "Enter a correct email address and password" in soup.select_one("#email-error").text


def test_an_admin_viewing_their_own_account_is_not_offered_buttons_that_would_be_refused(
    signed_in, admin
):
    own = signed_in(admin).get(f"/admin/users/{admin.id}")
    assert own.find("button", string="Change role") is None
    assert "This is your own account" in own.get_text()
