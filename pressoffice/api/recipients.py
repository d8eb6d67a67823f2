"""Embargoed copies through the API: add a recipient (answers their personal link), list the
recipients with their views, revoke one."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from .. import clock
from ..services import previews
from ..timefmt import iso_utc
from . import bearer_user, bp, json_body, schemas, token_required


def recipient_json(recipient) -> dict[str, Any]:
    return {
        "id": recipient.id,
        "release_id": recipient.release_id,
        "name": recipient.name,
        "outlet": recipient.outlet,
        "email": recipient.email,
        "created_at": iso_utc(recipient.created_at),
        "expires_at": iso_utc(recipient.expires_at),
        "revoked_at": iso_utc(recipient.revoked_at),
        "terms_accepted_at": iso_utc(recipient.terms_accepted_at),
    }


@bp.post("/releases/<int:release_id>/recipients")
@token_required()
def add_recipient(release_id: int):
    data = json_body()
    schemas.RECIPIENT_INPUT.refuse_unknown(data)
    added = previews.add_recipient(
        release_id,
        actor=bearer_user(),
        name=data.get("name"),
        outlet=data.get("outlet"),
        email=data.get("email"),
        now=clock.now(),
    )
    body = {**recipient_json(added.recipient), "preview_url": added.url, "emailed": added.emailed}
    return jsonify(body), 201


@bp.get("/releases/<int:release_id>/recipients")
@token_required()
def list_recipients(release_id: int):
    return jsonify(
        {
            "recipients": [
                {
                    **recipient_json(r),
                    "views": [
                        {
                            "at": iso_utc(v.viewed_at),
                            "address": v.address,
                            "user_agent": v.user_agent,
                        }
                        for v in r.views
                    ],
                }
                for r in previews.list_recipients(release_id)
            ]
        }
    )


@bp.delete("/releases/<int:release_id>/recipients/<int:recipient_id>")
@token_required()
def revoke_recipient(release_id: int, recipient_id: int):
    recipient = previews.revoke_recipient(
        release_id, recipient_id, actor=bearer_user(), now=clock.now()
    )
    return jsonify(recipient_json(recipient))
