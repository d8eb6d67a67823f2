"""A release printed for a sign-off meeting: one clean A4 document with its state, version,
embargo, approvals, quotes (with each speaker's sign-off), notes to editors and the contact
block. Staff only: it shows a release whatever its state, embargoed or not."""

from __future__ import annotations

from flask import abort, render_template

from .. import clock
from ..auth import staff_required
from ..domain import workflow
from ..domain.render import render_release
from ..services import quote_signoffs, releases
from ..services.errors import NotFound
from . import bp


@bp.get("/releases/<int:release_id>/print", endpoint="release_print")
@staff_required
def release_print(release_id: int):
    now = clock.now()
    try:
        release = releases.get_release(release_id)
    except NotFound:
        abort(404)
    history = releases.release_history(release.id, now=now)
    latest = history.revisions[0]
    content = releases.revision_content(latest)
    approvals = [
        event for event in history.events if event.action in ("approve", "approve_correction")
    ]
    return render_template(
        "release_print/print.html",
        release=release,
        status=releases.release_status(release, now),
        states=workflow.STATE_LABELS,
        latest=latest,
        rendered=render_release(content, releases.contact_details(), latest.body_html),
        approvals=approvals,
        quotes=quote_signoffs.quote_statuses(release),
        approved_current=release.approved_hash is not None
        and release.approved_hash == latest.content_hash,
        attachments=content.attachments,
        printed_at=now,
    )
