"""axe-core on every page of the app (tests/e2e/url_map.py), for an officer, an approver, an
admin and a member of the public, laid out for a desktop (1280 px) and a phone (390 px), with
JavaScript off: no serious or critical violation anywhere."""

from __future__ import annotations

import time

from selenium.webdriver.common.by import By

from . import axe
from .conftest import require_browser_tool
from .demo_office import seed_office
from .steps import page_loaded, screenshot_folder, sign_in
from .url_map import SKIPPED, SKIPPED_BLUEPRINTS, describe, find_pages, skipped

ROLES = ("officer", "approver", "admin")
WIDTHS = (1280, 390)


def _walks(app, office) -> dict:
    """Each person's pages: found through the test client, signed in as them."""
    walks = {}
    for who in ("public", *ROLES):
        client = app.test_client()
        if who != "public":
            email, password = office.logins[who]
            signed_in = client.post("/sign-in", data={"email": email, "password": password})
            assert signed_in.status_code == 302, f"the demo {who} could not sign in"
        with app.app_context():
            walks[who] = find_pages(app, client, office, public=who == "public")
    return walks


def _unchecked_routes(app, walks) -> dict[str, str]:
    """Routes that are pages for nobody and answered nothing else: each with what it answered."""
    answered = {page.endpoint for walk in walks.values() for page in walk.pages}
    answered |= {
        page.endpoint
        for walk in walks.values()
        for page, answer in walk.not_pages
        if answer.startswith("200 ")  # a file, a feed, JSON: not a page, but it answers
    }
    missing = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or skipped(rule) or rule.endpoint in answered:
            continue
        why = [
            walk.unreached[rule.endpoint]
            for walk in walks.values()
            if rule.endpoint in walk.unreached
        ]
        why += [
            f"{who}: {page.path} answered {answer}"
            for who, walk in walks.items()
            for page, answer in walk.not_pages
            if page.endpoint == rule.endpoint
        ]
        missing[rule.rule] = "; ".join(dict.fromkeys(why)) or "never asked for"
    return missing


def _keep_report(walks, findings, report: str) -> None:
    """The whole walk in a file beside the screenshots: what was checked, skipped and found."""
    skips = {**SKIPPED, **{f"{name}.*": why for name, why in SKIPPED_BLUEPRINTS.items()}}
    parts = [
        f"{findings.checked} page checks; {len(findings.same_as)} pages had the shape of one "
        "already checked; "
        + ", ".join(f"{what} {seconds:.1f} s" for what, seconds in findings.seconds.items()),
        report,
        "skipped routes:\n"
        + "\n".join(f"  {endpoint}: {why}" for endpoint, why in sorted(skips.items())),
        *(f"{who}: {describe(walk)}" for who, walk in walks.items()),
        "not checked again, the same shape as a page checked:\n"
        + "\n".join(
            f"  {path} as {who}: like {like}" for (path, who), like in findings.same_as.items()
        ),
    ]
    (screenshot_folder() / "axe-report.txt").write_text("\n\n".join(parts) + "\n", "utf-8")


def _sign_in(browser, base_url, email, password) -> None:
    browser.delete_all_cookies()
    sign_in(browser, base_url, email, password)
    page_loaded(browser)
    assert browser.find_elements(By.XPATH, "//button[normalize-space()='Sign out']"), (
        f"{email} could not sign in"
    )


def test_every_page_for_every_role_has_no_serious_or_critical_axe_violation_at_1280_and_390_px(
    browser, live_server, app, clock
):
    if not axe.available():
        require_browser_tool(f"needs axe-core at {axe.AXE_SCRIPT}: npm ci --prefix tests/e2e")
    with app.app_context():
        office = seed_office(clock.instant)
    walks = _walks(app, office)

    missing = _unchecked_routes(app, walks)
    assert not missing, "routes the walk could not reach:\n" + "\n".join(
        f"  {rule}: {why}" for rule, why in sorted(missing.items())
    )

    findings = axe.Findings()
    checked = {}
    for who, walk in walks.items():
        if who == "public":
            browser.delete_all_cookies()
        else:
            _sign_in(browser, live_server, *office.logins[who])
        for number, page in enumerate(walk.pages):
            # A page of the same shape as one checked already (another release in the same
            # state, or the same page for someone else), under this person's header and
            # navigation, checked on their first page: axe would answer the same.
            if number and page.shape in checked:
                findings.same_as[page.path, who] = checked[page.shape]
                continue
            checked[page.shape] = f"{page.path} as {who}"
            started = time.perf_counter()
            browser.get(live_server + page.path)
            page_loaded(browser)
            loaded = time.perf_counter()
            for width, found in axe.violations(browser, WIDTHS).items():
                findings.add(axe.Seen(page.path, who, width, page.label), found)
            findings.seconds["loading pages"] += loaded - started
            findings.seconds["axe"] += time.perf_counter() - loaded

    report = findings.report() if findings else "no serious or critical violation"
    _keep_report(walks, findings, report)
    assert findings.checked > 100
    assert not findings, report
