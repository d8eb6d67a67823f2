"""The rules of a media enquiry, without an app."""

from datetime import UTC, date, datetime, timedelta

import pytest

from pressoffice.domain.enquiries import (
    ANSWERED,
    ASSIGNED,
    CLOSED,
    NEW,
    attention_reason,
    deadline_state,
    describe_duration,
    format_reference,
    is_reference,
    months_before,
    spreadsheet_safe,
    status_after,
    validate_details,
    validate_response,
    why_not,
)

NOW = datetime(2023, 6, 9, 12, 0, tzinfo=UTC)


def fields(**overrides):
    values = {
        "journalist_name": "Ada Reporter",
        "outlet": "The Daily Example",
        "email": "ada@example.com",
        "phone": "",
        "subject": "Figures in the annual report",
        "details": "Can you confirm the total on page 4?",
        "deadline": NOW + timedelta(hours=3),
        "channel": "phone",
    }
    values.update(overrides)
    return values


# --- statuses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "action", "allowed", "after"),
    [
        (NEW, "assign", True, ASSIGNED),
        (ASSIGNED, "assign", True, ASSIGNED),
        (ANSWERED, "assign", True, ANSWERED),
        (CLOSED, "assign", False, None),
        (NEW, "respond", True, ANSWERED),
        (ASSIGNED, "respond", True, ANSWERED),
        (ANSWERED, "respond", False, None),
        (CLOSED, "respond", False, None),
        (NEW, "close", True, CLOSED),
        (ASSIGNED, "close", True, CLOSED),
        (ANSWERED, "close", True, CLOSED),
        (CLOSED, "close", False, None),
    ],
)
def test_an_enquiry_moves_from_new_through_assigned_and_answered_to_closed(
    status, action, allowed, after
):
    assert (why_not(action, status) is None) == allowed
    if allowed:
        assert status_after(action, status) == after


def test_the_refusal_says_why_in_plain_words():
    assert why_not("respond", ANSWERED) == "This enquiry has already been answered"
    assert why_not("assign", CLOSED) == "This enquiry is closed, so it cannot be reassigned"


# --- references -------------------------------------------------------------------------------


def test_a_reference_names_the_london_date_and_the_number_that_day():
    assert format_reference(date(2016, 12, 27), 1) == "ENQ-20161227-0001"
    assert format_reference(date(2016, 12, 27), 10000) == "ENQ-20161227-10000"
    assert is_reference("ENQ-20161227-0001")
    assert not is_reference("ENQ-2016127-0001")
    assert not is_reference("enq-20161227-0001; drop table")


# --- fields -----------------------------------------------------------------------------------


def test_complete_details_are_accepted_and_cleaned():
    details, errors = validate_details(
        fields(journalist_name="  Ada Reporter ", email="Ada@Example.com"),
        received_at=NOW,
        now=NOW,
    )

    assert errors == {}
    assert details.journalist_name == "Ada Reporter"
    assert details.email == "Ada@example.com"
    assert details.phone is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "", "phone": ""}, "email", "Enter an email address or a phone number"),
        ({"email": "ada@"}, "email", "correct format"),
        ({"email": "", "phone": "call me"}, "phone", "Enter a phone number"),
        ({"email": "", "phone": "12"}, "phone", "Enter a phone number"),
        ({"deadline": NOW - timedelta(minutes=1)}, "deadline", "after the enquiry was received"),
        ({"deadline": NOW}, "deadline", "after the enquiry was received"),
        ({"subject": "x" * 201}, "subject", "Subject must be 200 characters or fewer"),
        ({"journalist_name": "x" * 121}, "journalist_name", "120 characters or fewer"),
        ({"details": "x" * 5001}, "details", "5000 characters or fewer"),
        ({"journalist_name": "   "}, "journalist_name", "Enter the journalist's name"),
        ({"subject": ""}, "subject", "Enter what the enquiry is about"),
        ({"channel": "carrier pigeon"}, "channel", "Choose how the enquiry came in"),
    ],
)
def test_bad_details_are_refused_with_the_field_named(overrides, field, message):
    details, errors = validate_details(fields(**overrides), received_at=NOW, now=NOW)

    assert details is None
    assert message in errors[field]


def test_a_phone_number_alone_is_enough_to_reply():
    details, errors = validate_details(
        fields(email="", phone="+44 (0)20 7946 0000"), received_at=NOW, now=NOW
    )

    assert errors == {}
    assert details.phone == "+44 (0)20 7946 0000"
    assert details.email is None


def test_a_call_received_earlier_may_be_logged_but_not_one_in_the_future():
    _, earlier = validate_details(fields(), received_at=NOW - timedelta(hours=2), now=NOW)
    _, future = validate_details(fields(), received_at=NOW + timedelta(seconds=1), now=NOW)

    assert earlier == {}
    assert future["received_at"] == "The time received cannot be in the future"


def test_every_problem_is_reported_at_once():
    _, errors = validate_details(
        fields(journalist_name="", email="", phone="", subject=""), received_at=NOW, now=NOW
    )

    assert set(errors) == {"journalist_name", "email", "subject"}


def test_a_response_is_required():
    assert validate_response("  ")[1] == {"response": "Enter the response given to the journalist"}
    assert validate_response(" We can confirm. ") == ("We can confirm.", {})


# --- the deadline -----------------------------------------------------------------------------

DEADLINE = datetime(2023, 6, 9, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "kind", "text"),
    [
        (DEADLINE - timedelta(days=1, hours=2, minutes=5), "ok", "1 day 2 hours left"),
        (DEADLINE - timedelta(hours=1, minutes=1), "ok", "1 hour 1 minute left"),
        (DEADLINE - timedelta(hours=1), "soon", "1 hour left"),
        (DEADLINE - timedelta(seconds=30), "soon", "less than a minute left"),
        (DEADLINE, "soon", "less than a minute left"),
        (DEADLINE + timedelta(seconds=1), "overdue", "Overdue by less than a minute"),
        (DEADLINE + timedelta(hours=3, minutes=20), "overdue", "Overdue by 3 hours 20 minutes"),
    ],
)
def test_an_open_enquiry_shows_time_left_until_it_is_overdue(now, kind, text):
    state = deadline_state(ASSIGNED, DEADLINE, None, now)

    assert (state.kind, state.text) == (kind, text)


def test_an_answer_at_the_deadline_instant_is_in_time():
    assert deadline_state(ANSWERED, DEADLINE, DEADLINE, NOW).kind == "met"
    late = deadline_state(ANSWERED, DEADLINE, DEADLINE + timedelta(minutes=90), NOW)
    assert (late.kind, late.text) == ("missed", "Answered 1 hour 30 minutes after the deadline")


def test_a_closed_enquiry_never_answered_says_so():
    assert deadline_state(CLOSED, DEADLINE, None, NOW).text == "Closed without an answer"


def test_durations_read_as_the_two_largest_units():
    assert describe_duration(timedelta(days=2, hours=3, minutes=4)) == "2 days 3 hours"
    assert describe_duration(timedelta(minutes=1)) == "1 minute"


# --- spreadsheets -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Ada Reporter", "Ada Reporter"),
        ("a=b", "a=b"),
        (None, ""),
    ],
)
def test_cells_that_start_like_a_formula_are_made_safe_for_spreadsheets(value, cell):
    assert spreadsheet_safe(value) == cell


# --- retention --------------------------------------------------------------------------------


def test_months_before_counts_calendar_months_and_clamps_the_day():
    assert months_before(datetime(2025, 3, 31, 9, tzinfo=UTC), 1) == datetime(
        2025, 2, 28, 9, tzinfo=UTC
    )
    assert months_before(datetime(2025, 6, 9, tzinfo=UTC), 24) == datetime(2023, 6, 9, tzinfo=UTC)
    assert months_before(datetime(2024, 2, 29, tzinfo=UTC), 12) == datetime(2023, 2, 28, tzinfo=UTC)
    assert months_before(datetime(2025, 1, 15, tzinfo=UTC), 13) == datetime(
        2023, 12, 15, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "actions, says",
    [
        (["logged", "needs_attention"], "nobody was on the duty rota"),
        (["logged", "answered", "follow_up"], "wrote again after it was answered"),
        (["logged", "answered", "closed", "follow_up"], "wrote again after it was answered"),
        # A message while it was still open reopened nothing: the rota's flag stands.
        (["logged", "needs_attention", "follow_up"], "nobody was on the duty rota"),
        (["logged", "answered", "delivery_failed"], "could not be delivered"),
        (["logged", "answered", "follow_up", "answered", "delivery_failed"], "not be delivered"),
        (["logged", "answered", "delivery_failed", "follow_up"], "wrote again"),
    ],
)
def test_the_page_says_why_an_enquiry_needs_attention_by_its_latest_flag(actions, says):
    assert says in attention_reason(actions)
