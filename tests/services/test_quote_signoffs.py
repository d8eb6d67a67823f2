"""Quote sign-off by the person quoted: requests, answers, suggestions and the approval rule."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import QuoteSignoff, ReleaseEvent
from pressoffice.services import quote_signoffs, releases
from pressoffice.services.errors import NotFound, ValidationFailed, WrongState

from ..factories import create_release

QUOTES = [
    {"speaker": "Ann Lee", "role": "Chief Inspector", "text": "I am pleased with the progress."},
    {"speaker": "Bo Chan", "role": "Chief Constable", "text": "We will keep improving."},
    {"speaker": "Cy Dale", "role": "Commissioner", "text": "Children deserve better."},
]
BODY = "Inspectors returned in August.\n\nThey found that **most** cases were handled well."


@pytest.fixture
def in_review(officer):
    return create_release(state="in_review", author=officer, quotes=QUOTES, body=BODY)


def key_of(release, speaker):
    return next(q["key"] for q in release.quotes if q["speaker"] == speaker)


def ask(release, officer, speaker="Bo Chan", email="bo@example.org"):
    return quote_signoffs.request_signoff(
        release.id, key_of(release, speaker), actor=officer, name=speaker, email=email
    )


def test_the_speaker_sees_the_headline_and_the_paragraphs_around_the_quote_only(in_review, officer):
    context = quote_signoffs.open_signoff(ask(in_review, officer).token)
    assert context.title == in_review.title
    assert context.introduction == "Bo Chan, Chief Constable, said:"
    assert context.quote_paragraphs == ["We will keep improving."]
    assert context.before_quote == (
        "Ann Lee, Chief Inspector, said:",
        ["I am pleased with the progress."],
    )
    assert context.after_quote == ("Cy Dale, Commissioner, said:", ["Children deserve better."])
    assert context.before_html is None


def test_the_first_quote_is_shown_after_the_last_paragraph_of_the_body(in_review, officer):
    context = quote_signoffs.open_signoff(ask(in_review, officer, "Ann Lee").token)
    assert (
        context.before_html
        == "<p>They found that <strong>most</strong> cases were handled well.</p>\n"
    )
    assert "Inspectors returned" not in context.before_html


def test_a_malformed_speaker_email_is_refused_with_the_field_named(in_review, officer):
    with pytest.raises(ValidationFailed) as refused:
        ask(in_review, officer, email="bo@")
    assert set(refused.value.fields) == {"email"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuoteSignoff)) == 0


def test_only_the_hash_of_the_speaker_token_is_stored(in_review, officer):
    requested = ask(in_review, officer)
    stored = db.session.get(QuoteSignoff, requested.signoff.id)
    assert stored.token_hash != requested.token and len(requested.token) >= 43


def test_approving_the_release_is_refused_while_a_quote_waits_naming_the_quote(
    in_review, officer, approver
):
    ask(in_review, officer)
    with pytest.raises(WrongState) as refused:
        releases.approve_release(in_review.id, actor=approver)
    assert "The quote by Bo Chan (“We will keep improving.”)" in refused.value.message
    assert "Ann Lee" not in refused.value.message
    assert releases.release_status(releases.get_release(in_review.id)) == "in_review"


def test_once_the_speaker_approves_the_release_can_be_approved(in_review, officer, approver):
    requested = ask(in_review, officer)
    quote_signoffs.answer_signoff(requested.token, decision="approve")
    releases.approve_release(in_review.id, actor=approver)
    assert releases.get_release(in_review.id).state == "approved"


def test_an_approver_may_override_a_waiting_quote_with_a_recorded_reason(
    in_review, officer, approver
):
    ask(in_review, officer)
    quote_signoffs.approve_with_override(
        in_review.id, actor=approver, reason="Bo Chan cleared it by phone"
    )
    assert releases.get_release(in_review.id).state == "approved"
    event = db.session.scalars(
        sa.select(ReleaseEvent).where(ReleaseEvent.action == "signoff_override")
    ).one()
    assert event.actor_id == approver.id
    assert "Bo Chan cleared it by phone" in event.comment
    assert "the quote by Bo Chan" in event.comment


def test_an_override_needs_a_reason(in_review, officer, approver):
    ask(in_review, officer)
    with pytest.raises(ValidationFailed) as refused:
        quote_signoffs.approve_with_override(in_review.id, actor=approver, reason="  ")
    assert set(refused.value.fields) == {"reason"}
    assert releases.get_release(in_review.id).state == "in_review"


def test_a_proposed_change_waits_for_an_officer_and_never_edits_the_release(in_review, officer):
    requested = ask(in_review, officer)
    version = in_review.version
    quote_signoffs.answer_signoff(
        requested.token,
        decision="propose",
        proposed_text="We will keep improving, and quickly.",
        comment="Stronger, please",
    )
    release = releases.get_release(in_review.id)
    assert release.version == version
    assert [q["text"] for q in release.quotes] == [q["text"] for q in QUOTES]
    signoff = db.session.get(QuoteSignoff, requested.signoff.id)
    assert (signoff.status, signoff.comment) == ("changes_proposed", "Stronger, please")


def test_a_proposal_needs_new_wording(in_review, officer):
    requested = ask(in_review, officer)
    for text in ("", "We will keep improving."):
        with pytest.raises(ValidationFailed) as refused:
            quote_signoffs.answer_signoff(requested.token, decision="propose", proposed_text=text)
        assert set(refused.value.fields) == {"proposed_text"}


def test_the_speaker_answers_once(in_review, officer):
    requested = ask(in_review, officer)
    quote_signoffs.answer_signoff(requested.token, decision="approve")
    with pytest.raises(WrongState):
        quote_signoffs.answer_signoff(requested.token, decision="propose", proposed_text="New")


def test_an_accepted_change_edits_the_quote_voids_the_approval_and_needs_sign_off_again(
    officer, approver
):
    release = create_release(state="approved", author=officer, approver=approver, quotes=QUOTES)
    requested = ask(release, officer)
    quote_signoffs.answer_signoff(
        requested.token, decision="propose", proposed_text="We will keep improving, and quickly."
    )
    quote_signoffs.accept_suggestion(release.id, requested.signoff.id, actor=officer)

    release = releases.get_release(release.id)
    assert release.quotes[1]["text"] == "We will keep improving, and quickly."
    assert release.quotes[1]["key"] == key_of(release, "Bo Chan")
    assert release.state == "draft"
    assert release.approved_hash is None
    assert "approval is void" in release.notice
    signoff = db.session.get(QuoteSignoff, requested.signoff.id)
    assert (signoff.status, signoff.suggestion_outcome) == ("approved", "accepted")
    # The speaker's words are now the quote, so their sign-off does not hold the release up.
    releases.submit_release(release.id, actor=officer)
    releases.approve_release(release.id, actor=approver)
    assert releases.get_release(release.id).state == "approved"


def test_a_rejected_change_leaves_the_quote_and_asks_the_speaker_again(in_review, officer):
    requested = ask(in_review, officer)
    quote_signoffs.answer_signoff(requested.token, decision="propose", proposed_text="Other words")
    quote_signoffs.reject_suggestion(in_review.id, requested.signoff.id, actor=officer)
    assert releases.get_release(in_review.id).quotes[1]["text"] == "We will keep improving."
    context = quote_signoffs.open_signoff(requested.token)
    assert context.may_answer
    assert context.signoff.suggestion_outcome == "rejected"


def test_editing_a_signed_off_quote_voids_that_sign_off_only(officer):
    release = create_release(state="draft", author=officer, quotes=QUOTES)
    bo = ask(release, officer)
    ann = ask(release, officer, "Ann Lee", "ann@example.org")
    quote_signoffs.answer_signoff(bo.token, decision="approve")
    quote_signoffs.answer_signoff(ann.token, decision="approve")
    quotes = [dict(q) for q in release.quotes]
    quotes[1]["text"] = "We will keep improving, whatever it takes."
    releases.update_release(
        release.id,
        actor=officer,
        expected_version=release.version,
        title=release.title,
        summary=release.summary,
        body=release.body,
        quotes=quotes,
        links=release.links,
        notes=release.notes,
    )
    assert db.session.get(QuoteSignoff, bo.signoff.id).status == "void"
    assert db.session.get(QuoteSignoff, ann.signoff.id).status == "approved"
    with pytest.raises(NotFound):
        quote_signoffs.open_signoff(bo.token)
    event = db.session.scalars(
        sa.select(ReleaseEvent).where(ReleaseEvent.action == "quote_signoff_void")
    ).one()
    assert "after Bo Chan signed it off" in event.comment


def test_a_new_request_replaces_the_earlier_link(in_review, officer):
    first = ask(in_review, officer)
    second = ask(in_review, officer, email="bo.chan@example.org")
    with pytest.raises(NotFound):
        quote_signoffs.open_signoff(first.token)
    assert quote_signoffs.open_signoff(second.token).signoff.email == "bo.chan@example.org"


def test_a_revoked_speaker_link_finds_nothing_and_the_quote_no_longer_waits(
    in_review, officer, approver
):
    requested = ask(in_review, officer)
    quote_signoffs.revoke_signoff(in_review.id, requested.signoff.id, actor=officer)
    with pytest.raises(NotFound):
        quote_signoffs.open_signoff(requested.token)
    releases.approve_release(in_review.id, actor=approver)


def test_the_staff_view_gives_each_quote_its_latest_status(in_review, officer):
    requested = ask(in_review, officer)
    quote_signoffs.answer_signoff(requested.token, decision="approve")
    statuses = quote_signoffs.quote_statuses(releases.get_release(in_review.id))
    assert [(s.quote.speaker, s.label) for s in statuses] == [
        ("Ann Lee", "Not asked"),
        ("Bo Chan", "Signed off"),
        ("Cy Dale", "Not asked"),
    ]


def test_quotes_of_a_public_release_cannot_be_sent_for_sign_off(officer, approver):
    published = create_release(state="published", author=officer, approver=approver)
    with pytest.raises(WrongState):
        quote_signoffs.request_signoff(
            published.id,
            published.quotes[0]["key"],
            actor=officer,
            name="Ann Lee",
            email="ann@example.org",
        )
