"""Sessions that end: signing out, a password change, a role change and deactivation end a
sign-in for good, and every sign-in idles out and ends on time."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from bs4 import BeautifulSoup

from pressoffice.extensions import db
from pressoffice.models import User
from pressoffice.services import accounts

from ..conftest import DEFAULT_NOW, login
from ..factories import DEFAULT_PASSWORD

NEW_PASSWORD = "a-fresh-phrase-for-winter"


def copy_of(client, app, *cookie_names):
    """Another browser carrying copies of ``client``'s cookies, as someone who copied them
    would replay them."""
    other = app.test_client()
    for name in cookie_names:
        cookie = client.get_cookie(name)
        assert cookie is not None, f"no {name} cookie to copy"
        other.set_cookie(name, cookie.value, domain=cookie.domain)
    return other


def sign_in_page(response) -> BeautifulSoup:
    assert response.status_code == 302, response.status_code
    assert "/sign-in" in response.headers["Location"]
    return response


def followed(client, response) -> BeautifulSoup:
    return BeautifulSoup(client.get(response.headers["Location"]).data, "html.parser")


def remember_me(client, user):
    response = client.post(
        "/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    return response


# --- ended for good -------------------------------------------------------------------------


def test_a_session_cookie_copied_before_sign_out_gets_the_sign_in_page_afterwards(
    app, client, officer
):
    login(client, officer)
    thief = copy_of(client, app, "session")
    assert thief.get("/staff").status_code == 200

    client.post("/sign-out")

    response = thief.get("/staff")
    sign_in_page(response)
    assert followed(thief, response).h1.get_text().strip() == "Sign in"


def test_a_remember_cookie_copied_before_sign_out_no_longer_signs_anyone_in(app, client, officer):
    remember_me(client, officer)
    thief = copy_of(client, app, "remember_token")
    assert thief.get("/staff").status_code == 200

    client.post("/sign-out")

    sign_in_page(copy_of(client, app).get("/staff"))
    fresh_thief = app.test_client()
    fresh_thief.set_cookie("remember_token", thief.get_cookie("remember_token").value)
    sign_in_page(fresh_thief.get("/staff"))


def test_signing_out_ends_only_the_sign_in_on_this_computer(app, client, officer):
    login(client, officer)
    laptop = app.test_client()
    login(laptop, officer)

    client.post("/sign-out")

    assert laptop.get("/staff").status_code == 200


def test_after_a_password_change_another_browser_is_signed_out_and_this_one_stays(
    app, client, page, officer
):
    login(client, officer)
    laptop = app.test_client()
    remember_me(laptop, officer)
    copied = copy_of(client, app, "session")

    result = page.post(
        "/account/password",
        data={
            "current_password": DEFAULT_PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )

    assert "Your password has been changed" in result.get_text()
    assert client.get("/staff").status_code == 200
    response = laptop.get("/staff")
    sign_in_page(response)
    assert "Your password was changed" in followed(laptop, response).get_text()
    # Even a copy of this browser's own cookie, taken before the change, is worthless now.
    sign_in_page(copied.get("/staff"))
    client.post("/sign-out")
    login(client, officer, password=NEW_PASSWORD)


def test_a_role_change_ends_the_users_sessions(app, client, officer, admin):
    login(client, officer)
    admin_browser = app.test_client()
    login(admin_browser, admin)

    admin_browser.post(f"/admin/users/{officer.id}/role", data={"role": "approver"})

    response = client.get("/staff")
    sign_in_page(response)
    login(client, officer)
    assert "(Approver)" in client.get("/staff").get_data(as_text=True)


def test_deactivation_ends_a_remembered_sign_in(app, client, officer, admin):
    remember_me(client, officer)
    remembered = copy_of(client, app, "remember_token")
    accounts.deactivate_user(db.session.get(User, officer.id), DEFAULT_NOW)
    sign_in_page(client.get("/staff"))
    sign_in_page(remembered.get("/staff"))


# --- time limits, at their exact boundaries -------------------------------------------------

IDLE = timedelta(hours=8)
LIMIT = timedelta(hours=24)
REMEMBERED = timedelta(days=14)
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("unused_for", "still_signed_in"),
    [
        (IDLE - SECOND, True),
        (IDLE, False),
        (IDLE + SECOND, False),
    ],
)
def test_a_sign_in_left_unused_for_8_hours_idles_out(
    client, clock, officer, unused_for, still_signed_in
):
    login(client, officer)
    clock.advance(seconds=unused_for.total_seconds())
    response = client.get("/staff")
    if still_signed_in:
        assert response.status_code == 200
    else:
        sign_in_page(response)
        assert "you had not used Pressoffice for 8 hours" in followed(client, response).get_text()


def test_using_pressoffice_keeps_the_sign_in_from_idling_out(client, clock, officer):
    login(client, officer)
    for _ in range(3):
        clock.advance(hours=7)
        assert client.get("/staff").status_code == 200


@pytest.mark.parametrize(
    ("signed_in_for", "still_signed_in"),
    [
        (LIMIT - SECOND, True),
        (LIMIT, False),
    ],
)
def test_a_sign_in_ends_after_24_hours_however_busy(
    client, clock, officer, signed_in_for, still_signed_in
):
    login(client, officer)
    started = clock()
    while clock() + timedelta(hours=4) < started + signed_in_for:
        clock.advance(hours=4)
        assert client.get("/staff").status_code == 200
    clock.set(started + signed_in_for)
    response = client.get("/staff")
    if still_signed_in:
        assert response.status_code == 200
    else:
        sign_in_page(response)
        assert "24 hours" in followed(client, response).get_text()


@pytest.mark.parametrize(
    ("after", "still_signed_in"),
    [
        (REMEMBERED - SECOND, True),
        (REMEMBERED, False),
    ],
)
def test_keep_me_signed_in_lasts_14_days(app, client, clock, officer, after, still_signed_in):
    remember_me(client, officer)
    clock.advance(seconds=after.total_seconds())
    # The browser was closed in between: only the remember cookie is left.
    reopened = copy_of(client, app, "remember_token")
    response = reopened.get("/staff")
    if still_signed_in:
        assert response.status_code == 200
    else:
        sign_in_page(response)
        assert "Sign in again" in followed(reopened, response).get_text()


def test_the_remember_cookie_expires_within_14_days(client, officer):
    response = remember_me(client, officer)
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if "remember_token=" in c]
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    # The cookie's expiry is set by the browser's real clock, not the app's frozen one.
    lifetime = expires - datetime.now(UTC)
    assert timedelta(days=13, hours=23) < lifetime <= timedelta(days=14)
    assert "HttpOnly" in cookie


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("REMEMBER_COOKIE_DURATION", 30 * 86400, "at most 1209600 seconds (14 days)"),
        ("SESSION_IDLE_TIMEOUT", 0, "SESSION_IDLE_TIMEOUT must be a positive number"),
    ],
)
def test_the_app_refuses_to_start_with_sign_in_limits_that_do_not_hold(setting, value, message):
    from config import ConfigError
    from pressoffice import create_app

    with pytest.raises(ConfigError, match=re.escape(message)):
        create_app("testing", {setting: value, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_after_idling_out_signing_in_returns_to_the_page_they_were_on(client, clock, officer):
    login(client, officer)
    clock.advance(hours=9)
    response = client.get("/enquiries?status=new")
    sign_in_page(response)
    signed_in = client.post(
        response.headers["Location"],
        data={"email": officer.email, "password": DEFAULT_PASSWORD},
    )
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"].endswith("/enquiries?status=new")


def test_a_form_sent_after_idling_out_returns_to_the_page_of_the_form(client, clock, officer):
    login(client, officer)
    clock.advance(hours=9)
    response = client.post(
        "/account/tokens", data={"label": "x"}, headers={"Referer": "http://localhost/account"}
    )
    sign_in_page(response)
    signed_in = client.post(
        response.headers["Location"],
        data={"email": officer.email, "password": DEFAULT_PASSWORD},
    )
    assert signed_in.headers["Location"].endswith("/account")


# --- the password-change page ---------------------------------------------------------------


def test_the_account_page_links_to_the_password_change_page(signed_in, officer):
    page = signed_in(officer)
    account = page.get("/account")
    assert account.h1.get_text().strip() == "Your account"
    assert account.find("a", string="Change your password")["href"] == "/account/password"
    assert page.get("/staff").select_one(".site-nav__user a")["href"] == "/account"


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        (
            {
                "current_password": "",
                "new_password": NEW_PASSWORD,
                "confirm_password": NEW_PASSWORD,
            },
            "current_password",
            "Enter your current password",
        ),
        (
            {
                "current_password": "not-my-password-at-all",
                "new_password": NEW_PASSWORD,
                "confirm_password": NEW_PASSWORD,
            },
            "current_password",
            "Your current password is not right",
        ),
        (
            {
                "current_password": DEFAULT_PASSWORD,
                "new_password": "short",
                "confirm_password": "short",
            },
            "new_password",
            "Password must be at least 12 characters",
        ),
        (
            {
                "current_password": DEFAULT_PASSWORD,
                "new_password": "olivia-loves-long-phrases",
                "confirm_password": "olivia-loves-long-phrases",
            },
            "new_password",
            "Password must not contain your email address",
        ),
        (
            {
                "current_password": DEFAULT_PASSWORD,
                "new_password": NEW_PASSWORD,
                "confirm_password": NEW_PASSWORD + "x",
            },
            "confirm_password",
            "Enter the same new password twice",
        ),
        (
            {
                "current_password": DEFAULT_PASSWORD,
                "new_password": DEFAULT_PASSWORD,
                "confirm_password": DEFAULT_PASSWORD,
            },
            "new_password",
            "Choose a password different from your current one",
        ),
    ],
)
def test_a_refused_password_change_says_why_next_to_the_field_and_changes_nothing(
    app, signed_in, client, officer, form, field, message
):
    page = signed_in(officer)
    laptop = app.test_client()
    login(laptop, officer)

    result = page.post("/account/password", data=form, _expected_status=400)

    summary = result.select_one(".error-summary")
    assert message in summary.get_text()
    assert summary.find("a", string=message)["href"] == f"#{field}"
    assert message in result.select_one(f"#{field}-error").get_text()
    assert laptop.get("/staff").status_code == 200
    client.post("/sign-out")
    login(client, officer)


def test_the_password_change_form_refuses_a_post_without_a_csrf_token(app, officer):
    browser = app.test_client()
    login(browser, officer)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = browser.post(
            "/account/password",
            data={
                "current_password": DEFAULT_PASSWORD,
                "new_password": NEW_PASSWORD,
                "confirm_password": NEW_PASSWORD,
            },
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert db.session.get(User, officer.id).check_password(DEFAULT_PASSWORD)


def test_guessing_the_current_password_is_throttled(signed_in, officer):
    page = signed_in(officer)
    wrong = {
        "current_password": "not-my-password-at-all",
        "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    }
    for _ in range(5):
        page.post("/account/password", data=wrong, _expected_status=400)
    refused = page.client.post("/account/password", data={**wrong, "current_password": "x"})
    assert refused.status_code == 429


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def csrf_token_of(browser, url: str) -> str:
    page = BeautifulSoup(browser.get(url).data, "html.parser")
    return page.find("input", {"name": "csrf_token"})["value"]


def test_a_csrf_token_read_before_signing_in_is_refused_afterwards(app, officer, csrf_on):
    browser = app.test_client()
    before = csrf_token_of(browser, "/sign-in")
    signed = browser.post(
        "/sign-in",
        data={"email": officer.email, "password": DEFAULT_PASSWORD, "csrf_token": before},
    )
    assert signed.status_code == 302

    refused = browser.post("/account/tokens", data={"label": "planted", "csrf_token": before})

    assert refused.status_code == 400
    assert accounts.list_tokens(officer) == []
    fresh = csrf_token_of(browser, "/account/tokens")
    assert fresh != before
    made = browser.post("/account/tokens", data={"label": "mine", "csrf_token": fresh})
    assert made.status_code == 200
    assert [token.label for token in accounts.list_tokens(officer)] == ["mine"]


def test_a_csrf_token_read_while_signed_in_is_refused_after_signing_out(app, officer, csrf_on):
    browser = app.test_client()
    signed = browser.post(
        "/sign-in",
        data={
            "email": officer.email,
            "password": DEFAULT_PASSWORD,
            "csrf_token": csrf_token_of(browser, "/sign-in"),
        },
    )
    assert signed.status_code == 302
    during = csrf_token_of(browser, "/account/tokens")
    assert browser.post("/sign-out", data={"csrf_token": during}).status_code == 302

    refused = browser.post(
        "/sign-in",
        data={"email": officer.email, "password": DEFAULT_PASSWORD, "csrf_token": during},
    )

    assert refused.status_code == 400
    assert browser.get("/staff").status_code == 302


def test_signing_out_still_removes_the_remember_cookie_from_the_browser(client, officer):
    remember_me(client, officer)
    assert client.get_cookie("remember_token") is not None

    client.post("/sign-out")

    assert client.get_cookie("remember_token") is None
