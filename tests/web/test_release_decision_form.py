"""The approver's decision form in GOV.UK's radios pattern: one heading (the question the radios
answer), each hint inside its own choice under its label, and the comment labelled as required
to request changes, with an error that says so."""

from __future__ import annotations

from pressoffice.services import releases

from ..factories import create_release


def test_the_decision_form_has_one_heading_and_each_hint_under_its_own_choice(
    signed_in, officer, approver
):
    release = create_release(state="in_review", author=officer)
    page = signed_in(approver).get(f"/releases/{release.id}")
    section = page.select_one("#release-actions")

    headings = [h.get_text(" ", strip=True) for h in section.select("h2")]
    assert headings == [f"Your decision on version {release.version}"]
    assert section.select_one("legend h2#actions-title") is not None

    for choice, hint in (
        ("decision-approve", "Then it can be published or scheduled."),
        ("decision-request_changes", "It goes back to the author with your comment."),
    ):
        item = section.select_one(f"#{choice}").find_parent(class_="radios__item")
        parts = [child.name for child in item.find_all(recursive=False)]
        assert parts == ["input", "label", "div"]  # the hint follows its own label
        assert item.select_one(".radios__hint").get_text(strip=True) == hint
        assert item.input["aria-describedby"] == f"{choice}-hint"

    label = section.select_one("label[for=decision-comment]").get_text(" ", strip=True)
    assert label == "Comment (required to request changes)"
    assert "(optional)" not in section.get_text()


def test_requesting_changes_without_a_comment_says_the_comment_is_required(
    signed_in, officer, approver
):
    release = create_release(state="in_review", author=officer)
    refused = signed_in(approver).post(
        f"/releases/{release.id}/decision",
        {"decision": "request_changes", "comment": "", "version": release.version},
        _expected_status=400,
    )

    error = refused.select_one("#decision-comment-error").get_text(" ", strip=True)
    assert error == (
        "Error: Enter a comment to request changes: say what needs to change; "
        "the author will see it"
    )
    assert refused.select_one("#decision-comment")["aria-describedby"] == (
        "decision-comment-hint decision-comment-error"
    )
    assert releases.get_release(release.id).state == "in_review"
