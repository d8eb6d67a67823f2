"""The staff door: a reload of a kept staff page, by the same browser, answered before Flask.

A kept staff page (``web.kept_pages``) spares the queries and the template; what is left of a
reload is the framework around it: reading and checking the session cookie, resuming the
sign-in, the rate limiter, the hooks before and after every request. This WSGI layer in front
of the app answers such a reload itself with the bytes and headers the app gave, after one
indexed read: whether the sign-in still holds (it was not ended: signed out, its password
changed, its person deactivated) and the office-change token.

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

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from werkzeug.http import parse_cookie

from ..clock import system_now
from ..public.front_door import OwnConnectionReader
from ..public.page_store import StoredPage
from ..services.public_freshness import OFFICE_ROW

# The environ key through which the app hands the staff door the kept page it answered with.
KEPT_FOR_SIGN_IN = "pressoffice.kept_for_sign_in"

MAX_ADDRESSES = 256

_DEFERRED_HEADERS = (
    "HTTP_AUTHORIZATION",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_RANGE",
    "HTTP_RANGE",
)

# Answer headers the staff door works out for each answer itself.
_PER_ANSWER = frozenset({"content-length", "date", "server"})

# Whether the sign-in still holds, and the office-change token, in one read.
_SIGN_IN_AND_TOKEN_SQL = (
    f"SELECT (SELECT token FROM public_changes WHERE id = {OFFICE_ROW}), "  # noqa: S608
    "(SELECT count(*) FROM user_sessions "
    "WHERE key_hash = {} AND user_id = {} AND ended_at IS NULL)"
)


@dataclass(frozen=True)
class KeptForSignIn:
    """What the app tells the door about a kept staff page it answered."""

    page: StoredPage
    user_id: int
    key_hash: str  # of the sign-in it was answered to
    holds_until: datetime  # the sign-in holds by its time limits before this instant


@dataclass(frozen=True)
class StaffAnswer:
    kept: KeptForSignIn
    headers: tuple[tuple[str, str], ...]  # every header but the per-answer ones
    cookie_good_until: float  # the session cookie's signature is within its age before this


class StaffDoor:
    """WSGI middleware answering a signed-in browser's reload of a kept staff page."""

    def __init__(self, app, wsgi_app, reader=None):
        self.app = app
        self.wsgi_app = wsgi_app
        self.reader = reader
        self._answers: OrderedDict[tuple, StaffAnswer] = OrderedDict()
        self._lock = threading.Lock()
        self._session_cookie = app.config["SESSION_COOKIE_NAME"]

    def __call__(self, environ, start_response):
        address = self._address(environ)
        if address is None:
            return self.wsgi_app(environ, start_response)
        with self._lock:
            answer = self._answers.get(address)
        if answer is not None:
            body = self._answer(answer, start_response)
            if body is not None:
                return body
        return self._through_the_app(address, environ, start_response)

    def _address(self, environ) -> tuple | None:
        """What a kept answer may be for, or None for a request only the app may answer."""
        if environ.get("REQUEST_METHOD") != "GET" or not environ.get("HTTP_COOKIE"):
            return None
        if any(name in environ for name in _DEFERRED_HEADERS):
            return None
        if self.app.config.get("STAFF_PAGE_CACHE", "memory") != "memory":
            return None
        return (
            environ.get("wsgi.url_scheme"),
            environ.get("HTTP_HOST") or environ.get("SERVER_NAME"),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            environ["HTTP_COOKIE"],
            environ.get("HTTP_USER_AGENT"),
            environ.get("REMOTE_ADDR"),
            environ.get("HTTP_X_FORWARDED_FOR"),
        )

    def _answer(self, answer: StaffAnswer, start_response):
        kept = answer.kept
        now = self.app.extensions.get("pressoffice.clock", system_now)()
        if now >= kept.holds_until or time.time() >= answer.cookie_good_until:
            return None
        row = self._reader().row(kept.key_hash, kept.user_id)
        if not row or not row[1]:
            return None  # the sign-in was ended: the app says so
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

            with self.app.app_context():
                self.reader = OwnConnectionReader(db.engine, _SIGN_IN_AND_TOKEN_SQL)
        return self.reader

    def _through_the_app(self, address, environ, start_response):
        seen = {}

        def noting_start_response(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, noting_start_response)
        kept = environ.get(KEPT_FOR_SIGN_IN)
        if kept is not None and seen.get("status", "").startswith("200 "):
            self._remember(address, kept, seen["headers"], environ)
        return body

    def _remember(self, address, kept: KeptForSignIn, headers, environ) -> None:
        if any(name.lower() == "set-cookie" for name, _ in headers):
            return
        good_until = self._cookie_good_until(environ, kept)
        if good_until is None:
            return
        answer = StaffAnswer(
            kept=kept,
            headers=tuple((n, v) for n, v in headers if n.lower() not in _PER_ANSWER),
            cookie_good_until=good_until,
        )
        with self._lock:
            self._answers[address] = answer
            self._answers.move_to_end(address)
            while len(self._answers) > MAX_ADDRESSES:
                self._answers.popitem(last=False)

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
