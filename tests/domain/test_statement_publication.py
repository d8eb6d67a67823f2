"""Publishing a statement in the newsroom, by the release rules: who may publish or withdraw,
what it takes, and what the public may see; the links to releases a statement's approval
covers."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime

import pytest

from pressoffice.domain import statement_publication as publishing
from pressoffice.domain import statements as rules
from pressoffice.domain import visibility
from pressoffice.domain.signoff import Actor

NOW = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)
OFFICER = Actor(1, "officer")
APPROVER = Actor(2, "approver")
ADMIN = Actor(3, "admin")


def _state(**overrides) -> rules.StatementState:
    values = {
        "state": "approved",
        "author_id": 9,
        "last_editor_id": 9,
        "content_hash": "h1",
        "approved_hash": "h1",
        "review_by": date(2016, 12, 31),
        "publication": None,
        "on_the_record": True,
    }
    values.update(overrides)
    return rules.StatementState(**values)


@pytest.mark.parametrize(
    ("overrides", "allowed", "reason"),
    [
        ({}, True, ""),
        ({"state": "draft", "approved_hash": None}, False, "this statement is draft"),
        ({"state": "in_review", "approved_hash": None}, False, "this statement is in review"),
        ({"state": "retired"}, False, "this statement is retired"),
        ({"review_by": date(2016, 11, 28)}, False, "needs review"),
        ({"on_the_record": False}, False, "Only the on-the-record statement is published"),
        ({"content_hash": "h2"}, False, "changed since it was approved"),
        ({"publication": "published"}, False, "already published"),
        ({"publication": "withdrawn"}, False, "can't be published again"),
    ],
)
def test_only_an_approved_current_statement_with_on_the_record_words_is_published(
    overrides, allowed, reason
):
    decision = publishing.may_publish(_state(**overrides), OFFICER, NOW)
    assert decision.ok is allowed
    assert reason in decision.reason


def test_a_statement_whose_review_by_date_is_today_can_still_be_published():
    at_the_end_of_the_day = datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert publishing.may_publish(_state(), OFFICER, at_the_end_of_the_day).ok
    a_second_later = datetime(2017, 1, 1, 0, 0, 0, tzinfo=UTC)
    assert not publishing.may_publish(_state(), OFFICER, a_second_later).ok


def test_only_an_approver_or_admin_withdraws_and_readers_are_given_the_reason():
    published = _state(publication="published")
    assert publishing.may_withdraw(published, APPROVER, NOW, "Superseded").ok
    assert publishing.may_withdraw(published, ADMIN, NOW, "Superseded").ok
    refused = publishing.may_withdraw(published, OFFICER, NOW, "Superseded")
    assert refused.kind == "permission"
    no_reason = publishing.may_withdraw(published, APPROVER, NOW, "  ")
    assert (no_reason.kind, no_reason.field) == ("invalid", "reason")
    assert "readers will see it" in no_reason.reason
    for publication in (None, "withdrawn"):
        assert not publishing.may_withdraw(_state(publication=publication), APPROVER, NOW, "x").ok


def test_a_published_statement_is_withdrawn_before_it_is_retired():
    decision = rules.may_retire(_state(publication="published"), OFFICER, NOW, "Old line")
    assert not decision.ok
    assert "withdraw it there first" in decision.reason
    assert rules.may_retire(_state(publication="withdrawn"), OFFICER, NOW, "Old line").ok


def test_the_buttons_offer_publish_then_withdraw():
    assert publishing.publication_actions(_state(), OFFICER, NOW) == ["publish"]
    published = _state(publication="published")
    assert publishing.publication_actions(published, APPROVER, NOW) == ["withdraw"]
    assert publishing.publication_actions(published, OFFICER, NOW) == []
    assert "retire" not in rules.available_actions(published, APPROVER, NOW)


def test_approving_again_shows_the_new_words_only_while_published():
    assert publishing.publishes_on_approval(_state(publication="published"))
    assert not publishing.publishes_on_approval(_state(publication="withdrawn"))
    assert not publishing.publishes_on_approval(_state(publication=None))


@pytest.mark.parametrize(
    ("publication", "revision", "public", "listed"),
    [
        (None, None, False, False),
        (None, 7, False, False),
        ("published", None, False, False),
        ("published", 7, True, True),
        ("withdrawn", 7, True, False),
    ],
)
def test_the_release_visibility_rules_answer_for_a_statement(publication, revision, public, listed):
    facts = publishing.publication_facts(publication, revision)
    for instant in (NOW, datetime(2030, 1, 1, tzinfo=UTC)):
        assert visibility.is_public(facts, instant) is public
        assert visibility.is_listed(facts, instant) is listed
        assert visibility.embargo_lifts_at(facts, instant) is None


# --- links to releases ----------------------------------------------------------------------


def _content(**overrides) -> rules.StatementContent:
    content, errors = rules.clean_statement_content(
        **{"title": "Waiting times", "statement": "Words", **overrides}
    )
    assert errors == {}
    return content


def test_a_statement_serves_any_number_of_releases_in_the_order_given_each_once():
    content = _content(release_ids=[3, "1", 3, 2, ""])
    assert content.release_ids == (3, 1, 2)
    assert content.as_dict()["release_ids"] == [3, 1, 2]


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ("3", "release_ids"),
        ([0], "release_ids-0"),
        ([1, "two"], "release_ids-1"),
        ([True], "release_ids-0"),
        ([1.5], "release_ids-0"),
        ([2**31], "release_ids-0"),
        (list(range(1, 22)), "release_ids"),
    ],
)
def test_a_bad_release_link_is_refused_by_field(given, field):
    content, errors = rules.clean_statement_content(title="T", release_ids=given)
    assert content is None
    assert field in errors


def test_the_releases_served_are_part_of_what_is_approved():
    one = rules.content_hash(_content(release_ids=[1, 2]))
    assert one != rules.content_hash(_content(release_ids=[2, 1]))
    assert one != rules.content_hash(_content(release_ids=[1]))
    assert one == rules.content_hash(_content(release_ids=[1, 2]))


def test_a_statement_approved_when_it_served_one_release_keeps_its_approval():
    """Revisions saved before a statement could serve several releases stored ``release_id``
    and were hashed so: their approvals still cover the same content."""
    stored = {**_content().as_dict(), "release_ids": None}
    del stored["release_ids"]
    for release_id in (None, 5):
        old_form = {**stored, "release_id": release_id}
        old_hash = hashlib.sha256(
            json.dumps(old_form, sort_keys=True, ensure_ascii=False).encode("utf-8")
        ).hexdigest()
        read = rules.content_from_stored(old_form)
        assert read.release_ids == ((release_id,) if release_id else ())
        assert rules.content_hash(read) == old_hash
