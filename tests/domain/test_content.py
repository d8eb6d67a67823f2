"""Release content: limits, web addresses, hashing, quote keys, slugs, and safe rendering."""

from datetime import time

import pytest
from bs4 import BeautifulSoup

from pressoffice.domain.content import (
    Quote,
    clean_change_note,
    clean_release_content,
    content_hash,
    slug_base,
)
from pressoffice.domain.render import ContactDetails, contact_notes, render_markdown, render_release


def clean(**overrides):
    given = {
        "title": "Inspectors find progress in child protection",
        "summary": "A follow-up inspection found improvements.",
        "body": "The force has made progress.",
        "quotes": [{"speaker": "Ann Lee", "role": "Chief Inspector", "text": "We are pleased."}],
        "links": [{"label": "Get the report", "url": "https://example.org/report.pdf"}],
        "notes": ["The inspection took place in August."],
    }
    given.update(overrides)
    return clean_release_content(**given)


def test_good_content_is_accepted_with_whitespace_trimmed():
    content, errors = clean(title="  A headline  ")
    assert errors == {}
    assert content.title == "A headline"
    assert content.links[0].url == "https://example.org/report.pdf"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Enter the headline"),
        ({"title": "x" * 201}, "title", "Headline must be 200 characters or fewer (it is 201)"),
        ({"body": "x" * 100_001}, "body", "Body must be 100,000 characters or fewer"),
        (
            {
                "links": [{"label": "Report", "url": "https://a.example"}] * 2
                + [{"label": "Bad", "url": "javascript:alert(1)"}]
            },
            "links-2-url",
            "Enter a full web address starting with https:// or http://",
        ),
        (
            {"links": [{"label": "Report", "url": "/reports/1.pdf"}]},
            "links-0-url",
            "Enter a full web address",
        ),
        ({"links": [{"label": "Report", "url": "ftp://a.example/x"}]}, "links-0-url", "full web"),
        ({"links": [{"label": "", "url": "https://a.example"}]}, "links-0-label", "Enter the link"),
        ({"quotes": [{"speaker": "", "text": "Words"}]}, "quotes-0-speaker", "Enter the speaker"),
        ({"quotes": [{"speaker": "Ann", "role": "Chief"}]}, "quotes-0-text", "Enter the quote"),
        ({"quotes": [{"speaker": "Ann", "text": "x"}] * 31}, "quotes", "at most 30 quotes"),
        ({"links": [{"label": "L", "url": "https://a.example"}] * 31}, "links", "at most 30"),
        ({"notes": ["A note"] * 31}, "notes", "at most 30 notes to editors"),
        ({"title": "Bell\x07"}, "title", "characters that cannot be shown"),
        ({"title": "Two\nlines"}, "title", "Headline must be a single line"),
        ({"quotes": "not a list"}, "quotes", "Quotes must be a list"),
    ],
)
def test_bad_content_is_refused_with_the_field_named(overrides, field, message):
    content, errors = clean(**overrides)
    assert content is None
    assert field in errors, errors
    assert message in errors[field]


def test_exactly_the_limits_are_accepted():
    content, errors = clean(
        title="x" * 200,
        body="y" * 100_000,
        quotes=[{"speaker": "Ann", "text": "z"}] * 30,
        notes=["n"] * 30,
        links=[{"label": "L", "url": "http://a.example/"}] * 30,
    )
    assert errors == {}
    assert len(content.quotes) == 30


def test_wholly_blank_list_rows_are_skipped_but_half_filled_ones_are_errors():
    content, errors = clean(
        quotes=[{"speaker": " ", "role": "", "text": ""}],
        links=[{"label": "", "url": ""}],
        notes=["  ", "Kept"],
    )
    assert errors == {}
    assert content.quotes == () and content.links == ()
    assert content.notes == ("Kept",)


def test_the_hash_changes_with_anything_a_reader_could_notice():
    base, _ = clean()
    same, _ = clean()
    assert content_hash(base) == content_hash(same)
    changes = [
        {"title": "Another headline"},
        {"body": "The force has made progress!"},
        {"notes": ["The inspection took place in July."]},
        {"links": [{"label": "Get the report", "url": "https://example.org/other.pdf"}]},
        {"quotes": [{"speaker": "Ann Lee", "role": "Inspector", "text": "We are pleased."}]},
        {"attachments": [{"id": 1, "filename": "r.pdf", "size": 10, "sha256": "ab"}]},
    ]
    for change in changes:
        changed, errors = clean(**change)
        assert errors == {}
        assert content_hash(changed) != content_hash(base), change


def test_the_order_of_quotes_is_part_of_the_content_but_their_keys_are_not():
    a = {"speaker": "Ann", "text": "One"}
    b = {"speaker": "Bob", "text": "Two"}
    first, _ = clean(quotes=[a, b])
    swapped, _ = clean(quotes=[b, a])
    rekeyed, _ = clean(quotes=[a, b])
    assert content_hash(first) != content_hash(swapped)
    assert first.quotes[0].key != rekeyed.quotes[0].key
    assert content_hash(first) == content_hash(rekeyed)


def test_quotes_keep_their_keys_when_edited_reordered_or_sent_without_a_key():
    existing = (Quote("Ann", "", "One", key="aaa"), Quote("Bob", "", "Two", key="bbb"))
    content, _ = clean(
        quotes=[
            {"speaker": "Bob", "text": "Two"},  # no key: matched by speaker and text
            {"key": "aaa", "speaker": "Ann", "text": "One, edited"},
            {"key": "forged", "speaker": "Cat", "text": "Three"},
        ],
        existing_quotes=existing,
    )
    keys = [q.key for q in content.quotes]
    assert keys[:2] == ["bbb", "aaa"]
    assert keys[2] not in ("aaa", "bbb", "forged")


def test_a_correction_needs_a_change_note():
    assert clean_change_note("  ")[1]["change_note"].startswith("Say what this correction changes")
    assert clean_change_note("Corrected the date") == ("Corrected the date", {})


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        (
            "Encouraging progress made by Surrey Police",
            "encouraging-progress-made-by-surrey-police",
        ),
        ("Zoë’s report: 100% done!", "zoes-report-100-done"),
        ("!!!", "release"),
    ],
)
def test_the_slug_is_made_from_the_headline(title, slug):
    assert slug_base(title) == slug


def test_a_long_headline_gives_a_slug_cut_at_a_word():
    slug = slug_base("word " * 60)
    assert len(slug) <= 100
    assert not slug.endswith("-")


@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src='https://evil.example'></iframe>",
    ],
)
def test_raw_html_typed_into_the_body_never_reaches_the_page_as_markup(typed):
    page = BeautifulSoup(render_markdown(typed), "html.parser")
    assert page.find_all(["script", "img", "iframe"]) == []
    assert all(not a.get("href", "").startswith("javascript") for a in page.find_all("a"))
    assert all(not attr.startswith("on") for tag in page.find_all(True) for attr in tag.attrs)


def test_markdown_becomes_headings_lists_and_safe_links():
    html = render_markdown("# Findings\n\n* one\n* two\n\n[Report](https://example.org)")
    assert "<h2>Findings</h2>" in html
    assert "<li>one</li>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">Report</a>' in html


CONTACT = ContactDetails(
    office_name="The press office",
    office_line="020 3513 0600",
    out_of_hours_line="07836 217 729",
    opens=time(8, 30),
    closes=time(17, 0),
)


def test_the_contact_notes_come_from_the_settings():
    assert contact_notes(CONTACT) == [
        "For further information, the press office can be contacted during office hours, "
        "08:30 to 17:00 Monday to Friday (UK time), on 020 3513 0600.",
        "Out of hours, for urgent media enquiries only, call 07836 217 729.",
    ]


def test_a_rendered_release_introduces_quotes_and_numbers_the_contact_notes_last():
    content, _ = clean(notes=["First note", "Second note"])
    rendered = render_release(content, CONTACT)
    assert rendered.quotes[0].introduction == "Ann Lee, Chief Inspector, said:"
    assert rendered.notes[:2] == ["First note", "Second note"]
    assert rendered.notes[2].startswith("For further information")
    assert len(rendered.notes) == 4
