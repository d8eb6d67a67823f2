"""The public release as an email to a media contact: plain text and HTML, with the quotes, the
links, the numbered notes to editors and the contact block, exactly as the public page shows it,
and a one-click unsubscribe link in the footer and the ``List-Unsubscribe`` headers (RFC 8058)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template

from ..domain.render import RenderedRelease
from .releases.public import PublicRelease
from .secret_links import link_url


@dataclass(frozen=True)
class Letter:
    subject: str
    text: str
    html: str
    headers: dict[str, str]


def public_address(slug: str) -> str:
    """The release's public page, as a full address."""
    base = current_app.config.get("PUBLIC_BASE_URL") or ""
    return f"{base.rstrip('/')}/news/{slug}"


def unsubscribe_headers(unsubscribe_url: str) -> dict[str, str]:
    """The headers a mail client needs to offer one-click unsubscribe (RFC 8058)."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def release_letter(release: PublicRelease, *, unsubscribe_token: str) -> Letter:
    """The email that carries a public release to a contact, with their unsubscribe link."""
    rendered = release.rendered()
    address = public_address(release.slug)
    unsubscribe = link_url("unsubscribe", unsubscribe_token)
    office = current_app.config.get("PRESS_OFFICE_NAME") or "The press office"
    text = _text(release, rendered, address=address, unsubscribe=unsubscribe, office=office)
    html = render_template(
        "email/release.html",
        release=release,
        rendered=rendered,
        address=address,
        unsubscribe=unsubscribe,
        office=office,
    )
    return Letter(
        subject=release.title, text=text, html=html, headers=unsubscribe_headers(unsubscribe)
    )


def _text(
    release: PublicRelease,
    rendered: RenderedRelease,
    *,
    address: str,
    unsubscribe: str,
    office: str,
) -> str:
    parts = [release.title, "", release.summary, "", release.content.body.strip(), ""]
    for quote in rendered.quotes:
        parts += [quote.introduction, *(f'"{p}"' for p in quote.paragraphs), ""]
    for link in rendered.links:
        parts.append(f"{link.label}: {link.url}")
    if rendered.links:
        parts.append("")
    if rendered.notes:
        parts += ["Notes to editors", ""]
        parts += [f"{number}. {note}" for number, note in enumerate(rendered.notes, start=1)]
        parts.append("")
    parts += [
        f"Read it online: {address}",
        "",
        "--",
        f"You receive releases from {office} as a member of the media.",
        f"To stop receiving them: {unsubscribe}",
    ]
    return "\n".join(parts) + "\n"
