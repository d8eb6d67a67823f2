"""Cache headers, and the rendered public pages the app keeps itself.

Only the public answers marked ``@shared_cache`` (newsroom pages, the feed, the public API) may
be kept by a cache in front of the app, and only a 200 to a visitor who is not signed in: they
carry an ``ETag`` (a repeat request with ``If-None-Match`` gets 304) and ``Cache-Control:
public, max-age=N``, with N at most ``PUBLIC_CACHE_MAX_AGE`` and never past the next embargo
instant (``domain.caching.cache_lifetime``). Every other answer of the app, staff pages, the
JSON API, secret links, the sign-in page, forms, redirects and every error, is ``no-store``.

A view marked ``keep=True`` (or ``@kept_answer``, for an answer no cache in front may keep) is
also kept by the app (``page_store``): a visitor without a session asking for it again gets the
same bytes without any template or Markdown work, as long as the database's public-change
token is the one it was rendered under (it changes with every save of anything public) and the
clock has not reached the next instant at which the page changes by itself (the next embargo,
the office opening or closing). So an embargoed release appears at its second and a withdrawn
one disappears with the withdrawal, kept pages or not.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from pathlib import Path

from flask import Response, current_app, make_response, request, session
from flask_login import current_user

from .. import clock
from ..domain.caching import PRIVATE_CACHE_CONTROL, cache_lifetime, public_cache_control
from ..services.public_freshness import next_embargo_after, public_change_token
from .front_door import KEPT
from .page_store import PageStore, StoredPage

_SHARED = "pressoffice.shared_cache"
_STORE = "pressoffice.page_store"
_CODE = "pressoffice.code_fingerprint"

ChangesAt = Callable[[datetime], datetime | None]

# The settings a public page shows (the contact block, the office's hours and calendar, the
# addresses in the feed) and the database it reads: a page kept under other settings is not
# the same page.
PAGE_SETTINGS = (
    "SQLALCHEMY_DATABASE_URI",
    "SERVER_NAME",
    "PUBLIC_BASE_URL",
    "PRESS_OFFICE_NAME",
    "OFFICE_LINE",
    "OUT_OF_HOURS_LINE",
    "OFFICE_TIMEZONE",
    "OFFICE_HOURS_START",
    "OFFICE_HOURS_END",
    "OFFICE_DAYS",
    "HOLIDAY_COUNTRY",
    "HOLIDAY_SUBDIVISION",
)


def shared_cache(
    view=None,
    *,
    changes_at: ChangesAt | None = next_embargo_after,
    keep: bool = False,
    key_args: tuple[str, ...] = (),
):
    """Let caches keep this public view's 200 answers for a short while.

    ``changes_at(instant)`` names the soonest instant after ``instant`` at which the answer
    changes by the clock alone (by default the next embargo to lift; None for an answer that
    never does). It is asked about the instant the request began, and the lifetime is counted
    from the instant the answer is ready, so the time spent in between only shortens it.

    ``keep``: the app keeps the rendered answer too (see the module's docstring), for the
    request's path and the query arguments named in ``key_args`` (a request with any other
    argument is rendered afresh and not kept).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            return _answer(view, args, kwargs, changes_at, keep, key_args, share=True)

        wrapped.shared_cache = True
        return wrapped

    return decorator(view) if view is not None else decorator


def kept_answer(changes_at: ChangesAt | None, key_args: tuple[str, ...] = ()):
    """The app keeps this public view's rendered 200 answers (see the module's docstring),
    while the answer itself stays ``no-store`` for any cache in front of the app."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            return _answer(view, args, kwargs, changes_at, True, key_args, share=False)

        return wrapped

    return decorator


def _answer(view, args, kwargs, changes_at, keep, key_args, *, share: bool):
    started = clock.now()
    store = _store() if keep else None
    key = _page_key(key_args) if store is not None else None
    token = public_change_token() if key is not None else None
    kept = store.get(key, token, started) if token is not None else None
    if kept is not None:
        response = Response(kept.body, mimetype=kept.mimetype)
        response.set_etag(kept.etag)
        next_change = kept.valid_until
    else:
        response = make_response(view(*args, **kwargs))
        if not _may_be_shared(response):
            return response
        next_change = changes_at(started) if changes_at else None
        if token is not None:
            response.add_etag()
            kept = StoredPage(
                key=key,
                token=token,
                valid_from=started,
                valid_until=next_change,
                body=response.get_data(),
                mimetype=response.mimetype,
                etag=response.get_etag()[0],
            )
            store.put(kept)
    if kept is not None:
        # The front door answers this address itself from now on, while the page is right.
        request.environ[KEPT] = (kept, share)
    if not share:
        return response
    lifetime = cache_lifetime(clock.now(), next_change, current_app.config["PUBLIC_CACHE_MAX_AGE"])
    response.headers["Cache-Control"] = public_cache_control(lifetime)
    # Pages show who is signed in: a signed-in visitor's copy is never shared, and a cache
    # must not hand the anonymous copy to a request carrying a session cookie.
    response.vary.add("Cookie")
    response.add_etag()
    response.make_conditional(request)
    request.environ[_SHARED] = True
    return response


def _may_be_shared(response) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not current_user.is_authenticated
        and not session.modified
        and "Set-Cookie" not in response.headers
    )


def _page_key(key_args: tuple[str, ...]) -> str | None:
    """The kept page's key for this request, or None when it is not one to keep: a visitor
    with a session (it may hold a message to show, or a sign-in) or any credentials, a
    method other than GET or HEAD, or a query argument the page does not read."""
    if request.method not in ("GET", "HEAD") or "Authorization" in request.headers:
        return None
    config = current_app.config
    cookies = request.cookies
    remember = config.get("REMEMBER_COOKIE_NAME", "remember_token")
    if config["SESSION_COOKIE_NAME"] in cookies or remember in cookies:
        return None
    if any(name not in key_args for name in request.args):
        return None
    wanted = "&".join(f"{name}={request.args.get(name, '')}" for name in key_args)
    settings = repr([config.get(name) for name in PAGE_SETTINGS])
    return "|".join((code_fingerprint(), settings, request.host_url, request.path, wanted))


def _store() -> PageStore | None:
    app = current_app._get_current_object()
    mode = app.config.get("PUBLIC_PAGE_CACHE", "off")
    if mode not in ("shared", "memory"):
        return None
    store = app.extensions.get(_STORE)
    if store is None:
        folder = None
        if mode == "shared":
            folder = app.config.get("PUBLIC_PAGE_CACHE_DIR") or (
                Path(app.instance_path) / "page-cache"
            )
        store = app.extensions[_STORE] = PageStore(folder)
    return store


def code_fingerprint() -> str:
    """The templates, code and migrations the pages were rendered with: a page kept in the
    shared folder by the version before is not used by the next one."""
    app = current_app._get_current_object()
    found = app.extensions.get(_CODE)
    if found is None:
        digest = hashlib.sha256()
        package = Path(__file__).resolve().parent.parent
        folders = [
            package,
            Path(app.root_path, app.template_folder or "templates"),
            package.parent / "migrations",
        ]
        for folder in folders:
            for path in sorted(folder.rglob("*")):
                if path.suffix in (".py", ".html", ".xml", ".txt") and path.is_file():
                    stat = path.stat()
                    digest.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size};".encode())
        found = app.extensions[_CODE] = digest.hexdigest()[:16]
    return found


def no_store_unless_shared(response):
    """Every answer not marked shared is never kept by any cache (static files excepted:
    they carry their own validators and no release content)."""
    if request.environ.get(_SHARED) and response.status_code in (200, 304):
        return response
    if request.endpoint == "static":
        return response
    response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response
