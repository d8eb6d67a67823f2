"""The enquiries dashboard: figures for today and this week, and a chart that needs no
JavaScript."""

from __future__ import annotations

from flask import render_template

from .. import clock
from ..auth import staff_required
from ..services import reports
from . import bp
from .kept_pages import keep_until, kept_for_staff


@bp.get("/dashboard", endpoint="dashboard")
@staff_required
@kept_for_staff
def dashboard():
    figures = reports.dashboard(clock.now())
    keep_until(figures.changes_at)  # and the next minute at the latest, for "As at" and the day
    return render_template("dashboard/index.html", figures=figures)
