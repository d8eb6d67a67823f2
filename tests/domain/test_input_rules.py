"""Hidden characters in one-line text, and web addresses a reader can trust, by field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pressoffice.domain import enquiries, links
from pressoffice.domain.content import clean_release_content, web_address_problem
from pressoffice.domain.input_rules import single_line_problem

HIDDEN = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
]


@pytest.mark.parametrize("ch", HIDDEN)
def test_every_bidi_control_and_zero_width_character_is_named(ch):
    problem = single_line_problem(f"Figures{ch}fdp.exe", "Headline")

    assert problem.startswith("Headline contains")
    assert f"U+{ord(ch):04X}" in problem


@pytest.mark.parametrize("text", ["Zoë's report", "Ymchwiliad i’r heddlu", "数字", "a – b", "€5"])
def test_ordinary_text_in_any_script_is_one_line(text):
    assert single_line_problem(text, "Headline") is None


def _content(**overrides):
    given = {
        "title": "Inspectors find progress",
        "quotes": [{"speaker": "Ann Lee", "role": "Chief Inspector", "text": "Pleased."}],
        "links": [{"label": "Get the report", "url": "https://example.org/report.pdf"}],
    }
    given.update(overrides)
    return clean_release_content(**given)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "Inspectors\u202e find progress"}, "title"),
        ({"title": "Inspectors\u200b find progress"}, "title"),
        ({"quotes": [{"speaker": "Ann\u2066 Lee", "text": "Pleased."}]}, "quotes-0-speaker"),
        ({"quotes": [{"speaker": "Ann", "role": "Chief\ufeff", "text": "Yes"}]}, "quotes-0-role"),
        (
            {"links": [{"label": "Get the\u200d report", "url": "https://example.org/r"}]},
            "links-0-label",
        ),
    ],
)
def test_one_line_parts_of_a_release_refuse_hidden_characters_by_field(overrides, field):
    content, errors = _content(**overrides)

    assert content is None
    assert list(errors) == [field]
    assert "type it again without it" in errors[field]


def test_the_body_may_carry_a_zero_width_joiner_as_emoji_and_some_scripts_need():
    content, errors = _content(body="Family: \U0001f468\u200d\U0001f469\u200d\U0001f467")

    assert errors == {}
    assert "\u200d" in content.body


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://user:password@example.org/report", "user name or password"),
        ("https://user@example.org/report", "user name or password"),
        ("https://example.org@evil.example/report", "user name or password"),
        ('https://example.org/"onmouseover="x', 'cannot contain “"”'),
        ("https://example.org/<script>", "cannot contain “<”"),
        ("https://example.org/a>b", "cannot contain “>”"),
        ("https://example.org/a report.pdf", "cannot contain a space"),
        ("https://example.org/a\u202ereport", "cannot contain U+202E"),
        ("https://example.org/{x}", "cannot contain “{”"),
        ("https://example.org/100%", "% that is not followed by two hexadecimal digits"),
        ("https://exämple.org/", "cannot contain “ä”"),
        ("javascript:alert(1)", "Enter a full web address"),
    ],
)
def test_a_link_address_with_user_info_or_characters_outside_rfc_3986_is_refused(url, words):
    assert words in web_address_problem(url)

    content, errors = _content(links=[{"label": "Report", "url": url}])
    assert list(errors) == ["links-0-url"]


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/report.pdf",
        "http://example.org:8080/a/b?q=1&r=two#part",
        "https://example.org/caf%C3%A9?x=%20y",
        "https://example.org/a_(b)/~c;d=e,f*g+h!$'",
        "https://[2001:db8::1]/report",
        "https://xn--exmple-cua.org/",
    ],
)
def test_ordinary_web_addresses_are_accepted(url):
    assert web_address_problem(url) is None


@pytest.mark.parametrize(
    ("name", "outlet", "field"),
    [("Jo\u202e Reporter", "Daily News", "name"), ("Jo Reporter", "Daily\u200b News", "outlet")],
)
def test_a_recipient_name_or_outlet_refuses_hidden_characters(name, outlet, field):
    _, errors = links.clean_recipient(name, outlet, "jo@example.org")

    assert list(errors) == [field]


def test_a_speaker_asked_for_sign_off_refuses_hidden_characters():
    _, errors = links.clean_speaker("Ann\u2067 Lee", "ann@example.org")

    assert list(errors) == ["name"]


@pytest.mark.parametrize("field", ["journalist_name", "outlet", "subject"])
def test_an_enquiry_refuses_hidden_characters_in_its_one_line_fields(field):
    now = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)
    raw = {
        "journalist_name": "Jo Reporter",
        "outlet": "Daily News",
        "subject": "Figures",
        "email": "jo@example.org",
        "channel": "email",
    }
    raw[field] = raw[field][:2] + "\u202e" + raw[field][2:]

    details, errors = enquiries.validate_details(raw, received_at=now, now=now)

    assert details is None
    assert list(errors) == [field]


def test_an_account_name_with_a_hidden_direction_change_is_refused():
    from pressoffice.domain.accounts import name_problem

    assert name_problem("Ada Admin") is None
    assert "hidden character" in name_problem("Ada \u202eAdmin")
