"""Embargoed copies behind a journalist's personal link: ``/preview/<token>``.

The secret token is the permission, so these pages are public to whoever holds a working link
and answer exactly as a missing page to everyone else. Every answer here is marked not to be
cached, indexed or named as a referrer, and the address is rate limited so that guessing tokens
gets nothing.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from .. import clock
from ..auth import client_address, public
from ..domain import links
from ..extensions import limiter
from ..services import attachments as attachment_service
from ..services import previews
from ..services.errors import NotFound

bp = Blueprint("preview", __name__, url_prefix="/preview")


# One allowance per address for every secret link, embargoed copies and quote sign-off alike.
def _link_limit() -> str:
    return current_app.config["PREVIEW_LINK_LIMIT"]


secret_link_limit = limiter.shared_limit(
    _link_limit,
    scope="secret-links",
    error_message="Too many requests for links. Wait a minute, then try again.",
)


def private_headers(response):
    """Nothing behind a secret link is kept by caches, listed by search engines, or named to
    the sites it links to."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


bp.after_request(private_headers)


def _who() -> dict[str, str]:
    return {
        "address": client_address(),
        "user_agent": request.headers.get("User-Agent", ""),
    }


@bp.get("/<token>", endpoint="view")
@public
@secret_link_limit
def view(token: str):
    try:
        access = previews.open_preview(token, now=clock.now(), **_who())
    except NotFound:
        abort(404)
    if access.kind == links.REDIRECT:
        return redirect(url_for("public.news_release", slug=access.slug), 303)
    if access.terms_needed:
        return render_template("preview/terms.html", access=access, token=token)
    return render_template(
        "preview/copy.html",
        access=access,
        rendered=access.rendered(),
        attachment_url=lambda file: url_for(
            "preview.attachment", token=token, attachment_id=file["id"]
        ),
    )


@bp.post("/<token>/terms", endpoint="accept_terms")
@public
@secret_link_limit
def accept_terms(token: str):
    try:
        access = previews.accept_terms(token, now=clock.now())
    except NotFound:
        abort(404)
    if access.kind == links.REDIRECT:
        return redirect(url_for("public.news_release", slug=access.slug), 303)
    return redirect(url_for("preview.view", token=token), 303)


@bp.get("/<token>/files/<int:attachment_id>", endpoint="attachment")
@public
@secret_link_limit
def attachment(token: str, attachment_id: int):
    try:
        found = previews.preview_attachment(token, attachment_id, now=clock.now(), **_who())
    except NotFound:
        abort(404)
    path = attachment_service.stored_path(found)
    if not path.is_file():
        abort(404)
    return send_file(
        path,
        mimetype=found.content_type,
        as_attachment=True,
        download_name=found.filename,
        max_age=0,
    )
