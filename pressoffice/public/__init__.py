"""Pages for people without an account: the newsroom, contacting the press office."""

from flask import Blueprint, render_template

from ..auth import public

bp = Blueprint("public", __name__)


@bp.get("/")
@public
def index():
    return render_template("public/index.html")


# Feature modules register their routes on ``bp`` when imported.
from . import contact, newsroom  # noqa: E402,F401
