"""A person signs in with the browser, JavaScript off."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from .steps import heading, sign_in


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
