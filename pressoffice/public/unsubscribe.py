"""One-click unsubscribe from release emails (RFC 8058).

A mail client that offers "unsubscribe" posts ``List-Unsubscribe=One-Click`` to the address in
the message's ``List-Unsubscribe`` header, without a session or a CSRF token: the link's own
token is the proof. A person who follows the link in the footer is asked to confirm first,
because a link scanner may open any address in a message and must not unsubscribe anybody.
Either way the contact is marked do not contact, which always wins."""

from __future__ import annotations

from flask import abort, render_template

from .. import clock
from ..auth import public
from ..extensions import csrf, limiter
from ..services import distributions
from ..services.errors import NotFound
from . import bp


@bp.get("/unsubscribe/<token>", endpoint="unsubscribe")
@public
def unsubscribe_page(token: str):
    if not distributions.unsubscribe_link_works(token):
        abort(404)
    return render_template("public/unsubscribe.html", token=token)


@bp.post("/unsubscribe/<token>", endpoint="unsubscribe_confirm")
@public
@csrf.exempt
@limiter.limit("30/minute")
def unsubscribe_confirm(token: str):
    try:
        distributions.unsubscribe(token, now=clock.now())
    except NotFound:
        abort(404)
    return render_template("public/unsubscribed.html")
