"""Random sequences of actions by random people, with the clock jumping between them, driven
through the real use cases: after every step, the promises of the product still hold.

- What the public can read is exactly a revision that someone other than its author and its
  editors approved, and nothing of a release is public before its embargo instant.
- An approved or scheduled release still has exactly the content that was approved.
- One approval entry per approval; every save is a revision; the version is the last revision.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pressoffice.domain.visibility import computed_status
from pressoffice.extensions import db
from pressoffice.models import Release, ReleaseEvent, ReleaseRevision, User
from pressoffice.services import releases
from pressoffice.services.errors import NotFound, ServiceError
from tests.factories import make_user, release_content

ACTIONS = (
    "create",
    "submit",
    "sign_off",
    "sign_off",
    "publish",
    "publish",
    "schedule",
    "edit",
    "stale_edit",
    "submit",
    "approve",
    "stale_approve",
    "request_changes",
    "publish",
    "schedule",
    "unschedule",
    "withdraw",
    "wait",
)

steps = st.lists(
    st.tuples(
        st.sampled_from(ACTIONS),
        st.integers(min_value=0, max_value=3),  # who acts
        st.integers(min_value=0, max_value=2),  # which release
        st.integers(min_value=1, max_value=180),  # minutes: for an embargo or a wait
    ),
    min_size=8,
    max_size=30,
)


def _empty_tables() -> None:
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def _people() -> list[User]:
    return [
        make_user(role="officer", name="Olu Officer"),
        make_user(role="officer", name="Pat Officer"),
        make_user(role="approver", name="Ana Approver"),
        make_user(role="admin", name="Bea Admin"),
    ]


def _act(action, actor, release_id, minutes, clock, n, people):
    now = clock()
    if action == "wait":
        clock.advance(minutes=minutes)
        return
    if action == "create":
        releases.create_release(actor=actor, **release_content(title=f"Release {n}"))
        return
    if release_id is None:
        return
    current = db.session.get(Release, release_id).version
    if action in ("edit", "stale_edit"):
        version = current if action == "edit" else current - 1
        releases.update_release(
            release_id,
            actor=actor,
            expected_version=version,
            change_note="Figures corrected",
            **release_content(title=f"Release {release_id}", body=f"Body at step {n}."),
        )
    elif action == "sign_off":  # the forward path, by whichever approver is not the author
        approver = next(p for p in people[2:] if p.id != actor.id)
        releases.approve_release(
            release_id, actor=approver, expected_version=current, require_version=True
        )
    elif action in ("approve", "stale_approve"):
        version = current if action == "approve" else current - 1
        releases.approve_release(
            release_id, actor=actor, expected_version=version, require_version=True
        )
    elif action == "submit":
        releases.submit_release(release_id, actor=actor)
    elif action == "request_changes":
        releases.request_changes(release_id, actor=actor, comment="Shorten the standfirst")
    elif action == "publish":
        releases.publish_release(release_id, actor=actor)
    elif action == "schedule":
        releases.schedule_release(
            release_id, actor=actor, embargo_until=now + timedelta(minutes=minutes)
        )
    elif action == "unschedule":
        releases.unschedule_release(release_id, actor=actor)
    elif action == "withdraw":
        releases.withdraw_release(release_id, actor=actor, reason="The figures were wrong")


def _check_promises(now) -> None:
    db.session.rollback()
    for release in db.session.scalars(sa.select(Release)):
        revisions = list(
            db.session.scalars(
                sa.select(ReleaseRevision)
                .where(ReleaseRevision.release_id == release.id)
                .order_by(ReleaseRevision.number)
            )
        )
        approvals = list(
            db.session.scalars(
                sa.select(ReleaseEvent).where(
                    ReleaseEvent.release_id == release.id,
                    ReleaseEvent.action.in_(("approve", "approve_correction")),
                )
            )
        )
        latest = revisions[-1]
        assert release.version == latest.number == len(revisions)
        status = computed_status(release.state, release.embargo_until, now)
        event(f"a release {status}")

        if status in ("approved", "scheduled"):
            assert release.approved_hash == latest.content_hash
            assert release.approved_revision_id == latest.id

        if release.public_revision_id is not None:
            public = db.session.get(ReleaseRevision, release.public_revision_id)
            signed = [a for a in approvals if a.revision_id == public.id]
            assert signed, "public content nobody approved"
            earlier = [r for r in revisions if r.number <= public.number]
            # The approver wrote none of the content they approved since the last approval.
            last_approved = max(
                (
                    r.number
                    for r in earlier
                    if r.number < public.number and any(a.revision_id == r.id for a in approvals)
                ),
                default=0,
            )
            editors = {r.editor_id for r in earlier if r.number > last_approved}
            if last_approved == 0:
                editors.add(release.author_id)
            assert all(a.actor_id not in editors for a in signed)

        try:
            seen = releases.load_public_release(release.slug, now=now)
        except NotFound:
            seen = None
        if status in ("draft", "in_review", "approved", "scheduled"):
            assert seen is None, f"{status} release readable by the public"
        else:
            assert seen is not None
            public = db.session.get(ReleaseRevision, release.public_revision_id)
            assert seen.content.body == public.body
        listed = {r.id for r in releases.list_public_releases(now=now, per_page=100).items}
        assert (release.id in listed) == (status == "published")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_the_public_only_ever_sees_content_someone_else_approved(app_ctx, clock, steps):
    _empty_tables()
    people = _people()
    # Two releases to start from, one waiting for sign-off, so that short runs reach the end.
    releases.create_release(actor=people[0], **release_content(title="First"))
    second = releases.create_release(actor=people[1], **release_content(title="Second"))
    releases.submit_release(second.id, actor=people[1])
    for n, (action, who, which, minutes) in enumerate(steps):
        ids = list(db.session.scalars(sa.select(Release.id).order_by(Release.id)))
        release_id = ids[which % len(ids)] if ids else None
        try:
            _act(action, people[who], release_id, minutes, clock, n, people)
        except ServiceError:
            pass  # a refusal changes nothing, which the promises below check too
        _check_promises(clock())
