"""The staff approve form approves exactly the version the approver was shown, never whatever
happens to be current when the form arrives."""

from __future__ import annotations

from pressoffice.services import releases

from ..factories import create_release, release_content


def test_the_decision_form_carries_the_version_shown(signed_in, officer, approver):
    release = create_release(state="in_review", author=officer)

    page = signed_in(approver).get(f"/releases/{release.id}")

    form = page.select_one(f"form[action='/releases/{release.id}/decision']")
    assert form.select_one("input[type=hidden][name=version]")["value"] == str(release.version)


def test_an_approval_that_names_no_version_is_refused_and_approves_nothing(
    signed_in, officer, approver
):
    release = create_release(state="in_review", author=officer)

    response = signed_in(approver).client.post(
        f"/releases/{release.id}/approve", data={"comment": "Fine"}
    )

    assert response.status_code == 400
    assert b"did not say which version you reviewed" in response.data
    assert releases.get_release(release.id).state == "in_review"
    assert releases.get_release(release.id).approved_by_id is None


def test_an_approval_of_a_version_since_replaced_shows_both_versions_and_approves_nothing(
    signed_in, page, officer, approver
):
    release = create_release(state="in_review", author=officer)
    shown_version = release.version
    # While the approver reads version 1, the author changes a figure and resubmits.
    releases.update_release(
        release.id,
        actor=officer,
        expected_version=shown_version,
        **release_content(body="Inspectors returned in September."),
    )
    releases.submit_release(release.id, actor=officer)
    current = releases.get_release(release.id).version
    assert current != shown_version

    signed_in(approver)
    refused = page.post(
        f"/releases/{release.id}/approve",
        {"version": shown_version, "comment": "Fine"},
        _expected_status=409,
    )

    text = refused.get_text(" ", strip=True)
    assert f"You reviewed version {shown_version}" in text
    assert f"it is now version {current}" in text
    compare = refused.select_one("#approval-conflict a[href*='/compare']")
    assert compare["href"] == f"/releases/{release.id}/compare?old={shown_version}&new={current}"
    assert refused.select_one("#decision-comment").text.strip() == "Fine"
    form = refused.select_one(f"form[action='/releases/{release.id}/decision']")
    assert form.select_one("input[name=version]")["value"] == str(current)
    assert releases.get_release(release.id).state == "in_review"
    assert releases.get_release(release.id).approved_by_id is None

    approved = page.post(f"/releases/{release.id}/approve", {"version": current})
    assert "Approved" in approved.select_one(".notification--success").text
    assert releases.get_release(release.id).state == "approved"
