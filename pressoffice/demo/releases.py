"""Demo releases, one or more in every state, written and signed off through the real use cases
so that their timelines, revisions and approvals are exactly what the product would record."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from ..services import releases as svc
from ..timefmt import LONDON

INSPECTION_BODY = """\
In September, inspectors returned to Northshire Constabulary to check the progress made on the
recommendations of last year's inspection of how the force protects children.

Inspectors found that the force is **strongly committed** to improving its child protection work,
helped by better training and by sharing information well with partner agencies such as health
and education services.

The message that child protection matters is now far better understood across the force, but
this has not yet led to consistent practice. The force recognises this and is working to improve.

Today's report sets out what the inspectors found."""

INSPECTION_QUOTES = [
    {
        "speaker": "Priya Raman",
        "role": "HM Inspector",
        "text": "I am pleased that Northshire Constabulary has made a concerted effort to act on "
        "our recommendations. The force now needs to turn this commitment into better services "
        "for every child who needs its protection.",
    },
    {
        "speaker": "Tom Achebe",
        "role": "Chief Constable of Northshire",
        "text": "We welcome the report. Protecting children is one of our highest priorities and "
        "we will continue the work the inspectors have recognised.",
    },
    {
        "speaker": "Helen Morrow",
        "role": "Police and Crime Commissioner",
        "text": "I will hold the force to account for the improvements still needed.",
    },
]

INSPECTION_NOTES = [
    "The inspectorate is inspecting the child protection work of every police force in England "
    "and Wales.",
    "Follow-up inspections check the progress each force has made no later than six months after "
    "the first report.",
    "In July, the inspectorate published 'Keeping children safe', drawing on 21 inspections.",
    "The inspectorate is independent and inspects policing in the public interest.",
]

REPORT_LINKS = [
    {
        "label": "Get the report",
        "url": "https://www.example.org/reports/northshire-child-protection",
    },
    {
        "label": "Read last year's inspection",
        "url": "https://www.example.org/reports/northshire-2015",
    },
]


def _london(day: datetime, hour: int, minute: int = 0) -> datetime:
    """That London wall time on the London date of ``day``, as an aware instant."""
    local_date = day.astimezone(LONDON).date()
    return datetime.combine(local_date, time(hour, minute), tzinfo=LONDON)


def _draft(author, when, **content):
    content.setdefault("summary", "")
    content.setdefault("body", "")
    return svc.create_release(actor=author, now=when, **content)


def _approved(author, approver, when, **content):
    release = _draft(author, when, **content)
    svc.submit_release(release.id, actor=author, now=when + timedelta(minutes=5))
    svc.approve_release(release.id, actor=approver, now=when + timedelta(minutes=30))
    return release


def seed_releases(now: datetime, users: dict) -> None:
    """Releases in every state, relative to ``now``."""
    officer = users["officer@example.org"]
    colleague = users["duty@example.org"]
    approver = users["approver@example.org"]

    # Published three weeks ago, then corrected with an approved change note.
    three_weeks = _london(now - timedelta(days=21), 9, 0)
    inspection = _approved(
        officer,
        approver,
        three_weeks,
        title="Encouraging progress by Northshire Constabulary in protecting children",
        summary="Inspectors found a strong commitment to improving child protection, but "
        "practice is not yet consistent.",
        body=INSPECTION_BODY,
        quotes=INSPECTION_QUOTES,
        links=REPORT_LINKS,
        notes=INSPECTION_NOTES,
    )
    svc.publish_release(inspection.id, actor=officer, now=three_weeks + timedelta(hours=1))
    correction_at = three_weeks + timedelta(days=1)
    current = svc.get_release(inspection.id)
    svc.update_release(
        inspection.id,
        actor=officer,
        expected_version=current.version,
        title=current.title,
        summary=current.summary,
        body=current.body.replace("21 inspections", "twenty-one inspections"),
        quotes=current.quotes,
        links=current.links,
        notes=[note.replace("21 inspections", "twenty-one inspections") for note in current.notes],
        change_note="Corrected the number of inspections in note 3.",
        now=correction_at,
    )
    svc.approve_release(inspection.id, actor=approver, now=correction_at + timedelta(minutes=20))

    # Published last week.
    last_week = _london(now - timedelta(days=8), 10, 30)
    annual = _approved(
        colleague,
        approver,
        last_week,
        title="Annual report shows fewer complaints upheld against forces",
        summary="The share of complaints upheld fell for the third year running.",
        body="The annual report, published today, covers all 43 forces in England and Wales.\n\n"
        "Complaints upheld fell from 14% to 11%.",
        quotes=[
            {
                "speaker": "Sam Whitfield",
                "role": "Chief Executive",
                "text": "These figures show steady progress, but every upheld complaint matters.",
            }
        ],
        links=[{"label": "Get the annual report", "url": "https://www.example.org/annual-report"}],
        notes=["Figures cover the year to 31 March."],
    )
    svc.publish_release(annual.id, actor=colleague, now=last_week + timedelta(hours=1))

    # Scheduled two days ago with an embargo that has since lifted: published, with no process.
    lifted = _london(now - timedelta(days=2), 0, 1)
    overnight = _approved(
        officer,
        approver,
        lifted - timedelta(days=1),
        title="Inspection of custody suites finds improved care for detainees",
        summary="Custody suites in the region now meet most national standards.",
        body="Inspectors visited six custody suites unannounced.",
        notes=["The inspection took place in October."],
    )
    svc.schedule_release(
        overnight.id, actor=officer, embargo_until=lifted, now=lifted - timedelta(hours=20)
    )

    # Scheduled: under embargo until 00:01 the day after tomorrow.
    embargo = _london(now + timedelta(days=2), 0, 1)
    upcoming = _approved(
        officer,
        approver,
        now - timedelta(hours=3),
        title="Inspectors call for faster response to missing children reports",
        summary="A national review finds response times vary widely between forces.",
        body="The review looked at 2,000 reports of missing children across 12 forces.\n\n"
        "It makes seven recommendations.",
        quotes=[
            {
                "speaker": "Priya Raman",
                "role": "HM Inspector",
                "text": "Every minute counts when a child goes missing.",
            }
        ],
        links=[{"label": "Get the review", "url": "https://www.example.org/reviews/missing"}],
        notes=["The review was commissioned by the Home Secretary."],
    )
    svc.schedule_release(
        upcoming.id, actor=officer, embargo_until=embargo, now=now - timedelta(hours=2)
    )

    # Approved, ready to publish or schedule.
    _approved(
        colleague,
        approver,
        now - timedelta(hours=5),
        title="New chief inspector appointed",
        summary="The Home Secretary has appointed a new chief inspector.",
        body="The appointment takes effect from 1 April.",
    )

    # In review, waiting for an approver.
    review = _draft(
        officer,
        now - timedelta(hours=1),
        title="Inspection of fraud investigation published",
        summary="Forces need to do more for victims of fraud.",
        body="Fraud is now the most common crime, but few forces give it priority.",
        quotes=[
            {
                "speaker": "Priya Raman",
                "role": "HM Inspector",
                "text": "Victims of fraud deserve the same service as victims of any crime.",
            }
        ],
    )
    svc.submit_release(review.id, actor=officer, now=now - timedelta(minutes=50))

    # Sent back with a comment.
    returned = _draft(
        colleague,
        now - timedelta(hours=4),
        title="Spring conference programme announced",
        summary="Speakers confirmed for the spring conference.",
        body="The conference takes place in Leeds.",
    )
    svc.submit_release(returned.id, actor=colleague, now=now - timedelta(hours=3, minutes=50))
    svc.request_changes(
        returned.id,
        actor=approver,
        comment="Please add the date and the booking link before this goes out.",
        now=now - timedelta(hours=3),
    )

    # A draft being written.
    _draft(
        officer,
        now - timedelta(minutes=20),
        title="Draft: response to the select committee report",
        summary="",
        body="Notes for the response go here.",
    )

    # Withdrawn after publication, with a public reason.
    mistaken = _approved(
        colleague,
        approver,
        now - timedelta(days=5),
        title="Inspection dates for next year",
        summary="The programme of inspections for next year.",
        body="Dates to follow.",
    )
    svc.publish_release(mistaken.id, actor=colleague, now=now - timedelta(days=5, hours=-1))
    svc.withdraw_release(
        mistaken.id,
        actor=approver,
        reason="This release was issued in error: the programme has not yet been agreed.",
        now=now - timedelta(days=4),
    )
