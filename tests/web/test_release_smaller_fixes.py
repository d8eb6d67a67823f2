"""Deleting a draft never submitted, the editor saying what a save does and keeping its notice
in view, one name for each role, and pages with several forms whose CSRF inputs repeat no id."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from pressoffice.extensions import db
from pressoffice.models import DeletedRelease, Release, ReleaseEvent, ReleaseRevision
from pressoffice.services import attachments, releases
from pressoffice.services.errors import NotAllowed, WrongState

from ..factories import DEFAULT_PASSWORD, create_release, make_enquiry, make_user
from ..services.test_attachments import pdf_bytes

# --- deleting a draft -------------------------------------------------------------------------


def test_a_draft_never_submitted_is_deleted_after_a_confirmation_and_the_fact_is_kept(
    signed_in, clock, officer
):
    release = create_release(author=officer, title="Enter pressed too soon")
    release_id = release.id
    attachments.add_attachment(
        release_id, actor=officer, filename="report.pdf", stream=io.BytesIO(pdf_bytes())
    )
    stored = attachments.stored_path(attachments.current_attachments(release_id)[0])
    assert stored.exists()
    page = signed_in(officer)

    shown = page.get(f"/releases/{release_id}")
    link = shown.select_one(f"a[href='/releases/{release_id}/delete']")
    assert link.text == "Delete this draft"
    confirm = page.get(link["href"])
    assert confirm.select_one("h1").text == "Delete this draft?"
    assert releases.get_release(release_id)  # asking changes nothing

    clock.set(datetime(2016, 11, 29, 11, 0, tzinfo=UTC))
    done = page.post(f"/releases/{release_id}/delete")

    assert "Draft deleted: Enter pressed too soon" in done.select_one(".notification--success").text
    assert db.session.get(Release, release_id) is None
    for table in (ReleaseRevision, ReleaseEvent):
        assert not db.session.scalars(sa.select(table).where(table.release_id == release_id)).all()
    assert not stored.exists()
    kept = db.session.scalars(sa.select(DeletedRelease)).one()
    assert (kept.release_id, kept.title, kept.author_id, kept.deleted_by_id) == (
        release_id,
        "Enter pressed too soon",
        officer.id,
        officer.id,
    )
    assert kept.deleted_at == datetime(2016, 11, 29, 11, 0, tzinfo=UTC)
    listing = page.get("/releases")
    deleted = listing.select_one("#deleted-drafts")
    assert "Enter pressed too soon" in deleted.text
    assert "Olivia Officer" in deleted.text
    page.get(f"/releases/{release_id}", _expected_status=404)


def test_a_draft_linked_to_an_enquiry_is_deleted_and_the_enquiry_stays(app_ctx, officer):
    release = create_release(author=officer)
    enquiry = make_enquiry(logged_by=officer, release_id=release.id)

    releases.delete_draft(release.id, actor=officer)

    from pressoffice.models import Enquiry

    kept = db.session.scalars(sa.select(Enquiry).where(Enquiry.reference == enquiry.reference))
    assert kept.one().release_id is None


def test_a_draft_that_was_once_submitted_is_kept_and_the_page_says_why(
    signed_in, officer, approver
):
    release = create_release(state="in_review", author=officer)
    releases.request_changes(release.id, actor=approver, comment="Shorter, please.")
    page = signed_in(officer)

    shown = page.get(f"/releases/{release.id}")
    assert not shown.select(f"a[href='/releases/{release.id}/delete']")
    assert (
        "submitted for approval before, so it is kept"
        in shown.select_one("#unavailable-delete").text
    )
    page.post(f"/releases/{release.id}/delete")
    assert db.session.get(Release, release.id) is not None
    with pytest.raises(WrongState):
        releases.delete_draft(release.id, actor=officer)


def test_only_the_author_or_an_admin_deletes_a_draft(app_ctx, officer, admin):
    release = create_release(author=officer)
    colleague = make_user(role="approver")

    with pytest.raises(NotAllowed):
        releases.delete_draft(release.id, actor=colleague)
    assert db.session.get(Release, release.id) is not None

    releases.delete_draft(release.id, actor=admin)
    assert db.session.get(Release, release.id) is None


# --- the editor -------------------------------------------------------------------------------


def _editor_form(shown) -> dict:
    data = {}
    for box in shown.select("form.release-editor input[name], form.release-editor textarea"):
        if box.get("type") == "submit":
            continue
        data[box["name"]] = box.get("value", "") if box.name == "input" else box.text.strip()
    return data


@pytest.mark.parametrize(
    ("name", "noun"), [("quotes", "quote"), ("links", "link"), ("notes", "note")]
)
def test_after_add_another_the_notice_is_beside_the_new_box_and_the_page_lands_on_it(
    signed_in, officer, name, noun
):
    page = signed_in(officer)
    editor = page.get("/releases/new")
    button = editor.select_one(f"button[value='add:{name}']")
    assert button["formaction"] == f"/releases/new#{name}-notice"

    shown = page.post("/releases/new", {**_editor_form(editor), "list_action": f"add:{name}"})

    notice = shown.select_one(f"#{name}-notice")
    assert notice is not None
    assert notice.get_text(" ", strip=True) == (
        f"Added a new {noun} at the end. Nothing has been saved yet."
    )
    assert notice["role"] == "status"
    # Inside the list it is about, right before the new, empty entry.
    assert notice.find_parent("fieldset", id=name) is not None
    assert len(shown.select("[role=status]")) == 1


@pytest.mark.parametrize(
    ("state", "label"),
    [
        ("draft", "Save"),
        ("in_review", "Save: it goes back to draft"),
        ("approved", "Save: the approval will be void"),
        ("scheduled", "Save and cancel the schedule"),
        ("published", "Save the correction"),
    ],
)
def test_save_says_what_it_will_do_to_the_release(signed_in, officer, approver, state, label):
    release = create_release(state=state, author=officer, approver=approver)

    editor = signed_in(officer).get(f"/releases/{release.id}/edit")

    shown = [b.get_text(" ", strip=True) for b in editor.select(".button-group button")]
    assert shown == [label]


# --- role names -------------------------------------------------------------------------------


def test_a_role_has_the_same_name_on_every_page(signed_in, admin):
    officer = make_user(role="officer", name="Omar Officer", email="omar@example.org")
    page = signed_in(admin)

    assert "(Administrator)" in page.get("/account").select_one(".site-nav__user").text
    account = page.get("/account").select_one("main").get_text(" ", strip=True)
    assert "Role Administrator" in account
    users = page.get("/admin/users")
    row = next(r for r in users.select("tbody tr") if "Omar Officer" in r.text)
    assert "Press officer" in row.get_text(" ", strip=True)
    user = page.get(f"/admin/users/{officer.id}").select_one(".summary-list")
    assert "Press officer" in user.get_text(" ", strip=True)


# --- CSRF inputs on pages with several forms --------------------------------------------------


def _sign_in_with_csrf(client, user):
    login_page = client.get("/sign-in").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page)
    client.post(
        "/sign-in",
        data={"email": user.email, "password": DEFAULT_PASSWORD, "csrf_token": token.group(1)},
    )


def test_no_page_with_several_forms_repeats_an_id(app, client, clock, admin, officer, approver):
    from pressoffice.services import rota

    release = create_release(state="in_review", author=officer)
    enquiry = make_enquiry(logged_by=officer)
    now = clock()
    # A rota of several shifts: the calendar page gets one removal form for each.
    for day in range(1, 6):
        start = now + timedelta(days=day)
        rota.add_shift(
            user_id=officer.id, starts_at=start, ends_at=start + timedelta(hours=8), now=now
        )
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        _sign_in_with_csrf(client, admin)
        pages = [
            "/admin/calendar",
            f"/admin/users/{officer.id}",
            f"/enquiries/{enquiry.reference}",
            f"/releases/{release.id}",
            "/account/tokens",
            "/releases/new",
        ]
        for url in pages:
            html = client.get(url)
            assert html.status_code == 200, url
            soup = BeautifulSoup(html.data, "html.parser")
            tokens = soup.select("input[name=csrf_token]")
            assert tokens, url
            ids = Counter(tag["id"] for tag in soup.select("[id]"))
            assert [i for i, n in ids.items() if n > 1] == [], url
            assert not any(t.has_attr("id") for t in tokens), url
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# --- the public enquiry form's spam check -----------------------------------------------------


def test_the_too_quick_notice_comes_with_the_field_errors_not_instead_of_them(client, app_ctx):
    form = BeautifulSoup(client.get("/contact/enquiry").data, "html.parser")
    started = form.select_one("input[name=started]")["value"]

    # Sent at once, with no name and neither an email address nor a phone number.
    answer = client.post(
        "/contact/enquiry",
        data={"started": started, "subject": "Figures", "details": "What are they?"},
    )

    page = BeautifulSoup(answer.data, "html.parser")
    assert answer.status_code == 400
    assert "That was very quick" in page.select_one(".notification--error").text
    summary = page.select_one(".error-summary")
    assert summary is not None
    assert {a["href"] for a in summary.select("a")} >= {"#journalist_name"}
    assert page.select_one("#journalist_name-error") is not None
