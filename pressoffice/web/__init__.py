"""The staff pages. One views module per feature, all on one blueprint."""

from flask import Blueprint

bp = Blueprint("web", __name__)

# Feature modules register their routes on ``bp`` when imported.
from . import (  # noqa: E402,F401
    account_views,
    admin_calendar,
    admin_users,
    contacts,
    dashboard,
    enquiries,
    journalists,
    notifications,
    outbox,
    quote_signoffs,
    recipients,
    releases,
    statements,
)
from . import forward_look, release_print  # noqa: E402,F401
from . import distributions  # noqa: E402,F401
