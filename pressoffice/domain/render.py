"""A release as a reader sees it: Markdown body made safe, quotes introduced, contact notes added.

The body is Markdown rendered by markdown-it-py with raw HTML switched off (so a ``<script>`` typed
into the body shows as text) and the result cleaned again by nh3 with a short list of allowed
tags, so that nothing typed can reach a page as markup. Quotes, links and notes are plain text,
escaped by the templates. The press office contact notes are built from settings each time a
release is shown, so a changed number is right on every release, old and new.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time

import nh3
from markdown_it import MarkdownIt

from ..timefmt import time_span
from .content import Link, Quote, ReleaseContent, is_web_address

_ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "a", "ul", "ol", "li",
    "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.enable("table")


def render_markdown(text: str) -> str:
    """Safe HTML for Markdown text. A top-level ``#`` heading becomes ``h2``: the page already
    has the headline as its one ``h1``."""
    html = _markdown.render(text or "")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def paragraphs(text: str) -> list[str]:
    """Plain text split at blank lines, for quotes and notes that run over several paragraphs."""
    return [
        part.strip() for part in (text or "").replace("\r\n", "\n").split("\n\n") if part.strip()
    ]


@dataclass(frozen=True)
class ContactDetails:
    """The press office's contact settings (``config.py``)."""

    office_name: str
    office_line: str
    out_of_hours_line: str
    opens: time
    closes: time
    # Monday is 0.
    days: tuple[int, ...] = (0, 1, 2, 3, 4)


_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _days(days: Iterable[int]) -> str:
    days = sorted(set(days))
    if days and days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
        return f"{_DAY_NAMES[days[0]]} to {_DAY_NAMES[days[-1]]}"
    names = [_DAY_NAMES[d] for d in days]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def contact_notes(contact: ContactDetails) -> list[str]:
    """The two closing notes to editors: office hours with the office number, then the
    out-of-hours line."""
    office = contact.office_name.strip() or "The press office"
    if office.startswith("The "):
        office = "the " + office[4:]
    return [
        f"For further information, {office} can be contacted during office hours, "
        f"{time_span(contact.opens, contact.closes)} {_days(contact.days)} (UK time), "
        f"on {contact.office_line}.",
        f"Out of hours, for urgent media enquiries only, call {contact.out_of_hours_line}.",
    ]


@dataclass(frozen=True)
class RenderedQuote:
    speaker: str
    role: str
    # "Zoë Billingham, HM Inspector of Constabulary, said:"
    introduction: str
    paragraphs: list[str]


@dataclass(frozen=True)
class RenderedRelease:
    title: str
    summary: str
    body_html: str
    quotes: list[RenderedQuote]
    links: list[Link]
    # The release's own notes followed by the contact notes, in the order they are numbered.
    notes: list[str]
    contact_notes: list[str]


def speaker_line(speaker: str, role: str = "") -> str:
    """Who is speaking, name first and the role after a comma: "Tom Achebe, Chief Constable
    of Northshire" (just the name, or just the role, when only one is given)."""
    speaker, role = (speaker or "").strip(), (role or "").strip()
    return ", ".join(part for part in (speaker, role) if part)


def attribution(speaker: str, role: str = "") -> str:
    """Who said it, as every page, the feed and the letters put it: "Tom Achebe, Chief
    Constable of Northshire, said:" (just "Tom Achebe said:" without a role; "" with neither)."""
    who = speaker_line(speaker, role)
    if (speaker or "").strip() and (role or "").strip():
        return f"{who}, said:"
    return f"{who} said:" if who else ""


def quote_introduction(quote: Quote) -> str:
    """A quote's attribution: "<speaker>, <role>, said:" (see ``attribution``)."""
    return attribution(quote.speaker, quote.role)


def render_release(
    content: ReleaseContent, contact: ContactDetails, body_html: str | None = None
) -> RenderedRelease:
    """Everything a release page, the feed or the public API needs to show a release.

    ``body_html`` is the body as ``render_markdown`` made it when the revision was saved: a
    revision never changes, so its body is not rendered again on every request. Without it
    (content not saved yet, a revision written before bodies were stored) it is rendered now."""
    extra = contact_notes(contact)
    return RenderedRelease(
        title=content.title,
        summary=content.summary,
        body_html=render_markdown(content.body) if body_html is None else body_html,
        quotes=[
            RenderedQuote(
                speaker=q.speaker,
                role=q.role,
                introduction=quote_introduction(q),
                paragraphs=paragraphs(q.text),
            )
            for q in content.quotes
        ],
        # Stored links were checked when saved; checking again costs nothing and keeps a
        # hand-edited database row from putting a script address on a page.
        links=[link for link in content.links if is_web_address(link.url)],
        notes=[*content.notes, *extra],
        contact_notes=extra,
    )
