"""Secret links: tokens, expiry, and what an embargoed link shows at an instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pressoffice.domain import links, workflow
from pressoffice.domain.workflow import ReleaseState

EMBARGO = datetime(2016, 12, 1, 0, 1, tzinfo=UTC)
SECOND = timedelta(seconds=1)
LIVE = links.LinkFacts()


def scheduled(**overrides) -> links.EmbargoedRelease:
    values = {
        "state": "scheduled",
        "embargo_until": EMBARGO,
        "public_revision_id": 7,
        "approved_revision_id": 7,
    }
    values.update(overrides)
    return links.EmbargoedRelease(**values)


def test_tokens_are_long_random_and_url_safe():
    tokens = {links.new_token() for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        assert len(token) == links.TOKEN_LENGTH == 43
        assert links.is_well_formed(token)


def test_only_a_hash_of_the_token_is_kept_and_it_does_not_contain_the_token():
    token = links.new_token()
    stored = links.token_hash(token)
    assert len(stored) == 64
    assert token not in stored
    assert stored == links.token_hash(token)
    assert stored != links.token_hash(links.new_token())


@pytest.mark.parametrize(
    "token",
    ["", "short", "x" * 42, "x" * 44, "a" * 42 + "!", "../../etc/passwd", None, "a" * 42 + " "],
)
def test_malformed_tokens_are_recognised(token):
    assert not links.is_well_formed(token)


@pytest.mark.parametrize(
    ("now", "answer"),
    [
        (EMBARGO - timedelta(days=2), links.SHOW),
        (EMBARGO - SECOND, links.SHOW),
        (EMBARGO, links.REDIRECT),
        (EMBARGO + SECOND, links.REDIRECT),
    ],
)
def test_a_link_shows_the_copy_until_the_embargo_and_redirects_from_that_instant(now, answer):
    assert links.preview_answer(LIVE, scheduled(), now) == answer


@pytest.mark.parametrize(
    ("release", "why"),
    [
        (scheduled(state="approved", embargo_until=None, public_revision_id=None), "unscheduled"),
        (scheduled(state="draft", approved_revision_id=None, public_revision_id=None), "edited"),
        (scheduled(state="in_review", approved_revision_id=None), "resubmitted"),
        (scheduled(state="withdrawn"), "withdrawn"),
        (scheduled(approved_revision_id=8), "approved content is not what goes out"),
        (None, "no release"),
    ],
)
def test_a_link_shows_nothing_when_the_release_is_not_scheduled_with_its_approval(release, why):
    assert links.preview_answer(LIVE, release, EMBARGO - SECOND) == links.MISSING, why


def test_a_revoked_link_shows_nothing_before_or_after_the_embargo():
    revoked = links.LinkFacts(revoked_at=EMBARGO - timedelta(days=1))
    assert links.preview_answer(revoked, scheduled(), EMBARGO - SECOND) == links.MISSING
    assert links.preview_answer(revoked, scheduled(), EMBARGO + SECOND) == links.MISSING


def test_a_link_stops_working_at_its_expiry_instant():
    expires = EMBARGO - timedelta(hours=1)
    link = links.LinkFacts(expires_at=expires)
    assert links.preview_answer(link, scheduled(), expires - SECOND) == links.SHOW
    assert links.preview_answer(link, scheduled(), expires) == links.MISSING
    assert links.preview_answer(link, scheduled(), expires + SECOND) == links.MISSING


def test_the_banner_gives_the_embargo_in_uk_time_in_winter_and_in_summer():
    assert links.embargo_banner(EMBARGO) == (
        "EMBARGOED UNTIL 00:01 Thursday 1 December 2016 (UK time)"
    )
    summer = datetime(2016, 6, 30, 23, 1, tzinfo=UTC)
    assert links.embargo_banner(summer) == "EMBARGOED UNTIL 00:01 Friday 1 July 2016 (UK time)"


@pytest.mark.parametrize(
    "email", ["not-an-email", "jo@", "@example.com", "jo@example..com", "jo smith@example.com"]
)
def test_a_malformed_recipient_email_is_refused_with_the_field_named(email):
    _cleaned, errors = links.clean_recipient("Jo Smith", "The Daily Example", email)
    assert set(errors) == {"email"}
    assert "correct format" in errors["email"]


def test_a_recipient_needs_a_name_and_an_outlet():
    _cleaned, errors = links.clean_recipient(" ", "", "jo@example.com")
    assert set(errors) == {"name", "outlet"}


@pytest.mark.parametrize(
    ("status", "state", "works"),
    [
        ("requested", "draft", True),
        ("approved", "in_review", True),
        ("changes_proposed", "scheduled", True),
        ("void", "draft", False),
        ("revoked", "draft", False),
        ("requested", "published", False),
        ("requested", "withdrawn", False),
    ],
)
def test_a_speaker_link_works_while_the_request_stands_and_the_release_is_not_public(
    status, state, works
):
    now = EMBARGO - timedelta(days=1)
    assert links.signoff_link_works(LIVE, status, state, None, now) is works


def test_a_speaker_link_stops_once_a_scheduled_release_goes_out():
    assert links.signoff_link_works(LIVE, "requested", "scheduled", EMBARGO, EMBARGO - SECOND)
    assert not links.signoff_link_works(LIVE, "requested", "scheduled", EMBARGO, EMBARGO)


def _facts(state="scheduled", hashes=("a", "a")):
    return ReleaseState(
        state=state,
        author_id=1,
        last_editor_id=1,
        embargo_until=EMBARGO,
        content_hash=hashes[0],
        approved_hash=hashes[1],
    )


def test_only_an_approver_may_break_an_embargo_and_only_with_a_reason():
    now = EMBARGO - timedelta(hours=1)
    assert links.may_break_embargo(_facts(), "approver", now, "Leaked on social media")
    assert links.may_break_embargo(_facts(), "admin", now, "Leaked")
    refused = links.may_break_embargo(_facts(), "officer", now, "Leaked")
    assert not refused and refused.kind == "permission"
    no_reason = links.may_break_embargo(_facts(), "approver", now, "  ")
    assert not no_reason and no_reason.field == "reason"


def test_an_embargo_cannot_be_broken_once_it_has_lifted_or_for_an_unscheduled_release():
    assert not links.may_break_embargo(_facts(), "approver", EMBARGO, "Leaked")
    assert not links.may_break_embargo(_facts(state="approved"), "approver", EMBARGO, "Leaked")


def test_the_refusal_to_approve_names_every_waiting_quote():
    reason = workflow.awaiting_signoff_reason(
        [
            links.quote_described("Ann Lee", "I am pleased."),
            links.quote_described("Bo Chan", "We will act."),
        ]
    )
    assert reason.startswith("The quote by Ann Lee (“I am pleased.”)")
    assert "the quote by Bo Chan (“We will act.”) are still waiting" in reason
