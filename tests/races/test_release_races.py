"""Two people act on one release at the same instant, through the JSON API of a 4-worker server.

Each pair runs on a fresh release per iteration, set up through the real services, then fires
both requests together. Whatever order they land in, the answers and the stored release must be
one of the outcomes the two would have had one after the other, with no 5xx anywhere, and the
invariants of ``invariants.broken_rules`` must hold.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from pressoffice.extensions import db
from pressoffice.models import User

from . import invariants
from .conftest import ITERATIONS, Site
from .harness import Answer, Call, Tally

pytestmark = pytest.mark.races

QUOTE_TEXT = "We are pleased with the progress the force has made."


@dataclass(frozen=True)
class Prepared:
    id: int
    version: int
    slug: str
    body: str
    quote_key: str
    signoff_token: str | None = None


def prepare(site: Site, state: str, count: int, *, signoff: bool = False) -> list[Prepared]:
    """``count`` fresh releases by Olivia in ``state`` (draft, in_review or approved by Amir),
    made through the services in one transaction before the races begin; with ``signoff``, the
    speaker of each one's quote has been asked to sign it off."""
    from pressoffice.services import quote_signoffs, releases

    with site.app.app_context(), _one_transaction():
        author = db.session.get(User, site.staff["olivia"].id)
        approver = db.session.get(User, site.staff["amir"].id)
        prepared = []
        for _ in range(count):
            release = releases.create_release(
                actor=author,
                title=f"Inspectors report steady progress {uuid.uuid4().hex[:8]}",
                summary="A follow-up inspection found the force committed to improving.",
                body="Inspectors returned in August.\n\nThey found improvements.",
                quotes=[{"speaker": "Ann Lee", "role": "Chief Inspector", "text": QUOTE_TEXT}],
                links=[],
                notes=[],
            )
            if state in ("in_review", "approved"):
                release = releases.submit_release(release.id, actor=author)
            if state == "approved":
                release = releases.approve_release(
                    release.id, actor=approver, expected_version=release.version
                )
            quote_key = release.quotes[0]["key"]
            token = None
            if signoff:
                token = quote_signoffs.request_signoff(
                    release.id, quote_key, actor=author, name="Ann Lee", email="ann@example.org"
                ).token
            prepared.append(
                Prepared(release.id, release.version, release.slug, release.body, quote_key, token)
            )
    with site.app.app_context():
        db.session.remove()
    return prepared


def _one_transaction():
    """The services' own write transaction around many use cases (they join it), so setting up
    fifty releases costs one commit; a tree without it commits each use case."""
    try:
        from pressoffice.services.unit_of_work import write_transaction
    except ImportError:
        return contextlib.nullcontext()
    return write_transaction()


def api(site: Site, method: str, path: str, who: str, body=None) -> Call:
    return Call(method, "/api/v1" + path, json_body=body, token=site.staff[who].token)


def expect(tally: Tally, n: int, what: str, answer: Answer, allowed: set[int]) -> bool:
    if answer.status in allowed:
        return True
    tally.violation(n, f"{what} answered {answer} (expected one of {sorted(allowed)})")
    return False


def unexpected(**answers: Answer) -> str:
    return "unexpected: " + ", ".join(f"{what} {a.status}" for what, a in answers.items())


def check(tally: Tally, n: int, site: Site, release_id: int) -> invariants.ReleaseFacts:
    facts = invariants.load(site.engine, release_id)
    for problem in invariants.broken_rules(facts):
        tally.violation(n, problem)
    return facts


def run_pair(
    site: Site,
    pair: str,
    iteration: Callable[[int, Tally, Prepared | None], str],
    state: str | None,
    *,
    signoff: bool = False,
) -> None:
    """Run ``iteration`` ITERATIONS times, each on a fresh release in ``state`` (none when
    ``state`` is None); each returns the outcome it saw. Then nothing may have broken, no answer
    may be a 5xx and the server's log must show no failure."""
    tally = site.tally(pair)
    fresh = prepare(site, state, ITERATIONS, signoff=signoff) if state else [None] * ITERATIONS
    since = site.server.log_offset()
    for n, release in enumerate(fresh):
        tally.outcomes[iteration(n, tally, release)] += 1
        tally.iterations += 1
    failures = site.server.log_failures(since)
    tally.log_failures = len(failures)
    problems = tally.violations[:8] + failures[:8]
    assert not tally.violations and tally.server_errors == 0 and not failures, (
        f"{pair} on {site.database}: {len(tally.broken_iterations)} broken of "
        f"{tally.iterations}, {tally.server_errors} 5xx answers, {len(failures)} failure lines "
        f"in the server log ({site.server.log_path}); outcomes {dict(tally.outcomes)}\n"
        + "\n".join(problems)
    )


def edited(n: int, who: str = "oscar") -> str:
    return f"Inspectors returned in August.\n\nEdited by {who} in run {n}."


# --- the pairs ------------------------------------------------------------------------------


def test_an_edit_and_an_approval_of_the_same_version_end_as_one_after_the_other(race_site):
    site = race_site

    def iteration(n: int, tally: Tally, release: Prepared) -> str:
        edit, approve = site.server.together(
            api(site, "PATCH", f"/releases/{release.id}", "oscar",
                {"version": release.version, "body": edited(n)}),
            api(site, "POST", f"/releases/{release.id}/approve", "amir",
                {"version": release.version}),
        )  # fmt: skip
        tally.answered(edit, approve)
        ok = expect(tally, n, "the edit", edit, {200})
        ok &= expect(tally, n, "the approval", approve, {200, 409})
        # Whoever was first, publishing now must be refused: the edited text is unreviewed.
        publish = site.server.send(api(site, "POST", f"/releases/{release.id}/publish", "olivia"))
        tally.answered(publish)
        expect(tally, n, "publishing after the race", publish, {409} if ok else {200, 409})
        facts = check(tally, n, site, release.id)
        if not ok:
            return unexpected(edit=edit, approve=approve)
        approvals = facts.approvals
        if facts.state != "draft" or facts.release.version != release.version + 1:
            tally.violation(n, f"ended {facts.state} at version {facts.release.version}")
        if len(approvals) != (1 if approve.status == 200 else 0):
            tally.violation(n, f"{len(approvals)} approve events for answer {approve.status}")
        for event in approvals:
            covered = facts.revision_by_id(event.revision_id)
            if covered is None or covered.number != release.version:
                tally.violation(n, "the approval covers a version the approver never named")
        if approve.status == 200:
            return "approve first, the edit voided it"
        return "edit first, approve refused"

    run_pair(site, "edit/approve", iteration, "in_review")


def test_two_approvers_at_once_approve_once_and_the_second_is_told_who(race_site):
    site = race_site

    def iteration(n: int, tally: Tally, release: Prepared) -> str:
        body = {"version": release.version}
        answers = site.server.together(
            api(site, "POST", f"/releases/{release.id}/approve", "amir", body),
            api(site, "POST", f"/releases/{release.id}/approve", "bea", body),
        )
        tally.answered(*answers)
        for who, answer in zip(("amir", "bea"), answers, strict=True):
            expect(tally, n, f"{who}'s approval", answer, {200, 409})
        statuses = sorted(a.status for a in answers)
        facts = check(tally, n, site, release.id)
        if statuses != [200, 409]:
            tally.violation(n, f"two approvals answered {statuses}")
            return unexpected(amir=answers[0], bea=answers[1])
        winner = "amir" if answers[0].status == 200 else "bea"
        loser = answers[1] if winner == "amir" else answers[0]
        if facts.state != "approved" or len(facts.approvals) != 1:
            tally.violation(n, f"{facts.state} with {len(facts.approvals)} approve events")
        elif facts.approvals[0].actor_id != site.staff[winner].id:
            tally.violation(n, "the approve event names the approver who was refused")
        if site.staff[winner].name not in loser.text:
            tally.violation(n, f"the second approver is not told who approved first: {loser}")
        return f"{winner} first"

    run_pair(site, "approve/approve", iteration, "in_review")


def test_publishing_while_someone_edits_publishes_only_the_approved_words(race_site):
    site = race_site

    def iteration(n: int, tally: Tally, release: Prepared) -> str:
        publish, edit = site.server.together(
            api(site, "POST", f"/releases/{release.id}/publish", "olivia"),
            api(site, "PATCH", f"/releases/{release.id}", "oscar",
                {
                    "version": release.version,
                    "body": edited(n),
                    # Needed if the release is public by then: it is a correction.
                    "change_note": "The second paragraph is clearer.",
                }),
        )  # fmt: skip
        tally.answered(publish, edit)
        ok = expect(tally, n, "publishing", publish, {200, 409})
        ok &= expect(tally, n, "the edit", edit, {200})
        facts = check(tally, n, site, release.id)
        public = site.server.send(Call("GET", f"/api/v1/public/releases/{release.slug}"))
        tally.answered(public)
        if not ok:
            return unexpected(publish=publish, edit=edit)
        if publish.status == 200:
            # Published first: the edit is a correction waiting for approval.
            shown = public.body.get("body") if isinstance(public.body, dict) else None
            if facts.state != "published" or shown != release.body:
                tally.violation(n, f"ended {facts.state}; the public reads {shown!r}")
            return "publish first, edit is a pending correction"
        if facts.state != "draft" or public.status != 404:
            tally.violation(n, f"publish refused but {facts.state}, public answers {public}")
        return "edit first, publish refused"

    run_pair(site, "publish/edit", iteration, "approved")


def test_publish_and_withdraw_at_once_end_in_one_consistent_state(race_site):
    site = race_site

    def iteration(n: int, tally: Tally, release: Prepared) -> str:
        publish, withdraw = site.server.together(
            api(site, "POST", f"/releases/{release.id}/publish", "olivia"),
            api(site, "POST", f"/releases/{release.id}/withdraw", "amir",
                {"reason": "The figures in the third paragraph were wrong."}),
        )  # fmt: skip
        tally.answered(publish, withdraw)
        ok = expect(tally, n, "publishing", publish, {200})
        ok &= expect(tally, n, "withdrawing", withdraw, {200, 409})
        facts = check(tally, n, site, release.id)
        if not ok:
            return unexpected(publish=publish, withdraw=withdraw)
        withdrawn = facts.count("withdraw")
        if withdraw.status == 200:
            if facts.state != "withdrawn" or withdrawn != 1 or facts.count("publish") != 1:
                tally.violation(n, f"withdraw answered 200 but the release is {facts.state}")
            return "publish then withdraw"
        if facts.state != "published" or withdrawn:
            tally.violation(n, f"withdraw refused but the release is {facts.state}")
        return "withdraw refused, then published"

    run_pair(site, "publish/withdraw", iteration, "approved")


def test_scheduling_while_someone_edits_never_leaves_unreviewed_words_scheduled(race_site):
    site = race_site

    def iteration(n: int, tally: Tally, release: Prepared) -> str:
        embargo = (datetime.now(UTC) + timedelta(hours=1)).isoformat(timespec="seconds")
        schedule, edit = site.server.together(
            api(site, "POST", f"/releases/{release.id}/schedule", "olivia",
                {"embargo_until": embargo, "version": release.version}),
            api(site, "PATCH", f"/releases/{release.id}", "oscar",
                {"version": release.version, "body": edited(n)}),
        )  # fmt: skip
        tally.answered(schedule, edit)
        ok = expect(tally, n, "scheduling", schedule, {200, 409})
        ok &= expect(tally, n, "the edit", edit, {200})
        facts = check(tally, n, site, release.id)
        if not ok:
            return unexpected(schedule=schedule, edit=edit)
        if facts.state != "draft" or facts.release.embargo_until is not None:
            tally.violation(
                n,
                f"ended {facts.state} with embargo {facts.release.embargo_until}: "
                "an edit must leave a draft with no embargo",
            )
        if schedule.status == 200:
            return "schedule first, the edit cancelled it"
        return "edit first, schedule refused"

    run_pair(site, "schedule/edit", iteration, "approved")


def test_two_edits_from_the_same_version_keep_one_and_refuse_the_other(race_site):
    site = race_site

    def iteration(n: int, tally: Tally, release: Prepared) -> str:
        answers = site.server.together(
            api(site, "PATCH", f"/releases/{release.id}", "olivia",
                {"version": release.version, "body": edited(n, "olivia")}),
            api(site, "PATCH", f"/releases/{release.id}", "oscar",
                {"version": release.version, "body": edited(n, "oscar")}),
        )  # fmt: skip
        tally.answered(*answers)
        for who, answer in zip(("olivia", "oscar"), answers, strict=True):
            expect(tally, n, f"{who}'s edit", answer, {200, 409})
        facts = check(tally, n, site, release.id)
        statuses = sorted(a.status for a in answers)
        if statuses != [200, 409]:
            tally.violation(n, f"two edits of version {release.version} answered {statuses}")
            return unexpected(olivia=answers[0], oscar=answers[1])
        winner = "olivia" if answers[0].status == 200 else "oscar"
        if facts.release.version != release.version + 1 or facts.release.body != edited(n, winner):
            tally.violation(n, f"{winner}'s edit was answered 200 but is not what is stored")
        return f"{winner} kept, other 409"

    run_pair(site, "edit/edit", iteration, "in_review")


def test_two_releases_created_with_one_headline_both_get_an_address(race_site):
    site = race_site

    def iteration(n: int, tally: Tally, _release: None) -> str:
        title = f"Council agrees budget {uuid.uuid4().hex[:8]}"
        body = {"title": title, "summary": "The budget was agreed.", "body": "It was agreed."}
        answers = site.server.together(
            api(site, "POST", "/releases", "olivia", body),
            api(site, "POST", "/releases", "oscar", body),
        )
        tally.answered(*answers)
        ok = True
        for who, answer in zip(("olivia", "oscar"), answers, strict=True):
            ok &= expect(tally, n, f"{who}'s new release", answer, {201})
        slugs = [a.body.get("slug") for a in answers if isinstance(a.body, dict)]
        ids = [a.body.get("id") for a in answers if a.status == 201]
        if len(set(slugs)) != 2 or None in slugs:
            tally.violation(n, f"two releases with one headline got addresses {slugs}")
        for release_id in ids:
            check(tally, n, site, release_id)
        if not ok:
            return unexpected(olivia=answers[0], oscar=answers[1])
        return "both 201, distinct slugs" if len(set(slugs)) == 2 else "both 201, one slug"

    run_pair(site, "create/create", iteration, None)


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_a_speaker_never_signs_off_words_an_officer_is_changing(race_site):
    site = race_site

    def iteration(n: int, tally: Tally, release: Prepared) -> str:
        page = site.server.send(Call("GET", f"/signoff/{release.signoff_token}"))
        tally.answered(page)
        token = CSRF.search(page.text)
        if page.status != 200 or token is None:
            tally.violation(n, f"the speaker's page answered {page}")
            return "sign-off page missing"
        cookie = page.headers.get("set-cookie", "").split(";", 1)[0] or None
        new_words = f"We are pleased with the progress made, run {n}."
        quotes = [
            {"key": release.quote_key, "speaker": "Ann Lee", "role": "Chief Inspector",
             "text": new_words}
        ]  # fmt: skip
        answer, edit = site.server.together(
            Call("POST", f"/signoff/{release.signoff_token}", cookie=cookie,
                 form={"csrf_token": token.group(1), "decision": "approve"}),
            api(site, "PATCH", f"/releases/{release.id}", "oscar",
                {"version": release.version, "quotes": quotes}),
        )  # fmt: skip
        tally.answered(answer, edit)
        # 303 back to the page once approved; once the words changed the link is void (404)
        # or the answer is refused (409).
        ok = expect(tally, n, "the speaker's approval", answer, {303, 404, 409})
        ok &= expect(tally, n, "the quote edit", edit, {200})
        facts = check(tally, n, site, release.id)
        if not ok:
            return unexpected(signoff=answer, edit=edit)
        signed = facts.count("quote_signed_off")
        if signed != (1 if answer.status == 303 else 0):
            tally.violation(n, f"{signed} sign-off events for answer {answer.status}")
        stored = {q.get("key"): q.get("text") for q in facts.release.quotes}
        if stored.get(release.quote_key) != new_words:
            tally.violation(n, "the officer's edit of the quote was lost")
        if any(s.status == "approved" for s in facts.signoffs):
            tally.violation(n, "the sign-off still counts after the words changed")
        if answer.status == 303:
            return "sign-off first, the edit voided it"
        return f"edit first, sign-off refused {answer.status}"

    run_pair(site, "signoff/quote edit", iteration, "in_review", signoff=True)
