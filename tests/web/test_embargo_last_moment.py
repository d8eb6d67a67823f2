"""A change sent in the last milliseconds before an embargo, that gets its lock after the
embargo instant, is refused: the release has gone out, and it never flickers back.

The lock wait is made real by the injected clock: the release lock, once taken, finds the
clock 27 ms past the embargo although the request began 8 ms before it.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from pressoffice.extensions import db
from pressoffice.models import Release
from pressoffice.services.releases import drafting, transitions

from ..conftest import DEFAULT_NOW
from ..factories import create_release

EMBARGO = DEFAULT_NOW + timedelta(hours=1)
BEFORE = EMBARGO - timedelta(milliseconds=8)
LOCKED_AT = EMBARGO + timedelta(milliseconds=27)


@pytest.fixture
def scheduled(officer, approver, clock):
    release = create_release(
        state="scheduled", author=officer, approver=approver, embargo_until=EMBARGO
    )
    clock.set(BEFORE)
    return release


@pytest.fixture
def lock_waits_past_the_embargo(monkeypatch, clock):
    """Taking the release lock lets the clock run past the embargo, as a long wait would."""

    def waiting(module):
        original = module.lock_release

        def lock_release(release):
            found = original(release)
            clock.set(LOCKED_AT)
            return found

        monkeypatch.setattr(module, "lock_release", lock_release)

    waiting(transitions)
    waiting(drafting)


def still_out(release_id: int, client, slug: str) -> None:
    release = db.session.get(Release, release_id)
    assert release.embargo_until == EMBARGO
    assert release.state in ("scheduled", "published")
    assert release.public_revision_id is not None
    assert client.get(f"/news/{slug}").status_code == 200


def test_unscheduling_from_the_page_just_before_the_embargo_but_locked_after_says_it_has_gone_out(
    signed_in, officer, client, scheduled, lock_waits_past_the_embargo
):
    page = signed_in(officer)

    shown = page.post(
        f"/releases/{scheduled.id}/unschedule",
        {"version": scheduled.version},
        _follow_redirects=True,
    )

    assert "it has gone out" in shown.text
    still_out(scheduled.id, client, scheduled.slug)


def test_unscheduling_by_the_api_just_before_the_embargo_but_locked_after_is_a_conflict(
    client, officer, api_token, scheduled, lock_waits_past_the_embargo
):
    response = client.post(
        f"/api/v1/releases/{scheduled.id}/unschedule",
        json={"version": scheduled.version},
        headers=api_token(officer),
    )

    assert response.status_code == 409
    assert "it has gone out" in response.get_json()["error"]["message"]
    still_out(scheduled.id, client, scheduled.slug)


def test_changing_the_embargo_by_the_api_just_before_it_but_locked_after_is_a_conflict(
    client, officer, api_token, scheduled, lock_waits_past_the_embargo
):
    response = client.post(
        f"/api/v1/releases/{scheduled.id}/schedule",
        json={"version": scheduled.version, "embargo_until": "2016-12-01T09:30:00+00:00"},
        headers=api_token(officer),
    )

    assert response.status_code == 409
    assert "it has gone out" in response.get_json()["error"]["message"]
    still_out(scheduled.id, client, scheduled.slug)


def test_changing_the_embargo_on_the_page_just_before_it_but_locked_after_says_it_has_gone_out(
    signed_in, officer, client, scheduled, lock_waits_past_the_embargo
):
    page = signed_in(officer)
    form = {
        "day": "1",
        "month": "12",
        "year": "2016",
        "at": "09:30",
        "confirmed": "yes",
        "version": scheduled.version,
    }

    shown = page.post(f"/releases/{scheduled.id}/schedule", form, _follow_redirects=True)

    assert "it has gone out" in shown.text
    still_out(scheduled.id, client, scheduled.slug)


def test_an_edit_just_before_the_embargo_but_locked_after_is_a_correction_not_a_recall(
    client, officer, api_token, scheduled, lock_waits_past_the_embargo
):
    response = client.patch(
        f"/api/v1/releases/{scheduled.id}",
        json={"version": scheduled.version, "title": "A new headline"},
        headers=api_token(officer),
    )

    # Published by then: an edit is a correction, which needs its change note.
    assert response.status_code == 422
    assert "change_note" in response.get_json()["error"]["fields"]
    still_out(scheduled.id, client, scheduled.slug)


def test_unscheduling_that_gets_its_lock_before_the_embargo_still_works(
    signed_in, officer, client, scheduled
):
    page = signed_in(officer)

    page.post(f"/releases/{scheduled.id}/unschedule", {"version": scheduled.version})

    assert db.session.get(Release, scheduled.id).state == "approved"
    client.application.extensions["pressoffice.clock"].set(LOCKED_AT)
    assert client.get(f"/news/{scheduled.slug}").status_code == 404


def test_a_file_uploaded_just_before_the_embargo_but_attached_after_is_a_correction(
    signed_in, officer, client, scheduled, lock_waits_past_the_embargo, monkeypatch
):
    from pressoffice.services import releases

    original = releases.lock_release

    def lock_release(release):
        found = original(release)
        client.application.extensions["pressoffice.clock"].set(LOCKED_AT)
        return found

    monkeypatch.setattr(releases, "lock_release", lock_release)
    page = signed_in(officer)
    upload = (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "report.pdf")

    page.post(
        f"/releases/{scheduled.id}/files",
        {"file": upload},
        content_type="multipart/form-data",
    )

    still_out(scheduled.id, client, scheduled.slug)
    release = db.session.get(Release, scheduled.id)
    assert release.state == "published"


def test_breaking_an_embargo_that_lifts_while_waiting_for_the_lock_is_refused(
    signed_in, approver, client, scheduled, monkeypatch
):
    from pressoffice.services import previews

    original = previews.release_service.lock_release

    def lock_release(release):
        found = original(release)
        client.application.extensions["pressoffice.clock"].set(LOCKED_AT)
        return found

    monkeypatch.setattr(previews.release_service, "lock_release", lock_release)
    page = signed_in(approver)

    shown = page.post(
        f"/releases/{scheduled.id}/embargo-broken",
        {"reason": "The figures were on the radio"},
        _expected_status=409,
    )

    assert "it has gone out" in shown.text
    assert previews.embargo_broken_event(scheduled.id) is None
    still_out(scheduled.id, client, scheduled.slug)
