"""Administrators keep the out-of-hours duty rota and the office calendar (closures and extra
openings)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import clock
from ..auth import role_required
from ..domain.routing import OfficeCalendar
from ..services import enquiries, office_calendar, rota
from ..services.errors import NotFound, ValidationFailed
from ..timefmt import to_london
from . import bp
from .account_forms import ConfirmForm
from .enquiry_forms import CalendarExceptionForm, ShiftForm, UKTime

UPCOMING_HOLIDAYS = 6


def _shift_form(form: ShiftForm | None = None) -> ShiftForm:
    form = form or ShiftForm(formdata=None)
    form.user_id.choices = [SelectChoice("", "Choose someone")] + [
        SelectChoice(str(u.id), u.name) for u in enquiries.staff_choices()
    ]
    return form


def _upcoming_holidays(now):
    calendar = OfficeCalendar.from_config(current_app.config)
    day = to_london(now).date()
    found = []
    for offset in range(400):
        candidate = day + timedelta(days=offset)
        name = calendar.holiday_on(candidate)
        if name:
            found.append((candidate, name))
            if len(found) == UPCOMING_HOLIDAYS:
                break
    return found


def _page(shift_form=None, shift_times=None, exception_form=None, status=200):
    now = clock.now()
    shift_form = _shift_form(shift_form)
    if shift_times is None:
        shift_times = (
            UKTime(shift_form, "starts", "the duty starts"),
            UKTime(shift_form, "ends", "the duty ends"),
        )
    return (
        render_template(
            "admin/calendar.html",
            now=now,
            routing=office_calendar.route_at(now),
            shifts=rota.list_shifts(now=now),
            shift_form=shift_form,
            starts=shift_times[0],
            ends=shift_times[1],
            exceptions=office_calendar.list_exceptions(from_day=to_london(now).date()),
            exception_form=exception_form or CalendarExceptionForm(formdata=None),
            holidays=_upcoming_holidays(now),
            confirm=ConfirmForm(),
        ),
        status,
    )


@bp.get("/admin/calendar", endpoint="admin_calendar")
@role_required("admin")
def admin_calendar():
    return _page()


@bp.post("/admin/calendar/shifts", endpoint="admin_add_shift")
@role_required("admin")
def admin_add_shift():
    form = _shift_form(ShiftForm())
    starts, ends = UKTime(form, "starts", "the duty starts"), UKTime(form, "ends", "the duty ends")
    form.validate()
    starts_at, ends_at = starts.instant(required=True), ends.instant(required=True)
    if not form.errors:
        try:
            shift = rota.add_shift(
                user_id=int(form.user_id.data) if (form.user_id.data or "").isdigit() else None,
                starts_at=starts_at,
                ends_at=ends_at,
                now=clock.now(),
            )
        except ValidationFailed as exc:
            target = {"starts_at": "starts_day", "ends_at": "ends_day"}
            for name, message in exc.fields.items():
                field = form[target.get(name, name)]
                field.errors = [*field.errors, message]
        else:
            flash(f"{shift.user.name} is on the duty rota.", "success")
            return redirect(url_for("web.admin_calendar"), 303)
    return _page(shift_form=form, shift_times=(starts, ends), status=400)


@bp.post("/admin/calendar/shifts/<int:shift_id>/delete", endpoint="admin_remove_shift")
@role_required("admin")
def admin_remove_shift(shift_id: int):
    if ConfirmForm().validate_on_submit():
        try:
            rota.remove_shift(shift_id)
        except NotFound as exc:
            flash(exc.message, "error")
        else:
            flash("Removed from the duty rota.", "success")
    return redirect(url_for("web.admin_calendar"), 303)


@bp.post("/admin/calendar/exceptions", endpoint="admin_add_exception")
@role_required("admin")
def admin_add_exception():
    form = CalendarExceptionForm()
    form.validate()
    if not (form.day.errors or form.starts.errors or form.ends.errors):
        try:
            office_calendar.add_exception(
                day=form.day.data,
                kind=form.kind.data or "",
                reason=form.reason.data,
                starts=form.starts.data,
                ends=form.ends.data,
                actor=current_user,
                now=clock.now(),
            )
        except ValidationFailed as exc:
            for name, message in exc.fields.items():
                form[name].errors = [*form[name].errors, message]
        else:
            flash("The office calendar is updated.", "success")
            return redirect(url_for("web.admin_calendar"), 303)
    return _page(exception_form=form, status=400)


@bp.post("/admin/calendar/exceptions/<int:exception_id>/delete", endpoint="admin_remove_exception")
@role_required("admin")
def admin_remove_exception(exception_id: int):
    if ConfirmForm().validate_on_submit():
        try:
            office_calendar.remove_exception(exception_id)
        except NotFound as exc:
            flash(exc.message, "error")
        else:
            flash("Removed from the office calendar.", "success")
    return redirect(url_for("web.admin_calendar"), 303)
