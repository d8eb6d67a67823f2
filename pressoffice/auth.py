"""Who is signed in, and the decorators that guard every staff page.

Every view is marked with the access it needs (``view.access``), so a test can walk the URL map
and fail for any route that forgot its guard.

The session and remember cookies carry ``<user id>:<sign-in key>``; the sign-in they name is
checked in the database on every request (``accounts.resume_session``), so a sign-in that was
ended, idled out or reached its limit lets nobody in, whoever holds a copy of the cookies.
"""

from __future__ import annotations

from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_login import current_user

from . import clock
from .domain import accounts as account_rules
from .domain.roles import has_role
from .extensions import login_manager
from .models import MAX_ID


def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "web.login"
    login_manager.login_message_category = "info"
    # A stolen session cookie replayed from elsewhere loses its "fresh" status.
    login_manager.session_protection = "basic"
    # The sign-in is checked, and its use recorded, before the view reads anything.
    app.before_request(_load_signed_in_user)


def _load_signed_in_user() -> None:
    current_user._get_current_object()


def session_limits() -> dict[str, timedelta]:
    """How long a sign-in lasts unused and in all (config.py)."""
    config = current_app.config
    return {
        "idle_limit": config["SESSION_IDLE_TIMEOUT"],
        "absolute_limit": config["SESSION_ABSOLUTE_TIMEOUT"],
    }


@login_manager.user_loader
def load_user(user_key: str):
    from .services import accounts

    user_id, _, key = user_key.partition(":")
    if not user_id.isdigit() or int(user_id) > MAX_ID or not key or len(key) > 100:
        return None
    user, reason = accounts.resume_session(int(user_id), key, clock.now(), **session_limits())
    if user is None:
        g.sign_in_ended = reason
    return user


def current_session_key() -> str | None:
    """The key of the sign-in this request was made under."""
    return getattr(current_user, "session_key", None)


@login_manager.unauthorized_handler
def sign_in_again():
    """Send someone who is not (or no longer) signed in to the sign-in page, saying why in
    plain words, with the page they were on to come back to."""
    config = current_app.config
    flash(
        account_rules.sign_in_ended_message(
            g.get("sign_in_ended"),
            remember_limit=config["REMEMBER_COOKIE_DURATION"],
            **session_limits(),
        ),
        "info",
    )
    return redirect(url_for(login_manager.login_view, next=_where_they_were()))


def _where_they_were() -> str | None:
    if request.method in ("GET", "HEAD"):
        return safe_next_url(request.full_path.rstrip("?"))
    # A form sent after the sign-in ended: come back to the page the form was on.
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc and referrer.netloc != request.host:
        return None
    return safe_next_url(referrer.path + (f"?{referrer.query}" if referrer.query else ""))


def public(view):
    """Mark a view as open to anyone: it must never show an embargoed byte."""
    view.access = "public"
    return view


def staff_required(view):
    """Any signed-in member of staff (officer, approver or admin)."""
    return role_required("officer")(view)


def role_required(role: str):
    """Signed in with at least ``role`` (officer < approver < admin); 403 otherwise."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not has_role(current_user.role, role):
                abort(403)
            return view(*args, **kwargs)

        wrapped.access = f"role:{role}"
        return wrapped

    return decorator


def safe_next_url(target: str | None) -> str | None:
    """Only follow a ``next`` that stays on this site.

    Browsers drop tabs and line breaks from an address before following it, so any control
    character or space is refused too: ``/<tab>/evil.example`` would otherwise become
    ``//evil.example``, another site."""
    if not target or any(ch.isspace() or not ch.isprintable() for ch in target):
        return None
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def client_address() -> str:
    return request.remote_addr or ""
