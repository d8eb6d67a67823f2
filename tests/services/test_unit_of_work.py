"""Use cases run at the same moment end as one of their serial outcomes.

Each pair is started together from two threads, each with its own application context and so
its own database session and connection, against the real database of the suite (a SQLite file,
or PostgreSQL in the PostgreSQL pass). The multi-process version of these races, through the
HTTP API against several server workers, is in ``tests/races``.
"""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import Release, ReleaseEvent, ReleaseRevision, User
from pressoffice.services import releases
from pressoffice.services.errors import ServiceError, StaleVersion, WrongState
from tests.factories import create_release, make_user, release_content

ROUNDS = 12


def _together(app, *calls):
    """Run each call in its own thread and app context, released at once; answers each call's
    result or the ServiceError it raised. Any other exception fails the test."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)
    failures: list[BaseException] = []

    def run(index, call):
        with app.app_context():
            try:
                barrier.wait(timeout=60)
                outcomes[index] = call()
            except ServiceError as refused:
                outcomes[index] = refused
            except BaseException as crashed:  # a 500 in the making
                failures.append(crashed)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    return outcomes


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


def _approvals(release_id: int) -> list[ReleaseEvent]:
    return list(
        db.session.scalars(
            sa.select(ReleaseEvent).where(
                ReleaseEvent.release_id == release_id, ReleaseEvent.action == "approve"
            )
        )
    )


def test_an_edit_racing_an_approval_never_leaves_unreviewed_content_approved(app, app_ctx):
    author = make_user(role="officer")
    editor_id = make_user(role="officer").id
    approver_id = make_user(role="approver").id
    outcomes_seen = set()
    for n in range(ROUNDS):
        release_id = create_release(state="in_review", author=author).id
        db.session.commit()

        def edit(release_id=release_id, n=n):
            return releases.update_release(
                release_id,
                actor=_user(editor_id),
                expected_version=1,
                **release_content(body=f"Unreviewed words, round {n}."),
            ).version

        def approve(release_id=release_id):
            releases.approve_release(
                release_id, actor=_user(approver_id), expected_version=1, require_version=True
            )
            # Landed; read nothing back, since the edit may already have changed the release.
            return "approved"

        edited, approved = _together(app, edit, approve)
        db.session.rollback()
        release = db.session.get(Release, release_id)
        reviewed = db.session.scalars(
            sa.select(ReleaseRevision).where(
                ReleaseRevision.release_id == release_id, ReleaseRevision.number == 1
            )
        ).one()
        if approved == "approved":
            # The approval came first and covers version 1; the edit, after it, voided it.
            assert edited == 2
            assert release.state == "draft" and release.approved_hash is None
            outcomes_seen.add("approve, then edit")
        else:
            # The edit came first: the approval named version 1 and is refused.
            assert isinstance(approved, StaleVersion)
            assert edited == 2 and release.state == "draft"
            outcomes_seen.add("edit, then approve refused")
        for approval in _approvals(release_id):
            assert approval.revision_id == reviewed.id
        assert release.approved_hash in (None, reviewed.content_hash)
    assert outcomes_seen


def test_of_two_approvals_at_once_exactly_one_lands_and_the_other_names_the_first(app, app_ctx):
    author = make_user(role="officer")
    first = make_user(role="approver", name="Priya Approver")
    second = make_user(role="approver", name="Sam Approver")
    names = {first.id: first.name, second.id: second.name}
    ids = (first.id, second.id)
    for _ in range(ROUNDS):
        release_id = create_release(state="in_review", author=author).id
        db.session.commit()
        outcomes = _together(
            app,
            *[
                lambda uid=uid, release_id=release_id: (
                    releases.approve_release(
                        release_id, actor=_user(uid), expected_version=1
                    ).approved_by_id
                )
                for uid in ids
            ],
        )
        db.session.rollback()
        landed = [o for o in outcomes if isinstance(o, int)]
        refused = [o for o in outcomes if isinstance(o, ServiceError)]
        assert len(landed) == 1 and len(refused) == 1
        assert isinstance(refused[0], WrongState)
        assert refused[0].message == f"This release has already been approved by {names[landed[0]]}"
        assert len(_approvals(release_id)) == 1


def test_two_edits_from_one_version_save_one_and_refuse_the_other_as_stale(app, app_ctx):
    author = make_user(role="officer")
    editors = (make_user(role="officer").id, make_user(role="officer").id)
    for n in range(ROUNDS):
        release_id = create_release(author=author).id
        db.session.commit()
        outcomes = _together(
            app,
            *[
                lambda uid=uid, release_id=release_id, n=n: (
                    releases.update_release(
                        release_id,
                        actor=_user(uid),
                        expected_version=1,
                        **release_content(body=f"Edit by {uid}, round {n}."),
                    ).version
                )
                for uid in editors
            ],
        )
        assert [o for o in outcomes if not isinstance(o, StaleVersion)] == [2]
        assert sum(isinstance(o, StaleVersion) for o in outcomes) == 1
        db.session.rollback()
        assert db.session.get(Release, release_id).version == 2


@pytest.mark.parametrize("count", [6])
def test_releases_created_at_once_with_one_headline_all_get_their_own_address(app, app_ctx, count):
    author_id = make_user(role="officer").id
    db.session.commit()
    outcomes = _together(
        app,
        *[
            lambda: (
                releases.create_release(
                    actor=_user(author_id), **release_content(title="Prison inspection published")
                ).slug
            )
            for _ in range(count)
        ],
    )
    assert all(isinstance(o, str) for o in outcomes), outcomes
    assert len(set(outcomes)) == count
