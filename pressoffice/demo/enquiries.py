"""Demo enquiries: a duty rota and three weeks of calls and emails on both routes, most answered
(a few late), some still open and overdue, and one night nobody was on duty."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from ..domain.routing import OfficeCalendar
from ..extensions import db
from ..models import DutyShift, Release, User
from ..services import enquiries, office_calendar

# The demo login whose story is the out-of-hours duty (see pressoffice.demo.DEMO_USERS).
DUTY_LOGIN = "duty@example.org"

JOURNALISTS = [
    ("Priya Shah", "BBC News", "priya.shah@bbc.example"),
    ("Tom Hughes", "The Guardian", "tom.hughes@guardian.example"),
    ("Aisha Bello", "Sky News", None),
    ("Gareth Lewis", "Western Mail", "g.lewis@westernmail.example"),
    ("Chloe Martin", "Financial Times", "chloe.martin@ft.example"),
    ("Sam O'Neill", "", "sam.oneill@freelance.example"),
    ("Hannah Brooks", "ITV News", None),
    ("Ravi Patel", "Press Association", "ravi.patel@pa.example"),
    ("Eleanor Price", "The Times", "eleanor.price@times.example"),
    ("Kofi Mensah", "Reuters", "kofi.mensah@reuters.example"),
]
SUBJECTS = [
    ("Waiting-list figures", "Can you confirm the regional breakdown in table 3?"),
    ("Flood defence spending", "How much of the £40m has been spent so far?"),
    ("Prison inspection report", "When will the full report be published?"),
    ("Minister's visit", "Is the minister still visiting on Thursday? Can we film?"),
    ("School funding formula", "Does the new formula apply to academies?"),
    ("Road closure", "How long will the bypass be closed for the repairs?"),
    ("Data breach reports", "Were any personal records affected?"),
    ("Recruitment campaign", "How many applicants so far, and from where?"),
    ("Statement request", "Do you have a statement on tonight's court ruling?"),
    ("Interview bid", "Could someone do a live interview at 07:10 tomorrow?"),
]
RESPONSES = [
    "Confirmed the figures and sent the table by email.",
    "Sent our statement: 'We welcome the report and will respond in full within 28 days.'",
    "Explained that the report is due on the 14th; offered a briefing.",
    "Declined an interview; provided background on the programme.",
    "Put the journalist in touch with the policy lead for a background call.",
]


def seed_enquiries(now: datetime, users: dict[str, User]) -> None:
    """Three weeks of enquiries up to ``now`` and a duty rota around them."""
    rng = random.Random(2016)  # noqa: S311 - demo data, the same every time
    calendar = OfficeCalendar.from_config(current_app.config)
    tz = calendar.timezone
    staff = list(users.values())
    officers = [u for u in staff if u.role in ("officer", "approver")] or staff
    duty = [u for u in staff if u.role == "officer"] or staff
    today = now.astimezone(tz).date()

    # The rota: one officer from 17:00 each day to 17:00 the next, taking turns; one night
    # eight days ago nobody was on, so enquiries from then need attention. The demo's duty
    # login is on duty now and tonight, so what it is told about out-of-hours calls is its own.
    gap = today - timedelta(days=8)
    duty_login = users.get(DUTY_LOGIN)
    on_now = today if now.astimezone(tz).time() >= time(17) else today - timedelta(days=1)
    for offset in range(-22, 15):
        day = today + timedelta(days=offset)
        if day == gap:
            continue
        person = duty[offset % len(duty)]
        if duty_login is not None and day in (on_now, today):
            person = duty_login
        db.session.add(
            DutyShift(
                user_id=person.id,
                starts_at=datetime.combine(day, time(17), tzinfo=tz),
                ends_at=datetime.combine(day + timedelta(days=1), time(17), tzinfo=tz),
                created_at=now,
            )
        )
    db.session.commit()

    # An admin's closure next week, so the calendar page has something in it.
    admin = next((u for u in staff if u.role == "admin"), staff[0])
    office_calendar.add_exception(
        day=today + timedelta(days=(7 - today.weekday()) + 2),
        kind="closed",
        reason="All-staff training",
        starts=time(13),
        ends=time(15),
        actor=admin,
        now=now,
    )

    releases = db.session.scalars(sa.select(Release.id).limit(5)).all()
    arrivals = []
    for offset in range(-21, 1):
        day = today + timedelta(days=offset)
        weekend = day.weekday() >= 5
        for _ in range(rng.randint(1, 3) if weekend else rng.randint(4, 9)):
            if weekend or rng.random() < 0.2:
                hour, minute = rng.choice([6, 7, 18, 19, 20, 21, 22, 23]), rng.randint(0, 59)
            else:
                hour, minute = rng.randint(8, 16), rng.randint(0, 59)
            arrival = datetime.combine(day, time(hour, minute), tzinfo=tz)
            if arrival < now:
                arrivals.append(arrival)

    for received_at in sorted(arrivals):
        name, outlet, email = rng.choice(JOURNALISTS)
        subject, details = rng.choice(SUBJECTS)
        channel = rng.choice(["phone", "phone", "email", "web_form", "in_person"])
        logged_by = None if channel == "web_form" else rng.choice(officers)
        deadline = received_at + timedelta(hours=rng.choice([1, 2, 3, 4, 6, 24]))
        enquiry = enquiries.log_enquiry(
            {
                "journalist_name": name,
                "outlet": outlet,
                "email": email or "",
                "phone": "" if email else f"07700 900{rng.randint(100, 999)}",
                "subject": subject,
                "details": details,
                "deadline": deadline,
                "channel": channel,
                "release_id": rng.choice(releases) if releases and rng.random() < 0.2 else None,
            },
            now=received_at,
            received_at=received_at,
            logged_by=logged_by,
            urgent=rng.random() < 0.1,
        )
        age = now - received_at
        if enquiry.needs_attention and rng.random() < 0.6:
            continue  # nobody was on duty, and nobody has picked it up yet
        if age < timedelta(hours=5) and rng.random() < 0.7:
            continue  # recent ones still open, some of them overdue
        if age < timedelta(days=2) and rng.random() < 0.25:
            continue  # a few older ones left open: overdue
        handler = db.session.get(User, enquiry.assignee_id) if enquiry.assignee_id else None
        if handler is None:
            handler = rng.choice(officers)
            enquiries.assign(
                enquiry.reference,
                handler.id,
                actor=handler,
                now=received_at + timedelta(minutes=rng.randint(2, 20)),
            )
        # Most are answered before the deadline; about one in eight is late.
        late = rng.random() < 0.12
        span = deadline - received_at
        answered_at = (
            deadline + timedelta(minutes=rng.randint(10, 120))
            if late
            else received_at + span * rng.uniform(0.3, 0.95)
        )
        if answered_at >= now:
            continue
        # Answers given in the past are recorded, not emailed: a demo never mails anyone.
        enquiries.respond(
            enquiry.reference, rng.choice(RESPONSES), actor=handler, now=answered_at, send=False
        )
        closed_at = answered_at + timedelta(hours=rng.randint(1, 30))
        if closed_at < now and rng.random() < 0.8:
            enquiries.close(enquiry.reference, actor=handler, now=closed_at)
