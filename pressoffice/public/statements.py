"""A statement's newsroom page: /news/statements/<slug>.

The address sits under /news beside the releases (one segment more than a release's page, so no
release headline can take it). It reads through ``services.statements.load_public_statement``,
which answers only a published or withdrawn statement, and of it only the approved public
revision's title and on-the-record words; anything else is the newsroom's one 404 page.
"""

from __future__ import annotations

from flask import abort, render_template

from .. import clock
from ..auth import public
from ..services import statements
from ..services.errors import NotFound
from . import bp
from .caching import shared_cache


@bp.get("/news/statements/<slug>", endpoint="news_statement")
@public
@shared_cache
def news_statement(slug: str):
    try:
        statement = statements.load_public_statement(slug, now=clock.now())
    except NotFound:
        abort(404)
    return render_template("public/news_statement.html", statement=statement)
