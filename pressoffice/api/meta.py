"""API housekeeping: who am I."""

from flask import jsonify

from . import bearer_user, bp, token_required


@bp.get("/me")
@token_required()
def me():
    user = bearer_user()
    return jsonify({"id": user.id, "email": user.email, "name": user.name, "role": user.role})
