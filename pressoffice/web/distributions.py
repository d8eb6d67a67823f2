"""Staff pages for sending a release to media lists: choose lists and when, then follow each
distribution's progress (queued, sent, failed with the server's reason, skipped)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import clock
from ..auth import staff_required
from ..services import distributions, releases
from ..services.errors import NotFound, ServiceError, ValidationFailed
from . import bp
from .releases import release_or_404


def _page(release_id: int, *, typed=None, errors=None, status: int = 200):
    now = clock.now()
    release = release_or_404(release_id)
    return (
        render_template(
            "distributions/index.html",
            release=release,
            status=releases.release_status(release, now),
            lists=distributions.lists_to_choose(),
            sent=distributions.release_distributions(release.id, now),
            typed=typed or {},
            errors=errors or {},
            now=now,
        ),
        status,
    )


@bp.get("/releases/<int:release_id>/distribution", endpoint="release_distribution")
@staff_required
def release_distribution(release_id: int):
    return _page(release_id)


@bp.post("/releases/<int:release_id>/distribution", endpoint="release_distribution_send")
@staff_required
def release_distribution_send(release_id: int):
    typed = {"kind": request.form.get("kind", ""), "list_ids": request.form.getlist("list_ids")}
    try:
        made = distributions.create_distribution(
            release_id,
            actor=current_user,
            list_ids=typed["list_ids"],
            kind=typed["kind"],
            now=clock.now(),
        )
    except NotFound:
        abort(404)
    except ValidationFailed as refusal:
        return _page(release_id, typed=typed, errors=refusal.fields, status=400)
    except ServiceError as refusal:
        return _page(release_id, typed=typed, errors={"kind": refusal.message}, status=409)
    people = f"{made.recipients:,} {'contact' if made.recipients == 1 else 'contacts'}"
    if made.dispatched_at is None:
        flash(f"The release will be sent to {people} when it goes public", "success")
    else:
        flash(f"Sending to {people}", "success")
    return redirect(
        url_for("web.release_distribution_view", release_id=release_id, distribution_id=made.id)
    )


@bp.get(
    "/releases/<int:release_id>/distributions/<int:distribution_id>",
    endpoint="release_distribution_view",
)
@staff_required
def release_distribution_view(release_id: int, distribution_id: int):
    release = release_or_404(release_id)
    try:
        progress = distributions.distribution_progress(release.id, distribution_id, clock.now())
    except NotFound:
        abort(404)
    return render_template("distributions/view.html", release=release, progress=progress)


@bp.app_template_global("distribution_panel")
def distribution_panel(release) -> list[distributions.Progress]:
    """The release's distributions to media lists, newest first, for the release page."""
    return distributions.release_distributions(release.id, clock.now())
