"""Cache headers: which answers a cache in front of the app may keep, and for how long.

Only the public answers marked ``@shared_cache`` (newsroom pages, the feed, the public API) may
be kept, and only a 200 to a visitor who is not signed in: they carry an ``ETag`` (a repeat
request with ``If-None-Match`` gets 304) and ``Cache-Control: public, max-age=N``, with N at
most ``PUBLIC_CACHE_MAX_AGE`` and never past the next embargo instant
(``domain.caching.cache_lifetime``). Every other answer of the app, staff pages, the JSON API,
secret links, the sign-in page, forms, redirects and every error, is ``no-store``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps

from flask import current_app, make_response, request, session
from flask_login import current_user

from .. import clock
from ..domain.caching import PRIVATE_CACHE_CONTROL, cache_lifetime, public_cache_control
from ..services.public_freshness import next_embargo_after

_SHARED = "pressoffice.shared_cache"

ChangesAt = Callable[[datetime], datetime | None]


def shared_cache(view=None, *, changes_at: ChangesAt | None = next_embargo_after):
    """Let caches keep this public view's 200 answers for a short while.

    ``changes_at(instant)`` names the soonest instant after ``instant`` at which the answer
    changes by the clock alone (by default the next embargo to lift; None for an answer that
    never does). It is asked about the instant the request began, and the lifetime is counted
    from the instant the answer is ready, so the time spent in between only shortens it.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            started = clock.now()
            response = make_response(view(*args, **kwargs))
            if not _may_be_shared(response):
                return response
            next_change = changes_at(started) if changes_at else None
            lifetime = cache_lifetime(
                clock.now(), next_change, current_app.config["PUBLIC_CACHE_MAX_AGE"]
            )
            response.headers["Cache-Control"] = public_cache_control(lifetime)
            # Pages show who is signed in: a signed-in visitor's copy is never shared, and a
            # cache must not hand the anonymous copy to a request carrying a session cookie.
            response.vary.add("Cookie")
            response.add_etag()
            response.make_conditional(request)
            request.environ[_SHARED] = True
            return response

        wrapped.shared_cache = True
        return wrapped

    return decorator(view) if view is not None else decorator


def _may_be_shared(response) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not current_user.is_authenticated
        and not session.modified
        and "Set-Cookie" not in response.headers
    )


def no_store_unless_shared(response):
    """Every answer not marked shared is never kept by any cache (static files excepted:
    they carry their own validators and no release content)."""
    if request.environ.get(_SHARED) and response.status_code in (200, 304):
        return response
    if request.endpoint == "static":
        return response
    response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response
