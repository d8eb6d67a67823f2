"""The "answer from a statement" panel of the enquiry page: the approved, current statements
that match the enquiry offered first, the one chosen (its on-the-record words fill the response,
which stays editable), and a refusal of the chosen statement shown by its field."""

from __future__ import annotations

from typing import Any

from flask import request

from ..domain import statements as rules
from ..services import statements
from ..services.errors import NotFound


def statement_panel(enquiry, now, respond_form) -> dict[str, Any]:
    """What the enquiry page shows to answer from a statement. ``?statement=ID`` chooses one:
    an approved, current statement fills the response box (unless the person has typed in it)."""
    choices = statements.statements_for_enquiry(enquiry, now)
    chosen_id = request.form.get("statement_id") or request.args.get("statement") or ""
    chosen = None
    errors: dict[str, str] = {}
    if chosen_id:
        try:
            record = statements.get_statement(chosen_id)
        except NotFound:
            record = None
        choice = next((c for c in choices if record and c.statement.id == record.id), None)
        if record is None:
            errors["statement_id"] = "There is no statement with that number"
        elif choice is None or not choice.usable:
            refusal = rules.may_use(statements.statement_facts(record), now)
            errors["statement_id"] = refusal.reason or "This statement can't be used"
        else:
            chosen = choice
            if request.method == "GET" and not respond_form.response.data:
                content = statements.statement_content(record)
                respond_form.response.data = content.statement or "\n".join(content.lines)
    if request.method == "POST" and chosen_id and respond_form.form_errors:
        errors.setdefault("statement_id", respond_form.form_errors[0])
        respond_form.form_errors.clear()
        chosen = None
    return {
        "statement_choices": choices,
        "chosen_statement": chosen,
        "statement_errors": errors,
    }
