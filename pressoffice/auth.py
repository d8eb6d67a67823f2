"""Who is signed in, and the decorators that guard every staff page.

Every view is marked with the access it needs (``view.access``), so a test can walk the URL map
and fail for any route that forgot its guard.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, request
from flask_login import current_user

from .domain.roles import has_role
from .extensions import db, login_manager


def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "web.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    # A stolen session cookie replayed from elsewhere loses its "fresh" status.
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(user_key: str):
    from .models import User

    user_id, _, nonce = user_key.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    # A deactivated user, or one whose sessions were ended, is signed out at the next request.
    if user is None or not user.active or user.session_nonce != nonce:
        return None
    return user


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
