"""Mail not logged: the messages the enquiry desk parked for a person, each downloadable whole
(staff only), logged anyway or dismissed."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from .. import clock
from ..auth import staff_required
from ..services.errors import NotFound, ValidationFailed, WrongState
from ..services.mail_desk import parked
from . import bp


class DecisionForm(FlaskForm):
    """No fields: the form carries its CSRF token."""


@bp.get("/mail/not-logged", endpoint="mail_not_logged")
@staff_required
def mail_not_logged():
    waiting = parked.parked_messages()
    dismissed = parked.recently_decided()
    return render_template(
        "mail/not_logged.html",
        waiting=waiting,
        total=parked.parked_count(),
        dismissed=dismissed,
        deciders=parked.decider_names(dismissed),
        mailboxes=parked.mailboxes(),
        form=DecisionForm(),
    )


@bp.get("/mail/messages/<int:message_id>.eml", endpoint="mail_raw")
@staff_required
def mail_raw(message_id: int):
    try:
        message = parked.raw_message(message_id)
    except NotFound:
        abort(404)
    response = Response(message.raw, mimetype="message/rfc822")
    response.headers["Content-Disposition"] = f'attachment; filename="message-{message.id}.eml"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def _decide(message_id: int, decision) -> Response:
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        outcome = decision(message_id, actor=current_user._get_current_object(), now=clock.now())
    except NotFound:
        abort(404)
    except (ValidationFailed, WrongState) as refusal:
        words = "; ".join(refusal.fields.values()) if refusal.fields else refusal.message
        flash(f"Nothing was changed: {words}", "error")
        return redirect(url_for("web.mail_not_logged"))
    return outcome


@bp.post("/mail/not-logged/<int:message_id>/log", endpoint="mail_log_anyway")
@staff_required
def mail_log_anyway(message_id: int):
    outcome = _decide(message_id, parked.log_anyway)
    if isinstance(outcome, Response):
        return outcome
    flash(f"Logged as enquiry {outcome}", "success")
    return redirect(url_for("web.enquiry_detail", reference=outcome))


@bp.post("/mail/not-logged/<int:message_id>/dismiss", endpoint="mail_dismiss")
@staff_required
def mail_dismiss(message_id: int):
    outcome = _decide(message_id, parked.dismiss)
    if isinstance(outcome, Response):
        return outcome
    flash("Dismissed: no enquiry was made from it", "success")
    return redirect(url_for("web.mail_not_logged"))
