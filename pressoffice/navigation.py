"""The menus. Entries whose page does not exist in this app are left out."""

from flask import current_app

# (label, endpoint) in menu order.
STAFF_NAV = [
    ("Releases", "web.releases_index"),
    ("Enquiries", "web.enquiries_index"),
    ("Dashboard", "web.dashboard"),
    ("Duty rota and calendar", "web.admin_calendar"),
]

PUBLIC_NAV = [
    ("News", "public.news_index"),
    ("Contact the press office", "public.contact"),
]


def _existing(items):
    return [
        (label, endpoint) for label, endpoint in items if endpoint in current_app.view_functions
    ]


def init_app(app) -> None:
    @app.context_processor
    def menus():
        return {
            "staff_nav_items": lambda: _existing(STAFF_NAV),
            "public_nav_items": lambda: _existing(PUBLIC_NAV),
        }
