"""Staff pages for quote sign-off: ask the person quoted, see each quote's status, accept or
reject a proposed change, revoke a link, and (approvers) approve without a waiting sign-off."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, TextAreaField

from .. import clock
from ..auth import role_required, staff_required
from ..domain import links
from ..forms import show_refusal
from ..services import quote_signoffs, releases
from ..services.errors import NotFound, ServiceError, ValidationFailed
from . import bp
from .releases import release_or_404


class SpeakerForm(FlaskForm):
    name = StringField("Name of the person quoted")
    email = EmailField(
        "Their email address", description="Their link is emailed here if email is set up"
    )


class OverrideForm(FlaskForm):
    reason = TextAreaField(
        "Why approve without the speaker's sign-off?",
        description="Recorded on the release's timeline",
    )


def _page(release_id: int, override_form=None, errors=None, status: int = 200):
    now = clock.now()
    release = release_or_404(release_id)
    return (
        render_template(
            "quote_signoffs/index.html",
            release=release,
            status=releases.release_status(release, now),
            quotes=quote_signoffs.quote_statuses(release),
            override_form=override_form or OverrideForm(formdata=None),
            errors=errors or {},
            labels=links.SIGNOFF_LABELS,
        ),
        status,
    )


@bp.get("/releases/<int:release_id>/quotes", endpoint="release_quote_signoffs")
@staff_required
def release_quote_signoffs(release_id: int):
    return _page(release_id)


def _quote_or_404(release, quote_key: str):
    for status in quote_signoffs.quote_statuses(release):
        if status.quote.key == quote_key:
            return status
    abort(404)


@bp.route(
    "/releases/<int:release_id>/quotes/<quote_key>/signoff",
    methods=["GET", "POST"],
    endpoint="release_quote_signoff_request",
)
@staff_required
def release_quote_signoff_request(release_id: int, quote_key: str):
    release = release_or_404(release_id)
    quote = _quote_or_404(release, quote_key)
    form = SpeakerForm()
    if not form.is_submitted():
        form.name.data = quote.quote.speaker
        return render_template(
            "quote_signoffs/request.html", release=release, quote=quote, form=form
        )
    status = 400
    if form.validate():
        try:
            requested = quote_signoffs.request_signoff(
                release.id,
                quote_key,
                actor=current_user,
                name=form.name.data,
                email=form.email.data,
                now=clock.now(),
            )
        except ValidationFailed as refusal:
            show_refusal(form, refusal.fields)
        except NotFound:
            abort(404)
        except ServiceError as refusal:
            form.form_errors.append(refusal.message)
            status = 409
        else:
            # The link is shown this once: only its hash is kept.
            return render_template(
                "quote_signoffs/requested.html", release=release, quote=quote, requested=requested
            ), 201
    return render_template(
        "quote_signoffs/request.html", release=release, quote=quote, form=form
    ), status


def _decide(release_id: int, signoff_id: int, use_case, done: str):
    try:
        use_case(release_id, signoff_id, actor=current_user, now=clock.now())
    except NotFound:
        abort(404)
    except ServiceError as refusal:
        return _page(release_id, errors={"quotes": refusal.message}, status=409)
    flash(done, "success")
    return redirect(url_for("web.release_quote_signoffs", release_id=release_id))


@bp.post(
    "/releases/<int:release_id>/quote-signoffs/<int:signoff_id>/accept",
    endpoint="release_quote_suggestion_accept",
)
@staff_required
def release_quote_suggestion_accept(release_id: int, signoff_id: int):
    return _decide(
        release_id,
        signoff_id,
        quote_signoffs.accept_suggestion,
        "The speaker's wording is now in the release. It is back to draft and must be "
        "submitted and approved again.",
    )


@bp.post(
    "/releases/<int:release_id>/quote-signoffs/<int:signoff_id>/reject",
    endpoint="release_quote_suggestion_reject",
)
@staff_required
def release_quote_suggestion_reject(release_id: int, signoff_id: int):
    return _decide(
        release_id,
        signoff_id,
        quote_signoffs.reject_suggestion,
        "The quote is unchanged. The speaker's link asks them again to approve it.",
    )


@bp.post(
    "/releases/<int:release_id>/quote-signoffs/<int:signoff_id>/revoke",
    endpoint="release_quote_signoff_revoke",
)
@staff_required
def release_quote_signoff_revoke(release_id: int, signoff_id: int):
    return _decide(
        release_id,
        signoff_id,
        quote_signoffs.revoke_signoff,
        "The speaker's link no longer works, and the quote no longer waits for them.",
    )


@bp.post(
    "/releases/<int:release_id>/approve-without-signoff",
    endpoint="release_approve_without_signoff",
)
@role_required("approver")
def release_approve_without_signoff(release_id: int):
    form = OverrideForm()
    if not form.validate():
        return _page(release_id, override_form=form, status=400)
    try:
        quote_signoffs.approve_with_override(
            release_id,
            actor=current_user,
            reason=form.reason.data,
            expected_version=request.form.get("version"),
            now=clock.now(),
        )
    except ValidationFailed as refusal:
        show_refusal(form, refusal.fields)
        return _page(release_id, override_form=form, status=400)
    except NotFound:
        abort(404)
    except ServiceError as refusal:
        form.reason.errors = [*form.reason.errors, refusal.message]
        return _page(release_id, override_form=form, status=409)
    flash("Approved without the speaker's sign-off; your reason is on the timeline", "success")
    return redirect(url_for("web.release_view", release_id=release_id))
