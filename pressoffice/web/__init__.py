"""The staff pages. One views module per feature, all on one blueprint."""

from flask import Blueprint

bp = Blueprint("web", __name__)

# Feature modules register their routes on ``bp`` when imported.
from . import account_views, admin_users  # noqa: E402,F401
from . import admin_calendar, dashboard, enquiries  # noqa: E402,F401
from . import quote_signoffs, recipients, releases  # noqa: E402,F401
