"""Staff pages to send a release to media lists, and the one-click unsubscribe page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import Contact, OutboxMessage

from ..conftest import DEFAULT_NOW
from ..factories import create_release
from ..services.test_distributions import make_list

EMBARGO = DEFAULT_NOW + timedelta(hours=1)


@pytest.fixture
def media_list(app_ctx):
    return make_list(
        "Crime reporters",
        [("Amy Archer", "amy@echo.example", False), ("Cat Cole", "cat@echo.example", True)],
    )


def test_an_officer_sends_embargoed_copies_to_a_list_in_one_step(signed_in, officer, media_list):
    release = create_release(state="scheduled", author=officer, embargo_until=EMBARGO)
    page = signed_in(officer)
    form = page.get(f"/releases/{release.id}/distribution")
    assert form.find("label", string=re.compile("Embargoed copies, now"))
    assert form.find("label", string=re.compile(r"Crime reporters \(2 contacts\)"))
    sent = page.post(
        f"/releases/{release.id}/distribution",
        data={"kind": "embargoed_copy", "list_ids": [str(media_list)]},
    )
    assert "Sending to 1 contact" in sent.get_text()
    text = " ".join(sent.get_text(" ").split())
    assert "Skipped: do not contact 1" in text
    assert "Queued 1" in text


def test_choosing_no_list_is_an_error_next_to_the_lists(signed_in, officer, media_list):
    release = create_release(state="scheduled", author=officer, embargo_until=EMBARGO)
    page = signed_in(officer)
    answer = page.post(
        f"/releases/{release.id}/distribution",
        data={"kind": "on_publication"},
        _expected_status=400,
    )
    assert answer.select_one(".error-summary a[href='#list_ids']")
    assert "Choose at least one list" in answer.select_one("#list_ids-error").get_text()


def test_a_draft_offers_no_sending_and_says_why(signed_in, officer, media_list):
    draft = create_release(state="draft", author=officer)
    page = signed_in(officer).get(f"/releases/{draft.id}/distribution")
    assert page.find("form", attrs={"action": f"/releases/{draft.id}/distribution"}) is None
    assert "once it is scheduled" in page.get_text()


def test_one_click_unsubscribe_works_without_a_session_and_a_scanner_opening_it_does_nothing(
    client, officer, media_list, app_ctx
):
    from pressoffice.services import distributions

    release = create_release(state="published", author=officer)
    distributions.create_distribution(
        release.id, actor=officer, list_ids=[media_list], kind="on_publication"
    )
    message = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "distribution")
    ).one()
    path = re.search(r"<\S+?(/unsubscribe/[A-Za-z0-9_-]{43})>", message.headers["List-Unsubscribe"])
    path = path.group(1)
    assert client.get(path).status_code == 200  # a link scanner, or the person reading
    amy = db.session.scalar(sa.select(Contact).where(Contact.email == "amy@echo.example"))
    assert not amy.do_not_contact
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Contact, amy.id).do_not_contact
    assert client.get("/unsubscribe/" + "x" * 43).status_code == 404


def test_the_release_page_shows_the_distributions_progress_and_leads_to_it(
    signed_in, officer, media_list
):
    from pressoffice.services import distributions

    release = create_release(state="scheduled", author=officer, embargo_until=EMBARGO)
    page = signed_in(officer)
    before = page.get(f"/releases/{release.id}").select_one("#distribution-summary")
    assert "Not sent to any media list" in before.get_text()
    assert before.find("a", href=f"/releases/{release.id}/distribution")
    distributions.create_distribution(
        release.id, actor=officer, list_ids=[media_list], kind="on_publication"
    )
    after = " ".join(
        page.get(f"/releases/{release.id}").select_one("#distribution-summary").get_text().split()
    )
    assert "the release when it goes public to Crime reporters, scheduled" in after
    assert "(1 waiting for the embargo)" in after
