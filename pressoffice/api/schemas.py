"""Every request body and answer of the API, declared once as JSON Schema.

``openapi.json`` is assembled from these declarations (``api/openapi.py``), and the views check a
request's shape with them: the fields a body takes, the type of the fields whose type the API
checks itself, the fields it must carry. What a field's content may be (its length, a headline
on one line, a web address, an instant) is stated here for clients, and decided by the rules in
``domain/`` and ``services/``, which refuse it in the words the staff pages show too.

The schemas are OpenAPI 3.0 schema objects (``nullable`` where null is taken). A request's shape
is checked by ``jsonschema`` with only the shape keywords (``properties``,
``additionalProperties``, ``items``, ``type``), so no pattern ever runs on hostile input. A null
is never a wrong type: it counts as not given, and the rule decides whether that will do. Each
``Body`` also carries the words the API has always refused a wrong shape with.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jsonschema import Draft4Validator, validators

from ..services.errors import ValidationFailed


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


# Text is refused when it holds control characters (other than tab and line breaks);
# ``required`` text must also hold more than spaces.
_SHOWN = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_PRINTABLE = rf"^{_SHOWN}*$"
_NOT_BLANK = rf"^{_SHOWN}*[^\s\x00-\x08\x0b\x0c\x0e-\x1f\x7f]{_SHOWN}*$"


def _text(limit: int, *, required: bool = False, **extra) -> dict:
    return {
        "type": "string",
        "maxLength": limit,
        "pattern": _NOT_BLANK if required else _PRINTABLE,
        **extra,
    }


def _object(properties: dict, *required: str, **extra) -> dict:
    """A JSON object of exactly these fields: any other is refused by name."""
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    return {**schema, **extra}


INSTANT_HELP = "ISO 8601 with an offset, e.g. 2016-12-01T00:01:00+00:00, in the years 1900-2999"
INSTANT = {
    "type": "string",
    "format": "date-time",
    "pattern": "^(19|2[0-9])[0-9][0-9]-",
    "description": INSTANT_HELP,
}

RELEASE_STATUSES = ["draft", "in_review", "approved", "scheduled", "published", "withdrawn"]

# Headline: one line, so no line breaks either.
_HEADLINE = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"

# An optional field sent as null counts as empty.
RELEASE_CONTENT = {
    "title": {"type": "string", "maxLength": 200, "pattern": _HEADLINE},
    "summary": _text(1000, nullable=True),
    "body": _text(100000, description="Markdown", nullable=True),
    "quotes": {"type": "array", "maxItems": 30, "items": ref("Quote"), "nullable": True},
    "notes": {
        "type": "array",
        "maxItems": 30,
        "items": _text(5000, nullable=True),
        "nullable": True,
    },
    "links": {"type": "array", "maxItems": 30, "items": ref("Link"), "nullable": True},
}

# Enquiry text: anything but blank where it is required.
_SAID = {"type": "string", "minLength": 1, "pattern": "\\S"}
STAFF_MEMBER = {
    "anyOf": [{"type": "integer", "minimum": 1}, {"type": "string", "minLength": 1}],
    "description": "A member of staff: their id or email address",
}

STATEMENT_STATUSES = ["draft", "in_review", "approved", "needs_review", "retired"]

# A statement's content; an optional field sent as null counts as empty.
STATEMENT_CONTENT = {
    "title": {"type": "string", "maxLength": 200, "pattern": _HEADLINE},
    "topics": {
        "type": "array",
        "maxItems": 20,
        "items": {"type": "string", "maxLength": 60, "pattern": _HEADLINE},
        "nullable": True,
    },
    "lines": {
        "type": "array",
        "maxItems": 30,
        "items": _text(1000, nullable=True),
        "nullable": True,
        "description": "The lines to take, in order",
    },
    "qa": {"type": "array", "maxItems": 30, "items": ref("QA"), "nullable": True},
    "statement": _text(
        5000, nullable=True, description="On the record: the response to an enquiry defaults to it"
    ),
    "spokesperson": {"type": "string", "maxLength": 120, "nullable": True},
    "spokesperson_role": {"type": "string", "maxLength": 200, "nullable": True},
    "background": _text(10000, nullable=True, description="Never for quotation"),
    "review_by": {
        "type": "string",
        "format": "date",
        "nullable": True,
        "description": "YYYY-MM-DD: after this date in London the statement needs review",
    },
    "release_ids": {
        "type": "array",
        "maxItems": 20,
        "items": {"type": "integer", "minimum": 1},
        "nullable": True,
        "description": "The releases the statement serves, in order (any number up to 20)",
    },
}

ACTION_FIELDS = {
    "comment": {"type": "string", "nullable": True},
    "version": {
        "type": "integer",
        "nullable": True,
        "description": "The version acted on; refused when stale",
    },
}

SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "fields"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            }
        },
    },
    "Quote": {
        "type": "object",
        "required": ["speaker", "text"],
        "additionalProperties": False,
        "properties": {
            "key": {"type": "string", "readOnly": True},
            "speaker": _text(120, required=True),
            "role": _text(200, nullable=True),
            "text": _text(5000, required=True),
        },
    },
    "Link": {
        "type": "object",
        "required": ["label", "url"],
        "additionalProperties": False,
        "properties": {
            "label": _text(200, required=True),
            "url": {
                "type": "string",
                "format": "uri",
                "maxLength": 2000,
                "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s]",
                "description": "A full web address starting with https:// or http://",
            },
        },
    },
    "ReleaseInput": _object(RELEASE_CONTENT, "title"),
    "ReleasePatch": _object(
        {
            **RELEASE_CONTENT,
            "version": {"type": "integer", "description": "The version the edit started from"},
            "change_note": _text(
                1000, description="Required for a correction to a published release"
            ),
        },
        "version",
        description="Changes only the fields it names. The read-only fields of a release's "
        "answer may be sent back unchanged; changing one is refused.",
    ),
    "Release": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "body": {"type": "string"},
            "quotes": {"type": "array", "items": ref("Quote")},
            "notes": {"type": "array", "items": {"type": "string"}},
            "links": {"type": "array", "items": ref("Link")},
            "status": {
                "type": "string",
                "enum": RELEASE_STATUSES,
                "description": "Computed: a scheduled release is published once its embargo passes",
            },
            "version": {"type": "integer"},
            "author": {"type": "object"},
            "embargo_until": {"type": "string", "format": "date-time", "nullable": True},
            "published_at": {"type": "string", "format": "date-time", "nullable": True},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
        },
    },
    "PublicRelease": {
        "type": "object",
        "properties": {
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "body": {"type": "string"},
            "quotes": {"type": "array", "items": ref("Quote")},
            "notes": {"type": "array", "items": {"type": "string"}},
            "links": {"type": "array", "items": ref("Link")},
            "published_at": {"type": "string", "format": "date-time"},
        },
    },
    "Routing": {
        "type": "object",
        "properties": {
            "at": {"type": "string", "format": "date-time"},
            "local": {"type": "string", "description": "Europe/London wall time with offset"},
            "route": {"type": "string", "enum": ["office_hours", "out_of_hours"]},
            "line": {"type": "string"},
            "reason": {"type": "string"},
        },
    },
    "EnquiryInput": {
        "type": "object",
        "required": ["journalist_name", "subject"],
        "additionalProperties": False,
        "properties": {
            "journalist_name": {**_SAID, "maxLength": 120},
            "outlet": {"type": "string", "maxLength": 120, "nullable": True},
            "email": {"type": "string", "format": "email", "maxLength": 254, "nullable": True},
            "phone": {
                "type": "string",
                "maxLength": 40,
                "nullable": True,
                "description": "Digits, spaces, + and brackets: 6 to 15 digits",
            },
            "subject": {**_SAID, "maxLength": 200},
            "details": {"type": "string", "maxLength": 5000, "nullable": True},
            "deadline": {
                **INSTANT,
                "nullable": True,
                "description": "After the time received; " + INSTANT_HELP,
            },
            "channel": {
                "type": "string",
                "enum": ["phone", "email", "web_form", "in_person"],
                "description": "Staff tokens only",
            },
            "release_id": {
                "type": "integer",
                "minimum": 1,
                "description": "Staff tokens only: the release the enquiry is about",
            },
            "assignee": {
                **STAFF_MEMBER,
                "description": "Staff tokens only: who handles it, by id or email address",
            },
            "urgent": {
                "type": "boolean",
                "description": "Urgent: the answer then gives the number to call now",
            },
            "received_at": {
                **INSTANT,
                "description": "Staff tokens only: when a call came in; never in the future. "
                "Refused on the public endpoint.",
            },
        },
        "description": "At least one of email and phone.",
    },
    "Enquiry": {
        "type": "object",
        "properties": {
            "reference": {"type": "string"},
            "received_at": {"type": "string", "format": "date-time"},
            "route": {"type": "string", "enum": ["office_hours", "out_of_hours"]},
            "line": {"type": "string"},
            "status": {"type": "string", "enum": ["new", "assigned", "answered", "closed"]},
            "assignee": {"type": "object", "nullable": True},
            "call_now": {
                "type": "string",
                "nullable": True,
                "description": "For an urgent enquiry: the number to call now",
            },
            "channel": {
                "type": "string",
                "enum": ["phone", "email", "web_form", "in_person"],
                "description": "Staff only: how it came in",
            },
            "messages": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/MailMessage"},
                "description": "GET /enquiries/REF only: every email of the enquiry, in and "
                "out, oldest first",
            },
        },
    },
    "MailMessage": {
        "type": "object",
        "properties": {
            "direction": {"type": "string", "enum": ["in", "out"]},
            "from": {"type": "string", "description": "The sender's address"},
            "to": {"type": "string", "description": "The addresses it was sent to"},
            "subject": {"type": "string"},
            "at": {
                "type": "string",
                "format": "date-time",
                "description": "In: when the office's server received it; out: when it was "
                "written to the outbox",
            },
            "message_id": {"type": "string", "nullable": True},
            "text": {"type": "string", "description": "Its text, quoted history left out"},
            "outcome": {
                "type": "string",
                "description": "In: enquiry, follow_up, automatic, bounce ...; out: "
                "acknowledgement or answer",
            },
            "delivery": {
                "type": "object",
                "nullable": True,
                "description": "Out only: the outbox's status (queued, sending, sent, failed, "
                "cancelled), sent_at, and failed_at and error when it bounced or was refused",
            },
            "attachments": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "filename": {"type": "string"},
                        "size": {"type": "integer", "description": "Bytes"},
                    },
                },
            },
        },
    },
    "Recipient": {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "preview_url": {"type": "string"}},
    },
    "Distribution": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "release_id": {"type": "integer"},
            "kind": {"type": "string", "enum": ["embargoed_copy", "on_publication"]},
            "status": {
                "type": "string",
                "enum": ["scheduled", "sending", "sent", "sent with failures", "cancelled"],
            },
            "send_at": {"type": "string", "format": "date-time"},
            "lists": {"type": "array", "items": {"type": "string"}},
            "recipients": {"type": "integer"},
            "waiting": {"type": "integer"},
            "queued": {"type": "integer"},
            "sent": {"type": "integer"},
            "failed": {"type": "integer"},
            "cancelled": {"type": "integer"},
            "skipped_do_not_contact": {"type": "integer"},
        },
    },
    "QA": {
        "type": "object",
        "required": ["question", "answer"],
        "additionalProperties": False,
        "properties": {
            "question": _text(500, required=True),
            "answer": _text(3000, required=True),
        },
    },
    "StatementInput": _object(STATEMENT_CONTENT, "title"),
    "StatementPatch": _object(
        {
            **STATEMENT_CONTENT,
            "version": {"type": "integer", "description": "The version the edit started from"},
        },
        "version",
        description="Changes only the fields it names; an edit sends the statement back to "
        "draft and voids its approval. The read-only fields of a statement's answer may be "
        "sent back unchanged.",
    ),
    "Statement": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            **{name: {**field, "nullable": False} for name, field in STATEMENT_CONTENT.items()},
            "review_by": {"type": "string", "format": "date", "nullable": True},
            "release_ids": {"type": "array", "items": {"type": "integer"}},
            "status": {
                "type": "string",
                "enum": STATEMENT_STATUSES,
                "description": "Computed: an approved statement past its review-by date (in "
                "London) needs review and can't be used until approved again",
            },
            "usable": {
                "type": "boolean",
                "description": "Whether it may be given to a journalist now",
            },
            "version": {"type": "integer"},
            "author": {"type": "object"},
            "approved_by": {"type": "object", "nullable": True},
            "approved_at": {"type": "string", "format": "date-time", "nullable": True},
            "approved_version": {"type": "integer", "nullable": True},
            "retired_reason": {"type": "string", "nullable": True},
            "publication": ref("StatementPublication"),
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
        },
    },
    "StatementPublication": {
        "type": "object",
        "nullable": True,
        "description": "Null until the statement is published in the newsroom. The public page "
        "shows only the on-the-record statement of the approved version named here, never the "
        "lines, the Q&A or the background; an edit reaches it once approved again.",
        "properties": {
            "status": {"type": "string", "enum": ["published", "withdrawn"]},
            "public_url": {"type": "string", "description": "The newsroom page"},
            "public_version": {
                "type": "integer",
                "description": "The approved version the public sees",
            },
            "published_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            "withdrawn_at": {"type": "string", "format": "date-time", "nullable": True},
            "withdrawal_reason": {"type": "string", "nullable": True},
        },
    },
}


# --- checking a request's shape ---------------------------------------------------------------

_DRAFT4 = Draft4Validator.VALIDATORS


def _type(validator, types, instance, schema):
    # A null counts as not given: whether a field may be left out is the rule's to say.
    if instance is None:
        return
    yield from _DRAFT4["type"](validator, types, instance, schema)


_ShapeValidator = validators.create(
    meta_schema=Draft4Validator.META_SCHEMA,
    validators={
        "$ref": _DRAFT4["$ref"],
        "properties": _DRAFT4["properties"],
        "additionalProperties": _DRAFT4["additionalProperties"],
        "items": _DRAFT4["items"],
        "type": _type,
    },
    # Draft 4 types: true is not a number and 1.0 is not a whole number.
    type_checker=Draft4Validator.TYPE_CHECKER,
    version="pressoffice-shape",
)


class Body:
    """A request body: its schema, and the words the API refuses a body of the wrong shape with.

    ``unknown`` words a field the body does not take (or says, given the field's name, why
    not); ``list_unknown`` puts the refused names in the message as well. ``wrong_type`` holds
    the words for each field whose type the API checks before the rule sees it, ``missing``
    those for each required field it asks for itself. ``sent_back`` names fields of an answer
    that a client may send back in the body unchanged.
    """

    def __init__(
        self,
        schema: dict,
        *,
        unknown: str | Callable[[str], str],
        list_unknown: bool = False,
        wrong_type: dict[str, str] | None = None,
        missing: dict[str, str] | None = None,
        sent_back: frozenset[str] = frozenset(),
        required: bool = True,
    ):
        undeclared = set(wrong_type or {}) - set(schema["properties"])
        undeclared |= set(missing or {}) - set(schema.get("required", ()))
        if undeclared:
            raise ValueError(f"words for fields the body does not declare: {sorted(undeclared)}")
        self.schema = schema
        self.unknown = unknown
        self.list_unknown = list_unknown
        self.wrong_type = wrong_type or {}
        self.missing = missing or {}
        self.sent_back = sent_back
        self.required = required
        self._validator = _ShapeValidator({**schema, "components": {"schemas": SCHEMAS}})

    @property
    def fields(self) -> list[str]:
        return list(self.schema["properties"])

    def without(self, *names: str) -> Body:
        """The same body taking fewer fields (for a caller who may not set them)."""
        properties = {k: v for k, v in self.schema["properties"].items() if k not in names}
        return Body(
            {**self.schema, "properties": properties},
            unknown=self.unknown,
            list_unknown=self.list_unknown,
            wrong_type={k: v for k, v in self.wrong_type.items() if k not in names},
            missing={k: v for k, v in self.missing.items() if k not in names},
            sent_back=self.sent_back,
            required=self.required,
        )

    def _errors(self, data: dict[str, Any], keyword: str, depth: int):
        for error in self._validator.iter_errors(data):
            if error.validator == keyword and len(error.path) == depth:
                yield error

    def unknown_fields(self, data: dict[str, Any]) -> dict[str, str]:
        """Each field of ``data`` that the body does not take, with the words for it."""
        names = sorted(set(data) - set(self.schema["properties"]) - self.sent_back)
        words = self.unknown if callable(self.unknown) else (lambda _name: self.unknown)
        return {name: words(name) for name in names}

    def unknown_in_rows(self, data: dict[str, Any]) -> dict[str, str]:
        """Each field of a row (a quote, a link) that such a row does not take: named
        ``quotes-0-title``, as the forms name a row's fields."""
        found = {}
        for error in self._errors(data, "additionalProperties", 2):
            list_name, index = error.path
            takes = error.schema["properties"]
            settable = sorted(name for name, field in takes.items() if not field.get("readOnly"))
            for name in sorted(set(error.instance) - set(takes)):
                found[f"{list_name}-{index}-{name}"] = (
                    f"A {list_name[:-1]} has no field {name!r}: use " + ", ".join(settable)
                )
        return found

    def missing_fields(self, data: dict[str, Any]) -> dict[str, str]:
        """Each required field that ``data`` leaves out and the API asks for itself."""
        required = self.schema.get("required", ())
        return {
            name: self.missing[name]
            for name in required
            if name in self.missing and name not in data
        }

    def wrong_types(self, data: dict[str, Any]) -> dict[str, str]:
        """Each field of ``data`` of the wrong type whose type the API checks, in the order the
        body declares them."""
        wrong = {error.path[0] for error in self._errors(data, "type", 1)}
        return {
            name: self.wrong_type[name]
            for name in self.fields
            if name in wrong & set(self.wrong_type)
        }

    def refuse_unknown(self, data: dict[str, Any]) -> None:
        """Refuses a field the body does not take, then one that a row of it does not take."""
        unknown = self.unknown_fields(data)
        if unknown:
            message = None
            if self.list_unknown:
                message = "The request has fields this endpoint does not take: " + ", ".join(
                    unknown
                )
            raise ValidationFailed(unknown, message)
        refuse(self.unknown_in_rows(data))

    def refuse_missing(self, data: dict[str, Any]) -> None:
        refuse(self.missing_fields(data))

    def refuse_wrong_types(self, data: dict[str, Any], *, one_at_a_time: bool = False) -> None:
        """Refuses a value of the wrong type; ``one_at_a_time`` names only the first."""
        wrong = self.wrong_types(data)
        refuse(dict(list(wrong.items())[:1]) if one_at_a_time else wrong)

    def refuse_bad_shape(self, data: dict[str, Any], *, one_at_a_time: bool = False) -> None:
        """Unknown fields, then missing ones, then values of the wrong type."""
        self.refuse_unknown(data)
        self.refuse_missing(data)
        self.refuse_wrong_types(data, one_at_a_time=one_at_a_time)


def refuse(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationFailed(errors)


# --- the request bodies -----------------------------------------------------------------------

NOT_PART_OF_A_RELEASE = "This field is not part of a release"
VERSION_WORDS = "The version must be a whole number, like 3"

RELEASE_INPUT = Body(SCHEMAS["ReleaseInput"], unknown=NOT_PART_OF_A_RELEASE, list_unknown=True)

# Fields of a release's answer that a client may send back unchanged; they are not edits.
RELEASE_READ_ONLY = frozenset(
    {
        "id",
        "slug",
        "status",
        "author",
        "embargo_until",
        "published_at",
        "created_at",
        "updated_at",
        "notice",
        "pending_correction",
        "withdrawal_reason",
        "attachments",
        "approved_by",
        "approved_at",
        "url",
        "public_url",
    }
)

RELEASE_PATCH = Body(
    SCHEMAS["ReleasePatch"],
    unknown=NOT_PART_OF_A_RELEASE,
    list_unknown=True,
    missing={"version": "Give the version of the release this edit started from"},
    wrong_type={"version": VERSION_WORDS},
    sent_back=RELEASE_READ_ONLY,
)


def _action(properties: dict, *required: str) -> Body:
    return Body(
        _object(properties, *required),
        unknown=NOT_PART_OF_A_RELEASE,
        list_unknown=True,
        wrong_type={
            name: words
            for name, words in {
                "comment": "Comment must be text",
                "version": VERSION_WORDS,
                "signoff_override": "Signoff override must be text",
                "reason": "Reason must be text",
                "links": 'Links must be "keep" or "cancel"',
            }.items()
            if name in properties
        },
        required=bool(required),
    )


# The body each workflow action takes, by the action's name in its address.
RELEASE_ACTIONS = {
    "submit": _action(ACTION_FIELDS),
    "approve": _action(
        {
            "comment": {"type": "string"},
            "version": {
                "type": "integer",
                "description": "The version reviewed: the approval covers exactly that content",
            },
            "signoff_override": {"type": "string"},
        },
        "version",
    ),
    "request-changes": _action({**ACTION_FIELDS, "comment": _SAID}, "comment"),
    "publish": _action(ACTION_FIELDS),
    "schedule": _action({**ACTION_FIELDS, "embargo_until": INSTANT}, "embargo_until"),
    "unschedule": _action(
        {
            **ACTION_FIELDS,
            "links": {
                "type": "string",
                "enum": ["keep", "cancel"],
                "description": "The embargoed-copy links already given out: keep them for when "
                "it is scheduled again (the default), or cancel them for good",
            },
        }
    ),
    "withdraw": _action({"reason": {**_SAID, "maxLength": 2000}}, "reason"),
}

RECIPIENT_INPUT = Body(
    _object(
        {
            "name": {**_SAID, "maxLength": 120},
            "outlet": {**_SAID, "maxLength": 120},
            "email": {"type": "string", "format": "email", "maxLength": 254},
        },
        "name",
        "outlet",
        "email",
    ),
    unknown="This field is not part of a recipient",
    list_unknown=True,
)

DISTRIBUTION_INPUT = Body(
    _object(
        {
            "list_ids": {
                "type": "array",
                "items": {"type": "integer", "minimum": 1},
                "minItems": 1,
                "maxItems": 50,
                "description": "The media lists to send to; each contact gets one message",
            },
            "kind": {
                "type": "string",
                "enum": ["embargoed_copy", "on_publication"],
                "description": "embargoed_copy: personal embargoed links now; on_publication: "
                "the public release at the embargo instant (at once if already public)",
            },
        },
        "list_ids",
        "kind",
    ),
    unknown="This field is not part of a distribution",
    list_unknown=True,
    wrong_type={
        "list_ids": "Lists are named by their numbers, in a list",
        "kind": "Kind is embargoed_copy or on_publication",
    },
)

# Fields of an enquiry's answer that the server sets: a caller is told so, not just refused.
ENQUIRY_SET_BY_THE_SERVER = frozenset(
    {"reference", "route", "line", "reason", "status", "needs_attention"}
)
ENQUIRY_STAFF_ONLY = ("received_at", "channel", "assignee", "release_id")
ENQUIRY_TEXT = ("journalist_name", "outlet", "email", "phone", "subject", "details")


def _not_an_enquiry_field(name: str) -> str:
    if name in ENQUIRY_SET_BY_THE_SERVER:
        return "Set by the server from the time the enquiry is received"
    if name == "received_at":
        return "Only staff can set this: the server's clock gives the time received"
    if name in ENQUIRY_STAFF_ONLY:
        return "Only staff can set this"
    return "Not a field of an enquiry"


# A staff token may give every field; the public may not set the staff-only ones.
ENQUIRY_INPUT = Body(
    SCHEMAS["EnquiryInput"],
    unknown=_not_an_enquiry_field,
    wrong_type={
        **dict.fromkeys(ENQUIRY_TEXT, "Must be text"),
        "urgent": "Must be true or false",
        "release_id": "Give the number of the release, as a whole number",
    },
)
PUBLIC_ENQUIRY_INPUT = ENQUIRY_INPUT.without(*ENQUIRY_STAFF_ONLY)

_NOT_TAKEN_BY_THE_ACTION = "This action does not take this field"
ENQUIRY_ASSIGN = Body(
    _object({"assignee": STAFF_MEMBER}, "assignee"), unknown=_NOT_TAKEN_BY_THE_ACTION
)
ENQUIRY_RESPOND = Body(
    _object(
        {
            "response": {
                "type": "string",
                "maxLength": 10000,
                "nullable": True,
                "description": "Required unless statement_id is given; then it defaults to "
                "the statement's on-the-record words",
            },
            "statement_id": {
                "type": "integer",
                "minimum": 1,
                "nullable": True,
                "description": "The approved, current statement the answer is given from; "
                "the enquiry records it and its version",
            },
            "send": {
                "type": "boolean",
                "default": True,
                "description": "An enquiry that came by email is answered by email (from the "
                "office's address, in the journalist's thread); false records the answer "
                "without sending it",
            },
        },
        description="Give response, statement_id or both.",
    ),
    unknown=_NOT_TAKEN_BY_THE_ACTION,
    wrong_type={
        "response": "Must be text",
        "statement_id": "Give the statement's number",
        "send": "Must be true or false",
    },
)
ENQUIRY_CLOSE = Body(
    _object({"comment": {"type": "string", "maxLength": 2000}}),
    unknown=_NOT_TAKEN_BY_THE_ACTION,
    wrong_type={"comment": "Must be text"},
    required=False,
)

# --- statements (lines to take) ---------------------------------------------------------------

NOT_PART_OF_A_STATEMENT = "This field is not part of a statement"
RELEASE_IDS_WORDS = "Give a list of release numbers, each a whole number"

STATEMENT_INPUT = Body(
    SCHEMAS["StatementInput"],
    unknown=NOT_PART_OF_A_STATEMENT,
    list_unknown=True,
    wrong_type={"release_ids": RELEASE_IDS_WORDS},
)

# Fields of a statement's answer that a client may send back unchanged; they are not edits.
STATEMENT_READ_ONLY = frozenset(
    {
        "id",
        "status",
        "usable",
        "author",
        "approved_by",
        "approved_at",
        "approved_version",
        "retired_reason",
        "publication",
        "notice",
        "created_at",
        "updated_at",
        "url",
    }
)

STATEMENT_PATCH = Body(
    SCHEMAS["StatementPatch"],
    unknown=NOT_PART_OF_A_STATEMENT,
    list_unknown=True,
    missing={"version": "Give the version of the statement this edit started from"},
    wrong_type={
        "version": VERSION_WORDS,
        "release_ids": RELEASE_IDS_WORDS,
    },
    sent_back=STATEMENT_READ_ONLY,
)


def _statement_action(properties: dict, *required: str) -> Body:
    return Body(
        _object(properties, *required),
        unknown="This action does not take this field",
        list_unknown=True,
        wrong_type={
            name: words
            for name, words in {
                "comment": "Comment must be text",
                "version": VERSION_WORDS,
                "reason": "Reason must be text",
                "links": 'Links must be "keep" or "cancel"',
            }.items()
            if name in properties
        },
        required=bool(required),
    )


# The body each statement action takes, by the action's name in its address.
STATEMENT_ACTIONS = {
    "submit": _statement_action(ACTION_FIELDS),
    "approve": _statement_action(
        {
            "comment": {"type": "string", "nullable": True},
            "version": {
                "type": "integer",
                "description": "The version reviewed: the approval covers exactly that content",
            },
        },
        "version",
    ),
    "request-changes": _statement_action({**ACTION_FIELDS, "comment": _SAID}, "comment"),
    "retire": _statement_action(
        {
            "reason": {**_SAID, "maxLength": 1000},
            "version": ACTION_FIELDS["version"],
        },
        "reason",
    ),
    "publish": _statement_action(
        {
            "version": {
                **ACTION_FIELDS["version"],
                "description": "The version you mean to publish; refused when stale",
            }
        }
    ),
    "withdraw": _statement_action(
        {
            "reason": {
                **_SAID,
                "maxLength": 1000,
                "description": "Shown to readers on the statement's newsroom page",
            },
            "version": ACTION_FIELDS["version"],
        },
        "reason",
    ),
}


# --- media contacts and lists -----------------------------------------------------------------

CONSENT_BASES = ["legitimate_interests", "consent", "public_task"]
CONTACT_FIELDS = {
    "name": _text(120, required=True),
    "outlet": _text(120),
    "email": {"type": "string", "format": "email", "maxLength": 254, "nullable": True},
    "phone": {
        "type": "string",
        "maxLength": 40,
        "nullable": True,
        "description": "Any common format; a number without a country code is read as a UK "
        "number. Answered in E.164, like +442079460000",
    },
    "beats": {
        "type": "array",
        "items": _text(60, required=True),
        "maxItems": 20,
        "description": "What they cover; repeats (in any case) are kept once",
    },
    "consent_basis": {
        "type": "string",
        "enum": CONSENT_BASES,
        "description": "The UK GDPR lawful basis the office holds their details on (default "
        "legitimate_interests)",
    },
    "consent_at": {
        "type": "string",
        "format": "date",
        "nullable": True,
        "description": "YYYY-MM-DD: when they consented or the basis was recorded; not future",
    },
    "do_not_contact": {
        "type": "boolean",
        "description": "Always wins: nothing is sent to them, whatever list they are on",
    },
    "do_not_contact_reason": {
        **_text(500),
        "nullable": True,
        "description": "Required when do_not_contact is true, refused otherwise",
    },
}
SCHEMAS.update(
    {
        "ContactInput": _object(CONTACT_FIELDS, "name"),
        "ContactPatch": _object(
            CONTACT_FIELDS,
            description="Changes only the fields it names (null clears an optional one). The "
            "read-only fields of a contact's answer may be sent back unchanged.",
        ),
        "Contact": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                **CONTACT_FIELDS,
                "do_not_contact_at": {"type": "string", "format": "date-time", "nullable": True},
                "may_contact": {
                    "type": "boolean",
                    "description": "Whether anything may be sent to them now: not do not "
                    "contact, details not removed, an email address held",
                },
                "last_used_at": {"type": "string", "format": "date-time", "nullable": True},
                "anonymised_at": {"type": "string", "format": "date-time", "nullable": True},
                "lists": {"type": "array", "items": {"type": "object"}},
                "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"},
            },
        },
        "ContactListInput": _object({"name": _text(120, required=True)}, "name"),
        "ContactList": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "members": {
                    "type": "array",
                    "items": {"type": "integer"},
                    "description": "The contacts on the list, by number, in the order added",
                },
                "may_contact": {
                    "type": "integer",
                    "description": "How many members may be sent anything now",
                },
                "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"},
            },
        },
        "ContactListMembersInput": _object(
            {
                "contact_ids": {
                    "type": "array",
                    "items": {"type": "integer", "minimum": 1},
                    "minItems": 1,
                    "maxItems": 5000,
                    "description": "Contacts to add; those already on the list stay as they are",
                }
            },
            "contact_ids",
        ),
    }
)

NOT_PART_OF_A_CONTACT = "This field is not part of a contact"
CONTACT_WRONG_TYPE = {
    "name": "Name must be text",
    "outlet": "Outlet must be text",
    "email": "Email address must be text",
    "phone": "Phone number must be text",
    "beats": 'Beats must be a list of text, like ["Health", "Education"]',
    "consent_basis": "The basis must be one of " + ", ".join(CONSENT_BASES),
    "consent_at": "The date must be text, like 2026-03-31",
    "do_not_contact": "Do not contact must be true or false",
    "do_not_contact_reason": "The reason must be text",
}
# Fields of a contact's answer that a client may send back unchanged; they are not edits.
CONTACT_READ_ONLY = frozenset(
    {
        "id",
        "do_not_contact_at",
        "may_contact",
        "last_used_at",
        "anonymised_at",
        "lists",
        "created_at",
        "updated_at",
        "url",
    }
)
CONTACT_INPUT = Body(
    SCHEMAS["ContactInput"],
    unknown=NOT_PART_OF_A_CONTACT,
    list_unknown=True,
    wrong_type=CONTACT_WRONG_TYPE,
)
CONTACT_PATCH = Body(
    SCHEMAS["ContactPatch"],
    unknown=NOT_PART_OF_A_CONTACT,
    list_unknown=True,
    wrong_type=CONTACT_WRONG_TYPE,
    sent_back=CONTACT_READ_ONLY,
)
CONTACT_LIST_INPUT = Body(
    SCHEMAS["ContactListInput"],
    unknown="This field is not part of a list",
    list_unknown=True,
    wrong_type={"name": "The list's name must be text"},
)
CONTACT_LIST_MEMBERS_INPUT = Body(
    SCHEMAS["ContactListMembersInput"],
    unknown="This field is not part of adding members",
    list_unknown=True,
    wrong_type={"contact_ids": "Give a list of contact numbers, each a whole number"},
)
