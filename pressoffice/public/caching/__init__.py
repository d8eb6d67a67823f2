"""How public answers are cached: by caches in front of the app through HTTP headers, and by
the app itself, which keeps rendered public pages in memory. Everything about caching public
pages is in this package: the headers and the decorators here, the kept pages (``store``), and
the WSGI layer answering a repeat visit from them before Flask (``front_door``).

Only the public answers marked ``@shared_cache`` (newsroom pages, the feed, the public API) may
be kept by a cache in front of the app, and only a 200 to a visitor who is not signed in: they
carry an ``ETag`` (a repeat request with ``If-None-Match`` gets 304) and ``Cache-Control:
public, max-age=N``, with N at most ``PUBLIC_CACHE_MAX_AGE`` and never past the next embargo
instant (``domain.caching.cache_lifetime``). Every other answer of the app, staff pages, the
JSON API, secret links, the sign-in page, forms, redirects and every error, is ``no-store``:
a signed-in page is always the app's own answer.

A view marked ``keep=True`` (or ``@kept_answer``, for an answer no cache in front may keep) is
also kept by the app (``store``): a visitor without a session asking for it again gets the same
bytes without any template or Markdown work, while the database's public-change token is the one
it was rendered under (it changes with every save of anything public, so a withdrawal shows at
once), the clock has not reached the next instant at which the page changes by itself (the next
embargo, the office opening or closing), and the page is younger than ``PUBLIC_CACHE_MAX_AGE``.
The last bound is for what the token cannot see, a change made straight in the database (a
takedown by SQL, a restored backup): it reaches visitors within the max-age the page promised,
through the app as through any cache in front of it. A revalidation (``If-None-Match``) is
answered 304 from a kept page only within that same window, and otherwise from the page
rendered afresh from the data as it is now.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps

from flask import Response, current_app, make_response, request, session
from flask_login import current_user

from ... import clock
from ...domain.caching import (
    PRIVATE_CACHE_CONTROL,
    cache_lifetime,
    public_cache_control,
    soonest,
)
from ...services.public_freshness import next_embargo_after, public_change_token
from .front_door import KEPT
from .store import PageStore, StoredPage

_SHARED = "pressoffice.shared_cache"
_STORE = "pressoffice.page_store"

ChangesAt = Callable[[datetime], datetime | None]

# The settings a public page shows (the contact block, the office's hours and calendar, the
# addresses in the feed): a page kept under other settings is not the same page. None of them
# is a secret, and a key holds only their hash.
PAGE_SETTINGS = (
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
    store = page_store() if keep else None
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
        # Counted from before the data was read: however long the rendering took, a change
        # made behind the app's back since is served no longer than the max-age.
        max_age = timedelta(seconds=max(0, current_app.config["PUBLIC_CACHE_MAX_AGE"]))
        valid_until = soonest(next_change, started + max_age)
        if token is not None and valid_until > started:
            response.add_etag()
            kept = StoredPage(
                key=key,
                token=token,
                valid_from=started,
                valid_until=valid_until,
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
    key = "\n".join((settings, request.host_url, request.path, wanted))
    return hashlib.sha256(key.encode()).hexdigest()


def page_store() -> PageStore | None:
    """The current app's kept public pages, or None when it keeps none
    (``PUBLIC_PAGE_CACHE=off``)."""
    app = current_app._get_current_object()
    if app.config.get("PUBLIC_PAGE_CACHE", "memory") != "memory":
        return None
    store = app.extensions.get(_STORE)
    if store is None:
        store = app.extensions.setdefault(_STORE, PageStore())
    return store


def no_store_unless_shared(response):
    """Every answer not marked shared is never kept by any cache (static files excepted:
    they carry their own validators and no release content)."""
    if request.environ.get(_SHARED) and response.status_code in (200, 304):
        return response
    if request.endpoint == "static":
        return response
    response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response
