"""Importing media contacts from a CSV file, in two steps: a dry run, then the import.

1. ``stage_import`` keeps the uploaded file (as text, in ``contact_imports``) and nothing else;
   ``plan_import`` says what would happen to each row: a **new** contact, an **update** of the
   contact holding the row's email address, **unchanged**, a **duplicate** of an earlier row
   (skipped), or an **error**, with every problem by row and column.
2. ``confirm_import`` reads the stored file again inside the import's transaction, checks every
   row again against the contacts as they are then, and writes the new and changed contacts (and
   puts them on a list, if one is chosen). Rows with errors are not imported. If what would
   happen is no longer what the officer saw (someone changed a contact in between), nothing is
   written and the officer is shown the rows again.

The file never travels in the form: the confirmation names the stored import by a random key,
and only the officer who uploaded it may confirm it, once.

Columns (any case, any order, spaces or hyphens for underscores): name, outlet, email, phone,
beats (separated by semicolons), consent_basis, consent_at (YYYY-MM-DD or DD/MM/YYYY),
do_not_contact (yes/no), do_not_contact_reason. In an update a blank cell keeps what is stored.
An import never clears a do-not-contact flag: do-not-contact always wins.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from .. import timefmt
from ..domain import contacts as rules
from ..domain.input_rules import has_lone_surrogate
from ..extensions import db
from ..models import Contact, ContactEvent, ContactImport, User
from . import contact_lists
from .contacts import apply_details, stored_details
from .errors import NotFound, ValidationFailed, WrongState
from .unit_of_work import unit_of_work

COLUMNS = rules.FIELDS
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# Nine columns are imported; a few more are named back as not imported. Beyond this a file is
# not a contact list, and reading it would only cost time at every view of its dry run.
MAX_COLUMNS = 50
TOO_MANY_COLUMNS = f"The file must have at most {MAX_COLUMNS} columns"
TOO_MANY_ROWS = f"The file must have at most {MAX_ROWS} rows of contacts: split it"
FILENAME_MAX = 255
# An import not confirmed within a day is forgotten: it holds personal data.
PENDING_FOR = timedelta(days=1)

NEW, UPDATE, UNCHANGED, DUPLICATE, ERROR = "new", "update", "unchanged", "duplicate", "error"
FATE_LABELS = {
    NEW: "New contact",
    UPDATE: "Update",
    UNCHANGED: "No change",
    DUPLICATE: "Skipped: duplicate",
    ERROR: "Error: not imported",
}


@dataclass
class RowPlan:
    """What happens to one row. ``number`` is its row in a spreadsheet (the header is 1)."""

    number: int
    fate: str
    name: str = ""
    email: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    contact_id: int | None = None
    changes: list[str] = field(default_factory=list)
    note: str = ""
    details: rules.ContactDetails | None = None

    @property
    def fate_label(self) -> str:
        return FATE_LABELS[self.fate]


@dataclass
class ImportPlan:
    """Every row's fate, and the problems with the file as a whole (no row is imported while
    there is one)."""

    rows: list[RowPlan]
    file_errors: list[str]

    def count(self, fate: str) -> int:
        """How many rows have this fate."""
        return sum(1 for row in self.rows if row.fate == fate)

    @property
    def counts(self) -> dict[str, int]:
        return {fate: self.count(fate) for fate in FATE_LABELS}

    @property
    def to_write(self) -> int:
        return 0 if self.file_errors else self.count(NEW) + self.count(UPDATE)

    @property
    def fingerprint(self) -> str:
        """A digest of what the import would do, row by row, to tell whether it changed."""
        summary = [
            [r.number, r.fate, r.contact_id, r.changes, r.details and r.details.as_dict()]
            for r in self.rows
        ]
        text = json.dumps([self.file_errors, summary], default=str, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


def decode_upload(data: bytes) -> str:
    """The uploaded file as text. ValidationFailed on ``file`` when it is empty, too large, not
    UTF-8 text or not readable as CSV."""
    if not data:
        raise ValidationFailed({"file": "The selected file is empty"})
    if len(data) > MAX_BYTES:
        raise ValidationFailed({"file": f"The file must be smaller than {MAX_BYTES // 1048576} MB"})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(
            {"file": "The file must be a CSV saved as UTF-8 (in Excel: CSV UTF-8)"}
        ) from None
    if "\x00" in text:
        raise ValidationFailed({"file": "The file must be a CSV file, not a spreadsheet"})
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error:
        raise ValidationFailed({"file": "The file must be a CSV file that can be read"}) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ValidationFailed({"file": "The file must start with a row of column names"})
    problem = _shape_problem(rows)
    if problem:
        raise ValidationFailed({"file": problem})
    return text


def _shape_problem(rows) -> str | None:
    """Why these rows (the header first) are beyond the column or row limit, or None. Reads at
    most ``MAX_ROWS`` + 1 rows that hold something."""
    contacts = 0
    for number, cells in enumerate(rows, start=1):
        if len(cells) > MAX_COLUMNS:
            if number == 1:
                return f"{TOO_MANY_COLUMNS} (it has {len(cells)})"
            return f"Row {number} has more than {MAX_COLUMNS} cells: {TOO_MANY_COLUMNS.lower()}"
        if number > 1 and any(cell.strip() for cell in cells):
            contacts += 1
            if contacts > MAX_ROWS:
                return TOO_MANY_ROWS
    return None


def _column_key(header: str) -> str:
    return "_".join(header.strip().lower().replace("-", " ").split())


def plan_import(csv_text: str, *, now: datetime) -> ImportPlan:
    """What importing this CSV text would do to each row, against the contacts as they are."""
    today = timefmt.to_london(now).date()
    reader = csv.reader(io.StringIO(csv_text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return ImportPlan([], ["The file has no rows"])
    if len(header) > MAX_COLUMNS:
        # Kept before the limit was checked at upload: refused without reading further.
        return ImportPlan([], [f"{TOO_MANY_COLUMNS} (it has {len(header)})"])
    keys = [_column_key(h) for h in header]
    file_errors = []
    unknown = [h.strip() for h, k in zip(header, keys, strict=True) if k and k not in COLUMNS]
    if unknown:
        file_errors.append(
            "These columns are not ones we import: "
            + ", ".join(unknown)
            + ". The columns are: "
            + ", ".join(COLUMNS)
        )
    repeated = sorted(k for k, times in Counter(keys).items() if k and times > 1)
    if repeated:
        file_errors.append("These columns appear more than once: " + ", ".join(repeated))
    if "name" not in keys:
        file_errors.append("The file needs a name column")
    if "email" not in keys and "phone" not in keys:
        file_errors.append("The file needs an email or a phone column")

    raw_rows: list[tuple[int, dict[str, str], list[str]]] = []
    for index, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line holds nothing to import
        if len(raw_rows) >= MAX_ROWS:
            file_errors.append(TOO_MANY_ROWS)
            break
        if len(cells) > MAX_COLUMNS:
            file_errors.append(f"Row {index} has more than {MAX_COLUMNS} cells")
            break
        extra = cells[len(keys) :]
        raw = {k: cell for k, cell in zip(keys, cells, strict=False) if k in COLUMNS}
        raw_rows.append((index, raw, extra))
    if file_errors:
        return ImportPlan([], file_errors)

    emails = {}
    for _, raw, _ in raw_rows:
        email = rules.normalise_email(raw.get("email", "").strip()) if raw.get("email") else None
        if email:
            emails[email] = None
    existing = _contacts_by_email(list(emails))

    plans: list[RowPlan] = []
    first_row_for: dict[str, int] = {}
    for number, raw, extra in raw_rows:
        plans.append(_plan_row(number, raw, extra, existing, first_row_for, today))
    return ImportPlan(plans, [])


def _contacts_by_email(emails: list[str]) -> dict[str, Contact]:
    found: dict[str, Contact] = {}
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        found.update(
            (c.email, c)
            for c in db.session.scalars(sa.select(Contact).where(Contact.email.in_(chunk)))
        )
    return found


def _plan_row(number, raw, extra, existing, first_row_for, today) -> RowPlan:
    name = raw.get("name", "").strip()
    plan = RowPlan(number=number, fate=ERROR, name=name[:120], email=raw.get("email", "")[:254])
    if any(cell.strip() for cell in extra):
        plan.errors["row"] = "This row has more cells than the file has columns"
    if any(has_lone_surrogate(v) for v in raw.values()):
        plan.errors["row"] = "This row contains a character that cannot be stored"
        return plan
    email = rules.normalise_email(raw["email"].strip()) if raw.get("email", "").strip() else None
    if email and email in first_row_for:
        plan.fate = DUPLICATE
        plan.note = f"Same email address as row {first_row_for[email]}: skipped"
        return plan
    if email:
        first_row_for[email] = number
    contact = existing.get(email) if email else None
    if contact is None:
        details, errors = rules.validate_contact(raw, today=today)
        plan.errors.update(errors)
        if plan.errors:
            return plan
        plan.fate, plan.details = NEW, details
        return plan

    # An update: blank cells keep what is stored; do-not-contact is never cleared.
    merged = stored_details(contact)
    for column, value in raw.items():
        if value.strip():
            merged[column] = value
    if contact.do_not_contact:
        asked = rules.parse_yes_no(raw.get("do_not_contact"))
        if asked is False and raw.get("do_not_contact", "").strip():
            plan.note = (
                "Marked do not contact: an import does not change that "
                "(an officer can, on the contact's page)"
            )
        merged["do_not_contact"] = True
        if not raw.get("do_not_contact_reason", "").strip():
            merged["do_not_contact_reason"] = contact.do_not_contact_reason
    elif rules.parse_yes_no(raw.get("do_not_contact")) is not True:
        merged["do_not_contact_reason"] = raw.get("do_not_contact_reason") or None
    details, errors = rules.validate_contact(merged, today=today)
    plan.errors.update(errors)
    plan.contact_id = contact.id
    if plan.errors:
        return plan
    before = stored_details(contact)
    plan.changes = [
        rules.FIELD_LABELS[n] for n in rules.FIELDS if before[n] != details.as_dict()[n]
    ]
    plan.details = details
    plan.fate = UPDATE if plan.changes else UNCHANGED
    return plan


def _purge_stale(now: datetime) -> None:
    db.session.execute(
        sa.delete(ContactImport).where(
            ContactImport.confirmed_at.is_(None), ContactImport.created_at < now - PENDING_FOR
        )
    )


@unit_of_work
def stage_import(data: bytes, filename: str, *, actor: User, now: datetime) -> ContactImport:
    """Keep an uploaded CSV for its dry run; nothing else is written. ValidationFailed on
    ``file`` when it is not a CSV file that can be read."""
    text = decode_upload(data)
    _purge_stale(now)
    pending = ContactImport(
        key=secrets.token_urlsafe(24),
        filename=(filename or "")[:FILENAME_MAX],
        csv_text=text,
        uploaded_by_id=actor.id,
        created_at=now,
    )
    db.session.add(pending)
    db.session.flush()
    return pending


def pending_import(key: Any, *, actor: User, now: datetime) -> ContactImport:
    """The officer's own import waiting for confirmation. NotFound for another's, an unknown
    or an expired key (so a key says nothing to anyone else)."""
    if not isinstance(key, str) or not 10 <= len(key) <= 64:
        raise NotFound("There is no import waiting with that address")
    found = db.session.scalars(sa.select(ContactImport).where(ContactImport.key == key)).first()
    if (
        found is None
        or found.uploaded_by_id != actor.id
        or (found.confirmed_at is None and found.created_at < now - PENDING_FOR)
    ):
        raise NotFound("There is no import waiting with that address")
    return found


@dataclass
class ImportDone:
    created: int
    updated: int
    unchanged: int
    skipped: int
    list_name: str | None
    listed: int


@unit_of_work
def confirm_import(
    key: Any, *, fingerprint: Any, list_id: Any = None, actor: User, now: datetime
) -> ImportDone:
    """Import the stored file: every row is checked again now; new contacts are added, changed
    ones updated, rows with errors and duplicates left out; with ``list_id`` every imported
    contact (new, updated or unchanged) is put on that list. WrongState when the import was
    already confirmed or would now do something other than the dry run showed."""
    pending = pending_import(key, actor=actor, now=now)
    pending = db.session.scalars(
        sa.select(ContactImport)
        .where(ContactImport.id == pending.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if pending.confirmed_at is not None:
        raise WrongState("This file has already been imported")
    target = None
    if list_id not in (None, ""):
        try:
            target = contact_lists.lock_list(int(list_id))
        except (NotFound, TypeError, ValueError):
            raise ValidationFailed({"list_id": "Choose a list from the list"}) from None
    plan = plan_import(pending.csv_text, now=now)
    if plan.file_errors:
        raise ValidationFailed({"file": plan.file_errors[0]})
    if fingerprint != plan.fingerprint:
        raise WrongState(
            "The contacts changed since you checked this file: check what will happen again"
        )
    try:
        with db.session.begin_nested():
            imported_ids = _write_rows(plan, pending, actor=actor, now=now)
    except IntegrityError:
        # Another import or officer added one of these addresses a moment ago.
        raise WrongState(
            "The contacts changed since you checked this file: check what will happen again"
        ) from None
    listed = 0
    if target is not None and imported_ids:
        listed = len(contact_lists.add_members(target.id, imported_ids, actor=actor, now=now).added)
    done = ImportDone(
        created=plan.count(NEW),
        updated=plan.count(UPDATE),
        unchanged=plan.count(UNCHANGED),
        skipped=plan.count(DUPLICATE) + plan.count(ERROR),
        list_name=target.name if target else None,
        listed=listed,
    )
    pending.confirmed_at = now
    pending.outcome = done.__dict__
    pending.csv_text = ""  # the contacts now hold what is kept; the file is not
    return done


def _write_rows(plan: ImportPlan, pending: ContactImport, *, actor: User, now: datetime):
    imported_ids: list[int] = []
    for row in plan.rows:
        if row.fate == NEW:
            contact = Contact(**row.details.as_dict(), created_by_id=actor.id)
            contact.created_at = contact.updated_at = now
            if row.details.do_not_contact:
                contact.do_not_contact_at = now
            db.session.add(contact)
            db.session.flush()
            db.session.add(
                ContactEvent(
                    contact_id=contact.id,
                    actor_id=actor.id,
                    action="imported",
                    comment=f"Row {row.number} of {pending.filename or 'a CSV file'}",
                    created_at=now,
                )
            )
            imported_ids.append(contact.id)
        elif row.fate in (UPDATE, UNCHANGED):
            contact = db.session.get(Contact, row.contact_id)
            if row.fate == UPDATE:
                apply_details(contact, row.details, actor=actor, now=now)
            imported_ids.append(contact.id)
    db.session.flush()
    return imported_ids
