"""The menus. Entries whose page does not exist, or that the person may not open, are left
out."""

from flask import current_app
from flask_login import current_user

from .domain.roles import has_role, role_name

# (label, endpoint) in menu order.
STAFF_NAV = [
    ("Releases", "web.releases_index"),
    ("Forward look", "web.forward_look"),
    ("Enquiries", "web.enquiries_index"),
    ("Statements", "web.statements_index"),
    ("Media contacts", "web.contacts_index"),
    ("Dashboard", "web.dashboard"),
    ("Duty rota and calendar", "web.admin_calendar"),
    ("Users", "web.admin_users"),
    ("Outbox", "web.outbox_index"),
]

PUBLIC_NAV = [
    ("News", "public.news_index"),
    ("Release calendar", "public.calendar"),
    ("Contact the press office", "public.contact"),
]


def _existing(items):
    """The entries whose page exists and that the person signed in may open."""
    shown = []
    for label, endpoint in items:
        view = current_app.view_functions.get(endpoint)
        if view is None:
            continue
        access = getattr(view, "access", "")
        if access.startswith("role:") and not (
            current_user.is_authenticated and has_role(current_user.role, access[5:])
        ):
            continue
        shown.append((label, endpoint))
    return shown


def init_app(app) -> None:
    # One name for each role on every page, from domain.roles.
    app.add_template_filter(role_name)

    @app.context_processor
    def menus():
        return {
            "staff_nav_items": lambda: _existing(STAFF_NAV),
            "public_nav_items": lambda: _existing(PUBLIC_NAV),
        }
