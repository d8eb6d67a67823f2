"""The enquiries dashboard: figures for today and this week, and a chart that needs no
JavaScript."""

from __future__ import annotations

from flask import render_template

from .. import clock
from ..auth import staff_required
from ..services import reports
from . import bp


@bp.get("/dashboard", endpoint="dashboard")
@staff_required
def dashboard():
    return render_template("dashboard/index.html", figures=reports.dashboard(clock.now()))
