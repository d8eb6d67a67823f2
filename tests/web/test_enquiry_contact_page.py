"""The public "Contact the press office" page and enquiry form, as a journalist sees them."""

from datetime import UTC, datetime

import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import Enquiry, EnquiryEvent

FRIDAY_EVENING = datetime(2016, 12, 2, 17, 0, tzinfo=UTC)


def stored(app):
    with app.app_context():
        return db.session.scalars(sa.select(Enquiry)).all()


def form_data(page, **overrides):
    """The form as the page gave it (with its signed start time), filled in."""
    data = {"started": page.select_one("input[name=started]")["value"]}
    data.update(
        {
            "journalist_name": "Jo Reporter",
            "outlet": "The Daily Example",
            "email": "jo@example.com",
            "phone": "",
            "subject": "Flood defences",
            "details": "How much was spent?",
            "deadline_day": "",
            "deadline_time": "",
            "website": "",
        }
    )
    data.update(overrides)
    return data


def test_in_office_hours_the_page_gives_the_office_line_and_when_it_closes(page, clock):
    contact = page.get("/contact")

    panel = contact.select_one(".panel").get_text(" ", strip=True)
    assert "020 3513 0600" in contact.select_one(".contact-line").get_text()
    assert "The press office is open now." in panel
    assert "It is 10:00 GMT now" in panel
    assert "answered until 17:00 GMT on Tuesday 29 November 2016" in panel


def test_after_friday_closing_the_page_gives_the_out_of_hours_line_and_monday_opening(page, clock):
    clock.set(FRIDAY_EVENING)

    contact = page.get("/contact")

    panel = contact.select_one(".panel").get_text(" ", strip=True)
    assert "07836 217 729" in contact.select_one(".contact-line").get_text()
    assert "After 17:00 on a Friday" in panel
    assert "opens again at 08:30 GMT on Monday 5 December 2016" in panel


def test_over_christmas_the_page_names_the_substitute_bank_holiday(page, clock):
    clock.set(datetime(2016, 12, 27, 10, 0, tzinfo=UTC))

    panel = page.get("/contact").select_one(".panel").get_text(" ", strip=True)

    assert "Bank holiday: Christmas Day (substitute day)" in panel
    assert "opens again at 08:30 GMT on Wednesday 28 December 2016" in panel


def test_a_journalist_sends_an_enquiry_and_gets_a_reference_and_the_route(app, page, clock):
    form = page.get("/contact/enquiry")
    clock.advance(seconds=30)

    sent = page.post("/contact/enquiry", form_data(form))

    text = sent.get_text(" ", strip=True)
    assert "Your reference is ENQ-20161129-0001" in text
    assert "Your enquiry arrived in office hours." in text
    assert sent.select(".panel--warning") == []
    [enquiry] = stored(app)
    assert (enquiry.channel, enquiry.received_at) == ("web_form", clock())
    assert enquiry.logged_by_id is None


def test_an_urgent_enquiry_is_told_the_number_to_call_now(app, page, clock):
    clock.set(FRIDAY_EVENING)
    form = page.get("/contact/enquiry")
    clock.advance(seconds=30)

    sent = page.post("/contact/enquiry", form_data(form, urgent="y"))

    urgent = sent.select_one(".panel--warning").get_text(" ", strip=True)
    assert "As this is urgent, call now" in urgent
    assert "07836 217 729" in urgent
    with app.app_context():
        actions = db.session.scalars(sa.select(EnquiryEvent.action)).all()
    assert "urgent" in actions


def test_a_bad_field_is_shown_next_to_it_and_the_rest_is_kept(app, page, clock):
    form = page.get("/contact/enquiry")
    clock.advance(seconds=30)

    refused = page.post(
        "/contact/enquiry", form_data(form, email="jo@", details="Keep me"), _expected_status=400
    )

    assert refused.select_one(".error-summary a")["href"] == "#email"
    assert refused.select_one("#details").get_text().strip() == "Keep me"
    assert refused.select_one("#email")["value"] == "jo@"
    assert stored(app) == []


def test_a_form_sent_faster_than_a_person_could_is_refused_and_kept(app, page, clock):
    form = page.get("/contact/enquiry")
    clock.advance(seconds=2)

    refused = page.post("/contact/enquiry", form_data(form), _expected_status=400)

    assert "very quick" in refused.select_one(".notification--error").get_text()
    assert refused.select_one("#subject")["value"] == "Flood defences"
    assert stored(app) == []
    clock.advance(seconds=5)
    page.post("/contact/enquiry", form_data(refused))
    assert len(stored(app)) == 1


def test_a_forged_start_time_is_refused(app, page, clock):
    form = page.get("/contact/enquiry")
    clock.advance(seconds=30)

    page.post("/contact/enquiry", form_data(form, started="1.0"), _expected_status=400)

    assert stored(app) == []


def test_a_filled_in_hidden_field_marks_a_robot_and_nothing_is_stored(app, page, clock):
    form = page.get("/contact/enquiry")
    clock.advance(seconds=30)

    refused = page.post(
        "/contact/enquiry", form_data(form, website="http://spam.example"), _expected_status=400
    )

    assert "leave the last field" in refused.get_text()
    assert stored(app) == []


def test_the_form_is_rate_limited(app, client, page, clock):
    form = page.get("/contact/enquiry")
    clock.advance(seconds=30)
    limit = int(app.config["PUBLIC_ENQUIRY_LIMIT"].split()[0])

    statuses = [
        client.post("/contact/enquiry", data=form_data(form)).status_code for _ in range(limit + 1)
    ]

    assert statuses == [303] * limit + [429]
    assert len(stored(app)) == limit


def test_the_form_has_no_script_and_a_hidden_honeypot(page, clock):
    form = page.get("/contact/enquiry")

    assert form.select("script") == []
    assert form.select_one(".honeypot input")["tabindex"] == "-1"
