"""The public release calendar: the announced entries of the forward look with their dates and
the reasons for changes, as a page and as an iCalendar feed.

Only what ``services.forward_look.public_calendar`` answers reaches these pages: an announced
entry's public title, date, time and status, the reasons given while it was announced, and the
release's address once the release itself is public. Never an unannounced entry, a staff title,
notes, an owner, or any byte of a release still under embargo.
"""

from __future__ import annotations

from flask import Response, current_app, render_template, request

from .. import clock
from ..auth import public
from ..services import forward_look
from ..services import forward_look_ical as ical
from . import bp
from .caching import shared_cache


@bp.get("/calendar")
@public
@shared_cache(changes_at=forward_look.public_calendar_changes_at)
def calendar():
    return render_template(
        "public/calendar.html",
        entries=forward_look.public_calendar(clock.now()),
        weeks=forward_look.PUBLIC_WEEKS,
    )


@bp.get("/calendar.ics")
@public
@shared_cache(changes_at=forward_look.public_calendar_changes_at)
def calendar_ical():
    now = clock.now()
    body = ical.public_calendar(
        forward_look.public_calendar(now),
        office=current_app.config["PRESS_OFFICE_NAME"],
        host=request.host.split(":")[0] or "pressoffice",
        now=now,
    )
    return Response(body, mimetype="text/calendar")
