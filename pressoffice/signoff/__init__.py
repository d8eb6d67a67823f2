"""Quote sign-off by the person quoted, behind their personal link: ``/signoff/<token>``.

The speaker sees their quote in context (the headline and the paragraphs around it, not the
whole release) and approves it or proposes a change. Like embargoed copies, the secret token is
the permission: every other visitor gets the missing page, nothing is cached or indexed, and
the address shares the rate limit of all secret links.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from .. import clock
from ..auth import public
from ..preview import private_headers, secret_link_limit
from ..services import quote_signoffs
from ..services.errors import NotFound, ValidationFailed, WrongState

bp = Blueprint("signoff", __name__, url_prefix="/signoff")
bp.after_request(private_headers)


def _page(token: str, errors=None, form=None, message=None, status: int = 200):
    try:
        context = quote_signoffs.open_signoff(token, now=clock.now())
    except NotFound:
        abort(404)
    return (
        render_template(
            "signoff/quote.html",
            context=context,
            token=token,
            errors=errors or {},
            form=form or {},
            message=message,
        ),
        status,
    )


@bp.get("/<token>", endpoint="view")
@public
@secret_link_limit
def view(token: str):
    return _page(token)


@bp.post("/<token>", endpoint="answer")
@public
@secret_link_limit
def answer(token: str):
    form = {
        "decision": request.form.get("decision", ""),
        "proposed_text": request.form.get("proposed_text", ""),
        "comment": request.form.get("comment", ""),
    }
    try:
        quote_signoffs.answer_signoff(token, now=clock.now(), **form)
    except NotFound:
        abort(404)
    except ValidationFailed as exc:
        return _page(token, errors=exc.fields, form=form, status=400)
    except WrongState as exc:
        return _page(token, message=exc.message, status=409)
    return redirect(url_for("signoff.view", token=token), 303)
