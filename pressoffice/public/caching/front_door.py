"""The front door: a visitor's repeat request for a kept public page is answered before Flask.

A kept page (``store``) already spares the template and Markdown work; what is left of a request
is the framework around it (routing, the session, the sign-in check, the hooks before and after
every request). A journalist opening the release page at its embargo instant needs none of that:
this WSGI layer in front of the app answers the same bytes and headers the app gave for exactly
this address, with only one indexed read of the public-change token.

It answers only what the app would answer the same way:

- a ``GET`` with no credentials (no ``Authorization`` header, no session or remember cookie)
  and no conditional or range header (those go to the app, which answers 304 or the range);
- for the exact scheme, host, path and query string of an answer the app gave as a kept page
  in this process, with a 200 and no cookie set;
- while that page is right: under the public-change token, read from the database on every
  request, and at an instant of the app's clock inside the page's window (never past the next
  embargo instant or the office opening or closing, nor past the max-age it was sent with).

Anything else goes to the app, which renders or reads the kept page and, when it may be kept,
tells the front door through the WSGI environ. ``Cache-Control`` is worked out afresh for each
answer, as what is left of the page's window, so a cache in front never keeps it longer either.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from werkzeug.http import parse_cookie

from ...clock import system_now
from ...domain.caching import cache_lifetime, public_cache_control
from ...services.public_freshness import PUBLIC_ROW
from .store import StoredPage

# The environ key through which the app hands the front door the kept page it answered with.
KEPT = "pressoffice.kept_page"

MAX_ADDRESSES = 512

# Request headers that make the answer depend on more than the address: the app handles them.
DEFERRED_HEADERS = (
    "HTTP_AUTHORIZATION",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_RANGE",
    "HTTP_RANGE",
)

# Answer headers the front door works out for each answer itself.
_PER_ANSWER = frozenset({"content-length", "cache-control", "date", "server"})

# The row ``services.public_freshness`` renews with anything public.
_TOKEN_SQL = f"SELECT token FROM public_changes WHERE id = {PUBLIC_ROW}"  # noqa: S608 - a constant


@dataclass(frozen=True)
class KeptAnswer:
    """What the app answered for one address, as a kept page."""

    page: StoredPage
    headers: tuple[tuple[str, str], ...]  # every header but the per-answer ones
    shared: bool  # the answer may be kept by caches in front (Cache-Control: public)


class TokenReader:
    """Reads the public-change token on a connection of its own, in autocommit, so that each
    read sees what was last committed without a transaction, a pool checkout or the ORM. One
    connection per process and thread, opened on first use (after a fork, afresh)."""

    def __init__(self, engine):
        self.engine = engine
        self._local = threading.local()

    def __call__(self) -> str | None:
        """The token, or None when there is none or the read failed (either way, the caller
        sends the request to the app)."""
        try:
            cursor = self._connection().cursor()
            try:
                cursor.execute(_TOKEN_SQL)
                row = cursor.fetchone()
            finally:
                cursor.close()
        except Exception:  # noqa: BLE001 - any failure only sends the request to the app
            self._drop()
            return None
        return row[0] if row else None

    def _connection(self):
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.connection = None
            local.pid = os.getpid()
        if local.connection is None:
            # Ours from now on, never handed back to the app's pool (and held, so that it is
            # not closed when the pool's wrapper would be collected).
            local.proxied = self.engine.raw_connection()
            dbapi = local.proxied.driver_connection
            local.proxied.detach()
            if self.engine.dialect.name == "sqlite":
                dbapi.isolation_level = None
            else:
                dbapi.rollback()
                dbapi.autocommit = True
            local.connection = dbapi
        return local.connection

    def _drop(self) -> None:
        proxied = getattr(self._local, "proxied", None)
        self._local.connection = self._local.proxied = None
        if proxied is not None:
            try:
                proxied.close()
            except Exception:  # noqa: BLE001, S110 - a broken connection is gone either way
                pass


class FrontDoor:
    """WSGI middleware answering repeat visitor requests for kept public pages."""

    def __init__(self, app, wsgi_app, read_token=None):
        self.app = app
        self.wsgi_app = wsgi_app
        self.read_token = read_token
        self._answers: OrderedDict[tuple, KeptAnswer] = OrderedDict()
        self._lock = threading.Lock()
        config = app.config
        self._cookies = (
            config["SESSION_COOKIE_NAME"],
            config.get("REMEMBER_COOKIE_NAME", "remember_token"),
        )

    def __call__(self, environ, start_response):
        address = self._address(environ)
        if address is None:
            return self.wsgi_app(environ, start_response)
        with self._lock:
            kept = self._answers.get(address)
            if kept is not None:
                self._answers.move_to_end(address)
        if kept is not None:
            answer = self._answer(kept, start_response)
            if answer is not None:
                return answer
            with self._lock:  # no longer right: not held a moment longer
                if self._answers.get(address) is kept:
                    del self._answers[address]
        return self._through_the_app(address, environ, start_response)

    def _address(self, environ) -> tuple | None:
        """The address exactly as asked for (scheme, host, path and query string), or None
        for a request only the app may answer."""
        if environ.get("REQUEST_METHOD") != "GET":
            return None
        if any(name in environ for name in DEFERRED_HEADERS):
            return None
        cookie = environ.get("HTTP_COOKIE")
        if cookie and any(name in parse_cookie(cookie) for name in self._cookies):
            return None
        return (
            environ.get("wsgi.url_scheme"),
            environ.get("HTTP_HOST") or environ.get("SERVER_NAME"),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
        )

    def _answer(self, kept: KeptAnswer, start_response):
        """The kept answer if it is still right (``start_response`` called), or None."""
        now = self._now()
        page = kept.page
        if not page.serves(self._token(), now):
            return None
        headers = list(kept.headers)
        if kept.shared:
            cap = self.app.config["PUBLIC_CACHE_MAX_AGE"]
            lifetime = cache_lifetime(now, page.valid_until, cap)
            headers.append(("Cache-Control", public_cache_control(lifetime)))
        headers.append(("Content-Length", str(len(page.body))))
        start_response("200 OK", headers)
        return [page.body]

    def _now(self) -> datetime:
        return self.app.extensions.get("pressoffice.clock", system_now)()

    def _token(self) -> str | None:
        if self.read_token is None:
            from ...extensions import db

            with self._lock, self.app.app_context():
                if self.read_token is None:
                    self.read_token = TokenReader(db.engine)
        return self.read_token()

    def _through_the_app(self, address, environ, start_response):
        seen = {}

        def noting_start_response(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, noting_start_response)
        noted = environ.get(KEPT)
        if noted is not None and seen.get("status", "").startswith("200 "):
            headers = seen["headers"]
            if not any(name.lower() == "set-cookie" for name, _ in headers):
                page, shared = noted
                kept_headers = tuple((n, v) for n, v in headers if n.lower() not in _PER_ANSWER)
                self._remember(address, KeptAnswer(page, kept_headers, shared))
        return body

    def _remember(self, address, kept: KeptAnswer) -> None:
        with self._lock:
            self._answers[address] = kept
            self._answers.move_to_end(address)
            while len(self._answers) > MAX_ADDRESSES:
                self._answers.popitem(last=False)


def install(app) -> None:
    """Put the front door before the app when it keeps public pages."""
    if app.config.get("PUBLIC_PAGE_CACHE", "memory") == "memory":
        app.wsgi_app = FrontDoor(app, app.wsgi_app)
