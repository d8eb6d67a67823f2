"""The duty officer at 7 a.m. on a phone (390 by 844 px, JavaScript off), on the demo office: the
staff header folds into a menu under 120 px tall, and an open enquiry's page leads with its next
step and the reply box, whose top is on the first screen."""

from __future__ import annotations

import sqlalchemy as sa
from selenium.webdriver.common.by import By

from pressoffice.demo import DEMO_USERS
from pressoffice.extensions import db
from pressoffice.models import Enquiry, Release, User

from .demo_office import seed_office
from .steps import click_and_wait, page_loaded, screenshot, sign_in

PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
FIRST_SCREEN = 844


def _on(browser, metrics: dict) -> None:
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)


def _top(browser, css: str) -> float:
    return browser.execute_script(
        "return document.querySelector(arguments[0]).getBoundingClientRect().top + window.scrollY",
        css,
    )


def _open_phone_enquiry() -> str:
    """An open demo enquiry that came by phone, with the journalist's number."""
    return db.session.scalars(
        sa.select(Enquiry.reference)
        .where(Enquiry.status.in_(("new", "assigned")), Enquiry.phone != "")
        .order_by(Enquiry.id)
    ).first()


def test_on_a_phone_the_header_folds_and_the_enquiry_page_leads_with_the_reply(
    browser, live_server, app, clock
):
    with app.app_context():
        seed_office(clock.instant)
        reference = _open_phone_enquiry()
    assert reference, "the demo has an open enquiry with a phone number"
    email, password = next((e, p) for _r, e, _n, p in DEMO_USERS if e.startswith("duty@"))
    try:
        _on(browser, PHONE)
        browser.delete_all_cookies()
        sign_in(browser, live_server, email, password)
        browser.get(f"{live_server}/enquiries/{reference}")
        page_loaded(browser)

        header = browser.find_element(By.CSS_SELECTOR, ".site-header")
        header_height = header.rect["height"]
        reply_top = _top(browser, "#reply form")
        screenshot(browser, "phone-enquiry-first-screen")
        print(f"\nheader at 390 px: {header_height:.0f} px; reply form top: {reply_top:.0f} px")
        assert header_height < 120, f"the header is {header_height:.0f} px tall at 390 px"
        assert reply_top < FIRST_SCREEN, f"the reply form starts {reply_top:.0f} px down"
        assert _top(browser, "#next-step") < reply_top
        assert not browser.execute_script(
            "return document.documentElement.scrollWidth > window.innerWidth"
        ), "the enquiry page scrolls sideways at 390 px"

        # The folded menu opens without JavaScript and still signs out.
        menu = browser.find_element(By.CSS_SELECTOR, ".site-nav__menu > summary")
        assert menu.is_displayed()
        menu.click()  # a summary opens its menu in place, with no page load
        folded = browser.find_element(By.CSS_SELECTOR, ".site-nav__menu")
        assert folded.find_element(By.XPATH, ".//button[.='Sign out']").is_displayed()
        enquiries = folded.find_element(By.LINK_TEXT, "Enquiries")
        assert enquiries.is_displayed()
        assert enquiries.rect["height"] >= 44, "a link in the menu is a 44 px target"
        screenshot(browser, "phone-menu-open")
        assert not browser.find_element(By.CSS_SELECTOR, ".site-nav--wide").is_displayed()

        # At 1280 px there is no menu button: the links are all there, on one line or two.
        _on(browser, {**PHONE, "width": 1280, "mobile": False})
        browser.get(f"{live_server}/enquiries/{reference}")
        page_loaded(browser)
        assert not browser.find_element(By.CSS_SELECTOR, ".site-nav__menu").is_displayed()
        assert _top(browser, "#reply form") < FIRST_SCREEN
        wide = browser.find_element(By.CSS_SELECTOR, ".site-nav--wide")
        click_and_wait(browser, wide.find_element(By.LINK_TEXT, "Enquiries"))
        assert browser.current_url.endswith("/enquiries")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_on_a_phone_the_decision_radios_are_44_px_with_each_hint_under_its_label(
    browser, live_server, app, clock
):
    with app.app_context():
        office = seed_office(clock.instant)
        email, password = office.logins["approver"]
        in_review = db.session.scalars(
            sa.select(Release.id)
            .join(User, Release.author_id == User.id)
            .where(Release.state == "in_review", User.email != email)
            .order_by(Release.id)
        ).first()
    assert in_review, "the demo has a release waiting for the approver"
    try:
        for width in (390, 1280):
            _on(browser, {**PHONE, "width": width, "mobile": width < 640})
            browser.delete_all_cookies()
            sign_in(browser, live_server, email, password)
            browser.get(f"{live_server}/releases/{in_review}")
            page_loaded(browser)
            for choice in ("decision-approve", "decision-request_changes"):
                radio = browser.find_element(By.ID, choice).rect
                label = browser.find_element(By.CSS_SELECTOR, f"label[for={choice}]").rect
                hint = browser.find_element(By.ID, f"{choice}-hint").rect
                assert radio["width"] >= 44 and radio["height"] >= 44, (width, choice, radio)
                assert hint["x"] == label["x"], f"at {width} px the hint is not under its label"
                assert hint["y"] >= label["y"] + label["height"] - 1
            screenshot(browser, f"decision-form-{width}")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
