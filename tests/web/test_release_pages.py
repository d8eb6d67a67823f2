"""The staff release pages, as a press officer and an approver use them."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from pressoffice.services import attachments, releases

from ..conftest import login
from ..factories import create_release, make_user
from ..services.test_attachments import pdf_bytes


def _editor_data(**overrides):
    data = {
        "version": "",
        "title": "Inspectors find progress in child protection",
        "summary": "A follow-up inspection found the force committed to improving.",
        "body": "Inspectors returned in August.",
        "quotes-0-speaker": "Ann Lee",
        "quotes-0-role": "HM Inspector",
        "quotes-0-text": "I am pleased.",
        "quotes-1-speaker": "Sam Park",
        "quotes-1-role": "Chief Constable",
        "quotes-1-text": "We will keep going.",
        "links-0-label": "Get the report",
        "links-0-url": "https://example.org/report",
        "notes-0": "First note.",
        "notes-1": "Second note.",
    }
    data.update(overrides)
    return data


def _values(soup, prefix):
    return {
        tag["name"]: (tag.get("value") if tag.name == "input" else tag.text.removeprefix("\r\n"))
        for tag in soup.select("input[name], textarea[name]")
        if tag["name"].startswith(prefix)
    }


# --- drafting ---------------------------------------------------------------------------------


def test_an_officer_drafts_a_release_with_quotes_links_and_notes(signed_in, officer):
    page = signed_in(officer)
    shown = page.post("/releases/new", _editor_data())

    assert "Draft saved" in shown.select_one(".notification--success").text
    release = releases.list_releases().items[0]
    assert [q["speaker"] for q in release.quotes] == ["Ann Lee", "Sam Park"]
    assert release.links == [{"label": "Get the report", "url": "https://example.org/report"}]
    assert release.notes == ["First note.", "Second note."]
    assert shown.select_one(".release-banner__state").text == "Draft: not public"


def test_adding_another_quote_keeps_everything_typed_and_saves_nothing(signed_in, officer):
    page = signed_in(officer)
    shown = page.post("/releases/new", _editor_data(list_action="add:quotes"))

    assert releases.list_releases().total == 0
    assert "Added a new quote at the end" in shown.select_one("[role=status]").text
    quotes = _values(shown, "quotes-")
    assert quotes["quotes-0-speaker"] == "Ann Lee"
    assert quotes["quotes-1-text"] == "We will keep going."
    assert quotes["quotes-2-speaker"] == ""
    assert shown.select_one("#title")["value"] == "Inspectors find progress in child protection"
    assert _values(shown, "notes-") == {"notes-0": "First note.", "notes-1": "Second note."}


def test_moving_a_quote_up_swaps_it_with_the_one_above_keeping_its_text(signed_in, officer):
    page = signed_in(officer)
    shown = page.post("/releases/new", _editor_data(list_action="up:quotes:1"))

    quotes = _values(shown, "quotes-")
    assert (quotes["quotes-0-speaker"], quotes["quotes-0-text"]) == (
        "Sam Park",
        "We will keep going.",
    )
    assert quotes["quotes-1-speaker"] == "Ann Lee"


def test_removing_and_moving_notes_down_work_without_javascript(signed_in, officer):
    page = signed_in(officer)
    data = _editor_data(**{"notes-2": "Third note."})
    moved = page.post("/releases/new", {**data, "list_action": "down:notes:0"})
    assert list(_values(moved, "notes-").values()) == ["Second note.", "First note.", "Third note."]
    removed = page.post("/releases/new", {**data, "list_action": "remove:notes:1"})
    assert list(_values(removed, "notes-").values()) == ["First note.", "Third note."]


def test_the_editor_uses_no_script_and_every_list_button_is_a_plain_submit(signed_in, officer):
    page = signed_in(officer)
    editor = page.get("/releases/new")
    assert editor.find("script") is None
    assert not [tag for tag in editor.find_all(True) if any(a.startswith("on") for a in tag.attrs)]
    values = {b["value"] for b in editor.select("button[name=list_action]")}
    assert {"add:quotes", "add:links", "add:notes"} <= values
    # Pressing Enter saves rather than adding or removing a row.
    assert editor.select("form.release-editor button[type=submit]")[0]["name"] == "save"


def test_a_failed_save_keeps_everything_typed_and_links_each_error_to_its_field(signed_in, officer):
    page = signed_in(officer)
    data = _editor_data(
        **{
            "title": "x" * 201,
            # The first link row is left blank: the error must land on the row typed into.
            "links-0-label": "",
            "links-0-url": "",
            "links-1-label": "Bad link",
            "links-1-url": "javascript:alert(1)",
            "quotes-1-speaker": "",
        }
    )
    shown = page.post("/releases/new", data)

    assert releases.list_releases().total == 0
    summary = {a["href"]: a.text for a in shown.select(".error-summary a")}
    assert summary["#title"] == "Headline must be 200 characters or fewer (it is 201)"
    assert "https://" in summary["#links-1-url"]
    assert summary["#quotes-1-speaker"] == "Enter the speaker"
    for field_id in ("title", "links-1-url", "quotes-1-speaker"):
        field = shown.find(id=field_id)
        assert field.find_parent(class_="form-group--error") is not None, field_id
    assert shown.select_one("#links-1-url")["value"] == "javascript:alert(1)"
    assert shown.select_one("#quotes-1-text").text.strip() == "We will keep going."
    assert shown.title.text.startswith("Error:")


def test_a_stale_save_shows_both_versions_and_loses_nothing(client, page, officer):
    release = create_release(author=officer, body="The original body.")
    login(client, officer)
    started = release.version
    other = make_user(role="officer")
    releases.update_release(
        release.id,
        actor=other,
        expected_version=started,
        **{**_content(release), "body": "Their newer body."},
    )

    response = client.post(
        f"/releases/{release.id}/edit",
        data=_editor_data(version=str(started), body="My careful rewrite."),
    )

    assert response.status_code == 409
    from bs4 import BeautifulSoup

    shown = BeautifulSoup(response.data, "html.parser")
    body_row = [r for r in shown.select(".conflict tbody tr") if r.th.text == "Body"][0]
    assert body_row.select_one(".conflict__yours").text == "My careful rewrite."
    assert body_row.select_one(".conflict__theirs").text == "Their newer body."
    assert shown.select_one("#body").text.strip() == "My careful rewrite."
    assert shown.select_one("#version")["value"] == str(started + 1)
    assert releases.get_release(release.id).body == "Their newer body."


def _content(release):
    return {
        "title": release.title,
        "summary": release.summary,
        "body": release.body,
        "quotes": release.quotes,
        "links": release.links,
        "notes": release.notes,
    }


def test_editing_an_approved_release_warns_first_then_says_the_approval_is_void(signed_in, officer):
    release = create_release(state="approved", author=officer)
    page = signed_in(officer)
    editor = page.get(f"/releases/{release.id}/edit")
    assert "its approval becomes void" in editor.select_one(".notification--warning").text

    data = _editor_data(version=str(release.version), body="A changed body.")
    shown = page.post(f"/releases/{release.id}/edit", data)

    assert shown.select_one(".release-banner__state").text == "Draft: not public"
    assert "approval is void" in shown.select_one(".notification--warning").text


# --- the release page -------------------------------------------------------------------------


def test_the_list_shows_each_release_with_its_status_tag(signed_in, officer):
    for state in ("draft", "in_review", "scheduled", "published"):
        create_release(state=state, author=officer, title=f"A {state} release")
    listing = signed_in(officer).get("/releases")
    tags = {
        row.select_one("a").text: row.select_one(".tag").text
        for row in listing.select("table tbody tr")
    }
    assert tags == {
        "A draft release": "Draft",
        "A in_review release": "In review",
        "A scheduled release": "Scheduled",
        "A published release": "Published",
    }
    only_drafts = signed_in(officer).get("/releases?status=draft")
    assert [a.text for a in only_drafts.select("table tbody a")] == ["A draft release"]


def test_a_scheduled_release_says_when_it_goes_out_in_uk_time(signed_in, clock, officer):
    clock.set(datetime(2016, 11, 30, 12, 0, tzinfo=UTC))
    release = create_release(
        state="scheduled", author=officer, embargo_until=datetime(2016, 12, 1, 0, 1, tzinfo=UTC)
    )
    shown = signed_in(officer).get(f"/releases/{release.id}")
    banner = shown.select_one(".release-banner")
    assert banner.select_one(".release-banner__state").text == (
        "Scheduled: goes out at 00:01 GMT on Thursday 1 December 2016"
    )
    assert "00:01 UTC on Thursday 1 December 2016" in banner.text


def test_the_preview_is_exactly_what_the_public_page_shows(client, page, officer, approver):
    release = create_release(state="published", author=officer, approver=approver)
    login(client, officer)
    preview = page.get(f"/releases/{release.id}").select_one(".release-preview article")
    client.post("/sign-out")
    public = page.get(f"/news/{release.slug}").select_one("article")
    assert preview.get_text(" ", strip=True) == public.get_text(" ", strip=True)


def test_the_author_cannot_approve_and_is_told_why(signed_in, app_ctx):
    author = make_user(role="approver", name="Alex Author")
    release = create_release(state="in_review", author=author)
    shown = signed_in(author).get(f"/releases/{release.id}")
    assert "You wrote this release; someone else must approve it" in shown.text
    assert not shown.select(f"form[action='/releases/{release.id}/approve']")

    response = signed_in(author).client.post(
        f"/releases/{release.id}/approve", data={"version": release.version}
    )
    assert releases.get_release(release.id).state == "in_review"
    assert b"You wrote this release; someone else must approve it" in response.data


def test_an_approver_signs_off_and_the_timeline_shows_who_and_when_in_uk_time(
    signed_in, clock, officer, approver
):
    clock.set(datetime(2016, 7, 14, 8, 30, tzinfo=UTC))
    release = create_release(state="in_review", author=officer)
    page = signed_in(approver)
    shown = page.post(
        f"/releases/{release.id}/approve",
        {"version": release.version, "comment": "Good to go."},
    )
    assert "Approved" in shown.select_one(".notification--success").text
    assert releases.get_release(release.id).state == "approved"
    last = shown.select(".timeline__item")[-1]
    assert "Approved: in review to approved" in last.text
    assert "09:30 BST on Thursday 14 July 2016, by Amir Approver" in last.text
    assert "Good to go." in last.text


def test_approving_a_page_that_changed_since_it_was_opened_is_refused(signed_in, officer, approver):
    release = create_release(state="in_review", author=officer)
    seen_version = release.version - 1
    response = signed_in(approver).client.post(
        f"/releases/{release.id}/approve", data={"version": seen_version}
    )
    assert response.status_code == 409
    assert b"it changed after you opened the page, so nothing was approved" in response.data
    assert releases.get_release(release.id).state == "in_review"


def test_requesting_changes_needs_a_comment_and_shows_it_to_the_author(
    signed_in, officer, approver
):
    release = create_release(state="in_review", author=officer)
    page = signed_in(approver)
    decide = f"/releases/{release.id}/decision"
    refused = page.post(
        decide,
        {"decision": "request_changes", "comment": "  ", "version": release.version},
        _expected_status=400,
    )
    link = refused.select_one(".error-summary a")
    assert link["href"] == "#decision-comment"
    assert "Enter a comment to request changes" in link.text
    assert refused.select_one("#decision-comment") is not None
    assert refused.select_one("#decision-request_changes").has_attr("checked")
    assert releases.get_release(release.id).state == "in_review"

    page.post(
        decide,
        {"decision": "request_changes", "comment": "Check the dates.", "version": release.version},
    )
    shown = signed_in(officer).get(f"/releases/{release.id}")
    assert "Check the dates." in shown.select_one(".notification--warning").text
    assert shown.select_one(".release-banner__state").text == "Changes requested: not public"


def test_withdrawing_needs_a_public_reason(signed_in, officer, approver):
    release = create_release(state="published", author=officer, approver=approver)
    page = signed_in(approver)
    refused = page.post(f"/releases/{release.id}/withdraw", {"reason": ""})
    assert refused.select_one(".error-summary a")["href"] == "#withdraw-reason"
    assert releases.get_release(release.id).state == "published"

    shown = page.post(f"/releases/{release.id}/withdraw", {"reason": "The figures were wrong."})
    assert "Withdrawn at" in shown.select_one(".release-banner__state").text
    assert "The figures were wrong." in shown.select_one(".release-banner").text


def test_publishing_an_approved_release_puts_it_on_the_newsroom(signed_in, officer, approver):
    release = create_release(state="approved", author=officer, approver=approver)
    shown = signed_in(officer).post(f"/releases/{release.id}/publish", {"version": release.version})
    assert "Published at 10:00 GMT on Tuesday 29 November 2016" in shown.text
    assert shown.select_one(f"a[href='/news/{release.slug}']") is not None


def test_every_action_form_carries_a_csrf_token(app, client, officer, approver):
    release = create_release(state="in_review", author=officer)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        login_page = client.get("/sign-in").text
        import re

        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page)
        token = token or re.search(r'name="csrf_token" value="([^"]+)"', login_page)
        client.post(
            "/sign-in",
            data={
                "email": approver.email,
                "password": "correct-horse-battery",
                "csrf_token": token.group(1),
            },
        )
        from bs4 import BeautifulSoup

        shown = BeautifulSoup(client.get(f"/releases/{release.id}").data, "html.parser")
        forms = shown.select("main form[method=post]")
        assert forms
        for form in forms:
            assert form.select_one("input[name=csrf_token]"), form.get("action")
        forged = client.post(f"/releases/{release.id}/approve", data={"version": release.version})
        assert forged.status_code == 400
        assert releases.get_release(release.id).state == "in_review"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# --- scheduling in UK time --------------------------------------------------------------------


def test_scheduling_shows_the_uk_time_with_its_utc_equivalent_before_confirming(
    signed_in, clock, officer, approver
):
    clock.set(datetime(2016, 7, 1, 9, 0, tzinfo=UTC))
    release = create_release(state="approved", author=officer, approver=approver)
    page = signed_in(officer)
    form = page.get(f"/releases/{release.id}/schedule")
    assert "UK time" in form.text

    check = page.post(
        f"/releases/{release.id}/schedule",
        {"day": "14", "month": "7", "year": "2016", "at": "00:01", "version": release.version},
    )
    assert check.select_one("#embargo-uk").text == "00:01 BST on Thursday 14 July 2016"
    assert check.select_one("#embargo-utc").text == "23:01 UTC on Wednesday 13 July 2016"
    assert releases.get_release(release.id).state == "approved"

    confirm = {i["name"]: i["value"] for i in check.select("main form input[type=hidden]")}
    done = page.post(f"/releases/{release.id}/schedule", confirm)
    assert done.select_one(".release-banner__state").text == (
        "Scheduled: goes out at 00:01 BST on Thursday 14 July 2016"
    )
    assert releases.get_release(release.id).embargo_until == datetime(
        2016, 7, 13, 23, 1, tzinfo=UTC
    )


def test_an_ambiguous_time_on_the_night_the_clocks_go_back_must_be_chosen(
    signed_in, clock, officer, approver
):
    clock.set(datetime(2016, 10, 20, 9, 0, tzinfo=UTC))
    release = create_release(state="approved", author=officer, approver=approver)
    page = signed_in(officer)
    data = {"day": "30", "month": "10", "year": "2016", "at": "01:30", "version": release.version}

    asked = page.post(f"/releases/{release.id}/schedule", data)
    assert "01:30 happens twice" in asked.select_one(".error-summary").text
    assert asked.select_one(".error-summary a")["href"] == "#occurrence-0"
    labels = [label.text for label in asked.select("input[name=occurrence] + label")]
    assert "01:30 BST on Sunday 30 October 2016 (00:30 UTC on Sunday 30 October 2016)" in labels[0]
    assert "01:30 GMT on Sunday 30 October 2016 (01:30 UTC" in labels[1]
    assert "The clocks go back on Sunday 30 October 2016" in asked.select_one(".warning-text").text

    check = page.post(f"/releases/{release.id}/schedule", {**data, "occurrence": "second"})
    assert check.select_one("#embargo-utc").text == "01:30 UTC on Sunday 30 October 2016"
    assert "The clocks go back" in check.select_one(".warning-text").text


def test_a_time_that_does_not_exist_when_the_clocks_go_forward_is_refused(
    signed_in, clock, officer, approver
):
    clock.set(datetime(2017, 3, 20, 9, 0, tzinfo=UTC))
    release = create_release(state="approved", author=officer, approver=approver)
    refused = signed_in(officer).post(
        f"/releases/{release.id}/schedule",
        {"day": "26", "month": "3", "year": "2017", "at": "01:30", "version": release.version},
    )
    link = refused.select_one(".error-summary a")
    assert link["href"] == "#at"
    assert "01:30 does not exist in the UK on Sunday 26 March 2017" in link.text
    assert releases.get_release(release.id).state == "approved"


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("09:59", "The embargo must be in the future"),
        ("10:00", "The embargo must be in the future"),
    ],
)
def test_an_embargo_that_is_not_in_the_future_is_refused(
    signed_in, clock, officer, approver, at, message
):
    release = create_release(state="approved", author=officer, approver=approver)
    data = {
        "day": "29",
        "month": "11",
        "year": "2016",
        "at": at,
        "version": release.version,
        "confirmed": "yes",
    }
    refused = signed_in(officer).post(f"/releases/{release.id}/schedule", data)
    assert refused.select_one(".error-summary a").text == message
    assert releases.get_release(release.id).state == "approved"


def test_a_schedule_form_without_a_date_says_so_next_to_the_field(signed_in, officer, approver):
    release = create_release(state="approved", author=officer, approver=approver)
    refused = signed_in(officer).post(
        f"/releases/{release.id}/schedule",
        {"day": "", "month": "", "year": "", "at": "09:30", "version": release.version},
    )
    assert refused.select_one(".error-summary a")["href"] == "#day"
    assert refused.select_one("#at")["value"] == "09:30"


# --- revisions --------------------------------------------------------------------------------


def test_two_revisions_can_be_compared_side_by_side(signed_in, officer):
    release = create_release(author=officer, body="Line one.\nLine two.")
    releases.update_release(
        release.id,
        actor=officer,
        expected_version=release.version,
        **{**_content(release), "body": "Line one.\nLine 2, corrected."},
    )
    page = signed_in(officer)
    shown = page.get(f"/releases/{release.id}")
    assert [r.select_one("td").text.split()[0] for r in shown.select("#revisions tbody tr")] == [
        "2",
        "1",
    ]

    compared = page.get(f"/releases/{release.id}/compare?old=1&new=2")
    table = compared.select_one("table.diff")
    assert table.caption.text == "Body"
    changed = table.select_one(".diff__row--changed")
    assert "Line two." in changed.select_one(".diff__old").text
    assert "Line 2, corrected." in changed.select_one(".diff__new").text


# --- files --------------------------------------------------------------------------------------


def test_a_file_that_is_not_what_it_says_is_refused_next_to_the_upload_field(signed_in, officer):
    release = create_release(author=officer)
    shown = signed_in(officer).post(
        f"/releases/{release.id}/files",
        {"file": (io.BytesIO(b"MZ\x90 not a pdf"), "report.pdf")},
        content_type="multipart/form-data",
        _expected_status=400,
    )
    assert shown.select_one(".error-summary a")["href"] == "#file"
    assert "not really a PDF" in shown.select_one("#file-error").text
    assert attachments.current_attachments(release.id) == []


def test_staff_can_download_a_file_before_publication_and_the_public_cannot(client, page, officer):
    release = create_release(author=officer)
    login(client, officer)
    shown = page.post(
        f"/releases/{release.id}/files",
        {"file": (io.BytesIO(pdf_bytes()), "report.pdf")},
        content_type="multipart/form-data",
    )
    assert "Attached report.pdf" in shown.text
    file = attachments.current_attachments(release.id)[0]
    staff_url = f"/releases/{release.id}/files/{file.id}"
    assert client.get(staff_url).data == pdf_bytes()

    client.post("/sign-out")
    assert client.get(staff_url).status_code in (302, 401)
    assert client.get(f"/news/{release.slug}/files/{file.id}").status_code == 404


def test_removing_a_file_takes_it_off_the_preview(signed_in, officer):
    release = create_release(author=officer)
    file = attachments.add_attachment(
        release.id, actor=officer, filename="report.pdf", stream=io.BytesIO(pdf_bytes())
    )
    page = signed_in(officer)
    assert page.get(f"/releases/{release.id}").select(".release-preview .release__file")
    shown = page.post(f"/releases/{release.id}/files/{file.id}/remove")
    assert "File removed" in shown.text
    assert not shown.select(".release-preview .release__file")


def test_a_scheduled_release_past_its_embargo_shows_as_published_to_staff(
    signed_in, clock, officer
):
    release = create_release(state="scheduled", author=officer)
    clock.advance(hours=1)
    shown = signed_in(officer).get(f"/releases/{release.id}")
    assert shown.select_one(".release-banner__state").text.startswith("Published at 11:00 GMT")
    assert "Published at the embargo" in shown.select(".timeline__item")[-1].text
    clock.advance(seconds=-1)
    shown = signed_in(officer).get(f"/releases/{release.id}")
    assert shown.select_one(".release-banner__state").text.startswith("Scheduled")


def test_a_correction_to_a_published_release_needs_a_change_note_and_waits_for_approval(
    signed_in, client, officer, approver
):
    release = create_release(state="published", author=officer, approver=approver)
    page = signed_in(officer)
    editor = page.get(f"/releases/{release.id}/edit")
    assert "Your change is a correction" in editor.select_one(".notification--warning").text

    data = _editor_data(version=str(release.version), body="The corrected body.")
    refused = page.post(f"/releases/{release.id}/edit", data)
    assert refused.select_one(".error-summary a")["href"] == "#change_note"
    assert refused.select_one("#body").text.strip() == "The corrected body."

    saved = page.post(
        f"/releases/{release.id}/edit", {**data, "change_note": "Corrected the body."}
    )
    assert "Correction waiting" in saved.select_one("#release-status").text
    assert "The corrected body." in saved.select_one(".release-preview").text
    client.post("/sign-out")
    assert "The corrected body." not in page.get(f"/news/{release.slug}").text

    approved = signed_in(approver).post(
        f"/releases/{release.id}/approve", {"version": releases.get_release(release.id).version}
    )
    assert "Correction approved" in approved.select_one(".notification--success").text
    client.post("/sign-out")
    public = page.get(f"/news/{release.slug}")
    assert "The corrected body." in public.text
    assert "Corrected the body." in public.select_one(".release__corrections").text


def test_more_than_thirty_quotes_is_refused_with_the_list_named(signed_in, officer):
    data = _editor_data()
    for i in range(31):
        data[f"quotes-{i}-speaker"] = f"Speaker {i}"
        data[f"quotes-{i}-role"] = ""
        data[f"quotes-{i}-text"] = f"Quote {i}"
    shown = signed_in(officer).post("/releases/new", data)
    link = shown.select_one(".error-summary a")
    assert link["href"] == "#quotes"
    assert "at most 30 quotes" in link.text
    assert shown.select_one("#quotes-30-text").text.strip() == "Quote 30"
    assert releases.list_releases().total == 0


def test_a_withdrawn_release_cannot_be_opened_for_editing(signed_in, officer, approver):
    release = create_release(state="withdrawn", author=officer, approver=approver)
    shown = signed_in(officer).get(f"/releases/{release.id}/edit", follow_redirects=True)
    assert "can't be edited" in shown.select_one(".notification--error").text
    assert not shown.select(f"a[href='/releases/{release.id}/edit']")
