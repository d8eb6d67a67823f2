"""The forward look for staff: the grid by UK day, a planned entry's page with its timeline, and
the pages that plan, edit, move and cancel an entry or start its release; the grid as iCalendar.

Each view parses the request, calls one service and renders; the rules (who may, when a reason is
needed, which dates are allowed) are ``domain.forward_look``'s, shown in its words. Every page
works without JavaScript.

The staff iCalendar download needs the same sign-in as the grid. A calendar program that
subscribes to an address cannot sign in, and a secret subscription address would hand the
titles of unannounced (often embargoed) releases to anyone it was forwarded to, so staff
download the file while signed in instead; the public feed needs nothing.
"""

from __future__ import annotations

from datetime import date

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import clock
from ..auth import staff_required
from ..domain import forward_look as rules
from ..services import forward_look
from ..services import forward_look_ical as ical
from ..services.errors import NotAllowed, NotFound, StaleVersion, ValidationFailed, WrongState
from ..services.sign_off import acting_staff
from ..timefmt import to_london
from . import bp

STATUS_TAG_COLOURS = {
    "provisional": "yellow",
    "confirmed": "blue",
    "cancelled": "red",
    "draft": "grey",
    "in_review": "yellow",
    "approved": "blue",
    "scheduled": "purple",
    "published": "green",
    "withdrawn": "red",
}

DETAIL_FIELDS = ("title", "owner_id", "status", "announced", "public_title", "notes")
DATE_FIELDS = ("day", "month", "year", "time")


def entry_or_404(entry_id: int):
    """The planned entry a page's address names; a missing page if there is none."""
    try:
        return forward_look.get_entry(entry_id)
    except NotFound:
        abort(404)


def _typed(form, names) -> dict[str, str]:
    # Every field keeps what was typed (cut to a length no field allows, so a page never
    # echoes megabytes back): nothing typed is silently dropped.
    return {name: str(form.get(name, ""))[:20000] for name in names}


def _date_typed(day: date | None, at) -> dict[str, str]:
    if day is None:
        return {"day": "", "month": "", "year": "", "time": ""}
    return {
        "day": str(day.day),
        "month": str(day.month),
        "year": str(day.year),
        "time": at.strftime("%H:%M") if at else "",
    }


def _date_errors(errors: dict[str, str]) -> dict[str, str]:
    """The date's refusal points at its first box, as the GOV.UK date pattern does."""
    return {("day" if name in ("month", "year") else name): msg for name, msg in errors.items()}


# --- the grid -------------------------------------------------------------------------------


@bp.get("/forward-look", endpoint="forward_look")
@staff_required
def forward_look_grid():
    now = clock.now()
    window, days = forward_look.grid(now, rules.parse_first_day(request.args.get("from")))
    return render_template(
        "forward_look/grid.html",
        window=window,
        days=days,
        today=rules.uk_today(now),
        tag_colours=STATUS_TAG_COLOURS,
    )


@bp.get("/forward-look.ics", endpoint="forward_look_ical")
@staff_required
def forward_look_ical():
    now = clock.now()
    _window, days = forward_look.grid(now, rules.parse_first_day(request.args.get("from")))
    body = ical.staff_calendar(
        days,
        office=current_app.config["PRESS_OFFICE_NAME"],
        host=request.host.split(":")[0] or "pressoffice",
        now=now,
        entry_url=lambda n: url_for("web.planned_entry", entry_id=n, _external=True),
        release_url=lambda n: url_for("web.release_view", release_id=n, _external=True),
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="forward-look.ics"'},
    )


# --- one entry ------------------------------------------------------------------------------


@bp.get("/forward-look/<int:entry_id>", endpoint="planned_entry")
@staff_required
def planned_entry(entry_id: int):
    entry = entry_or_404(entry_id)
    now = clock.now()
    facts = forward_look.entry_facts(entry, now)
    who = acting_staff(current_user)
    return render_template(
        "forward_look/entry.html",
        entry=entry,
        facts=facts,
        status=rules.grid_status(entry.status, facts.release_status),
        labels={**rules.STATUS_LABELS, **rules.RELEASE_LABELS},
        tag_colours=STATUS_TAG_COLOURS,
        timeline=forward_look.entry_timeline(entry),
        can_edit=rules.may_edit(facts, who),
        can_cancel=rules.may_cancel(facts, who, "a reason"),
        can_write=rules.may_write_release(facts, who),
        can_move=facts.status != rules.CANCELLED and facts.release_status not in rules.RELEASE_OUT,
        instant=rules.planned_instant(entry.day, entry.at),
    )


def _form_page(template, *, entry=None, typed, errors=None, status=200, **extra):
    return (
        render_template(
            template,
            entry=entry,
            typed=typed,
            errors=errors or {},
            owners=forward_look.owner_choices(),
            statuses=[(s, rules.STATUS_LABELS[s]) for s in rules.CHOSEN_STATUSES],
            limits={
                "title": rules.TITLE_MAX,
                "public_title": rules.PUBLIC_TITLE_MAX,
                "notes": rules.NOTES_MAX,
                "reason": rules.REASON_MAX,
            },
            **extra,
        ),
        status,
    )


def _refused_page(entry_id: int, refusal):
    flash(refusal.message, "error")
    return redirect(url_for("web.planned_entry", entry_id=entry_id))


@bp.route("/forward-look/new", methods=["GET", "POST"], endpoint="planned_entry_new")
@staff_required
def planned_entry_new():
    if request.method == "GET":
        day = rules.parse_first_day(request.args.get("day"))
        typed = {
            "title": "",
            "owner_id": str(current_user.id),
            "status": rules.PROVISIONAL,
            "announced": "",
            "public_title": "",
            "notes": "",
            **_date_typed(day, None),
        }
        return _form_page("forward_look/new.html", typed=typed)
    typed = _typed(request.form, DETAIL_FIELDS + DATE_FIELDS)
    try:
        entry = forward_look.create_entry(
            actor=current_user,
            title=typed["title"],
            owner_id=typed["owner_id"],
            day=typed["day"],
            month=typed["month"],
            year=typed["year"],
            at=typed["time"],
            status=typed["status"],
            announced=typed["announced"],
            public_title=typed["public_title"],
            notes=typed["notes"],
            now=clock.now(),
        )
    except ValidationFailed as refusal:
        return _form_page(
            "forward_look/new.html", typed=typed, errors=_date_errors(refusal.fields), status=400
        )
    except NotAllowed as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("web.forward_look"))
    flash("Planned: it is on the forward look", "success")
    return redirect(url_for("web.planned_entry", entry_id=entry.id))


@bp.route(
    "/forward-look/<int:entry_id>/edit", methods=["GET", "POST"], endpoint="planned_entry_edit"
)
@staff_required
def planned_entry_edit(entry_id: int):
    entry = entry_or_404(entry_id)
    if request.method == "GET":
        if entry.status == rules.CANCELLED:
            flash("This entry was cancelled; plan a new entry instead", "error")
            return redirect(url_for("web.planned_entry", entry_id=entry.id))
        typed = {
            "title": entry.title,
            "owner_id": str(entry.owner_id),
            "status": entry.status,
            "announced": "yes" if entry.announced else "",
            "public_title": entry.public_title,
            "notes": entry.notes,
            "version": str(entry.version),
        }
        return _form_page("forward_look/edit.html", entry=entry, typed=typed)
    typed = _typed(request.form, (*DETAIL_FIELDS, "version"))
    try:
        forward_look.update_entry(
            entry.id,
            actor=current_user,
            expected_version=typed["version"],
            title=typed["title"],
            owner_id=typed["owner_id"],
            status=typed["status"],
            announced=typed["announced"],
            public_title=typed["public_title"],
            notes=typed["notes"],
            now=clock.now(),
        )
    except ValidationFailed as refusal:
        return _form_page(
            "forward_look/edit.html", entry=entry, typed=typed, errors=refusal.fields, status=400
        )
    except StaleVersion as stale:
        fresh = entry_or_404(entry_id)
        typed["version"] = str(fresh.version)
        return _form_page(
            "forward_look/edit.html",
            entry=fresh,
            typed=typed,
            errors={"title": stale.message},
            status=409,
        )
    except (NotAllowed, WrongState) as refusal:
        return _refused_page(entry.id, refusal)
    flash("Saved", "success")
    return redirect(url_for("web.planned_entry", entry_id=entry.id))


@bp.route(
    "/forward-look/<int:entry_id>/date", methods=["GET", "POST"], endpoint="planned_entry_date"
)
@staff_required
def planned_entry_date(entry_id: int):
    entry = entry_or_404(entry_id)
    if request.method == "GET":
        typed = {**_date_typed(entry.day, entry.at), "reason": "", "version": str(entry.version)}
        return _form_page("forward_look/date.html", entry=entry, typed=typed)
    typed = _typed(request.form, (*DATE_FIELDS, "reason", "version"))
    try:
        forward_look.move_entry(
            entry.id,
            actor=current_user,
            day=typed["day"],
            month=typed["month"],
            year=typed["year"],
            at=typed["time"],
            reason=typed["reason"],
            expected_version=typed["version"],
            now=clock.now(),
        )
    except ValidationFailed as refusal:
        return _form_page(
            "forward_look/date.html",
            entry=entry,
            typed=typed,
            errors=_date_errors(refusal.fields),
            status=400,
        )
    except StaleVersion as stale:
        fresh = entry_or_404(entry_id)
        typed["version"] = str(fresh.version)
        return _form_page(
            "forward_look/date.html",
            entry=fresh,
            typed=typed,
            errors={"day": stale.message},
            status=409,
        )
    except (NotAllowed, WrongState) as refusal:
        return _refused_page(entry.id, refusal)
    moved = entry_or_404(entry_id)
    when = f"{moved.day:%A} {moved.day.day} {moved.day:%B %Y}"
    flash(f"Date changed: now {when}" + (f" at {moved.at:%H:%M}" if moved.at else ""), "success")
    return redirect(url_for("web.planned_entry", entry_id=entry.id))


@bp.route(
    "/forward-look/<int:entry_id>/cancel", methods=["GET", "POST"], endpoint="planned_entry_cancel"
)
@staff_required
def planned_entry_cancel(entry_id: int):
    entry = entry_or_404(entry_id)
    if request.method == "GET":
        if entry.status == rules.CANCELLED:
            flash("This entry is already cancelled", "error")
            return redirect(url_for("web.planned_entry", entry_id=entry.id))
        typed = {"reason": "", "version": str(entry.version)}
        return _form_page("forward_look/cancel.html", entry=entry, typed=typed)
    typed = _typed(request.form, ("reason", "version"))
    try:
        forward_look.cancel_entry(
            entry.id,
            actor=current_user,
            reason=typed["reason"],
            expected_version=typed["version"],
            now=clock.now(),
        )
    except ValidationFailed as refusal:
        return _form_page(
            "forward_look/cancel.html", entry=entry, typed=typed, errors=refusal.fields, status=400
        )
    except StaleVersion as stale:
        fresh = entry_or_404(entry_id)
        typed["version"] = str(fresh.version)
        return _form_page(
            "forward_look/cancel.html",
            entry=fresh,
            typed=typed,
            errors={"reason": stale.message},
            status=409,
        )
    except (NotAllowed, WrongState) as refusal:
        return _refused_page(entry.id, refusal)
    flash("Cancelled: it stays on the forward look, marked cancelled, with your reason", "success")
    return redirect(url_for("web.planned_entry", entry_id=entry.id))


@bp.post("/forward-look/<int:entry_id>/release", endpoint="planned_entry_release")
@staff_required
def planned_entry_release(entry_id: int):
    entry = entry_or_404(entry_id)
    try:
        release = forward_look.write_release_for_entry(
            entry.id, actor=current_user, now=clock.now()
        )
    except (NotAllowed, WrongState, ValidationFailed) as refusal:
        return _refused_page(entry.id, refusal)
    flash(
        "Draft release started from the planned entry, headed with its title. Write the rest "
        "and save it.",
        "success",
    )
    return redirect(url_for("web.release_edit", release_id=release.id))


def uk_wall(instant) -> str:
    """'09:30 GMT' for a template."""
    local = to_london(instant)
    return f"{local:%H:%M} {local.tzname()}"


@bp.app_template_filter("uk_clock")
def _uk_clock(instant) -> str:
    return uk_wall(instant) if instant is not None else ""


@bp.app_template_global("planned_when")
def _planned_when(day, at=None) -> str:
    return rules.describe_planned(day, at)


@bp.app_template_global("planned_entry_for")
def _planned_entry_for(release_id: int):
    """The planned entry a release was written for, for the release page's links."""
    return forward_look.entry_for_release(release_id)
