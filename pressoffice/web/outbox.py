"""The outbox page: the emails the office sends, with their delivery state; each one readable.
An admin sees every message, anyone else those addressed to them."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from ..auth import staff_required
from ..services import outbox
from ..services.mail import mail_configured
from ..services.paging import newest_first_page
from . import bp

PER_PAGE = 50


@bp.get("/outbox", endpoint="outbox_index")
@staff_required
def outbox_index():
    messages, next_before = newest_first_page(
        lambda limit, before_id: outbox.visible_messages(
            current_user, limit=limit, before_id=before_id
        ),
        request.args.get("before", ""),
        PER_PAGE,
    )
    return render_template(
        "outbox/index.html",
        messages=messages,
        next_before=next_before,
        mail_configured=mail_configured(),
    )


@bp.get("/outbox/<int:message_id>", endpoint="outbox_message")
@staff_required
def outbox_message(message_id: int):
    message = outbox.message_for(current_user, message_id)
    if message is None:
        abort(404)
    return render_template("outbox/view.html", message=message, mail_configured=mail_configured())
