"""A person signs in with the browser, JavaScript off."""

from __future__ import annotations

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from ..factories import DEFAULT_PASSWORD


def heading(browser, text: str) -> None:
    """Wait until the page's h1 reads ``text`` (pages load after a click, not during it)."""
    WebDriverWait(
        browser,
        10,
        ignored_exceptions=(NoSuchElementException, StaleElementReferenceException),
    ).until(lambda b: b.find_element(By.TAG_NAME, "h1").text == text)


def sign_in(browser, base_url: str, email: str, password: str = DEFAULT_PASSWORD) -> None:
    browser.get(f"{base_url}/sign-in")
    browser.find_element(By.ID, "email").send_keys(email)
    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()


def test_officer_signs_in_and_out_without_javascript(fresh_browser, live_server, officer):
    sign_in(fresh_browser, live_server, officer.email)
    heading(fresh_browser, "Good to see you, Olivia Officer")
    fresh_browser.find_element(By.XPATH, "//button[text()='Sign out']").click()
    heading(fresh_browser, "Sign in")
    assert "You have signed out." in fresh_browser.find_element(By.ID, "main").text


def test_a_wrong_password_shows_an_error_summary_linking_to_the_field(
    fresh_browser, live_server, officer
):
    sign_in(fresh_browser, live_server, officer.email, "not-the-password")
    heading(fresh_browser, "Sign in")
    summary = fresh_browser.find_element(By.CSS_SELECTOR, ".error-summary a")
    assert summary.text == "Enter a correct email address and password"
    assert summary.get_attribute("href").endswith("#email")
