"""Lists of media contacts: creating them, and putting contacts on and off them.

A list is who a release may be sent to; whether each member is actually sent anything is still
``domain.contacts.may_contact``, asked at the moment of sending, so a do-not-contact member stays
on the list and is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..domain import contacts as rules
from ..extensions import db
from ..models import Contact, ContactEvent, ContactList, ContactListMember, User
from .errors import NotFound, ValidationFailed
from .paging import Page
from .unit_of_work import unit_of_work


@dataclass(frozen=True)
class ListSummary:
    list: ContactList
    members: int
    may_contact: int


def _is_row_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 2**31 - 1


def get_list(list_id: Any) -> ContactList:
    """One list. NotFound when there is none."""
    found = db.session.get(ContactList, list_id) if _is_row_id(list_id) else None
    if found is None:
        raise NotFound("There is no list with that number")
    return found


def lock_list(list_id: Any) -> ContactList:
    """The list, locked until the unit of work ends."""
    if not _is_row_id(list_id):
        raise NotFound("There is no list with that number")
    found = db.session.scalars(
        sa.select(ContactList)
        .where(ContactList.id == list_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if found is None:
        raise NotFound("There is no list with that number")
    return found


def member_ids(list_id: int) -> list[int]:
    """The ids of the list's members, in the order they were added."""
    return list(
        db.session.scalars(
            sa.select(ContactListMember.contact_id)
            .where(ContactListMember.list_id == list_id)
            .order_by(ContactListMember.added_at, ContactListMember.contact_id)
        )
    )


def list_members(list_id: int, *, page: int = 1, per_page: int = 50) -> Page:
    """The list's members by name, one page at a time."""
    query = (
        sa.select(Contact)
        .join(ContactListMember, ContactListMember.contact_id == Contact.id)
        .where(ContactListMember.list_id == list_id)
    )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    items = list(
        db.session.scalars(
            query.order_by(sa.func.lower(Contact.name), Contact.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return Page(items=items, page=page, per_page=per_page, total=total)


def all_lists() -> list[ListSummary]:
    """Every list by name, with how many members it has and how many of them may be sent
    something (not do-not-contact, not removed, with an email address)."""
    counts = sa.select(
        ContactListMember.list_id,
        sa.func.count().label("members"),
        sa.func.count()
        .filter(
            Contact.do_not_contact.is_(False),
            Contact.anonymised_at.is_(None),
            Contact.email.is_not(None),
        )
        .label("reachable"),
    ).join(Contact, Contact.id == ContactListMember.contact_id)
    counts = counts.group_by(ContactListMember.list_id).subquery()
    rows = db.session.execute(
        sa.select(ContactList, counts.c.members, counts.c.reachable)
        .outerjoin(counts, counts.c.list_id == ContactList.id)
        .order_by(ContactList.name_key)
    ).all()
    return [ListSummary(row[0], row[1] or 0, row[2] or 0) for row in rows]


def _name_taken(key: str) -> ContactList | None:
    return db.session.scalars(sa.select(ContactList).where(ContactList.name_key == key)).first()


@unit_of_work
def create_list(name: Any, *, actor: User | None, now: datetime) -> ContactList:
    """Make a new, empty list. ValidationFailed on ``name`` when it is empty, too long or the
    name of another list (whatever the case)."""
    cleaned, problem = rules.list_name_problem(name)
    if problem:
        raise ValidationFailed({"name": problem})
    key = cleaned.casefold()
    if _name_taken(key) is not None:
        raise ValidationFailed({"name": f"There is already a list called {cleaned}"})
    contact_list = ContactList(
        name=cleaned,
        name_key=key,
        created_by_id=actor.id if actor else None,
        created_at=now,
        updated_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(contact_list)
            db.session.flush()
    except IntegrityError:
        # Another list of this name was made a moment ago.
        raise ValidationFailed({"name": f"There is already a list called {cleaned}"}) from None
    return contact_list


@dataclass
class MembersAdded:
    list: ContactList
    added: list[int]
    already: list[int]


def check_contact_ids(contact_ids: Any) -> list[int]:
    """The ids given, checked: a list of whole numbers, each naming a contact whose details
    are held. ValidationFailed on ``contact_ids`` otherwise."""
    if not isinstance(contact_ids, list) or not contact_ids:
        raise ValidationFailed({"contact_ids": "Give a list of one or more contact numbers"})
    if len(contact_ids) > rules.MEMBERS_PER_REQUEST_MAX:
        raise ValidationFailed(
            {"contact_ids": f"Add at most {rules.MEMBERS_PER_REQUEST_MAX} contacts at a time"}
        )
    if not all(_is_row_id(cid) for cid in contact_ids):
        raise ValidationFailed({"contact_ids": "Each contact number must be a whole number"})
    wanted = list(dict.fromkeys(contact_ids))
    found = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(
            db.session.execute(
                sa.select(Contact.id, Contact.anonymised_at).where(Contact.id.in_(chunk))
            ).all()
        )
    missing = [cid for cid in wanted if cid not in found]
    if missing:
        shown = ", ".join(str(cid) for cid in missing[:10])
        raise ValidationFailed({"contact_ids": f"There is no contact numbered {shown}"})
    removed = [cid for cid in wanted if found[cid] is not None]
    if removed:
        shown = ", ".join(str(cid) for cid in removed[:10])
        raise ValidationFailed({"contact_ids": f"The details of contact {shown} have been removed"})
    return wanted


@unit_of_work
def add_members(
    list_id: Any, contact_ids: Any, *, actor: User | None, now: datetime
) -> MembersAdded:
    """Put contacts on a list; those already on it stay as they were. Do-not-contact contacts
    may be listed (they are skipped when anything is sent)."""
    contact_list = lock_list(list_id)
    wanted = check_contact_ids(contact_ids)
    present = set(member_ids(contact_list.id))
    added = [cid for cid in wanted if cid not in present]
    db.session.add_all(
        ContactListMember(
            list_id=contact_list.id,
            contact_id=cid,
            added_by_id=actor.id if actor else None,
            added_at=now,
        )
        for cid in added
    )
    db.session.add_all(
        ContactEvent(
            contact_id=cid,
            actor_id=actor.id if actor else None,
            action="added_to_list",
            comment=contact_list.name,
            created_at=now,
        )
        for cid in added
    )
    if added:
        contact_list.updated_at = now
    return MembersAdded(contact_list, added, [cid for cid in wanted if cid in present])


@unit_of_work
def remove_member(list_id: Any, contact_id: Any, *, actor: User | None, now: datetime) -> bool:
    """Take a contact off a list. Answers whether they were on it."""
    contact_list = lock_list(list_id)
    if not _is_row_id(contact_id):
        raise NotFound("There is no contact with that number")
    result = db.session.execute(
        sa.delete(ContactListMember).where(
            ContactListMember.list_id == contact_list.id,
            ContactListMember.contact_id == contact_id,
        )
    )
    if result.rowcount:
        contact_list.updated_at = now
        db.session.add(
            ContactEvent(
                contact_id=contact_id,
                actor_id=actor.id if actor else None,
                action="removed_from_list",
                comment=contact_list.name,
                created_at=now,
            )
        )
    return bool(result.rowcount)
