"""Staff endpoints for media contacts and lists: find, add and change contacts; make lists and
put contacts on them.

Each view checks the body's shape against ``api/schemas.py``, calls one use case in
``services.contacts`` or ``services.contact_lists`` and answers JSON; refusals come from the
services, by field, mapped to status codes by the blueprint.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for

from .. import clock
from ..domain import contacts as rules
from ..services import contact_lists, contacts
from ..services.errors import ValidationFailed
from ..timefmt import iso_utc
from . import bearer_user, bp, json_body, schemas, token_required

PER_PAGE_MAX = 200


def contact_json(contact) -> dict[str, Any]:
    """A contact as the API answers it: phone in E.164, instants in UTC."""
    return {
        "id": contact.id,
        "name": contact.name,
        "outlet": contact.outlet,
        "email": contact.email,
        "phone": contact.phone,
        "beats": list(contact.beats),
        "consent_basis": contact.consent_basis,
        "consent_at": contact.consent_at.isoformat() if contact.consent_at else None,
        "do_not_contact": contact.do_not_contact,
        "do_not_contact_reason": contact.do_not_contact_reason,
        "do_not_contact_at": iso_utc(contact.do_not_contact_at),
        "may_contact": rules.may_contact(contact),
        "last_used_at": iso_utc(contact.last_used_at),
        "anonymised_at": iso_utc(contact.anonymised_at),
        "lists": [{"id": lst.id, "name": lst.name} for lst in contact.lists],
        "created_at": iso_utc(contact.created_at),
        "updated_at": iso_utc(contact.updated_at),
        "url": url_for("api.get_contact", contact_id=contact.id),
    }


def list_json(contact_list, may_contact: int | None = None) -> dict[str, Any]:
    """A list as the API answers it, with its members' numbers in the order they were added."""
    if may_contact is None:
        may_contact = next(
            (s.may_contact for s in contact_lists.all_lists() if s.list.id == contact_list.id), 0
        )
    return {
        "id": contact_list.id,
        "name": contact_list.name,
        "members": contact_lists.member_ids(contact_list.id),
        "may_contact": may_contact,
        "created_at": iso_utc(contact_list.created_at),
        "updated_at": iso_utc(contact_list.updated_at),
        "url": url_for("api.get_contact_list", list_id=contact_list.id),
    }


def _whole_number(name: str, default: int, maximum: int) -> int:
    raw = request.args.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= maximum:
        raise ValidationFailed({name: f"{name} must be a whole number from 1 to {maximum}"})
    return value


@bp.get("/contacts", endpoint="list_contacts")
@token_required()
def list_contacts():
    page = _whole_number("page", 1, 1_000_000)
    per_page = _whole_number("per_page", contacts.PER_PAGE, PER_PAGE_MAX)
    q = request.args.get("q", "")
    if len(q) > contacts.SEARCH_MAX:
        raise ValidationFailed({"q": f"Search with {contacts.SEARCH_MAX} characters or fewer"})
    found = contacts.search_contacts(q, page=page, per_page=per_page)
    return jsonify(
        {
            "contacts": [contact_json(c) for c in found.items],
            "page": found.page,
            "per_page": found.per_page,
            "total": found.total,
            "pages": found.pages,
        }
    )


@bp.post("/contacts", endpoint="create_contact")
@token_required()
def create_contact():
    data = json_body()
    schemas.CONTACT_INPUT.refuse_unknown(data)
    schemas.CONTACT_INPUT.refuse_wrong_types(data)
    created = contacts.create_contact(data, actor=bearer_user(), now=clock.now())
    answer = jsonify(contact_json(contacts.get_contact(created.id)))
    answer.status_code = 201
    answer.headers["Location"] = url_for("api.get_contact", contact_id=created.id)
    return answer


@bp.get("/contacts/<int:contact_id>", endpoint="get_contact")
@token_required()
def get_contact(contact_id: int):
    return jsonify(contact_json(contacts.get_contact(contact_id)))


@bp.patch("/contacts/<int:contact_id>", endpoint="update_contact")
@token_required()
def update_contact(contact_id: int):
    data = json_body()
    body = schemas.CONTACT_PATCH
    body.refuse_unknown(data)
    body.refuse_wrong_types(data)
    current = contact_json(contacts.get_contact(contact_id))
    changed = sorted(name for name in body.sent_back & set(data) if data[name] != current.get(name))
    if changed:
        raise ValidationFailed(
            {name: "This field is read-only: send it unchanged or leave it out" for name in changed}
        )
    changes = {name: data[name] for name in rules.FIELDS if name in data}
    contacts.update_contact(contact_id, changes, actor=bearer_user(), now=clock.now())
    return jsonify(contact_json(contacts.get_contact(contact_id)))


@bp.get("/lists", endpoint="list_contact_lists")
@token_required()
def list_contact_lists():
    return jsonify({"lists": [list_json(s.list, s.may_contact) for s in contact_lists.all_lists()]})


@bp.post("/lists", endpoint="create_contact_list")
@token_required()
def create_contact_list():
    data = json_body()
    schemas.CONTACT_LIST_INPUT.refuse_unknown(data)
    schemas.CONTACT_LIST_INPUT.refuse_wrong_types(data)
    created = contact_lists.create_list(data.get("name"), actor=bearer_user(), now=clock.now())
    answer = jsonify(list_json(contact_lists.get_list(created.id), 0))
    answer.status_code = 201
    answer.headers["Location"] = url_for("api.get_contact_list", list_id=created.id)
    return answer


@bp.get("/lists/<int:list_id>", endpoint="get_contact_list")
@token_required()
def get_contact_list(list_id: int):
    return jsonify(list_json(contact_lists.get_list(list_id)))


@bp.post("/lists/<int:list_id>/members", endpoint="add_contact_list_members")
@token_required()
def add_contact_list_members(list_id: int):
    data = json_body()
    body = schemas.CONTACT_LIST_MEMBERS_INPUT
    body.refuse_unknown(data)
    body.refuse_wrong_types(data)
    done = contact_lists.add_members(
        list_id, data.get("contact_ids"), actor=bearer_user(), now=clock.now()
    )
    answer = list_json(contact_lists.get_list(done.list.id))
    answer["added"] = done.added
    answer["already_members"] = done.already
    return jsonify(answer)
