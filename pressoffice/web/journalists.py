"""The journalist's page: who was told what, for one email address."""

from __future__ import annotations

from flask import abort, render_template

from ..auth import staff_required
from ..services.errors import NotFound
from ..services.journalists import journalist_record
from . import bp


@bp.get("/journalists/<path:email>", endpoint="journalist_view")
@staff_required
def journalist_view(email: str):
    try:
        record = journalist_record(email)
    except NotFound:
        abort(404)
    return render_template("journalists/view.html", record=record)
