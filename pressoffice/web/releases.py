"""Staff release pages: the list, the editor, the release page with its preview, actions,
timeline and revisions, scheduling in UK time, comparing revisions, and the files.

Each view parses the request, calls one service and renders; every rule (who may approve, what
an edit after approval does, when an embargo is acceptable) is the services' and the domain's,
and their refusals are shown as they are worded there.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields import FormField

from .. import clock
from ..auth import staff_required
from ..domain import release_page, workflow
from ..domain.render import attribution, render_release, speaker_line
from ..forms import (
    LIST_LIMIT,
    LIST_NAMES,
    CompareForm,
    ListAction,
    ReleaseForm,
    ScheduleForm,
    WallTimeProblem,
    clock_change_on,
    london_instant,
)
from ..public.newsroom import send_attachment
from ..services import attachments as attachment_service
from ..services import quote_signoffs, releases
from ..services.errors import (
    NotAllowed,
    NotFound,
    ServiceError,
    StaleVersion,
    ValidationFailed,
    WrongState,
)
from ..timefmt import to_london, uk_datetime
from . import bp

STATUS_TAG_COLOURS = {
    "draft": "grey",
    "in_review": "yellow",
    "approved": "blue",
    "scheduled": "purple",
    "published": "green",
    "withdrawn": "red",
    "changes_requested": "orange",
}

# The transitions posted from the release page: URL word -> (service, what the form carries).
TRANSITION_FIELDS = {
    "submit": None,
    "approve": "comment",
    "request-changes": "comment",
    "publish": None,
    "unschedule": None,
    "withdraw": "reason",
}

DONE_MESSAGES = {
    "submit": "Submitted for approval",
    "approve": "Approved",
    "request-changes": "Sent back to the author with your comment",
    "publish": "Published: it is on the newsroom now",
    "unschedule": "Unscheduled: it will not go out until it is published or scheduled again",
    "withdraw": "Withdrawn: it is out of the newsroom list and feed, and its page shows why",
}


def release_or_404(release_id: int):
    """The release a staff page's address names; a missing page if there is none."""
    try:
        return releases.get_release(release_id)
    except NotFound:
        abort(404)


def _uk_and_utc(instant: datetime) -> dict[str, str]:
    local = to_london(instant)
    utc = instant.astimezone(UTC)
    return {
        "uk": uk_datetime(instant),
        "utc": f"{utc:%H:%M} UTC on {utc:%A} {utc.day} {utc:%B %Y}",
        "zone": local.tzname() or "",
    }


# --- the list -------------------------------------------------------------------------------


@bp.get("/releases", endpoint="releases_index")
@staff_required
def releases_index():
    status = request.args.get("status") or None
    q = request.args.get("q", "")
    try:
        page = releases.list_releases(
            status=status, q=q, page=request.args.get("page", 1), per_page=50, now=clock.now()
        )
    except ValidationFailed:
        abort(404)
    return render_template(
        "releases/index.html",
        page=page,
        status=status,
        q=q,
        now=clock.now(),
        states=workflow.STATE_LABELS,
        labels=workflow.DISPLAY_LABELS,
        tag_colours=STATUS_TAG_COLOURS,
        shown_status=releases.display_statuses(page.items, clock.now()),
        deleted=releases.deleted_drafts(limit=20) if not status and not q else [],
    )


# --- the editor -----------------------------------------------------------------------------


def _form_from_release(release) -> ReleaseForm:
    data = {
        "version": str(release.version),
        "title": release.title,
        "summary": release.summary,
        "body": release.body,
        "quotes": [dict(q) for q in release.quotes],
        "links": [dict(link) for link in release.links],
        "notes": list(release.notes),
    }
    return ReleaseForm(formdata=None, data=_with_blank_rows(data))


def _with_blank_rows(data: dict) -> dict:
    """An empty list shows one blank row to type into (a blank row is never saved)."""
    for name in LIST_NAMES:
        if not data.get(name):
            data[name] = ["" if name == "notes" else {}]
    return data


def _field_errors(form: ReleaseForm, fields: dict[str, str]) -> dict[str, str]:
    """Place the service's errors (named by position among the rows that were saved) on the
    form's fields (named by position on the page), and answer them keyed by field id."""
    positions = form.entry_positions()
    placed: dict[str, str] = {}
    for name, message in fields.items():
        parts = name.split("-")
        target = None
        if parts[0] in LIST_NAMES and len(parts) >= 2 and parts[1].isdigit():
            kept = positions[parts[0]]
            index = int(parts[1])
            if index < len(kept):
                entry = getattr(form, parts[0])[kept[index]]
                target = entry.form[parts[2]] if len(parts) == 3 and parts[0] != "notes" else entry
        elif name in form:
            target = form[name]
        if target is not None and not isinstance(target, FormField):
            target.errors = [*list(target.errors or []), message]
            placed[target.id] = message
        elif target is not None:
            placed[target.id] = message
        else:
            placed[name] = message
    return placed


def _apply_list_action(form: ReleaseForm, action: ListAction) -> tuple[ReleaseForm, str]:
    data = form.data
    data.pop("csrf_token", None)
    message = action.apply(data)
    return ReleaseForm(formdata=None, data=data), message


def _editor_page(release, form, *, errors=None, announcement=None, action=None, status=200):
    shown = releases.release_status(release) if release else None
    return (
        render_template(
            "releases/edit.html",
            release=release,
            form=form,
            errors=errors or {},
            announcement=announcement,
            announced_list=action.list_name if action else None,
            announced_verb=action.verb if action else None,
            list_limit=LIST_LIMIT,
            status=shown,
            save_label=release_page.what_saving_does(shown) if shown else "Save",
            states=workflow.STATE_LABELS,
        ),
        status,
    )


@bp.route("/releases/new", methods=["GET", "POST"], endpoint="release_new")
@staff_required
def release_new():
    form = ReleaseForm()
    if request.method == "GET":
        return _editor_page(None, ReleaseForm(formdata=None, data=_with_blank_rows({})))
    action = ListAction.parse(request.form.get("list_action"))
    if action is not None:
        form, message = _apply_list_action(form, action)
        return _editor_page(None, form, announcement=message, action=action)
    try:
        release = releases.create_release(actor=current_user, now=clock.now(), **form.content())
    except ValidationFailed as refusal:
        return _editor_page(None, form, errors=_field_errors(form, refusal.fields))
    flash(f"Draft saved. Its web address will be /news/{release.slug}", "success")
    return redirect(url_for("web.release_view", release_id=release.id))


@bp.route("/releases/<int:release_id>/edit", methods=["GET", "POST"], endpoint="release_edit")
@staff_required
def release_edit(release_id: int):
    release = release_or_404(release_id)
    refusal = releases.why_not("edit", release, current_user, clock.now())
    if not refusal:
        flash(refusal.reason, "error")
        return redirect(url_for("web.release_view", release_id=release.id))
    if request.method == "GET":
        form = _form_from_release(release)
        form.change_note.data = ""
        return _editor_page(release, form)
    form = ReleaseForm()
    action = ListAction.parse(request.form.get("list_action"))
    if action is not None:
        form, message = _apply_list_action(form, action)
        return _editor_page(release, form, announcement=message, action=action)
    try:
        releases.update_release(
            release.id,
            actor=current_user,
            expected_version=form.version.data,
            change_note=form.change_note.data,
            **form.content(),
        )
    except StaleVersion as stale:
        return _conflict_page(release_id, form, stale)
    except ValidationFailed as refusal:
        return _editor_page(release, form, errors=_field_errors(form, refusal.fields))
    except (WrongState, NotAllowed) as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("web.release_view", release_id=release.id))
    saved = releases.get_release(release.id)
    if saved.version == release.version:
        flash("Nothing had changed, so nothing was saved", "info")
    else:
        flash(f"Saved as version {saved.version}", "success")
    return redirect(url_for("web.release_view", release_id=release.id))


def _as_text(content: dict) -> dict[str, str]:
    """Content as the conflict page shows it side by side."""
    quotes = [
        attribution(q.get("speaker", ""), q.get("role", "")) + "\n" + q.get("text", "")
        for q in content.get("quotes") or []
    ]
    return {
        "Headline": content.get("title") or "",
        "Standfirst": content.get("summary") or "",
        "Body": content.get("body") or "",
        "Quotes": "\n\n".join(quotes),
        "Links": "\n".join(
            f"{x.get('label', '')} ({x.get('url', '')})" for x in content.get("links") or []
        ),
        "Notes to editors": "\n".join(
            f"{i}. {note}" for i, note in enumerate(content.get("notes") or [], start=1)
        ),
    }


def _conflict_page(release_id: int, form: ReleaseForm, stale: StaleVersion):
    release = release_or_404(release_id)
    yours = _as_text(form.content())
    theirs = _as_text(stale.current or {})
    # The form carries what the officer typed, now based on the current version: saving it
    # again is a deliberate choice made with both versions in view.
    data = form.data
    data.pop("csrf_token", None)
    data["version"] = str(stale.current_version)
    retry = ReleaseForm(formdata=None, data=_with_blank_rows(data))
    return (
        render_template(
            "releases/conflict.html",
            release=release,
            message=stale.message,
            rows=[(label, yours[label], theirs[label]) for label in yours],
            current_version=stale.current_version,
            form=retry,
            errors={},
            announcement=None,
            list_limit=LIST_LIMIT,
            status=releases.release_status(release),
            save_label=release_page.what_saving_does(releases.release_status(release)),
            states=workflow.STATE_LABELS,
        ),
        409,
    )


# --- the release page -----------------------------------------------------------------------


def _staff_file_url(release_id: int):
    def url(file) -> str:
        return url_for("web.release_file", release_id=release_id, attachment_id=file["id"])

    return url


def _banner(release, status: str, shown: str, pending_correction: bool) -> dict:
    """The release's state, said once, with what it means for the public."""
    lines: list[str] = []
    if status == "scheduled":
        when = _uk_and_utc(release.embargo_until)
        headline = f"Scheduled: goes out at {when['uk']}"
        lines.append(f"That is {when['utc']}. Until then nothing of it is public.")
    elif status == "published":
        headline = f"Published at {_uk_and_utc(release.published_at)['uk']}"
        if pending_correction:
            lines.append(
                "A correction is waiting for approval. The preview shows the correction; "
                "the public still sees the version approved before it."
            )
    elif status == "withdrawn":
        headline = f"Withdrawn at {_uk_and_utc(release.withdrawn_at)['uk']}"
        lines.append(f"Reason shown to the public: {release.withdrawal_reason}")
    elif status == "approved":
        headline = "Approved: not public yet"
    elif status == "in_review":
        headline = "In review: not public"
    elif shown == workflow.CHANGES_REQUESTED:
        headline = "Changes requested: not public"
    else:
        headline = "Draft: not public"
    return {"status": status, "headline": headline, "lines": lines}


def _revision_tag(revision, release, status: str) -> tuple[str, str] | None:
    """The tag beside a revision in the list: Public only while the public can see it."""
    if revision.id == release.public_revision_id:
        if status == "published":
            return ("Public", "green")
        if status == "scheduled":
            return ("Goes public at the embargo", "purple")
        if status == "withdrawn":
            return ("Was public", "grey")
    if revision.id == release.approved_revision_id:
        return ("Approved", "blue")
    return None


def _release_page(
    release_id: int,
    *,
    errors=None,
    focus=None,
    typed=None,
    status_code=200,
    approval_conflict=None,
):
    now = clock.now()
    release = release_or_404(release_id)
    history = releases.release_history(release.id, now=now)
    latest = history.revisions[0]
    status = releases.release_status(release, now)
    pending = releases.has_pending_correction(release, now)
    content = releases.revision_content(latest)
    tasks = releases.release_tasks(release, current_user, now)
    compare = CompareForm(request.args)
    deciding = tasks.allows("approve") and tasks.allows("request_changes")
    return (
        render_template(
            "releases/view.html",
            release=release,
            status=status,
            tasks=tasks,
            deciding=deciding,
            banner=_banner(release, status, tasks.display_status, pending),
            pending_correction=pending,
            rendered=render_release(content, releases.contact_details()),
            attachments=content.attachments,
            current_files=attachment_service.current_attachments(release.id),
            attachment_url=_staff_file_url(release.id),
            actions=[o.action for o in tasks.options if o.allowed],
            history=history,
            latest=latest,
            revision_tag=lambda revision: _revision_tag(revision, release, status),
            action_labels=workflow.ACTION_LABELS,
            states=workflow.STATE_LABELS,
            tag_colours=STATUS_TAG_COLOURS,
            errors=errors or {},
            focus=focus,
            typed=typed or {},
            compare=compare,
            approval_conflict=approval_conflict,
            max_mb=attachment_service.max_attachment_bytes() // (1024 * 1024),
        ),
        status_code,
    )


@bp.get("/releases/<int:release_id>", endpoint="release_view")
@staff_required
def release_view(release_id: int):
    return _release_page(release_id)


@bp.post("/releases/<int:release_id>/<action>", endpoint="release_transition")
@staff_required
def release_transition(release_id: int, action: str):
    if action not in TRANSITION_FIELDS:
        abort(404)
    release = release_or_404(release_id)
    field = TRANSITION_FIELDS[action]
    # No instant given: the service reads the clock once it holds the release's lock.
    given = {"actor": current_user}
    typed = {}
    if field:
        typed[f"{action}-{field}"] = request.form.get(field, "")
        given[field] = request.form.get(field, "")
    if action != "withdraw":
        given["expected_version"] = request.form.get("version")
    if action == "unschedule":
        # The page asks what happens to the links given out, when there are any.
        given["links"] = typed["links"] = request.form.get("links", "")
    try:
        releases.TRANSITIONS[action](release.id, **given)
    except ValidationFailed as refusal:
        errors = {f"{action}-{name}": message for name, message in refusal.fields.items()}
        if action == "request-changes" and releases.release_tasks(
            release, current_user, clock.now()
        ).allows("approve"):
            # The page shows the one decision form: the message goes next to its comment box.
            errors = {f"decision-{name}": message for name, message in refusal.fields.items()}
            typed = {"decision": "request_changes", "decision-comment": given.get("comment", "")}
        return _release_page(release_id, errors=errors, focus=action, typed=typed)
    except StaleVersion:
        return _release_page(
            release_id,
            errors={
                "release-actions": "Someone changed this release after you opened the page. "
                "Check the latest version below, then try again."
            },
            typed=typed,
            status_code=409,
        )
    except ServiceError as refusal:
        return _release_page(release_id, errors={"release-actions": refusal.message}, typed=typed)
    message = DONE_MESSAGES[action]
    if action == "approve" and releases.release_status(releases.get_release(release.id)) == (
        "published"
    ):
        message = "Correction approved: the public now sees it, with its change note"
    flash(message, "success")
    return redirect(url_for("web.release_view", release_id=release.id))


@bp.post("/releases/<int:release_id>/approve", endpoint="release_approve")
@staff_required
def release_approve(release_id: int):
    """Sign off exactly the version the approver was shown: the form carries it, and an
    approval without it, or of a version since replaced, approves nothing."""
    release = release_or_404(release_id)
    comment = request.form.get("comment", "")
    typed = {"decision": "approve", "decision-comment": comment}
    try:
        releases.approve_release(
            release.id,
            actor=current_user,
            comment=comment,
            expected_version=request.form.get("version") or None,
            require_version=True,
            now=clock.now(),
        )
    except ValidationFailed as refusal:
        if "version" in refusal.fields:
            message = (
                "The approval did not say which version you reviewed, so nothing was approved. "
                "Check the version shown below, then approve it."
            )
            return _release_page(
                release_id, errors={"release-actions": message}, typed=typed, status_code=400
            )
        errors = {f"decision-{name}": message for name, message in refusal.fields.items()}
        return _release_page(release_id, errors=errors, focus="approve", typed=typed)
    except StaleVersion as stale:
        conflict = {
            "seen": stale.submitted_version,
            "current": stale.current_version,
            "compare_url": url_for(
                "web.release_compare",
                release_id=release.id,
                old=stale.submitted_version,
                new=stale.current_version,
            ),
        }
        message = (
            f"You reviewed version {stale.submitted_version}, but it is now version "
            f"{stale.current_version}: it changed after you opened the page, so nothing was "
            "approved. Compare the two, then approve the version shown below if it is right."
        )
        return _release_page(
            release_id,
            errors={"release-actions": message},
            typed=typed,
            status_code=409,
            approval_conflict=conflict,
        )
    except ServiceError as refusal:
        return _release_page(release_id, errors={"release-actions": refusal.message}, typed=typed)
    message = DONE_MESSAGES["approve"]
    if releases.release_status(releases.get_release(release.id)) == "published":
        message = "Correction approved: the public now sees it, with its change note"
    flash(message, "success")
    return redirect(url_for("web.release_view", release_id=release.id))


@bp.post("/releases/<int:release_id>/decision", endpoint="release_decide")
@staff_required
def release_decide(release_id: int):
    """The approver's one decision form: approve or request changes, one comment, and the
    reason for going ahead when a quote still waits for its speaker."""
    release = release_or_404(release_id)
    decision = request.form.get("decision", "")
    comment = request.form.get("comment", "")
    override = request.form.get("signoff_override", "")
    typed = {
        "decision": decision,
        "decision-comment": comment,
        "decision-signoff_override": override,
    }
    if decision not in ("approve", "request_changes"):
        return _release_page(
            release_id,
            errors={"decision-approve": "Choose whether to approve it or to request changes"},
            typed=typed,
            status_code=400,
        )
    version = request.form.get("version") or None
    waiting = releases.release_tasks(release, current_user, clock.now()).quotes_waiting
    try:
        if decision == "approve" and override.strip():
            quote_signoffs.approve_with_override(
                release.id,
                actor=current_user,
                reason=override,
                comment=comment,
                expected_version=version,
                require_version=True,
                now=clock.now(),
            )
        elif decision == "approve":
            releases.approve_release(
                release.id,
                actor=current_user,
                comment=comment,
                expected_version=version,
                require_version=True,
                now=clock.now(),
            )
        else:
            releases.request_changes(
                release.id,
                actor=current_user,
                comment=comment,
                expected_version=version,
                now=clock.now(),
            )
    except WrongState as refusal:
        # Approving while a quote waits: the reason to go ahead goes in the box beside it.
        field = "release-actions"
        if decision == "approve" and waiting and not override.strip():
            field = "decision-signoff_override"
        return _release_page(release_id, errors={field: refusal.message}, typed=typed)
    except ValidationFailed as refusal:
        if "version" in refusal.fields:
            message = (
                "The decision did not say which version you reviewed, so nothing was done. "
                "Check the version shown, then decide again."
            )
            return _release_page(
                release_id, errors={"release-actions": message}, typed=typed, status_code=400
            )
        errors = {
            f"decision-{'signoff_override' if name == 'reason' else name}": message
            for name, message in refusal.fields.items()
        }
        return _release_page(release_id, errors=errors, typed=typed, status_code=400)
    except StaleVersion as stale:
        conflict = {
            "seen": stale.submitted_version,
            "current": stale.current_version,
            "compare_url": url_for(
                "web.release_compare",
                release_id=release.id,
                old=stale.submitted_version,
                new=stale.current_version,
            ),
        }
        message = (
            f"You reviewed version {stale.submitted_version}, but it is now version "
            f"{stale.current_version}: it changed after you opened the page, so nothing was "
            "done. Compare the two, then decide on the version shown."
        )
        return _release_page(
            release_id,
            errors={"release-actions": message},
            typed=typed,
            status_code=409,
            approval_conflict=conflict,
        )
    except ServiceError as refusal:
        return _release_page(release_id, errors={"release-actions": refusal.message}, typed=typed)
    if decision == "approve":
        message = DONE_MESSAGES["approve"]
        if releases.release_status(releases.get_release(release.id)) == "published":
            message = "Correction approved: the public now sees it, with its change note"
    else:
        message = DONE_MESSAGES["request-changes"]
    flash(message, "success")
    return redirect(url_for("web.release_view", release_id=release.id))


# --- deleting a draft -----------------------------------------------------------------------


@bp.route("/releases/<int:release_id>/delete", methods=["GET", "POST"], endpoint="release_delete")
@staff_required
def release_delete(release_id: int):
    """Ask, then delete a draft that was never submitted; the list keeps the fact."""
    release = release_or_404(release_id)
    if request.method == "GET":
        tasks = releases.release_tasks(release, current_user, clock.now())
        option = tasks.option("delete")
        if option is None or not option.allowed:
            flash(option.reason if option else "Only a draft can be deleted", "error")
            return redirect(url_for("web.release_view", release_id=release.id))
        return render_template("releases/delete.html", release=release)
    try:
        kept = releases.delete_draft(release.id, actor=current_user, now=clock.now())
    except ServiceError as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("web.release_view", release_id=release_id))
    flash(f"Draft deleted: {kept.title}. The list of deleted drafts keeps the fact.", "success")
    return redirect(url_for("web.releases_index"))


# --- scheduling -----------------------------------------------------------------------------


@bp.route(
    "/releases/<int:release_id>/schedule", methods=["GET", "POST"], endpoint="release_schedule"
)
@staff_required
def release_schedule(release_id: int):
    release = release_or_404(release_id)
    now = clock.now()
    zone = current_app.config.get("OFFICE_TIMEZONE", "Europe/London")
    if request.method == "GET":
        form = ScheduleForm(formdata=None)
        if release.embargo_until:
            local = to_london(release.embargo_until)
            form.day.data, form.month.data = str(local.day), str(local.month)
            form.year.data, form.at.data = str(local.year), f"{local:%H:%M}"
        return _schedule_page(release, form)
    form = ScheduleForm()
    version = request.form.get("version")
    if request.args.get("change"):
        # Back from the check page to change the time: the boxes keep what was typed.
        form.confirmed.data = ""
        return _schedule_page(release, form, version=version)
    typed = form.wall_time()
    if typed is None:
        return _schedule_page(release, form, version=version)
    day, at = typed
    try:
        instant = london_instant(day, at, form.occurrence.data, zone)
    except WallTimeProblem as problem:
        if problem.choices:
            form.occurrence.errors = [problem.message]
            return _schedule_page(
                release, form, choices=problem.choices, version=version, day=day, at=at
            )
        form.at.errors = [problem.message]
        return _schedule_page(release, form, version=version, day=day)
    if form.confirmed.data != "yes":
        return render_template(
            "releases/schedule_check.html",
            release=release,
            form=form,
            when=_uk_and_utc(instant),
            warning=clock_change_on(day, zone),
            past=instant <= now,
            version=version or release.version,
        )
    try:
        releases.schedule_release(
            release.id,
            actor=current_user,
            embargo_until=instant,
            expected_version=version,
        )
    except ValidationFailed as refusal:
        form.at.errors = [refusal.fields.get("embargo_until", refusal.message)]
        return _schedule_page(release, form, version=version, day=day)
    except StaleVersion:
        flash(
            "Someone changed this release after you started scheduling it. Check it, then "
            "schedule it again.",
            "error",
        )
        return redirect(url_for("web.release_view", release_id=release.id))
    except ServiceError as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("web.release_view", release_id=release.id))
    flash(f"Scheduled: goes out at {_uk_and_utc(instant)['uk']}", "success")
    return redirect(url_for("web.release_view", release_id=release.id))


def _schedule_page(release, form, choices=(), version=None, day=None, at=None):
    zone = current_app.config.get("OFFICE_TIMEZONE", "Europe/London")
    options = []
    for instant, value in zip(choices, ("first", "second"), strict=False):
        when = _uk_and_utc(instant)
        options.append((value, when))
    # Each message once, linked from the summary to the first box it is about.
    errors = {}
    if form.date_error:
        errors[form.date_error_parts[0]] = form.date_error
    for message in form.at.errors:
        errors[form.at.id] = message
    for message in form.occurrence.errors:
        errors[f"{form.occurrence.id}-0"] = message
    return render_template(
        "releases/schedule.html",
        release=release,
        form=form,
        errors=errors,
        options=options,
        asked_at=at,
        version=version or release.version,
        warning=clock_change_on(day, zone) if day else None,
        status=releases.release_status(release),
    )


# --- revisions ------------------------------------------------------------------------------


@bp.get("/releases/<int:release_id>/compare", endpoint="release_compare")
@staff_required
def release_compare(release_id: int):
    release = release_or_404(release_id)
    old, new = request.args.get("old"), request.args.get("new")
    if not old or not new:
        newest = release.version
        old, new = old or max(newest - 1, 1), new or newest
    try:
        comparison = releases.compare_revisions(release.id, old, new)
    except ValidationFailed as refusal:
        return (
            render_template(
                "releases/compare.html",
                release=release,
                comparison=None,
                errors={f"compare-{k}": v for k, v in refusal.fields.items()},
            ),
            404,
        )
    return render_template(
        "releases/compare.html", release=release, comparison=comparison, errors={}
    )


# --- files ----------------------------------------------------------------------------------


@bp.post("/releases/<int:release_id>/files", endpoint="release_file_upload")
@staff_required
def release_file_upload(release_id: int):
    release = release_or_404(release_id)
    upload = request.files.get("file")
    try:
        attachment = attachment_service.add_attachment(
            release.id,
            actor=current_user,
            filename=upload.filename if upload else None,
            stream=upload.stream if upload else None,
        )
    except ValidationFailed as refusal:
        return _release_page(
            release_id,
            errors={"file": refusal.fields.get("file", refusal.message)},
            focus="files",
            status_code=400,
        )
    except ServiceError as refusal:
        return _release_page(
            release_id, errors={"file": refusal.message}, focus="files", status_code=refusal.status
        )
    flash(f"Attached {attachment.filename}", "success")
    return redirect(url_for("web.release_view", release_id=release.id, _anchor="files"))


@bp.post(
    "/releases/<int:release_id>/files/<int:attachment_id>/remove",
    endpoint="release_file_remove",
)
@staff_required
def release_file_remove(release_id: int, attachment_id: int):
    release = release_or_404(release_id)
    try:
        attachment_service.remove_attachment(release.id, attachment_id, actor=current_user)
    except NotFound:
        abort(404)
    except ServiceError as refusal:
        return _release_page(
            release_id, errors={"file": refusal.message}, focus="files", status_code=refusal.status
        )
    flash("File removed", "success")
    return redirect(url_for("web.release_view", release_id=release.id, _anchor="files"))


@bp.get("/releases/<int:release_id>/files/<int:attachment_id>", endpoint="release_file")
@staff_required
def release_file(release_id: int, attachment_id: int):
    try:
        attachment = attachment_service.attachment_for_staff(release_id, attachment_id)
    except NotFound:
        abort(404)
    return send_attachment(attachment)


# "Tom Achebe, Chief Constable of Northshire": a speaker as every page names them.
bp.add_app_template_global(speaker_line, "speaker_line")
