"""Sending a release to media lists: each contact once, do-not-contact always wins, embargoed
copies are personal links, and the public release goes at the embargo instant, never before;
unscheduling, moving the embargo or withdrawing follows through."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import (
    Contact,
    ContactList,
    ContactListMember,
    Distribution,
    DistributionRecipient,
    EmbargoRecipient,
    OutboxMessage,
)
from pressoffice.services import distributions, previews, releases
from pressoffice.services.errors import NotFound, ValidationFailed, WrongState
from pressoffice.services.outbox_batches import claim_batch
from pressoffice.services.unit_of_work import unit_of_work
from tests.conftest import DEFAULT_NOW
from tests.factories import create_release, make_user

EMBARGO = DEFAULT_NOW + timedelta(hours=1)


@unit_of_work
def make_list(name, people):
    """A media list of contacts: ``people`` are (name, email, do_not_contact) triples."""
    now = DEFAULT_NOW
    media_list = ContactList(name=name, name_key=name.casefold(), created_at=now, updated_at=now)
    db.session.add(media_list)
    db.session.flush()
    for person, email, do_not_contact in people:
        contact = db.session.scalar(sa.select(Contact).where(Contact.email == email))
        if contact is None:
            contact = Contact(
                name=person,
                outlet="The Northshire Echo",
                email=email,
                consent_basis="legitimate_interests",
                do_not_contact=do_not_contact,
                created_at=now,
                updated_at=now,
            )
            db.session.add(contact)
            db.session.flush()
        db.session.add(
            ContactListMember(list_id=media_list.id, contact_id=contact.id, added_at=now)
        )
    return media_list.id


def outbox():
    """The messages to media contacts (the outbox also carries staff notifications)."""
    return db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.kind == "distribution")
        .order_by(OutboxMessage.id)
    ).all()


@pytest.fixture
def crime_desk(app_ctx):
    return make_list(
        "Crime reporters",
        [
            ("Amy Archer", "amy@echo.example", False),
            ("Ben Bell", "ben@echo.example", False),
            ("Cat Cole", "cat@echo.example", True),
        ],
    )


@pytest.fixture
def scheduled(app_ctx, officer):
    return create_release(
        state="scheduled",
        author=officer,
        embargo_until=EMBARGO,
        quotes=[{"speaker": "Tom Achebe", "role": "Chief Constable", "text": "We are ready."}],
        notes=["The survey ran in October."],
    )


def test_embargoed_copies_give_each_contact_their_own_working_link(crime_desk, scheduled, officer):
    news_desk = make_list("News desks", [("Ben Bell", "BEN@echo.example", False)])
    made = distributions.create_distribution(
        scheduled.id, actor=officer, list_ids=[crime_desk, news_desk], kind="embargoed_copy"
    )
    assert (made.recipients, made.skipped_do_not_contact, made.duplicates) == (2, 1, 1)
    messages = outbox()
    assert sorted(m.to_address for m in messages) == ["amy@echo.example", "ben@echo.example"]
    tokens = [re.search(r"/preview/([A-Za-z0-9_-]{43})", m.body_text).group(1) for m in messages]
    assert len(set(tokens)) == 2
    for message, token in zip(messages, tokens, strict=True):
        assert message.subject.startswith("Embargoed: ")
        assert "List-Unsubscribe" in message.headers
        assert previews.open_preview(token).recipient.email == message.to_address
    # Only the hashes of the links are kept as the recipients' links.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EmbargoRecipient)) == 2
    history = releases.release_history(scheduled.id)
    assert any("Embargoed copies sent to 2 contacts" in (e.comment or "") for e in history.events)


def claimable(at):
    """The addresses a worker could take for sending at ``at``, taking them."""
    ids = [m.id for m in outbox()]
    return sorted(claim.to_address for claim in claim_batch(ids, now=at))


def test_the_release_waits_for_its_embargo_and_goes_at_the_instant_never_before(
    crime_desk, scheduled, officer, clock
):
    made = distributions.create_distribution(
        scheduled.id, actor=officer, list_ids=[crime_desk], kind="on_publication"
    )
    assert (made.status, made.waiting, made.send_at) == ("scheduled", 2, EMBARGO)
    messages = outbox()
    assert sorted(m.to_address for m in messages) == ["amy@echo.example", "ben@echo.example"]
    assert {(m.status, m.next_attempt_at) for m in messages} == {("queued", EMBARGO)}
    letter = messages[0]
    assert letter.subject == scheduled.title
    assert "Tom Achebe" in letter.body_text and "We are ready." in letter.body_html
    assert "Notes to editors" in letter.body_text
    assert "The survey ran in October." in letter.body_html
    assert letter.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Each contact has their own unsubscribe link.
    assert len({m.headers["List-Unsubscribe"] for m in messages}) == 2

    assert claimable(EMBARGO - timedelta(seconds=1)) == []
    assert claimable(EMBARGO) == ["amy@echo.example", "ben@echo.example"]
    # Taken once: a second worker (or the sweep) finds nothing to send.
    assert claimable(EMBARGO + timedelta(seconds=1)) == []
    clock.set(EMBARGO)
    progress = distributions.distribution_progress(scheduled.id, made.id)
    assert (progress.queued, progress.waiting, progress.skipped_do_not_contact) == (2, 0, 1)


def test_unscheduling_cancels_the_send_and_nothing_goes(crime_desk, scheduled, officer):
    made = distributions.create_distribution(
        scheduled.id, actor=officer, list_ids=[crime_desk], kind="on_publication"
    )
    releases.unschedule_release(scheduled.id, actor=officer)
    progress = distributions.distribution_progress(scheduled.id, made.id)
    assert (progress.status, progress.cancelled) == ("cancelled", 2)
    assert progress.cancel_reason == "The release was unscheduled"
    assert {m.status for m in outbox()} == {"cancelled"}
    assert claimable(EMBARGO) == []


def test_editing_a_scheduled_release_cancels_the_send(crime_desk, scheduled, officer):
    made = distributions.create_distribution(
        scheduled.id, actor=officer, list_ids=[crime_desk], kind="on_publication"
    )
    current = releases.get_release(scheduled.id)
    releases.update_release(
        scheduled.id,
        actor=officer,
        expected_version=current.version,
        **{"title": "A new headline", "summary": current.summary, "body": current.body},
    )
    progress = distributions.distribution_progress(scheduled.id, made.id)
    assert progress.status == "cancelled"
    assert "edited" in progress.cancel_reason
    assert claimable(EMBARGO) == []


def test_moving_the_embargo_moves_the_send(crime_desk, scheduled, officer):
    made = distributions.create_distribution(
        scheduled.id, actor=officer, list_ids=[crime_desk], kind="on_publication"
    )
    later = EMBARGO + timedelta(hours=2)
    releases.schedule_release(scheduled.id, actor=officer, embargo_until=later)
    assert distributions.distribution_progress(scheduled.id, made.id).send_at == later
    assert claimable(EMBARGO) == []
    assert claimable(later) == ["amy@echo.example", "ben@echo.example"]


def test_a_broken_embargo_sends_at_once(crime_desk, scheduled, officer, app_ctx):
    approver = make_user(role="approver")
    made = distributions.create_distribution(
        scheduled.id, actor=officer, list_ids=[crime_desk], kind="on_publication"
    )
    releases.break_embargo(scheduled.id, actor=approver, reason="The Echo ran it early")
    assert distributions.distribution_progress(scheduled.id, made.id).send_at == DEFAULT_NOW
    assert claimable(DEFAULT_NOW) == ["amy@echo.example", "ben@echo.example"]


def test_withdrawing_cancels_messages_not_yet_sent(crime_desk, scheduled, officer, clock):
    approver = make_user(role="approver")
    made = distributions.create_distribution(
        scheduled.id, actor=officer, list_ids=[crime_desk], kind="on_publication"
    )
    clock.set(EMBARGO)
    releases.withdraw_release(scheduled.id, actor=approver, reason="Wrong figures")
    assert {m.status for m in outbox()} == {"cancelled"}
    assert distributions.distribution_progress(scheduled.id, made.id).status == "cancelled"


def test_a_contact_marked_do_not_contact_before_the_instant_gets_nothing(
    crime_desk, scheduled, officer
):
    distributions.create_distribution(
        scheduled.id, actor=officer, list_ids=[crime_desk], kind="on_publication"
    )
    _mark_do_not_contact("amy@echo.example")
    assert claimable(EMBARGO) == ["ben@echo.example"]
    amy = next(m for m in outbox() if m.to_address == "amy@echo.example")
    assert amy.status == "cancelled"


@unit_of_work
def _mark_do_not_contact(email):
    contact = db.session.scalar(sa.select(Contact).where(Contact.email == email))
    contact.do_not_contact = True


def test_one_click_unsubscribe_sets_do_not_contact_and_cancels_what_is_queued(
    crime_desk, scheduled, officer
):
    distributions.create_distribution(
        scheduled.id, actor=officer, list_ids=[crime_desk], kind="on_publication"
    )
    copies = distributions.create_distribution(
        scheduled.id, actor=officer, list_ids=[crime_desk], kind="embargoed_copy"
    )
    amy = next(m for m in outbox() if m.to_address == "amy@echo.example")
    token = re.search(r"/unsubscribe/([A-Za-z0-9_-]{43})", amy.body_text).group(1)
    assert distributions.unsubscribe_link_works(token)
    assert distributions.unsubscribe(token) == "Amy Archer"
    contact = db.session.scalar(sa.select(Contact).where(Contact.email == "amy@echo.example"))
    assert contact.do_not_contact and contact.do_not_contact_reason
    db.session.expire_all()
    statuses = db.session.scalars(
        sa.select(OutboxMessage.status)
        .join(DistributionRecipient, DistributionRecipient.outbox_message_id == OutboxMessage.id)
        .where(DistributionRecipient.contact_id == contact.id)
    ).all()
    assert statuses == ["cancelled", "cancelled"]
    assert copies.recipients == 2
    with pytest.raises(NotFound):
        distributions.unsubscribe("x" * 43)


@pytest.mark.parametrize(
    ("list_ids", "kind", "field"),
    [
        ([], "on_publication", "list_ids"),
        (None, "on_publication", "list_ids"),
        (["one"], "on_publication", "list_ids"),
        ([999], "on_publication", "list_ids"),
        ([1], "leaflet", "kind"),
    ],
)
def test_bad_choices_are_refused_by_field_and_nothing_is_written(
    crime_desk, scheduled, officer, list_ids, kind, field
):
    with pytest.raises(ValidationFailed) as refused:
        distributions.create_distribution(scheduled.id, actor=officer, list_ids=list_ids, kind=kind)
    assert field in refused.value.fields
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Distribution)) == 0


def test_a_list_of_do_not_contact_people_only_is_refused(scheduled, officer):
    nobody = make_list("Unsubscribed", [("Cat Cole", "cat@echo.example", True)])
    with pytest.raises(ValidationFailed) as refused:
        distributions.create_distribution(
            scheduled.id, actor=officer, list_ids=[nobody], kind="on_publication"
        )
    assert "list_ids" in refused.value.fields


def test_a_draft_cannot_be_sent_and_embargoed_copies_need_a_schedule(crime_desk, officer):
    draft = create_release(state="draft", author=officer)
    published = create_release(state="published", author=officer)
    with pytest.raises(WrongState):
        distributions.create_distribution(
            draft.id, actor=officer, list_ids=[crime_desk], kind="on_publication"
        )
    with pytest.raises(WrongState):
        distributions.create_distribution(
            published.id, actor=officer, list_ids=[crime_desk], kind="embargoed_copy"
        )
    made = distributions.create_distribution(
        published.id, actor=officer, list_ids=[crime_desk], kind="on_publication"
    )
    assert (made.queued, made.waiting) == (2, 0)
    assert claimable(DEFAULT_NOW) == ["amy@echo.example", "ben@echo.example"]


def test_the_same_release_sent_again_to_the_same_list_reaches_each_contact_once(
    crime_desk, officer
):
    """A form sent twice or a retried request: the second distribution writes to nobody twice."""
    release = create_release(state="published", author=officer)
    distributions.create_distribution(
        release.id, actor=officer, list_ids=[crime_desk], kind="on_publication"
    )
    with pytest.raises(ValidationFailed) as refused:
        distributions.create_distribution(
            release.id, actor=officer, list_ids=[crime_desk], kind="on_publication"
        )
    assert "already been sent" in refused.value.fields["list_ids"]
    more = make_list(
        "More", [("Amy Archer", "amy@echo.example", False), ("Dan", "dan@x.example", False)]
    )
    again = distributions.create_distribution(
        release.id, actor=officer, list_ids=[more], kind="on_publication"
    )
    assert again.recipients == 1
    assert sorted(m.to_address for m in outbox()) == [
        "amy@echo.example",
        "ben@echo.example",
        "dan@x.example",
    ]


def test_anonymising_a_contact_leaves_nothing_of_them_in_what_was_sent(crime_desk, officer):
    from pressoffice.services import contacts

    release = create_release(state="scheduled", author=officer, embargo_until=EMBARGO)
    distributions.create_distribution(
        release.id, actor=officer, list_ids=[crime_desk], kind="embargoed_copy"
    )
    contacts.anonymise_unused(now=DEFAULT_NOW + timedelta(days=3 * 366), older_than_months=24)
    db.session.expire_all()
    kept = " ".join(
        [r.email + r.name for r in db.session.scalars(sa.select(DistributionRecipient))]
        + [m.to_address + m.to_name + m.body_text for m in outbox()]
        + [r.email + r.name for r in db.session.scalars(sa.select(EmbargoRecipient))]
    )
    assert "amy@echo.example" not in kept and "Amy Archer" not in kept
    assert {m.status for m in outbox()} == {"cancelled"}


def test_a_moved_embargo_is_said_in_copies_still_to_go_and_told_to_those_sent(
    crime_desk, scheduled, officer
):
    distributions.create_distribution(
        scheduled.id, actor=officer, list_ids=[crime_desk], kind="embargoed_copy"
    )
    [amy, ben] = sorted(outbox(), key=lambda m: m.to_address)
    assert "EMBARGOED UNTIL 11:00" in amy.body_text
    claim_batch([amy.id])  # Amy's copy is on its way; Ben's is still queued
    _sent([amy.id])
    later = EMBARGO + timedelta(hours=4)
    releases.schedule_release(scheduled.id, actor=officer, embargo_until=later)
    db.session.expire_all()
    messages = {(m.to_address, m.subject.split(":")[0]): m for m in outbox()}
    assert "EMBARGOED UNTIL 15:00" in messages[("ben@echo.example", "Embargoed")].body_text
    note = messages[("amy@echo.example", "Embargo moved")]
    assert "EMBARGOED UNTIL 15:00" in note.body_text
    assert ("ben@echo.example", "Embargo moved") not in messages


@unit_of_work
def _sent(ids):
    db.session.execute(
        sa.update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(status="sent")
    )
