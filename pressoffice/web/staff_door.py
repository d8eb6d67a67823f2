"""The staff door: a reload of a kept staff page, by the same browser, answered before Flask.

A kept staff page (``web.kept_pages``) spares the queries and the template; what is left of a
reload is the framework around it: reading and checking the session cookie, resuming the
sign-in, the rate limiter, the hooks before and after every request. This WSGI layer in front
of the app answers such a reload itself with the bytes and headers the app gave, after one
indexed read: whether the sign-in still holds (it was not ended: signed out, its password
changed, its person deactivated), whether its person is still active with the same role, and
the office-change token.

It answers only a request the app would answer the same way:

- a ``GET`` of exactly the address (scheme, host, path and query string) the app answered with
  a kept page, sent with exactly the same ``Cookie`` header, ``User-Agent`` and client address:
  so the same session, the same sign-in, and the same result of the sign-in's protection
  against a cookie used from elsewhere; no ``Authorization``, conditional or range header;
- the app's answer was a 200 that set no cookie and changed nothing in the session;
- under the office-change token the page was rendered under (any write to a table a staff page
  shows changes it, including a person's role or deactivation), at an instant of the app's clock
  inside the page's window, before the sign-in's time limits end it, before its use is next to
  be recorded (the app records it, so a sign-in in use does not idle out), and while the
  session cookie's signature is still within its age.

Anything else goes to the app, which checks the sign-in and the role as on any request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from werkzeug.http import parse_cookie

from ..public.front_door import (
    DEFERRED_HEADERS,
    Door,
    OwnConnectionReader,
    address_of,
    without,
)
from ..public.page_store import StoredPage
from ..services.public_freshness import OFFICE_ROW

# The environ key through which the app hands the staff door the kept page it answered with.
KEPT_FOR_SIGN_IN = "pressoffice.kept_for_sign_in"

MAX_ADDRESSES = 256

# Answer headers the staff door works out for each answer itself.
_PER_ANSWER = frozenset({"content-length", "date", "server"})

# Whether the sign-in still holds, and the office-change token, in one read.
_SIGN_IN_AND_TOKEN_SQL = (
    f"SELECT (SELECT token FROM public_changes WHERE id = {OFFICE_ROW}), "  # noqa: S608
    "(SELECT count(*) FROM user_sessions JOIN users ON users.id = user_sessions.user_id "
    "WHERE user_sessions.key_hash = {} AND user_sessions.user_id = {} "
    "AND user_sessions.ended_at IS NULL AND users.active AND users.role = {})"
)


@dataclass(frozen=True)
class KeptForSignIn:
    """What the app tells the door about a kept staff page it answered."""

    page: StoredPage
    user_id: int
    role: str  # the person's role when it was answered
    key_hash: str  # of the sign-in it was answered to
    holds_until: datetime  # the sign-in holds by its time limits before this instant


@dataclass(frozen=True)
class StaffAnswer:
    kept: KeptForSignIn
    headers: tuple[tuple[str, str], ...]  # every header but the per-answer ones
    cookie_good_until: float  # the session cookie's signature is within its age before this


class StaffDoor(Door):
    """WSGI middleware answering a signed-in browser's reload of a kept staff page."""

    noted = KEPT_FOR_SIGN_IN
    max_addresses = MAX_ADDRESSES

    def __init__(self, app, wsgi_app, reader=None):
        super().__init__(app, wsgi_app)
        self.reader = reader
        self._session_cookie = app.config["SESSION_COOKIE_NAME"]

    def _address(self, environ) -> tuple | None:
        if environ.get("REQUEST_METHOD") != "GET" or not environ.get("HTTP_COOKIE"):
            return None
        if any(name in environ for name in DEFERRED_HEADERS):
            return None
        if self.app.config.get("STAFF_PAGE_CACHE", "memory") != "memory":
            return None
        return (
            *address_of(environ),
            environ["HTTP_COOKIE"],
            environ.get("HTTP_USER_AGENT"),
            environ.get("REMOTE_ADDR"),
            environ.get("HTTP_X_FORWARDED_FOR"),
        )

    def _answer(self, answer: StaffAnswer, start_response):
        kept = answer.kept
        now = self._now()
        if now >= kept.holds_until or time.time() >= answer.cookie_good_until:
            return None
        row = self._reader().row(kept.key_hash, kept.user_id, kept.role)
        if not row or not row[1]:
            return None  # the sign-in was ended, or its person changed: the app says so
        page = kept.page
        if not page.serves(page.key, row[0], now):
            return None
        headers = list(answer.headers)
        headers.append(("Content-Length", str(len(page.body))))
        start_response("200 OK", headers)
        return [page.body]

    def _reader(self) -> OwnConnectionReader:
        if self.reader is None:
            from ..extensions import db

            with self._lock, self.app.app_context():
                if self.reader is None:
                    self.reader = OwnConnectionReader(db.engine, _SIGN_IN_AND_TOKEN_SQL)
        return self.reader

    def _kept(self, noted: KeptForSignIn, headers, environ) -> StaffAnswer | None:
        good_until = self._cookie_good_until(environ, noted)
        if good_until is None:
            return None
        return StaffAnswer(
            kept=noted, headers=without(headers, _PER_ANSWER), cookie_good_until=good_until
        )

    def _cookie_good_until(self, environ, kept: KeptForSignIn) -> float | None:
        """When the session cookie sent stops being read by the app (its signature's age),
        or None if it is not the cookie of the sign-in the page was answered to."""
        from ..services.accounts import hash_token

        value = parse_cookie(environ.get("HTTP_COOKIE", "")).get(self._session_cookie)
        serializer = self.app.session_interface.get_signing_serializer(self.app)
        if not value or serializer is None:
            return None
        max_age = int(self.app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except Exception:  # noqa: BLE001 - a cookie the app could not read: nothing kept
            return None
        user_id, _, key = str(data.get("_user_id", "")).partition(":")
        if user_id != str(kept.user_id) or not key or hash_token(key) != kept.key_hash:
            return None
        return signed_at.timestamp() + max_age


def install(app) -> None:
    """Put the staff door before the app (it steps aside while STAFF_PAGE_CACHE is off)."""
    app.wsgi_app = StaffDoor(app, app.wsgi_app)
