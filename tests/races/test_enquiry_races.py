"""Two hundred journalists submit an enquiry through the public API at the same instant: every
one is stored and answered 201 with a reference of its own, none sees a 5xx."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from pressoffice.models import Enquiry

from .conftest import Site
from .harness import Call

pytestmark = pytest.mark.races

SUBMISSIONS = 200


def _submission(number: int) -> Call:
    return Call(
        "POST",
        "/api/v1/enquiries",
        json_body={
            "journalist_name": "Jo Reporter",
            "outlet": "The Daily Example",
            "email": f"jo{number}@example.com",
            "subject": f"Waiting times, question {number}",
            "details": "How many cases are waiting?",
        },
    )


def test_two_hundred_enquiries_at_once_are_all_stored_with_their_own_reference(race_site):
    site: Site = race_site
    tally = site.tally(f"{SUBMISSIONS} enquiries at once")
    since = site.server.log_offset()

    answers = site.server.together(*(_submission(n) for n in range(SUBMISSIONS)))

    tally.iterations = 1
    tally.answered(*answers)
    for number, answer in enumerate(answers):
        tally.outcomes[str(answer.status)] += 1
        if answer.status != 201:
            tally.violation(number, f"enquiry {number} answered {answer}")
    references = [a.body.get("reference") for a in answers if isinstance(a.body, dict)]
    if len(set(references)) != SUBMISSIONS or None in references:
        tally.violation(0, f"{len(set(references))} distinct references for {SUBMISSIONS}")
    with Session(site.engine) as session:
        stored = set(
            session.scalars(sa.select(Enquiry.reference).where(Enquiry.subject.like("Waiting%")))
        )
    if stored != set(references):
        tally.violation(0, f"{len(stored)} enquiries stored, {len(set(references))} answered")
    failures = site.server.log_failures(since)
    tally.log_failures = len(failures)

    assert not tally.violations and tally.server_errors == 0 and not failures, (
        f"on {site.database}: outcomes {dict(tally.outcomes)}, {tally.server_errors} 5xx, "
        f"{len(failures)} failure lines in the server log\n"
        + "\n".join(tally.violations[:8] + failures[:8])
    )
