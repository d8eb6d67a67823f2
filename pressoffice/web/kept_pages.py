"""Staff pages kept for the sign-in that asked for them, while nothing they show has changed.

At 7 a.m. the duty officer and the desk reload the enquiry log and the dashboard again and
again, and most reloads find nothing new. A view marked ``@kept_for_staff`` keeps its rendered
page in this process's memory (never on disk: staff pages show embargoed words) for exactly
one sign-in and address, and gives the same bytes back while both hold:

- the office-change token is the one it was rendered under: it changes in the same
  transaction as a write to any table a page shows (``services.public_freshness``), so a new
  enquiry, an assignment or an edit by anyone shows on the next request;
- the app's clock has not reached the next instant at which the page changes by the clock
  alone: the next whole minute at the latest, and sooner where the view or its template says
  so with ``keep_until`` (a deadline passing, an embargo lifting).

Everything around the view still runs on every request: the sign-in is checked (a sign-in
ended elsewhere gets no kept page), the role is checked, and the session and its cookie are
handled as for any page. A request with a message waiting to be shown, any method but GET, or
a page whose rendering changed the session or set a cookie is never kept.

The page answered is also handed to the staff door (``web.staff_door``), with the sign-in it
was answered to, so that the same browser's next reload is answered before the app.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import wraps

from flask import Response, current_app, g, has_request_context, make_response, request, session
from flask_login import current_user

from .. import clock
from ..auth import current_session_key
from ..public.caching import code_fingerprint
from ..public.page_store import PageStore, StoredPage
from ..services.accounts import hash_token
from ..services.public_freshness import office_change_token
from .staff_door import KEPT_FOR_SIGN_IN, KeptForSignIn

_STORE = "pressoffice.staff_page_store"
MAX_PAGES = 256


def keep_until(instant: datetime | None) -> None:
    """The page being rendered changes by the clock alone at ``instant`` (None: it does not):
    it is not kept that long."""
    if instant is None or not has_request_context():
        return
    until = g.get("kept_until")
    if until is not None and instant < until:
        g.kept_until = instant


def next_whole_minute(instant: datetime) -> datetime:
    """The first instant of the next minute after ``instant``."""
    return instant.replace(second=0, microsecond=0) + timedelta(minutes=1)


def kept_for_staff(view):
    """Keep this staff view's GET answers for the sign-in that asked (see the module)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        store = _store()
        key = _key() if store is not None else None
        token = office_change_token() if key is not None else None
        started = clock.now()
        if token is not None:
            page = store.get(key, token, started)
            if page is not None:
                _tell_the_door(page)
                return Response(page.body, mimetype=page.mimetype)
        g.kept_until = next_whole_minute(started)
        response = make_response(view(*args, **kwargs))
        if token is not None and _may_keep(response):
            page = StoredPage(
                key=key,
                token=token,
                valid_from=started,
                valid_until=g.kept_until,
                body=response.get_data(),
                mimetype=response.mimetype,
                etag="",
            )
            store.put(page)
            _tell_the_door(page)
        return response

    return wrapped


def _tell_the_door(page: StoredPage) -> None:
    """Hand the staff door (``web.staff_door``) the kept page answered, with the sign-in it was
    answered to and until when that sign-in holds by its time limits."""
    request.environ[KEPT_FOR_SIGN_IN] = KeptForSignIn(
        page=page,
        user_id=current_user.id,
        role=current_user.role,
        key_hash=hash_token(current_session_key()),
        holds_until=current_user.session_holds_until,
    )


def _key() -> str | None:
    if request.method != "GET" or not current_user.is_authenticated:
        return None
    if "_flashes" in session:
        return None  # a message to show once: rendered for this request alone
    session_key = current_session_key()
    if not session_key:
        return None
    environ = request.environ
    return "|".join(
        (
            code_fingerprint(),
            str(current_user.id),
            session_key,
            current_user.role,
            # The address exactly as asked for (scheme, host, path, query string).
            environ.get("wsgi.url_scheme", ""),
            environ.get("HTTP_HOST", ""),
            environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
        )
    )


def _may_keep(response) -> bool:
    return (
        response.status_code == 200
        and not session.modified
        and "Set-Cookie" not in response.headers
        and not response.is_streamed
    )


def _store() -> PageStore | None:
    app = current_app._get_current_object()
    if app.config.get("STAFF_PAGE_CACHE", "memory") != "memory":
        return None
    store = app.extensions.get(_STORE)
    if store is None:
        store = app.extensions[_STORE] = PageStore(None, max_entries=MAX_PAGES)
    return store
