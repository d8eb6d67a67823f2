"""The task-led release page: the next step first, every action that belongs to the release's
status shown (allowed, or refused with the rule's reason and what to do), one decision form
for an approver, the preview before it, and the record folded below."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import ReleaseEvent
from pressoffice.services import quote_signoffs, releases

from ..factories import create_release, make_user


def _main_text(page) -> str:
    return page.select_one("main").get_text(" ", strip=True)


def _ask_speaker(release, officer):
    key = release.quotes[0]["key"]
    return quote_signoffs.request_signoff(
        release.id, key, actor=officer, name="Ann Lee", email="ann@example.org"
    )


# --- actions never vanish without a reason ----------------------------------------------------


def test_a_draft_without_a_standfirst_says_why_it_cannot_be_submitted_and_what_to_do(
    signed_in, officer
):
    release = create_release(author=officer, summary="")

    shown = signed_in(officer).get(f"/releases/{release.id}")

    unavailable = shown.select_one("#unavailable-submit")
    assert unavailable is not None
    assert "Submit for approval" in unavailable.text
    assert "Add a standfirst before submitting the release for approval" in unavailable.text
    assert not shown.select(f"form[action='/releases/{release.id}/submit']")
    assert (
        shown.select_one("#next-step")
        .get_text(" ", strip=True)
        .endswith("Add a standfirst before submitting the release for approval")
    )


def test_an_officer_sees_approving_is_for_someone_else_with_the_reason(signed_in, officer):
    release = create_release(state="in_review", author=officer)

    shown = signed_in(officer).get(f"/releases/{release.id}")

    assert "Only an approver or an admin can approve it" in shown.select_one(
        "#unavailable-approve"
    ).get_text(" ", strip=True)
    assert "Only an approver or an admin can send a release back for changes" in shown.select_one(
        "#unavailable-request_changes"
    ).get_text(" ", strip=True)


def test_an_officer_is_told_why_they_cannot_withdraw_a_published_release(
    signed_in, officer, approver
):
    release = create_release(state="published", author=officer, approver=approver)

    shown = signed_in(officer).get(f"/releases/{release.id}")

    assert "Only an approver or an admin can withdraw a release" in shown.select_one(
        "#unavailable-withdraw"
    ).get_text(" ", strip=True)


# --- the next step first, the state said once -------------------------------------------------


def test_the_next_step_comes_first_and_the_state_is_said_once(signed_in, officer):
    release = create_release(state="in_review", author=officer)

    shown = signed_in(officer).get(f"/releases/{release.id}")

    next_step = shown.select_one("#next-step")
    assert "Waiting for sign-off by an approver who did not write it" in next_step.text
    # It is the first thing after the headline.
    assert shown.select_one("h1").find_next_sibling("div") is next_step
    assert _main_text(shown).count("In review") == 1


def test_the_author_who_is_an_approver_waits_for_someone_else(signed_in, app_ctx):
    author = make_user(role="approver", name="Alex Author")
    release = create_release(state="in_review", author=author)

    shown = signed_in(author).get(f"/releases/{release.id}")

    assert "Waiting for sign-off by an approver who did not write it" in shown.select_one(
        "#next-step"
    ).get_text(" ", strip=True)
    assert "You wrote this release; someone else must approve it" in shown.select_one(
        "#unavailable-approve"
    ).get_text(" ", strip=True)


# --- one decision form for an approver, the preview first ------------------------------------


def test_an_approver_gets_one_decision_form_after_the_preview(signed_in, officer, approver):
    release = create_release(state="in_review", author=officer)

    shown = signed_in(approver).get(f"/releases/{release.id}")

    forms = shown.select(
        f"form[action='/releases/{release.id}/approve'], "
        f"form[action='/releases/{release.id}/request-changes'], "
        f"form[action='/releases/{release.id}/decision']"
    )
    assert len(forms) == 1
    form = forms[0]
    radios = form.select("input[type=radio][name=decision]")
    assert [r["value"] for r in radios] == ["approve", "request_changes"]
    assert len(form.select("textarea")) == 1
    assert "Read the preview, then approve it or request changes" in shown.select_one(
        "#next-step"
    ).get_text(" ", strip=True)
    # The preview comes before the form that signs it off.
    assert form in shown.select_one("#preview").find_all_next("form")


def test_a_decision_without_a_choice_says_so_and_keeps_the_comment(signed_in, officer, approver):
    release = create_release(state="in_review", author=officer)

    refused = signed_in(approver).post(
        f"/releases/{release.id}/decision",
        {"comment": "Looks right.", "version": release.version},
        _expected_status=400,
    )

    link = refused.select_one(".error-summary a")
    assert link["href"] == "#decision-approve"
    assert "Choose whether to approve it or to request changes" in link.text
    assert refused.select_one("#decision-comment").text.strip() == "Looks right."
    assert releases.get_release(release.id).state == "in_review"


def test_an_approver_approves_from_the_decision_form(signed_in, officer, approver):
    release = create_release(state="in_review", author=officer)

    shown = signed_in(approver).post(
        f"/releases/{release.id}/decision",
        {"decision": "approve", "comment": "Good to go.", "version": release.version},
    )

    assert "Approved" in shown.select_one(".notification--success").text
    assert releases.get_release(release.id).state == "approved"
    assert "Good to go." in shown.select(".timeline__item")[-1].text


def test_approving_past_a_waiting_quote_warns_first_and_takes_the_reason_on_the_release_page(
    signed_in, officer, approver
):
    release = create_release(state="in_review", author=officer)
    _ask_speaker(release, officer)
    page = signed_in(approver)

    shown = page.get(f"/releases/{release.id}")
    form = shown.select_one(f"form[action='/releases/{release.id}/decision']")
    assert "still waiting for the speaker to sign off" in form.select_one("#signoff-warning").text
    assert form.select_one("textarea#decision-signoff_override") is not None

    refused = page.post(
        f"/releases/{release.id}/decision",
        {"decision": "approve", "comment": "Fine.", "version": release.version},
        _expected_status=200,
    )
    link = refused.select_one(".error-summary a")
    assert link["href"] == "#decision-signoff_override"
    assert "still waiting for the speaker" in link.text
    assert refused.select_one("#decision-comment").text.strip() == "Fine."
    assert releases.get_release(release.id).state == "in_review"

    approved = page.post(
        f"/releases/{release.id}/decision",
        {
            "decision": "approve",
            "comment": "Fine.",
            "signoff_override": "Ann Lee cleared it by phone",
            "version": release.version,
        },
    )
    assert "Approved" in approved.select_one(".notification--success").text
    assert releases.get_release(release.id).state == "approved"
    override = db.session.scalars(
        sa.select(ReleaseEvent).where(ReleaseEvent.action == "signoff_override")
    ).one()
    assert "Ann Lee cleared it by phone" in override.comment


# --- the record folded below ------------------------------------------------------------------


def test_history_files_and_revisions_are_folded_below_and_open_without_javascript(
    signed_in, officer
):
    release = create_release(author=officer)

    shown = signed_in(officer).get(f"/releases/{release.id}")

    for section in ("files", "timeline", "revisions"):
        folded = shown.select_one(f"details#{section}")
        assert folded is not None, section
        assert folded.select_one("summary h2") is not None
        assert not folded.has_attr("open")
    assert not shown.select("script")


def test_a_scheduled_release_revision_is_not_tagged_public_before_its_embargo(
    signed_in, clock, officer, approver
):
    clock.set(datetime(2016, 11, 30, 12, 0, tzinfo=UTC))
    release = create_release(
        state="scheduled",
        author=officer,
        approver=approver,
        embargo_until=datetime(2016, 12, 1, 0, 1, tzinfo=UTC),
    )

    shown = signed_in(officer).get(f"/releases/{release.id}")

    tags = [t.text for t in shown.select("#revisions .tag")]
    assert "Public" not in tags
    assert tags == ["Goes public at the embargo"]
    assert "not public yet" in shown.select_one(".summary-list").text

    clock.set(datetime(2016, 12, 1, 0, 1, tzinfo=UTC))
    after = signed_in(officer).get(f"/releases/{release.id}")
    assert [t.text for t in after.select("#revisions .tag")] == ["Public"]


# --- a release sent back ----------------------------------------------------------------------


def test_a_release_sent_back_shows_as_changes_requested_in_the_list_and_on_its_page(
    signed_in, officer, approver
):
    release = create_release(state="in_review", author=officer, title="Sent back release")
    create_release(author=officer, title="Plain draft")
    releases.request_changes(release.id, actor=approver, comment="Check the dates.")
    page = signed_in(officer)

    listing = page.get("/releases")
    tags = {
        row.select_one("a").text: row.select_one(".tag").text
        for row in listing.select("table tbody tr")
    }
    assert tags == {"Sent back release": "Changes requested", "Plain draft": "Draft"}
    drafts = page.get("/releases?status=draft")
    assert len(drafts.select("table tbody tr")) == 2

    shown = page.get(f"/releases/{release.id}")
    assert shown.select_one(".release-banner__state").text == "Changes requested: not public"
    assert "Make the changes the approver asked for" in shown.select_one("#next-step").text

    releases.submit_release(release.id, actor=officer)
    again = page.get("/releases")
    assert {
        row.select_one("a").text: row.select_one(".tag").text
        for row in again.select("table tbody tr")
    } == {"Sent back release": "In review", "Plain draft": "Draft"}
