"""The notifications page, the unread count in the header, the email settings and the outbox
page, as staff see them."""

from __future__ import annotations

import re

import pytest

from pressoffice.services import releases
from pressoffice.services.unit_of_work import unit_of_work

from ..factories import create_release


def _header_count(soup) -> str:
    link = soup.find("a", href="/notifications")
    return " ".join(link.get_text(" ").split())


@pytest.fixture
def approved_and_sent_back(officer, approver):
    first = create_release(state="in_review", author=officer, title="First release")
    second = create_release(state="in_review", author=officer, title="Second release")
    releases.approve_release(first.id, actor=approver)
    releases.request_changes(second.id, actor=approver, comment="Say who the inspectors were")
    return first, second


def test_the_header_counts_unread_notifications_and_the_page_lists_them(
    signed_in, officer, approved_and_sent_back
):
    page = signed_in(officer)
    home = page.get("/")
    assert _header_count(home) == "Notifications 2 unread"
    listing = page.get("/notifications")
    titles = [p.get_text(" ", strip=True) for p in listing.select(".notification-list__title")]
    assert titles == ["New Changes asked for: Second release", "New Approved: First release"]
    assert "Say who the inspectors were" in listing.get_text()


def test_marking_one_read_then_all_read_empties_the_count(
    signed_in, officer, approved_and_sent_back
):
    page = signed_in(officer)
    listing = page.get("/notifications")
    action = listing.select("form[action$='/read']")[0]["action"]
    after = page.post(action)
    assert _header_count(after) == "Notifications 1 unread"
    after = page.post("/notifications/read-all")
    assert "Marked 1 notification read" in after.get_text()
    assert _header_count(after) == "Notifications"
    assert not after.select(".notification-list__item--unread")


def test_nobody_marks_another_persons_notification_read(
    signed_in, officer, approver, approved_and_sent_back, client
):
    page = signed_in(officer)
    action = page.get("/notifications").select("form[action$='/read']")[0]["action"]
    client.post("/sign-out")
    other = signed_in(approver)
    other.post(action, _expected_status=404)
    other.client.post("/sign-out")
    assert _header_count(signed_in(officer).get("/")) == "Notifications 2 unread"


def test_email_settings_are_saved_per_kind_and_an_unknown_kind_is_refused(signed_in, officer):
    page = signed_in(officer)
    settings = page.get("/notifications/settings")
    boxes = settings.select("input[name=email]")
    # One box a kind, the follow-up to an enquiry by email among them.
    assert len(boxes) == 10 and all(box.has_attr("checked") for box in boxes)
    assert "enquiry_follow_up" in [box["value"] for box in boxes]
    saved = page.post("/notifications/settings", data={"email": ["release_submitted"]})
    checked = [b["value"] for b in saved.select("input[name=email][checked]")]
    assert checked == ["release_submitted"]
    refused = page.post(
        "/notifications/settings", data={"email": ["nonsense"]}, _expected_status=400
    )
    assert refused.select_one(".error-summary a")["href"] == "#email"
    checked = [b["value"] for b in page.get("/notifications/settings").select("[checked]")]
    assert checked == ["release_submitted"]


@pytest.fixture
def signed_in_with_csrf(app, signed_in):
    """Signs in, then turns CSRF protection on, as it is outside the tests."""

    def _sign_in(user):
        page = signed_in(user)
        app.config["WTF_CSRF_ENABLED"] = True
        return page

    yield _sign_in
    app.config["WTF_CSRF_ENABLED"] = False


def test_the_notification_forms_need_their_csrf_token(
    signed_in_with_csrf, officer, approved_and_sent_back
):
    page = signed_in_with_csrf(officer)
    for url in ("/notifications/read-all", "/notifications/settings"):
        page.post(url, data={"email": ["release_submitted"]}, _expected_status=400)
    assert _header_count(page.get("/")) == "Notifications 2 unread"
    listing = str(page.get("/notifications"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', listing).group(1)
    page.post("/notifications/read-all", data={"csrf_token": token})
    assert _header_count(page.get("/")) == "Notifications"


@unit_of_work
def _email(user, subject):
    from pressoffice.services import outbox

    return outbox.queue_email(
        kind="test",
        to_name=user.name,
        to_address=user.email,
        subject=subject,
        text=f"Words for {user.name}",
        user_id=user.id,
    )


def test_the_outbox_shows_an_admin_every_message_and_anyone_else_their_own(
    signed_in, officer, approver, admin, client
):
    mine = _email(officer, "For the officer")
    theirs = _email(approver, "For the approver")
    page = signed_in(officer)
    listing = page.get("/outbox")
    assert "No mail server is set up" in listing.get_text()
    assert [a.get_text() for a in listing.select("td a")] == ["For the officer"]
    message = page.get(f"/outbox/{mine.id}")
    assert "Words for Olivia Officer" in message.select_one(".outbox-body").get_text()
    status = message.find("dt", string="Status").find_next("dd").get_text(strip=True)
    assert status == "Not sent: no mail server is set"
    page.get(f"/outbox/{theirs.id}", _expected_status=404)
    client.post("/sign-out")
    everything = signed_in(admin).get("/outbox")
    assert [a.get_text() for a in everything.select("td a")] == [
        "For the approver",
        "For the officer",
    ]
    assert signed_in(admin).get(f"/outbox/{theirs.id}").h1.get_text() == "For the approver"


def test_the_outbox_is_in_the_menu(signed_in, officer):
    menu = signed_in(officer).get("/").select(".site-nav a")
    assert "Outbox" in [a.get_text() for a in menu]


def test_opening_a_notification_marks_it_read_and_leads_to_its_release(
    signed_in, officer, approved_and_sent_back
):
    first, _second = approved_and_sent_back
    page = signed_in(officer)
    listing = page.get("/notifications")
    opener = listing.find("button", string="Approved: First release").find_parent("form")
    opened = page.post(opener["action"])
    assert opened.find("h1").get_text(" ", strip=True).endswith("First release")
    assert _header_count(opened) == "Notifications 1 unread"
    # Opening it again leaves the count where it is.
    assert _header_count(page.post(opener["action"])) == "Notifications 1 unread"


def test_nobody_opens_another_persons_notification(
    signed_in, officer, approver, approved_and_sent_back, client
):
    action = signed_in(officer).get("/notifications").select("form[action$='/open']")[0]["action"]
    client.post("/sign-out")
    signed_in(approver).post(action, _expected_status=404)
    client.post("/sign-out")
    assert _header_count(signed_in(officer).get("/")) == "Notifications 2 unread"
