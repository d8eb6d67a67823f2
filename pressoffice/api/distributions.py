"""Sending a release to media lists through the API, and reading a distribution's progress."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from .. import clock
from ..services import distributions
from ..timefmt import iso_utc
from . import bearer_user, bp, json_body, schemas, token_required


def distribution_json(progress: distributions.Progress) -> dict[str, Any]:
    return {
        "id": progress.id,
        "release_id": progress.release_id,
        "kind": progress.kind,
        "status": progress.status,
        "send_at": iso_utc(progress.send_at),
        "lists": list(progress.list_names),
        "recipients": progress.recipients,
        "waiting": progress.waiting,
        "queued": progress.queued,
        "sent": progress.sent,
        "failed": progress.failed,
        "cancelled": progress.cancelled,
        "skipped_do_not_contact": progress.skipped_do_not_contact,
    }


@bp.post("/releases/<int:release_id>/distributions")
@token_required()
def create_distribution(release_id: int):
    data = json_body()
    schemas.DISTRIBUTION_INPUT.refuse_bad_shape(data)
    made = distributions.create_distribution(
        release_id,
        actor=bearer_user(),
        list_ids=data.get("list_ids"),
        kind=data.get("kind"),
        now=clock.now(),
    )
    return jsonify(distribution_json(made)), 201


@bp.get("/releases/<int:release_id>/distributions/<int:distribution_id>")
@token_required()
def distribution_progress(release_id: int, distribution_id: int):
    return jsonify(
        distribution_json(
            distributions.distribution_progress(release_id, distribution_id, clock.now())
        )
    )
