"""Staff pages for embargoed copies: add recipients and hand out their links, revoke links, read
and export the pre-release access list, and publish at once when an embargo is broken."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, TextAreaField

from .. import clock
from ..auth import role_required, staff_required
from ..forms import show_refusal
from ..services import previews, quote_signoffs, releases
from ..services.errors import NotFound, ServiceError, ValidationFailed
from ..timefmt import to_london
from . import bp
from .releases import release_or_404


class RecipientForm(FlaskForm):
    name = StringField("Name")
    outlet = StringField("Outlet", description="The newspaper, broadcaster or site they write for")
    email = EmailField("Email address", description="Their link is emailed here if email is set up")


class BreakEmbargoForm(FlaskForm):
    reason = TextAreaField(
        "How was the embargo broken?",
        description="Recorded on the release's timeline with the list of recipients",
    )


def _page(release_id: int, form=None, break_form=None, errors=None, status: int = 200):
    now = clock.now()
    release = release_or_404(release_id)
    recipients = previews.list_recipients(release.id)
    return (
        render_template(
            "recipients/index.html",
            release=release,
            status=releases.release_status(release, now),
            recipients=recipients,
            access=previews.access_list(release.id),
            broken=previews.embargo_broken_event(release.id),
            form=form or RecipientForm(formdata=None),
            break_form=break_form or BreakEmbargoForm(formdata=None),
            errors=errors or {},
            now=now,
        ),
        status,
    )


@bp.get("/releases/<int:release_id>/recipients", endpoint="release_recipients")
@staff_required
def release_recipients(release_id: int):
    return _page(release_id)


@bp.post("/releases/<int:release_id>/recipients", endpoint="release_recipient_add")
@staff_required
def release_recipient_add(release_id: int):
    form = RecipientForm()
    if not form.validate():
        return _page(release_id, form=form, status=400)
    try:
        added = previews.add_recipient(
            release_id,
            actor=current_user,
            name=form.name.data,
            outlet=form.outlet.data,
            email=form.email.data,
            now=clock.now(),
        )
    except NotFound:
        return _page(release_id)  # answers 404 through _release
    except ValidationFailed as refusal:
        show_refusal(form, refusal.fields)
        return _page(release_id, form=form, status=400)
    except ServiceError as refusal:
        return _page(release_id, form=form, errors={"add-recipient": refusal.message}, status=409)
    # The link is shown this once: only its hash is kept, so it cannot be shown again.
    return render_template(
        "recipients/added.html", release=release_or_404(release_id), added=added
    ), 201


@bp.post(
    "/releases/<int:release_id>/recipients/<int:recipient_id>/revoke",
    endpoint="release_recipient_revoke",
)
@staff_required
def release_recipient_revoke(release_id: int, recipient_id: int):
    try:
        recipient = previews.revoke_recipient(
            release_id, recipient_id, actor=current_user, now=clock.now()
        )
    except NotFound:
        abort(404)
    flash(f"{recipient.name}'s link no longer works", "success")
    return redirect(url_for("web.release_recipients", release_id=release_id))


@bp.post("/releases/<int:release_id>/recipients/revoke-all", endpoint="release_recipients_revoke")
@staff_required
def release_recipients_revoke(release_id: int):
    try:
        count = previews.revoke_all(release_id, actor=current_user, now=clock.now())
    except NotFound:
        abort(404)
    flash(
        f"All links revoked: {count} {'link' if count == 1 else 'links'} stopped working"
        if count
        else "There were no working links to revoke",
        "success",
    )
    return redirect(url_for("web.release_recipients", release_id=release_id))


@bp.get("/releases/<int:release_id>/access-list.csv", endpoint="release_access_list_csv")
@staff_required
def release_access_list_csv(release_id: int):
    release = release_or_404(release_id)
    filename = f"pre-release-access-{release.id}-{to_london(clock.now()):%Y%m%d-%H%M}.csv"
    return Response(
        "".join(previews.access_list_csv(release.id)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.post("/releases/<int:release_id>/embargo-broken", endpoint="release_embargo_broken")
@role_required("approver")
def release_embargo_broken(release_id: int):
    form = BreakEmbargoForm()
    if not form.validate():
        return _page(release_id, break_form=form, status=400)
    try:
        broken = previews.break_embargo(release_id, actor=current_user, reason=form.reason.data)
    except ValidationFailed as refusal:
        show_refusal(form, refusal.fields)
        return _page(release_id, break_form=form, status=400)
    except NotFound:
        return _page(release_id)
    except ServiceError as refusal:
        return _page(release_id, break_form=form, errors={"reason": refusal.message}, status=409)
    count = len(broken.recipients)
    flash(
        "Published now. "
        + (
            f"Follow up with the {count} {'person' if count == 1 else 'people'} listed below "
            "who had the embargoed copy."
            if count
            else "Nobody had an embargoed copy."
        ),
        "success",
    )
    return redirect(url_for("web.release_recipients", release_id=release_id))


@bp.app_template_global("links_panel")
def links_panel(release) -> dict:
    """What the release page shows of embargoed copies and quote sign-off."""
    recipients = previews.list_recipients(release.id)
    return {
        "recipients": len(recipients),
        "live": sum(1 for r in recipients if r.revoked_at is None),
        "views": sum(len(r.views) for r in recipients),
        "quotes": quote_signoffs.quote_statuses(release),
    }
