"""A request carrying a NUL character is refused before it reaches a rule or the database.

No text a person means to type contains one, and PostgreSQL cannot store it: without this
guard such input would end in a server error instead of a clear refusal naming the field.
"""

from __future__ import annotations

from typing import Any

from flask import abort, request

NUL = "\x00"
MESSAGE = "This contains a character that cannot be stored (a NUL byte)"


def _json_fields_with_nul(value: Any, name: str = "") -> list[str]:
    if isinstance(value, str):
        return [name or "body"] if NUL in value else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            label = f"{name}.{key}" if name else str(key)
            found += [label] if NUL in str(key) else _json_fields_with_nul(item, label)
        return found
    if isinstance(value, list):
        found = []
        for index, item in enumerate(value):
            found += _json_fields_with_nul(item, f"{name}-{index}" if name else str(index))
        return found
    return []


def fields_with_nul() -> list[str]:
    """The names of the query, form or JSON fields of this request that hold a NUL."""
    found = [key for key, value in request.args.items(multi=True) if NUL in key + value]
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        found += [key for key, value in request.form.items(multi=True) if NUL in key + value]
        if request.is_json:
            found += _json_fields_with_nul(request.get_json(silent=True))
    return found


def refuse_nul_input():
    fields = fields_with_nul()
    if not fields:
        return None
    if request.path.startswith("/api/"):
        from .api import error_response

        return error_response(422, "invalid", MESSAGE, {name: MESSAGE for name in fields})
    abort(400)


def init_app(app) -> None:
    app.before_request(refuse_nul_input)
