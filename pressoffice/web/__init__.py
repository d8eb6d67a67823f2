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
    distributions,
    enquiries,
    forward_look,
    journalists,
    mail,
    notifications,
    outbox,
    quote_signoffs,
    recipients,
    release_print,
    releases,
    statements,
)
