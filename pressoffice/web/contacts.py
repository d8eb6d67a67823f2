"""Staff pages for media contacts and lists: find, add, edit, list, import from CSV (with a dry
run), and add a journalist from the enquiry log."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FileField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice

from .. import clock
from ..auth import staff_required
from ..domain import contacts as rules
from ..forms import show_refusal
from ..services import contact_bounces, contact_import, contact_lists, contacts, enquiries
from ..services.errors import NotFound, ServiceError, ValidationFailed, WrongState
from . import bp


class ContactForm(FlaskForm):
    name = StringField("Name")
    outlet = StringField("Outlet", description="The newspaper, broadcaster or site they work for")
    email = StringField("Email address")
    phone = StringField(
        "Phone number", description="A number without a country code is read as a UK number"
    )
    beats = StringField(
        "Beats", description="What they cover, separated by semicolons, like Health; Education"
    )
    consent_basis = RadioField(
        "Basis for holding their details",
        choices=[SelectChoice(value, label) for value, label in rules.CONSENT_BASES.items()],
        default=rules.DEFAULT_CONSENT_BASIS,
        validate_choice=False,
    )
    consent_at = StringField(
        "Date of consent or basis",
        description="When they consented or the basis was recorded, like 2026-03-31",
    )
    do_not_contact = BooleanField("Do not contact: send them nothing")
    do_not_contact_reason = TextAreaField(
        "Reason not to contact", description="Required when they are marked do not contact"
    )


class ListForm(FlaskForm):
    name = StringField("Name of the new list")


class AddToListForm(FlaskForm):
    list_id = SelectField("List", choices=[], validate_choice=False)


class RemoveMemberForm(FlaskForm):
    contact_id = HiddenField()


class ImportUploadForm(FlaskForm):
    file = FileField("CSV file")


class ImportConfirmForm(FlaskForm):
    fingerprint = HiddenField()
    list_id = SelectField(
        "Also add the imported contacts to a list", choices=[], validate_choice=False
    )


def _form_values(form: ContactForm) -> dict:
    return {name: form[name].data for name in rules.FIELDS}


def _list_choices(blank: str | None = None) -> list[SelectChoice]:
    choices = [SelectChoice(str(s.list.id), s.list.name) for s in contact_lists.all_lists()]
    return ([SelectChoice("", blank)] if blank else []) + choices


def _contact_or_404(contact_id: int):
    try:
        return contacts.get_contact(contact_id)
    except NotFound:
        abort(404)


@bp.app_context_processor
def _media_contact_lookup():
    # The enquiry and journalist pages ask whether an address belongs to a media contact.
    return {"media_contact_for": contacts.contact_by_email}


@bp.app_template_filter("contact_phone")
def _contact_phone(e164):
    return rules.display_phone(e164)


# --- contacts ------------------------------------------------------------------------------


@bp.get("/contacts", endpoint="contacts_index")
@staff_required
def contacts_index():
    q = request.args.get("q", "")[: contacts.SEARCH_MAX]
    page = contacts.search_contacts(q, page=request.args.get("page", 1))
    return render_template("contacts/index.html", page=page, q=q)


def _new_page(form, status=200, enquiry=None):
    return render_template("contacts/edit.html", form=form, contact=None, enquiry=enquiry), status


@bp.get("/contacts/new", endpoint="contact_new")
@staff_required
def contact_new():
    form = ContactForm(formdata=None)
    enquiry = None
    reference = request.args.get("from_enquiry", "")[:40]
    if reference:
        try:
            enquiry = enquiries.get_enquiry(reference)
        except NotFound:
            abort(404)
        if enquiry.anonymised_at is None:
            existing = contacts.contact_by_email(enquiry.email)
            if existing is not None:
                flash(f"{existing.name} is already a media contact with this email address")
                return redirect(url_for("web.contact_view", contact_id=existing.id))
            form.name.data = enquiry.journalist_name
            form.outlet.data = enquiry.outlet
            form.email.data = enquiry.email or ""
            form.phone.data = enquiry.phone or ""
    return _new_page(form, enquiry=enquiry)


@bp.post("/contacts/new", endpoint="contact_create")
@staff_required
def contact_create():
    form = ContactForm()
    if not form.validate():
        return _new_page(form, 400)
    try:
        contact = contacts.create_contact(_form_values(form), actor=current_user, now=clock.now())
    except ValidationFailed as refusal:
        show_refusal(form, refusal.fields)
        return _new_page(form, 400)
    flash(f"{contact.name} was added to the media contacts")
    return redirect(url_for("web.contact_view", contact_id=contact.id))


def _view_page(contact_id: int, list_form=None, status=200):
    contact = _contact_or_404(contact_id)
    list_form = list_form or AddToListForm(formdata=None)
    on = {lst.id for lst in contact.lists}
    list_form.list_id.choices = [
        choice for choice in _list_choices() if int(choice.value) not in on
    ]
    return (
        render_template(
            "contacts/view.html",
            contact=contact,
            timeline=contacts.contact_timeline(contact.id),
            refusal=rules.contact_refusal(contact),
            bounced=contact_bounces.last_bounce(contact),
            list_form=list_form,
            remove_form=RemoveMemberForm(formdata=None),
            bases=rules.CONSENT_BASES,
            phone=rules.display_phone(contact.phone),
        ),
        status,
    )


@bp.get("/contacts/<int:contact_id>", endpoint="contact_view")
@staff_required
def contact_view(contact_id: int):
    return _view_page(contact_id)


@bp.post("/contacts/<int:contact_id>/lists", endpoint="contact_add_to_list")
@staff_required
def contact_add_to_list(contact_id: int):
    form = AddToListForm()
    _contact_or_404(contact_id)
    if not form.validate():
        return _view_page(contact_id, form, 400)
    try:
        list_id = int(form.list_id.data or "")
    except ValueError:
        form.list_id.errors = ["Choose a list"]
        return _view_page(contact_id, form, 400)
    try:
        done = contact_lists.add_members(list_id, [contact_id], actor=current_user, now=clock.now())
    except NotFound:
        form.list_id.errors = ["Choose a list"]
        return _view_page(contact_id, form, 400)
    except ValidationFailed as refusal:
        form.list_id.errors = list(refusal.fields.values())
        return _view_page(contact_id, form, 400)
    flash(f"Added to the list {done.list.name}" if done.added else "Already on that list")
    return redirect(url_for("web.contact_view", contact_id=contact_id))


def _edit_page(contact, form, status=200):
    return render_template("contacts/edit.html", form=form, contact=contact, enquiry=None), status


@bp.get("/contacts/<int:contact_id>/edit", endpoint="contact_edit")
@staff_required
def contact_edit(contact_id: int):
    contact = _contact_or_404(contact_id)
    if contact.anonymised_at is not None:
        abort(404)
    form = ContactForm(formdata=None)
    for name in ("name", "outlet", "email", "phone", "consent_basis", "do_not_contact"):
        form[name].data = getattr(contact, name) or ("" if name != "do_not_contact" else False)
    form.beats.data = "; ".join(contact.beats)
    form.consent_at.data = contact.consent_at.isoformat() if contact.consent_at else ""
    form.do_not_contact_reason.data = contact.do_not_contact_reason or ""
    form.phone.data = rules.display_phone(contact.phone)
    return _edit_page(contact, form)


@bp.post("/contacts/<int:contact_id>/edit", endpoint="contact_update")
@staff_required
def contact_update(contact_id: int):
    contact = _contact_or_404(contact_id)
    form = ContactForm()
    if not form.validate():
        return _edit_page(contact, form, 400)
    try:
        contacts.update_contact(contact_id, _form_values(form), actor=current_user, now=clock.now())
    except ValidationFailed as refusal:
        show_refusal(form, refusal.fields)
        return _edit_page(_contact_or_404(contact_id), form, 400)
    except WrongState as refusal:
        flash(refusal.message)
        return redirect(url_for("web.contact_view", contact_id=contact_id))
    flash("The contact's details were saved")
    return redirect(url_for("web.contact_view", contact_id=contact_id))


# --- lists ---------------------------------------------------------------------------------


def _lists_page(form=None, status=200):
    return (
        render_template(
            "contacts/lists.html",
            lists=contact_lists.all_lists(),
            form=form or ListForm(formdata=None),
        ),
        status,
    )


@bp.get("/contacts/lists", endpoint="contact_lists")
@staff_required
def contact_lists_index():
    return _lists_page()


@bp.post("/contacts/lists", endpoint="contact_list_create")
@staff_required
def contact_list_create():
    form = ListForm()
    if not form.validate():
        return _lists_page(form, 400)
    try:
        created = contact_lists.create_list(form.name.data, actor=current_user, now=clock.now())
    except ValidationFailed as refusal:
        show_refusal(form, refusal.fields)
        return _lists_page(form, 400)
    flash(f"The list {created.name} was made: add contacts to it from their pages or by import")
    return redirect(url_for("web.contact_list_view", list_id=created.id))


@bp.get("/contacts/lists/<int:list_id>", endpoint="contact_list_view")
@staff_required
def contact_list_view(list_id: int):
    try:
        contact_list = contact_lists.get_list(list_id)
    except NotFound:
        abort(404)
    page = contacts._page_number(request.args.get("page", 1))
    members = contact_lists.list_members(contact_list.id, page=page)
    return render_template(
        "contacts/list.html",
        contact_list=contact_list,
        page=members,
        remove_form=RemoveMemberForm(formdata=None),
        refusal=rules.contact_refusal,
    )


@bp.post("/contacts/lists/<int:list_id>/remove", endpoint="contact_list_remove_member")
@staff_required
def contact_list_remove_member(list_id: int):
    form = RemoveMemberForm()
    if not form.validate():
        abort(400)
    try:
        contact_id = int(form.contact_id.data or "")
        removed = contact_lists.remove_member(
            list_id, contact_id, actor=current_user, now=clock.now()
        )
    except (ValueError, NotFound):
        abort(404)
    flash("Taken off the list" if removed else "They were not on the list")
    back = request.form.get("back")
    if back == "contact":
        return redirect(url_for("web.contact_view", contact_id=contact_id))
    return redirect(url_for("web.contact_list_view", list_id=list_id))


# --- import --------------------------------------------------------------------------------


def _upload_page(form=None, status=200):
    return (
        render_template(
            "contacts/import.html",
            form=form or ImportUploadForm(formdata=None),
            columns=contact_import.COLUMNS,
            max_rows=contact_import.MAX_ROWS,
            max_columns=contact_import.MAX_COLUMNS,
            bases=rules.CONSENT_BASES,
        ),
        status,
    )


@bp.get("/contacts/import", endpoint="contacts_import")
@staff_required
def contacts_import():
    return _upload_page()


@bp.post("/contacts/import", endpoint="contacts_import_upload")
@staff_required
def contacts_import_upload():
    form = ImportUploadForm()
    if not form.validate():
        return _upload_page(form, 400)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        form.file.errors = ["Select a CSV file"]
        return _upload_page(form, 400)
    data = upload.stream.read(contact_import.MAX_BYTES + 1)
    try:
        pending = contact_import.stage_import(
            data, upload.filename, actor=current_user, now=clock.now()
        )
    except ValidationFailed as refusal:
        show_refusal(form, refusal.fields)
        return _upload_page(form, 400)
    return redirect(url_for("web.contacts_import_check", key=pending.key))


def _check_page(key: str, form=None, problem=None, status=200):
    now = clock.now()
    try:
        pending = contact_import.pending_import(key, actor=current_user, now=now)
    except NotFound:
        abort(404)
    if pending.confirmed_at is not None:
        return render_template("contacts/import_done.html", pending=pending), status
    plan = contact_import.plan_import(pending.csv_text, now=now)
    form = form or ImportConfirmForm(formdata=None)
    form.list_id.choices = _list_choices("Do not add them to a list")
    form.fingerprint.data = plan.fingerprint
    return (
        render_template(
            "contacts/import_check.html",
            pending=pending,
            plan=plan,
            form=form,
            problem=problem,
            labels=rules.FIELD_LABELS,
        ),
        status,
    )


@bp.get("/contacts/import/<key>", endpoint="contacts_import_check")
@staff_required
def contacts_import_check(key: str):
    return _check_page(key)


@bp.post("/contacts/import/<key>", endpoint="contacts_import_confirm")
@staff_required
def contacts_import_confirm(key: str):
    form = ImportConfirmForm()
    form.list_id.choices = _list_choices("Do not add them to a list")
    if not form.validate():
        return _check_page(key, form, status=400)
    try:
        done = contact_import.confirm_import(
            key,
            fingerprint=form.fingerprint.data,
            list_id=form.list_id.data or None,
            actor=current_user,
            now=clock.now(),
        )
    except NotFound:
        abort(404)
    except ValidationFailed as refusal:
        show_refusal(form, refusal.fields)
        return _check_page(key, form, status=400)
    except ServiceError as refusal:
        return _check_page(key, None, problem=refusal.message, status=409)
    message = (
        f"Imported: {done.created} new, {done.updated} updated, {done.unchanged} unchanged, "
        f"{done.skipped} skipped"
    )
    if done.list_name:
        message += f"; {done.listed} added to the list {done.list_name}"
    flash(message)
    return redirect(url_for("web.contacts_index"))
