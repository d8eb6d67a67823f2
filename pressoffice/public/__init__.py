"""Pages for people without an account: the newsroom, contacting the press office."""

from flask import Blueprint, render_template

from ..auth import public
from .caching import no_store_unless_shared, shared_cache

bp = Blueprint("public", __name__)
# For every answer of the app, not only this blueprint's: nothing is cached unless marked.
bp.after_app_request(no_store_unless_shared)


@bp.get("/")
@public
@shared_cache(changes_at=None)
def index():
    return render_template("public/index.html")


# Feature modules register their routes on ``bp`` when imported.
from . import contact, newsroom, statements  # noqa: E402,F401
from . import unsubscribe  # noqa: E402,F401
from . import calendar  # noqa: E402,F401
