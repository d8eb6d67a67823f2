"""The enquiry log for staff: list, filter, page, export; log a call; assign, answer, close."""

from __future__ import annotations

import re
import tempfile

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import clock
from ..auth import staff_required
from ..domain import enquiries as rules
from ..domain.routing import ROUTE_LABELS
from ..forms import show_refusal
from ..public.newsroom import send_attachment
from ..services import enquiries
from ..services.errors import NotFound, ValidationFailed, WrongState
from ..services.mail_desk import outgoing, thread
from ..timefmt import to_london
from . import bp
from .enquiry_forms import (
    AssignForm,
    CloseForm,
    FilterForm,
    LinkReleaseForm,
    LogEnquiryForm,
    RespondForm,
    UKTime,
)
from .statement_answers import statement_panel

CSV_SPOOL_BYTES = 8 * 1024 * 1024

# Service field name -> the form field its error is shown next to.
FIELD_FOR = {
    "received_at": "received_day",
    "deadline": "deadline_day",
    "assignee": "assignee_id",
}


def _staff_choices(blank: str) -> list[SelectChoice]:
    return [SelectChoice("", blank)] + [
        SelectChoice(str(u.id), u.name) for u in enquiries.staff_choices()
    ]


def _release_choices(linked: int | None = None) -> list[SelectChoice]:
    # Staff pages only: staff may see every release, embargoed ones too.
    return [SelectChoice("", "Not about a particular release")] + [
        SelectChoice(str(r.id), r.title or f"Untitled release {r.id}")
        for r in enquiries.release_choices(linked=linked)
    ]


def _filter_form() -> FilterForm:
    form = FilterForm(request.args)
    form.assignee.choices = [
        SelectChoice("", "Anyone"),
        SelectChoice(enquiries.UNASSIGNED, "Nobody yet"),
    ] + [SelectChoice(str(u.id), u.name) for u in enquiries.staff_choices()]
    if not request.args.get("status"):
        # The log opens on the open work: new or assigned.
        form.status.data = "open"
    return form


@bp.get("/enquiries", endpoint="enquiries_index")
@staff_required
def enquiries_index():
    form = _filter_form()
    now = clock.now()
    try:
        filters = enquiries.parse_filters(request.args, log_view=True)
        # Paged by position (the links carry it), so a page deep in a long log is as quick
        # to show as the first.
        page = enquiries.log_page(
            filters,
            now=now,
            per_page=enquiries.PER_PAGE,
            after=request.args.get("after"),
            before=request.args.get("before"),
            oldest=request.args.get("oldest") == "1",
        )
    except ValidationFailed as exc:
        # A position comes from a link, not from the form: said above it, not beside a field.
        positions = {k: v for k, v in exc.fields.items() if k in ("after", "before")}
        show_refusal(
            form,
            {k: v for k, v in exc.fields.items() if k not in positions},
            {**FIELD_FOR, "from": "from_"},
        )
        return render_template(
            "enquiries/index.html", form=form, page=None, now=now, position_errors=positions
        ), 400
    return render_template("enquiries/index.html", form=form, page=page, now=now)


@bp.get("/enquiries.csv", endpoint="enquiries_csv")
@staff_required
def enquiries_csv():
    try:
        # The page's own link carries its status (a CSV without one holds every enquiry).
        filters = enquiries.parse_filters(request.args, log_view=bool(request.args.get("status")))
    except ValidationFailed as exc:
        return Response(
            "; ".join(f"{k}: {v}" for k, v in exc.fields.items()) + "\n",
            status=400,
            mimetype="text/plain",
        )
    now = clock.now()
    # Written to a spooled file rather than streamed: memory stays small for a long log, and
    # the export needs the database session only while the view runs.
    spool = tempfile.SpooledTemporaryFile(max_size=CSV_SPOOL_BYTES, mode="w+b")
    for chunk in enquiries.export_csv(filters, now=now):
        spool.write(chunk.encode("utf-8"))
    spool.seek(0)
    response = send_file(
        spool,
        mimetype="text/csv",
        as_attachment=True,
        download_name=f"enquiries-{to_london(now):%Y%m%d-%H%M}.csv",
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/enquiries/new", methods=["GET", "POST"], endpoint="enquiries_new")
@staff_required
def enquiries_new():
    form = LogEnquiryForm()
    form.assignee_id.choices = _staff_choices("Not assigned yet (out of hours: the duty officer)")
    form.release_id.choices = _release_choices()
    received = UKTime(form, "received", "the call or message came in")
    deadline = UKTime(form, "deadline", "of the journalist's deadline")
    now = clock.now()
    if request.method == "GET":
        received.fill(to_london(now))
        return render_template(
            "enquiries/new.html", form=form, received=received, deadline=deadline
        )

    form.validate()
    received_at = received.instant(required=True)
    deadline_at = deadline.instant(required=False)
    if not form.errors:
        raw = form.details_for_service()
        raw["deadline"] = deadline_at
        try:
            enquiry = enquiries.log_enquiry(
                raw, now=now, received_at=received_at, logged_by=current_user
            )
        except ValidationFailed as exc:
            show_refusal(form, exc.fields, FIELD_FOR)
        else:
            flash(
                f"Logged {enquiry.reference}: {ROUTE_LABELS[enquiry.route].lower()} "
                f"({enquiry.route_reason}).",
                "success",
            )
            return redirect(url_for("web.enquiry_detail", reference=enquiry.reference))
    return (
        render_template("enquiries/new.html", form=form, received=received, deadline=deadline),
        400,
    )


def _enquiry_or_404(reference: str):
    try:
        return enquiries.get_enquiry(reference)
    except NotFound:
        abort(404)


def _detail(enquiry, status: int = 200, assign=None, respond=None, close=None, link=None):
    assign = assign or AssignForm(formdata=None)
    assign.assignee_id.choices = _staff_choices("Choose someone")
    if assign.assignee_id.data is None and enquiry.assignee_id:
        assign.assignee_id.data = str(enquiry.assignee_id)
    link = link or LinkReleaseForm(formdata=None)
    link.release_id.choices = _release_choices(enquiry.release_id)
    if link.release_id.data is None and enquiry.release_id:
        link.release_id.data = str(enquiry.release_id)
    now = clock.now()
    respond = respond or RespondForm(formdata=None)
    deadline = rules.deadline_state(enquiry.status, enquiry.deadline, enquiry.answered_at, now)
    timeline = enquiries.timeline(enquiry)
    return (
        render_template(
            "enquiries/detail.html",
            **statement_panel(enquiry, now, respond),
            enquiry=enquiry,
            timeline=timeline,
            attention=rules.attention_reason([event.action for event in timeline]),
            deadline=deadline,
            next_step=rules.next_step(enquiry.status, enquiry.journalist_name, deadline),
            assign_form=assign,
            respond_form=respond,
            close_form=close or CloseForm(formdata=None),
            link_form=link,
            release_url=_release_url(enquiry),
            can=lambda action: rules.why_not(action, enquiry.status) is None,
            now=now,
            messages=thread.thread(enquiry.id),
            emails_answer=outgoing.answers_by_email(enquiry),
            office_address=outgoing.office_address(),
        ),
        status,
    )


def _release_url(enquiry) -> str | None:
    if enquiry.release_id is None:
        return None
    for endpoint in ("web.release_view", "web.release_detail"):
        if endpoint in current_app.view_functions:
            return url_for(endpoint, release_id=enquiry.release_id)
    return None


@bp.app_template_filter("dial")
def _dial(phone: str) -> str:
    # A tel: link takes the digits (and a leading +) of a number as the journalist gave it.
    return re.sub(r"[^\d+]", "", phone)


@bp.get("/enquiries/<reference>", endpoint="enquiry_detail")
@staff_required
def enquiry_detail(reference: str):
    return _detail(_enquiry_or_404(reference))


def _change(reference: str, form, change, done: str, form_slot: str):
    enquiry = _enquiry_or_404(reference)
    # Read now: after the change is committed, the page answers from values in hand.
    detail_url = url_for("web.enquiry_detail", reference=enquiry.reference)
    if not form.validate():
        return _detail(enquiry, 400, **{form_slot: form})
    try:
        change(enquiry.reference)
    except ValidationFailed as exc:
        show_refusal(form, exc.fields, FIELD_FOR)
        return _detail(_enquiry_or_404(reference), 422, **{form_slot: form})
    except WrongState as exc:
        flash(exc.message, "error")
        return redirect(detail_url, 303)
    flash(done, "success")
    return redirect(detail_url, 303)


@bp.post("/enquiries/<reference>/assign", endpoint="enquiry_assign")
@staff_required
def enquiry_assign(reference: str):
    form = AssignForm()
    form.assignee_id.choices = _staff_choices("Choose someone")
    return _change(
        reference,
        form,
        lambda ref: enquiries.assign(
            ref, form.assignee_id.data, actor=current_user, now=clock.now()
        ),
        "Assignment saved.",
        "assign",
    )


def _answered(done: str, reference: str, form: RespondForm) -> str:
    """What the page says once an answer is recorded: where it was emailed, if it was."""
    enquiry = _enquiry_or_404(reference)
    if not outgoing.answers_by_email(enquiry):
        return done
    if form.record_only.data:
        return f"{done} Not emailed, as asked."
    return f"{done} Sent: emailed to {enquiry.email} from {outgoing.office_address()}."


@bp.post("/enquiries/<reference>/respond", endpoint="enquiry_respond")
@staff_required
def enquiry_respond(reference: str):
    form = RespondForm()
    return _change(
        reference,
        form,
        lambda ref: enquiries.respond(
            ref,
            form.response.data,
            actor=current_user,
            now=clock.now(),
            statement_id=request.form.get("statement_id") or None,
            send=not form.record_only.data,
        ),
        _answered("Response recorded.", reference, form),
        "respond",
    )


@bp.post("/enquiries/<reference>/reply-and-close", endpoint="enquiry_reply_and_close")
@staff_required
def enquiry_reply_and_close(reference: str):
    form = RespondForm()
    return _change(
        reference,
        form,
        lambda ref: enquiries.respond_and_close(
            ref,
            form.response.data,
            actor=current_user,
            now=clock.now(),
            statement_id=request.form.get("statement_id") or None,
            send=not form.record_only.data,
        ),
        _answered("Response recorded and enquiry closed.", reference, form),
        "respond",
    )


@bp.post("/enquiries/<reference>/release", endpoint="enquiry_link_release")
@staff_required
def enquiry_link_release(reference: str):
    form = LinkReleaseForm()
    form.release_id.choices = _release_choices()
    return _change(
        reference,
        form,
        lambda ref: enquiries.link_release(
            ref, form.release_id.data, actor=current_user, now=clock.now()
        ),
        "Release link saved.",
        "link",
    )


@bp.post("/enquiries/<reference>/close", endpoint="enquiry_close")
@staff_required
def enquiry_close(reference: str):
    form = CloseForm()
    return _change(
        reference,
        form,
        lambda ref: enquiries.close(
            ref, actor=current_user, now=clock.now(), comment=form.comment.data
        ),
        "Enquiry closed.",
        "close",
    )


@bp.get("/enquiries/<reference>/mail/<int:message_id>.eml", endpoint="enquiry_mail_raw")
@staff_required
def enquiry_mail_raw(reference: str, message_id: int):
    enquiry = _enquiry_or_404(reference)
    try:
        raw = thread.raw_message(enquiry.id, message_id)
    except NotFound:
        abort(404)
    response = Response(raw, mimetype="message/rfc822")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{enquiry.reference}-{message_id}.eml"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get(
    "/enquiries/<reference>/mail/<int:message_id>/files/<int:attachment_id>",
    endpoint="enquiry_mail_file",
)
@staff_required
def enquiry_mail_file(reference: str, message_id: int, attachment_id: int):
    enquiry = _enquiry_or_404(reference)
    try:
        found = thread.attachment(enquiry.id, message_id, attachment_id)
    except NotFound:
        abort(404)
    return send_attachment(found)


# Used by the templates to show statuses and deadlines the same way everywhere.
@bp.app_template_global("enquiry_deadline")
def enquiry_deadline(enquiry, now):
    return rules.deadline_state(enquiry.status, enquiry.deadline, enquiry.answered_at, now)


@bp.app_template_global("enquiries_about_release")
def enquiries_about_release(release_id: int):
    """For the release page: ``{% include "enquiries/_for_release.html" %}``."""
    return enquiries.enquiries_about_release(release_id)
