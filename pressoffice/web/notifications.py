"""The notifications page (mark one read, or all), the unread count in the header, and each
person's choice of which kinds they are also emailed."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..auth import staff_required
from ..services import notifications
from ..services.errors import ValidationFailed
from ..services.paging import newest_first_page
from . import bp
from .account_forms import ConfirmForm

PER_PAGE = 50


@bp.app_context_processor
def _unread_notifications():
    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        return notifications.unread_count(current_user.id)

    return {"unread_notifications": unread_notifications}


@bp.get("/notifications", endpoint="notifications_index")
@staff_required
def notifications_index():
    rows, next_before = newest_first_page(
        lambda limit, before_id: notifications.notifications_for(
            current_user, limit=limit, before_id=before_id
        ),
        request.args.get("before", ""),
        PER_PAGE,
    )
    return render_template(
        "notifications/index.html",
        notifications=rows,
        next_before=next_before,
        confirm=ConfirmForm(),
    )


@bp.post("/notifications/<int:notification_id>/read", endpoint="notification_read")
@staff_required
def notification_read(notification_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not notifications.mark_read(current_user, notification_id):
        abort(404)
    return redirect(url_for("web.notifications_index"))


@bp.post("/notifications/<int:notification_id>/open", endpoint="notification_open")
@staff_required
def notification_open(notification_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    link = notifications.open_notification(current_user, notification_id)
    if link is None:
        abort(404)
    return redirect(link or url_for("web.notifications_index"))


@bp.post("/notifications/read-all", endpoint="notifications_read_all")
@staff_required
def notifications_read_all():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    count = notifications.mark_all_read(current_user)
    flash(f"Marked {count} notification{'s' if count != 1 else ''} read", "success")
    return redirect(url_for("web.notifications_index"))


@bp.route("/notifications/settings", methods=["GET", "POST"], endpoint="notification_settings")
@staff_required
def notification_settings():
    form = ConfirmForm()
    errors: dict[str, str] = {}
    choices = notifications.email_choices(current_user)
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        wanted = request.form.getlist("email")
        try:
            notifications.set_email_choices(current_user, wanted)
        except ValidationFailed as exc:
            errors = exc.fields
        else:
            flash("Your email choices are saved", "success")
            return redirect(url_for("web.notification_settings"))
        choices = {kind: kind in wanted for kind in notifications.KIND_LABELS}
    return render_template(
        "notifications/settings.html",
        form=form,
        choices=choices,
        labels=notifications.KIND_LABELS,
        errors=errors,
    ), (400 if errors else 200)
