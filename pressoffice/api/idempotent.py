"""The answer to a create that may be a repeat (``services.idempotency``), as HTTP."""

from __future__ import annotations

from flask import Response, jsonify

from ..services.idempotency import Created


def created_answer(created: Created) -> Response:
    """The stored or fresh answer: same status, body and Location; a repeat says it is one."""
    response = jsonify(created.body)
    response.status_code = created.status
    if created.location:
        response.headers["Location"] = created.location
    if created.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response
