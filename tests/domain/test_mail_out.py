# ruff: noqa: E501 -- the tables read best one row to a line
"""What the enquiry desk sends by email: subjects, threading, who is never acknowledged, the
once-an-hour rule at its boundary, and the acknowledgement's words."""

from datetime import UTC, datetime, timedelta

import pytest

from pressoffice.domain.mail_out import (
    MAX_REFERENCES_LENGTH,
    MAX_SUBJECT,
    acknowledgement_due,
    acknowledgement_letter,
    is_no_reply_address,
    key_of,
    reply_subject,
    threading_for,
    why_no_acknowledgement,
)
from pressoffice.domain.routing import OfficeCalendar, next_change, route_for

REF = "ENQ-20261208-0007"

SUBJECTS = [
    # their subject                                -> our answer's subject
    ("Flood defence figures", f"Re: Flood defence figures [{REF}]"),
    ("Re: Flood defence figures", f"Re: Flood defence figures [{REF}]"),
    ("RE: re: Re:Flood defence figures", f"Re: Flood defence figures [{REF}]"),
    ("Re[2]: Flood defence figures", f"Re: Flood defence figures [{REF}]"),
    ("AW: Flood defence figures", f"Re: Flood defence figures [{REF}]"),
    (f"Re: Flood defence figures [{REF}]", f"Re: Flood defence figures [{REF}]"),
    (f"Re: Flood defence figures [{REF.lower()}]", f"Re: Flood defence figures [{REF}]"),
    (f"Re: [{REF}] Flood defence figures", f"Re: Flood defence figures [{REF}]"),
    # Another enquiry's token is theirs to keep.
    ("Re: Floods [ENQ-20261201-0001]", f"Re: Floods [ENQ-20261201-0001] [{REF}]"),
    ("Regional figures", f"Re: Regional figures [{REF}]"),  # "Re" only as a prefix with a colon
    ("Flood\r\n defence\tfigures", f"Re: Flood defence figures [{REF}]"),
    ("", f"Re: Your enquiry [{REF}]"),
    (None, f"Re: Your enquiry [{REF}]"),
    ("Re:", f"Re: Your enquiry [{REF}]"),
]


@pytest.mark.parametrize(("theirs", "ours"), SUBJECTS)
def test_reply_subject_has_one_re_and_one_token(theirs, ours):
    assert reply_subject(theirs, REF) == ours


def test_a_long_subject_is_shortened_keeping_the_token():
    subject = reply_subject("word " * 200, REF)
    assert len(subject) <= MAX_SUBJECT
    assert subject.startswith("Re: word word")
    assert subject.endswith(f"… [{REF}]")


def test_threading_names_the_message_answered_after_its_references():
    threading = threading_for("<b@x.example>", "<a@x.example>")
    assert threading.in_reply_to == "<b@x.example>"
    assert threading.references == "<a@x.example> <b@x.example>"
    assert threading.headers() == {
        "In-Reply-To": "<b@x.example>",
        "References": "<a@x.example> <b@x.example>",
    }


THREADING = [
    # their Message-ID, their References         -> References we send
    ("b@x.example", None, "<b@x.example>"),  # stored without brackets
    ("<b@x.example>", "", "<b@x.example>"),
    ("<b@x.example>", "<a@x.example>\r\n <b@x.example>", "<a@x.example> <b@x.example>"),
    ("<c@x>", "<a@x> <b@x> <a@x>", "<a@x> <b@x> <c@x>"),
    ("<c@x>", "junk <a@x> (comment)", "<a@x> <c@x>"),
]


@pytest.mark.parametrize(("message_id", "references", "expected"), THREADING)
def test_references_are_theirs_then_their_message_id(message_id, references, expected):
    assert threading_for(message_id, references).references == expected


def test_without_a_message_to_answer_there_are_no_threading_headers():
    assert threading_for(None, "<a@x>").headers() == {}
    assert threading_for("", None).headers() == {}


def test_a_long_chain_keeps_the_first_and_the_latest_and_fits_one_line():
    chain = " ".join(f"<message-{n:03}@newsroom.example>" for n in range(100))
    threading = threading_for("<answered@newsroom.example>", chain)
    ids = threading.references.split()
    assert len(threading.references) <= MAX_REFERENCES_LENGTH
    assert ids[0] == "<message-000@newsroom.example>"
    assert ids[-2:] == ["<message-099@newsroom.example>", "<answered@newsroom.example>"]


def test_message_key_is_the_id_without_brackets():
    assert key_of("<abc.123@press.example>") == "abc.123@press.example"
    assert key_of("abc.123@press.example") == "abc.123@press.example"


ADDRESSES = [
    ("jo.reporter@newsroom.example", False),
    ("newsdesk@bbc.example", False),
    ("noreply@newsroom.example", True),
    ("no-reply@newsroom.example", True),
    ("No_Reply@newsroom.example", True),
    ("donotreply@newsroom.example", True),
    ("do-not-reply@newsroom.example", True),
    ("alerts-noreply@newsroom.example", True),
    ("MAILER-DAEMON@mx.newsroom.example", True),
    ("postmaster@newsroom.example", True),
    ("bounces+12345@lists.example", True),
    ("news-bounce@lists.example", True),
    ("press-request@lists.example", True),
    ("owner-press@lists.example", True),
    ("autoreply@newsroom.example", True),
    ("notifications@newsroom.example", True),
    ("", True),
    ("not an address", True),
    ("@newsroom.example", True),
]


@pytest.mark.parametrize(("address", "no_reply"), ADDRESSES)
def test_no_reply_addresses(address, no_reply):
    assert is_no_reply_address(address) is no_reply


LAST = datetime(2026, 12, 8, 10, 0, 0, tzinfo=UTC)
HOUR_RULE = [
    (None, LAST, True),
    (LAST, LAST, False),
    (LAST, LAST + timedelta(minutes=59, seconds=59, microseconds=999999), False),
    (LAST, LAST + timedelta(hours=1), True),  # exactly an hour later: due again
    (LAST, LAST + timedelta(hours=5), True),
]


@pytest.mark.parametrize(("last", "now", "due"), HOUR_RULE)
def test_at_most_one_acknowledgement_per_sender_an_hour(last, now, due):
    assert acknowledgement_due(last, now) is due


REFUSALS = [
    # enabled, address, automatic, last ack       -> refused because (None: sent)
    (True, "jo@newsroom.example", False, None, None),
    (False, "jo@newsroom.example", False, None, "switched off"),
    (True, "jo@newsroom.example", True, None, "Automatic"),
    (True, "noreply@newsroom.example", False, None, "does not take replies"),
    (True, "Press.Office@gov.example", False, None, "own address"),
    (True, "jo@newsroom.example", False, LAST - timedelta(minutes=30), "less than an hour"),
    (True, "jo@newsroom.example", False, LAST - timedelta(hours=1), None),
]


@pytest.mark.parametrize(("enabled", "address", "automatic", "last", "refusal"), REFUSALS)
def test_why_no_acknowledgement(enabled, address, automatic, last, refusal):
    reason = why_no_acknowledgement(
        enabled=enabled,
        address=address,
        automatic=automatic,
        own_addresses=("press.office@gov.example",),
        last_acknowledged_at=last,
        now=LAST,
    )
    if refusal is None:
        assert reason is None
    else:
        assert refusal in reason


CALENDAR = OfficeCalendar(office_line="020 7946 0000", out_of_hours_line="07700 900123")


def _letter(received: datetime, deadline=None):
    routing = route_for(received, CALENDAR)
    return acknowledgement_letter(
        reference=REF,
        their_subject="Flood figures",
        name="Jo Reporter",
        office_name="The press office",
        routing=routing,
        calendar=CALENDAR,
        deadline=deadline,
        opens_again=None if routing.is_office_hours else next_change(received, CALENDAR),
        now=received,
    )


def test_acknowledgement_in_office_hours():
    letter = _letter(datetime(2026, 12, 8, 16, 59, 59, tzinfo=UTC))  # a Tuesday, GMT
    assert letter.subject == f"Re: Flood figures [{REF}]"
    assert "Dear Jo Reporter," in letter.text
    assert f"Your reference is {REF}." in letter.text
    assert "during office hours, at 16:59 GMT on Tuesday 8 December 2026" in letter.text
    assert "We aim to answer today, during office hours (08:30 to 17:00 UK time)." in letter.text
    assert "If it is urgent, call the press office on 020 7946 0000." in letter.text


def test_acknowledgement_at_closing_time_on_a_friday_expects_an_answer_on_monday():
    letter = _letter(datetime(2026, 12, 11, 17, 0, 0, tzinfo=UTC))  # Friday 17:00:00 GMT
    assert (
        "out of hours, at 17:00 GMT on Friday 11 December 2026 (After 17:00 on a Friday)"
        in letter.text
    )
    assert "The duty press officer has been told." in letter.text
    assert "once the office opens again, at 08:30 GMT on Monday 14 December." in letter.text
    assert "If it is urgent, call the duty press officer on 07700 900123." in letter.text


def test_acknowledgement_before_a_bank_holiday_monday_expects_tuesday():
    # Friday 22 May 2026, 17:00 BST; Monday 25 May is the spring bank holiday.
    letter = _letter(datetime(2026, 5, 22, 16, 0, 0, tzinfo=UTC))
    assert "at 08:30 BST on Tuesday 26 May." in letter.text


def test_acknowledgement_promises_the_deadline_when_one_is_ahead():
    received = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
    letter = _letter(received, deadline=received + timedelta(hours=3))
    assert (
        "We aim to answer before your deadline, 13:00 GMT on Tuesday 8 December 2026."
        in letter.text
    )
    # A deadline already passed promises nothing about it.
    assert "deadline" not in _letter(received, deadline=received - timedelta(hours=1)).text
