"""The sign-in limit holds when the guesses arrive together.

Thirty wrong passwords for one account, sent at the same instant to a gunicorn server of several
worker processes counting in one Redis: with a limit of 5, exactly 5 passwords are checked and
the other 25 are refused before theirs is, because each attempt is counted (atomically) before
its password is checked.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest

from pressoffice import create_app
from pressoffice.extensions import db

from .races import harness
from .test_rate_limits_shared import REDIS_URL, _redis_or_skip

GUESSES = 30
LIMIT = 5
PASSWORD = "correct-horse-battery"


@pytest.fixture
def limited_server(tmp_path):
    if not harness.gunicorn_available():
        pytest.skip("gunicorn is not installed: pip install -e '.[test]'")
    redis_client = _redis_or_skip()
    url = f"sqlite:///{tmp_path / 'sign-in.sqlite3'}"
    server = harness.RaceServer(url, tmp_path, "sign-in")
    server.env.update(
        {
            "RATELIMIT_STORAGE_URI": REDIS_URL,
            "LOGIN_LIMIT_PER_ACCOUNT": f"{LIMIT} per 15 minutes",
            "LOGIN_LIMIT_PER_ADDRESS": "1000 per 15 minutes",
        }
    )
    # An account of this run alone, so no other run shares its counter.
    email = f"guessed-{uuid.uuid4().hex[:12]}@example.org"
    server.migrate()
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        from pressoffice.services import accounts

        accounts.create_user(
            email=email, name="Guessed", role="officer", password=PASSWORD, now=datetime.now(UTC)
        )
        db.session.remove()
        db.engine.dispose()
    server.start()
    try:
        yield server, email
    finally:
        server.stop()
        for key in redis_client.scan_iter(match=f"*{email}*"):
            redis_client.delete(key)


def test_thirty_wrong_passwords_sent_together_check_only_five(limited_server):
    server, email = limited_server
    form_page = server.send(harness.Call("GET", "/sign-in"))
    cookie = form_page.headers["set-cookie"].split(";", 1)[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form_page.text)
    token = token or re.search(r'name="csrf_token" value="([^"]+)"', form_page.text)
    assert token, "the sign-in form should carry a CSRF token"
    guess = {"email": email, "password": "not-the-password", "csrf_token": token.group(1)}

    answers = server.together(
        *(harness.Call("POST", "/sign-in", form=guess, cookie=cookie) for _ in range(GUESSES))
    )

    statuses = sorted(answer.status for answer in answers)
    checked = statuses.count(401)
    print(f"\n{checked} of {GUESSES} passwords checked, {statuses.count(429)} refused")
    assert statuses == [401] * LIMIT + [429] * (GUESSES - LIMIT), statuses
    # The right password is refused too until the window ends: the limit is on guessing.
    right = server.send(
        harness.Call("POST", "/sign-in", form={**guess, "password": PASSWORD}, cookie=cookie)
    )
    assert right.status == 429
