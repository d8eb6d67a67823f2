"""The enquiry page answers "what do I do now" first: a next step, then the reply box with
"answer from a statement" beside it, then the journalist (tap to call, tap to mail), then the
rest; "Reply and close" comes before "Close enquiry", which says it records no reply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ..factories import make_enquiry

NOW = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)


def _order(page, *selectors) -> list[int]:
    everything = list(page.select("main *"))
    return [everything.index(page.select_one(css)) for css in selectors]


def test_the_enquiry_page_leads_with_its_next_step_then_the_reply_then_the_journalist(
    signed_in, officer, clock
):
    enquiry = make_enquiry(
        received_at=NOW - timedelta(hours=2),
        deadline=NOW - timedelta(minutes=30),
        phone="07700 900-123",
        email="jo@example.com",
    )
    page = signed_in(officer).get(f"/enquiries/{enquiry.reference}")

    next_step = page.select_one("#next-step")
    assert next_step.h2.get_text(strip=True) == "Next step"
    assert "Reply to Jo Reporter: overdue by 30 minutes." in next_step.get_text(" ", strip=True)

    positions = _order(
        page,
        "#next-step",
        "#reply form",
        "#answer-from-statement",
        "#journalist",
        "#other-actions",
        "#close-records-no-reply",
    )
    assert positions == sorted(positions)

    journalist = page.select_one("#journalist")
    assert journalist.find("a", href="tel:07700900123").get_text() == "07700 900-123"
    assert journalist.find("a", href="mailto:jo@example.com") is not None

    buttons = [b.get_text(strip=True) for b in page.select("main button")]
    assert buttons.index("Reply and close") < buttons.index("Close enquiry")
    assert (
        "Closing records no reply to Jo Reporter"
        in page.select_one("#close-records-no-reply").get_text()
    )


def test_an_answered_enquiry_says_to_close_it_and_shows_its_response_first(
    signed_in, officer, clock
):
    enquiry = make_enquiry(received_at=NOW - timedelta(hours=2))
    browser = signed_in(officer)
    browser.post(f"/enquiries/{enquiry.reference}/respond", data={"response": "No comment."})

    page = browser.get(f"/enquiries/{enquiry.reference}")

    assert page.select_one("#next-step .next-step__text").get_text(strip=True) == (
        "Close the enquiry: Jo Reporter has had the answer."
    )
    assert page.select_one("#reply") is None
    assert page.select_one("#close-records-no-reply") is None
