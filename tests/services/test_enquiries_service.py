"""Logging, routing, assigning, answering and closing enquiries, on a real database."""

import csv
import io
import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import Enquiry, EnquiryCounter, EnquiryEvent
from pressoffice.services import enquiries, office_calendar, rota
from pressoffice.services.errors import ValidationFailed, WrongState

from ..factories import make_enquiry, make_user

BOXING_DAY_SUBSTITUTE = datetime(2016, 12, 27, 10, 0, tzinfo=UTC)
SUMMER_MORNING = datetime(2016, 7, 1, 7, 45, tzinfo=UTC)  # 08:45 BST, a Friday


def count_enquiries():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Enquiry))


# --- routing when logged ------------------------------------------------------------------------


def test_an_enquiry_on_the_christmas_substitute_day_is_out_of_hours_naming_the_holiday(app_ctx):
    enquiry = make_enquiry(received_at=BOXING_DAY_SUBSTITUTE)

    assert enquiry.route == "out_of_hours"
    assert enquiry.route_reason == "Bank holiday: Christmas Day (substitute day)"
    assert enquiry.line == app_ctx.config["OUT_OF_HOURS_LINE"]
    assert enquiry.reference == "ENQ-20161227-0001"


def test_an_enquiry_at_0845_bst_is_office_hours(app_ctx):
    enquiry = make_enquiry(received_at=SUMMER_MORNING)

    assert enquiry.route == "office_hours"
    assert enquiry.route_reason == "Office hours (Friday 08:30 to 17:00)"
    assert enquiry.line == app_ctx.config["OFFICE_LINE"]
    assert enquiry.status == "new"
    assert enquiry.assignee is None


def test_changing_the_numbers_later_never_rewrites_the_stored_line(app_ctx):
    enquiry = make_enquiry(received_at=SUMMER_MORNING)
    original = app_ctx.config["OFFICE_LINE"]
    app_ctx.config["OFFICE_LINE"] = "0300 000 0000"
    try:
        db.session.expire_all()
        assert db.session.get(Enquiry, enquiry.id).line == original
    finally:
        app_ctx.config["OFFICE_LINE"] = original


def test_an_admin_closure_routes_that_day_out_of_hours(app_ctx, admin):
    office_calendar.add_exception(
        day=date(2016, 11, 29),
        kind="closed",
        reason="Office move",
        starts=time(9),
        ends=time(12),
        actor=admin,
        now=BOXING_DAY_SUBSTITUTE,
    )

    enquiry = make_enquiry(received_at=datetime(2016, 11, 29, 10, 0, tzinfo=UTC))

    assert enquiry.route == "out_of_hours"
    assert enquiry.route_reason == "Office closed: Office move (09:00 to 12:00)"


# --- the duty officer ---------------------------------------------------------------------------


def test_an_out_of_hours_enquiry_goes_to_the_officer_on_duty_at_that_instant(app_ctx, officer):
    other = make_user(name="Night Owl")
    rota.add_shift(
        user_id=officer.id,
        starts_at=datetime(2016, 12, 23, 17, 0, tzinfo=UTC),
        ends_at=datetime(2016, 12, 27, 9, 0, tzinfo=UTC),
        now=BOXING_DAY_SUBSTITUTE,
    )
    rota.add_shift(
        user_id=other.id,
        starts_at=datetime(2016, 12, 27, 9, 0, tzinfo=UTC),
        ends_at=datetime(2016, 12, 28, 8, 30, tzinfo=UTC),
        now=BOXING_DAY_SUBSTITUTE,
    )

    early = make_enquiry(received_at=datetime(2016, 12, 27, 8, 59, 59, tzinfo=UTC))
    later = make_enquiry(received_at=datetime(2016, 12, 27, 9, 0, tzinfo=UTC))

    assert (early.assignee.name, early.status) == ("Olivia Officer", "assigned")
    assert later.assignee.name == "Night Owl"
    assert not early.needs_attention and not later.needs_attention


def test_an_out_of_hours_enquiry_with_nobody_on_duty_is_flagged_not_lost(app_ctx):
    enquiry = make_enquiry(received_at=BOXING_DAY_SUBSTITUTE)

    assert enquiry.needs_attention
    assert enquiry.status == "new"
    page = enquiries.list_enquiries(
        enquiries.parse_filters({"attention": "1"}), now=BOXING_DAY_SUBSTITUTE
    )
    assert [e.reference for e in page.items] == [enquiry.reference]


def test_office_hours_enquiries_are_not_given_to_the_duty_officer(app_ctx, officer):
    rota.add_shift(
        user_id=officer.id,
        starts_at=SUMMER_MORNING - timedelta(days=1),
        ends_at=SUMMER_MORNING + timedelta(days=1),
        now=SUMMER_MORNING,
    )

    assert make_enquiry(received_at=SUMMER_MORNING).assignee is None


def test_a_rota_entry_must_end_after_it_starts(app_ctx, officer):
    with pytest.raises(ValidationFailed) as refusal:
        rota.add_shift(
            user_id=officer.id,
            starts_at=SUMMER_MORNING,
            ends_at=SUMMER_MORNING,
            now=SUMMER_MORNING,
        )

    assert refusal.value.fields == {"ends_at": "The duty must end after it starts"}


# --- references ---------------------------------------------------------------------------------


def test_references_count_up_within_a_london_day_and_start_again_the_next(app_ctx):
    # 23:30 UTC on 1 July is 00:30 BST on 2 July: a new London day.
    times = [
        datetime(2016, 7, 1, 9, 0, tzinfo=UTC),
        datetime(2016, 7, 1, 22, 59, 59, tzinfo=UTC),
        datetime(2016, 7, 1, 23, 0, tzinfo=UTC),
        datetime(2016, 7, 1, 23, 30, tzinfo=UTC),
    ]

    references = [make_enquiry(received_at=at).reference for at in times]

    assert references == [
        "ENQ-20160701-0001",
        "ENQ-20160701-0002",
        "ENQ-20160702-0001",
        "ENQ-20160702-0002",
    ]


def test_twenty_enquiries_logged_at_the_same_moment_get_distinct_references(app, clock):
    start = threading.Barrier(20)
    references, failures = [], []

    def submit(number):
        with app.app_context():
            try:
                start.wait()
                enquiry = make_enquiry(
                    received_at=clock(), journalist_name=f"Reporter {number}", now=clock()
                )
                references.append(enquiry.reference)
            except Exception as exc:  # noqa: BLE001 - reported below
                failures.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sorted(references) == [f"ENQ-20161129-{n:04d}" for n in range(1, 21)]


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "", "phone": ""}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"deadline": datetime(2016, 11, 29, 9, 0, tzinfo=UTC)}, "deadline"),
        ({"subject": "x" * 201}, "subject"),
        ({"channel": "fax"}, "channel"),
        ({"assignee_id": "999999"}, "assignee_id"),
        ({"release_id": "999999"}, "release_id"),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_stored(
    app_ctx, officer, overrides, field
):
    with pytest.raises(ValidationFailed) as refusal:
        make_enquiry(logged_by=officer, **overrides)

    assert field in refusal.value.fields
    assert count_enquiries() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EnquiryCounter)) == 0


def test_a_call_cannot_be_logged_as_received_in_the_future(app_ctx, officer):
    now = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)

    with pytest.raises(ValidationFailed) as refusal:
        make_enquiry(received_at=now + timedelta(minutes=1), now=now, logged_by=officer)

    assert refusal.value.fields["received_at"] == "The time received cannot be in the future"
    assert count_enquiries() == 0


def test_a_call_taken_earlier_can_be_backdated_by_staff(app_ctx, officer):
    now = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)

    enquiry = make_enquiry(received_at=now - timedelta(hours=17), now=now, logged_by=officer)

    assert enquiry.received_at == now - timedelta(hours=17)
    assert enquiry.route == "out_of_hours"
    assert enquiry.logged_by.name == "Olivia Officer"


def test_the_public_cannot_set_the_time_received_or_the_assignee(app_ctx, officer):
    now = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)

    enquiry = enquiries.log_enquiry(
        {
            "journalist_name": "Jo",
            "email": "jo@example.com",
            "subject": "Hello",
            "channel": "web_form",
            "assignee_id": str(officer.id),
        },
        now=now,
        received_at=now - timedelta(days=3),
        logged_by=None,
    )

    assert enquiry.received_at == now
    assert enquiry.assignee is None


# --- assign, respond, close ---------------------------------------------------------------------


def test_an_enquiry_is_assigned_reassigned_answered_and_closed_with_a_timeline(
    app_ctx, officer, approver
):
    enquiry = make_enquiry()
    now = enquiry.received_at + timedelta(minutes=5)

    enquiries.assign(enquiry.reference, officer.id, actor=officer, now=now)
    enquiries.assign(enquiry.reference, str(approver.id), actor=officer, now=now)
    enquiries.respond(
        enquiry.reference, "We can confirm 42.", actor=approver, now=now + timedelta(hours=1)
    )
    enquiries.close(enquiry.reference, actor=approver, now=now + timedelta(hours=2))

    enquiry = enquiries.get_enquiry(enquiry.reference)
    assert enquiry.status == "closed"
    assert enquiry.assignee.name == "Amir Approver"
    assert enquiry.response == "We can confirm 42."
    assert enquiry.answered_at == now + timedelta(hours=1)
    assert [e.action for e in enquiries.timeline(enquiry)] == [
        "logged",
        "assigned",
        "reassigned",
        "answered",
        "closed",
    ]


def test_answering_without_an_assignee_makes_the_responder_the_assignee(app_ctx, officer):
    enquiry = make_enquiry()

    answered = enquiries.respond(enquiry.reference, "Yes.", actor=officer, now=enquiry.received_at)

    assert answered.assignee.name == "Olivia Officer"
    assert enquiries.get_enquiry(enquiry.reference).assignee.name == "Olivia Officer"


def test_an_answered_enquiry_cannot_be_answered_again(app_ctx, officer):
    enquiry = make_enquiry()
    enquiries.respond(enquiry.reference, "Yes.", actor=officer, now=enquiry.received_at)

    with pytest.raises(WrongState, match="already been answered"):
        enquiries.respond(enquiry.reference, "No.", actor=officer, now=enquiry.received_at)

    assert enquiries.get_enquiry(enquiry.reference).response == "Yes."


def test_assigning_to_someone_unknown_or_inactive_is_refused(app_ctx, officer):
    enquiry = make_enquiry()
    from pressoffice.services import accounts

    leaver = make_user(name="Leaver")
    accounts.deactivate_user(leaver, enquiry.received_at)

    for who in ("12345", leaver.id, "someone"):
        with pytest.raises(ValidationFailed) as refusal:
            enquiries.assign(enquiry.reference, who, actor=officer, now=enquiry.received_at)
        assert "assignee_id" in refusal.value.fields
    assert enquiries.get_enquiry(enquiry.reference).status == "new"


def test_assigning_clears_the_needs_attention_flag(app_ctx, officer):
    enquiry = make_enquiry(received_at=BOXING_DAY_SUBSTITUTE)

    assigned = enquiries.assign(
        enquiry.reference, officer.id, actor=officer, now=BOXING_DAY_SUBSTITUTE
    )

    assert not assigned.needs_attention
    assert not enquiries.get_enquiry(enquiry.reference).needs_attention
    assert assigned.status == "assigned"


def test_a_closed_enquiry_cannot_be_reassigned(app_ctx, officer):
    enquiry = make_enquiry()
    enquiries.close(enquiry.reference, actor=officer, now=enquiry.received_at, comment="Dropped")

    with pytest.raises(WrongState, match="closed"):
        enquiries.assign(enquiry.reference, officer.id, actor=officer, now=enquiry.received_at)


# --- finding enquiries --------------------------------------------------------------------------


@pytest.fixture
def log(app_ctx, officer):
    """Six enquiries across two days and both routes."""
    a = make_enquiry(
        received_at=datetime(2016, 11, 28, 9, 0, tzinfo=UTC), outlet="BBC News", subject="Budget"
    )
    b = make_enquiry(
        received_at=datetime(2016, 11, 28, 19, 0, tzinfo=UTC),
        outlet="The Guardian",
        subject="Night flights",
    )
    c = make_enquiry(
        received_at=datetime(2016, 11, 29, 9, 0, tzinfo=UTC),
        outlet="Sky News",
        journalist_name="Sam 100% Smith",
        subject="Flood defences",
    )
    d = make_enquiry(
        received_at=datetime(2016, 11, 29, 9, 30, tzinfo=UTC),
        outlet="bbc radio 4",
        subject="Prisons",
        deadline=datetime(2016, 11, 29, 9, 45, tzinfo=UTC),
    )
    e = make_enquiry(received_at=datetime(2016, 11, 29, 9, 40, tzinfo=UTC), subject="Schools")
    enquiries.assign(c.reference, officer.id, actor=officer, now=c.received_at)
    enquiries.respond(e.reference, "Done", actor=officer, now=e.received_at)
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def refs(log, filters, now=datetime(2016, 11, 29, 10, 0, tzinfo=UTC), **kwargs):
    names = {e.reference: key for key, e in log.items()}
    page = enquiries.list_enquiries(enquiries.parse_filters(filters), now=now, **kwargs)
    return [names[e.reference] for e in page.items]


def test_the_log_lists_newest_first(log):
    assert refs(log, {}) == ["e", "d", "c", "b", "a"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"route": "out_of_hours"}, ["b"]),
        ({"route": "office_hours"}, ["e", "d", "c", "a"]),
        ({"status": "assigned"}, ["c"]),
        ({"status": "answered"}, ["e"]),
        ({"status": "open"}, ["d", "c", "b", "a"]),
        ({"outlet": "bbc"}, ["d", "a"]),
        ({"from": "2016-11-29"}, ["e", "d", "c"]),
        ({"to": "2016-11-28"}, ["b", "a"]),
        ({"from": "2016-11-28", "to": "2016-11-28", "route": "office_hours"}, ["a"]),
        ({"q": "flood"}, ["c"]),
        ({"q": "100%"}, ["c"]),
        ({"q": "ENQ-20161128"}, ["b", "a"]),
        ({"overdue": "1"}, ["d", "b", "a"]),
        ({"assignee": "none"}, ["d", "b", "a"]),
    ],
)
def test_the_log_filters_by_route_status_assignee_outlet_dates_and_text(log, filters, expected):
    assert refs(log, filters) == expected


def test_the_log_filters_by_assignee(log, officer):
    assert refs(log, {"assignee": str(officer.id)}) == ["e", "c"]


def test_the_log_pages_through_the_results(log):
    first = enquiries.list_enquiries(
        enquiries.EnquiryFilters(), now=datetime(2016, 11, 29, 10, tzinfo=UTC), per_page=2
    )
    last = enquiries.list_enquiries(
        enquiries.EnquiryFilters(), now=datetime(2016, 11, 29, 10, tzinfo=UTC), per_page=2, page=3
    )

    assert (first.total, first.pages, len(first.items)) == (5, 3, 2)
    assert [e.subject for e in last.items] == ["Budget"]
    assert (last.first_index, last.last_index) == (5, 5)


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"status": "pending"}, "status"),
        ({"route": "night"}, "route"),
        ({"assignee": "999"}, "assignee"),
        ({"from": "29/11/2016"}, "from"),
        ({"from": "2016-11-29", "to": "2016-11-28"}, "to"),
    ],
)
def test_an_unknown_filter_value_is_refused_not_ignored(app_ctx, filters, field):
    with pytest.raises(ValidationFailed) as refusal:
        enquiries.parse_filters(filters)

    assert field in refusal.value.fields


# --- CSV ----------------------------------------------------------------------------------------


def test_the_csv_export_is_rfc_4180_and_safe_for_spreadsheets(app_ctx):
    make_enquiry(
        journalist_name='=HYPERLINK("http://evil.example")',
        outlet='The "Quoted" Times, Ltd',
        subject="-2+3",
        details="line one\nline two",
        phone="+44 20 7946 0000",
    )

    text = "".join(
        enquiries.export_csv(enquiries.EnquiryFilters(), now=datetime(2016, 11, 29, 10, tzinfo=UTC))
    )

    header, row = text.split("\r\n", 1)
    assert header.startswith('"Reference","Received (UTC)","Route",')
    assert text.endswith("\r\n")
    assert '"\'=HYPERLINK(""http://evil.example"")"' in row
    assert '"The ""Quoted"" Times, Ltd"' in row
    assert ',"\'-2+3",' in row
    assert "'+44 20 7946 0000" in row
    assert '"line one\nline two"' in row
    parsed = next(csv.DictReader(io.StringIO(text)))
    assert parsed["Journalist"] == '\'=HYPERLINK("http://evil.example")'


def test_a_formula_hidden_after_a_semicolon_stays_inside_its_quoted_cell(app_ctx):
    make_enquiry(subject='Figures;=HYPERLINK("http://evil.example")')
    text = "".join(
        enquiries.export_csv(enquiries.EnquiryFilters(), now=datetime(2016, 11, 29, 10, tzinfo=UTC))
    )
    assert '"Figures;=HYPERLINK(""http://evil.example"")"' in text


def test_the_csv_export_holds_the_filtered_view_only(log):
    text = "".join(
        enquiries.export_csv(
            enquiries.parse_filters({"route": "out_of_hours"}),
            now=datetime(2016, 11, 29, 10, tzinfo=UTC),
        )
    )

    lines = text.strip("\r\n").split("\r\n")
    assert len(lines) == 2
    assert log["b"].reference in lines[1]


def test_the_csv_export_reads_every_row_in_batches(app_ctx, monkeypatch):
    monkeypatch.setattr(enquiries, "CSV_BATCH", 2)
    start = datetime(2016, 11, 29, 9, 0, tzinfo=UTC)
    for minute in range(5):
        make_enquiry(received_at=start + timedelta(minutes=minute))

    text = "".join(enquiries.export_csv(enquiries.EnquiryFilters(), now=start))

    assert text.count("ENQ-20161129-") == 5


# --- personal data ------------------------------------------------------------------------------


def test_anonymising_removes_personal_data_of_old_closed_enquiries_and_keeps_the_counts(
    app_ctx, officer
):
    old = make_enquiry(received_at=datetime(2014, 1, 6, 10, tzinfo=UTC), phone="01632 960001")
    enquiries.respond(
        old.reference, "Call Jo back", actor=officer, now=datetime(2014, 1, 6, 11, tzinfo=UTC)
    )
    enquiries.close(old.reference, actor=officer, now=datetime(2014, 1, 6, 12, tzinfo=UTC))
    open_old = make_enquiry(received_at=datetime(2014, 1, 7, 10, tzinfo=UTC))
    recent = make_enquiry(received_at=datetime(2016, 1, 7, 10, tzinfo=UTC))
    enquiries.close(recent.reference, actor=officer, now=datetime(2016, 1, 7, 12, tzinfo=UTC))

    result = enquiries.anonymise_closed(now=datetime(2016, 11, 29, 10, tzinfo=UTC))

    assert (result.anonymised, result.kept) == (1, 3)
    assert result.cutoff == datetime(2014, 11, 29, 10, tzinfo=UTC)
    db.session.expire_all()
    old = enquiries.get_enquiry(old.reference)
    assert (old.journalist_name, old.email, old.phone, old.details, old.response) == (
        "(removed)",
        None,
        None,
        "",
        None,
    )
    assert old.subject == "Waiting times" and old.route == "office_hours"
    assert "Call Jo back" not in [e.comment for e in enquiries.timeline(old)]
    assert enquiries.get_enquiry(open_old.reference).email == "jo@example.com"
    assert enquiries.get_enquiry(recent.reference).email == "jo@example.com"
    assert count_enquiries() == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EnquiryEvent)) > 0
