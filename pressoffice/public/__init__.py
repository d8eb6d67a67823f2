"""Pages for people without an account: the newsroom, contacting the press office."""

from flask import Blueprint, render_template

from .. import clock
from ..auth import public
from ..domain.caching import soonest
from ..services import office_calendar, releases
from ..services.public_freshness import next_embargo_after
from .caching import no_store_unless_shared, shared_cache

bp = Blueprint("public", __name__)
# For every answer of the app, not only this blueprint's: nothing is cached unless marked.
bp.after_app_request(no_store_unless_shared)


HOME_RELEASES = 5


def _home_changes_at(instant):
    """The home page changes when the office opens or closes (its "call now" panel) and when
    an embargo lifts (its latest releases), like the contact page and the newsroom."""
    return soonest(office_calendar.route_and_next_change(instant)[1], next_embargo_after(instant))


@bp.get("/")
@public
@shared_cache(changes_at=_home_changes_at, keep=True)
def index():
    now = clock.now()
    routing, changes_at = office_calendar.route_and_next_change(now)
    return render_template(
        "public/index.html",
        latest=releases.latest_public_releases(limit=HOME_RELEASES, now=now),
        routing=routing,
        changes_at=changes_at,
    )


# Feature modules register their routes on ``bp`` when imported.
from . import (  # noqa: E402,F401
    calendar,
    contact,
    newsroom,
    statements,
    unsubscribe,
)
