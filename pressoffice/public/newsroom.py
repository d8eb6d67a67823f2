"""The public newsroom: the list of releases, a release page, the Atom feed and the files.

Everything here reads through the services' public queries, which only ever answer the approved
public revision of a release whose embargo has lifted. Anything else (an embargoed release, a
draft, a slug that never existed, a file the public revision does not list) gets the one 404
page, byte for byte the same.
"""

from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree as ET  # noqa: S405 - we only write XML, never parse it

from flask import Response, abort, current_app, render_template, request, send_file, url_for
from markupsafe import escape

from .. import clock
from ..auth import public
from ..services import attachments as attachment_service
from ..services import newsroom, releases, statements
from ..services.errors import NotFound, ValidationFailed
from ..timefmt import iso_utc
from . import bp
from .caching import shared_cache

NEWS_PER_PAGE = 20
FEED_ENTRIES = 20
ATOM = "http://www.w3.org/2005/Atom"


def _public_file_url(slug: str):
    def url(file) -> str:
        return url_for("public.news_attachment", slug=slug, attachment_id=file["id"])

    return url


@bp.get("/news")
@public
@shared_cache(keep=True, key_args=("page",))
def news_index():
    try:
        # Published releases and statements together, newest first.
        page = newsroom.list_newsroom(
            page=request.args.get("page", 1), per_page=NEWS_PER_PAGE, now=clock.now()
        )
    except ValidationFailed:
        abort(404)
    if page.page > page.pages:
        abort(404)
    return render_template("public/news_index.html", page=page)


@bp.get("/news/<slug>")
@public
@shared_cache(keep=True)
def news_release(slug: str):
    try:
        release = releases.load_public_release(slug, now=clock.now())
    except NotFound:
        abort(404)
    return render_template(
        "public/news_release.html",
        release=release,
        rendered=release.rendered(),
        attachment_url=_public_file_url(release.slug),
    )


@bp.get("/news/<slug>/files/<int:attachment_id>")
@public
def news_attachment(slug: str, attachment_id: int):
    try:
        attachment = releases.load_public_attachment(slug, attachment_id, now=clock.now())
    except NotFound:
        abort(404)
    return send_attachment(attachment)


def send_attachment(attachment):
    """The bytes of a file, always as a download (never shown in the browser)."""
    path = attachment_service.stored_path(attachment)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/news.atom")
@public
@shared_cache(keep=True)
def news_atom():
    now = clock.now()
    entries = releases.latest_public_releases(limit=FEED_ENTRIES, now=now)
    published = statements.latest_public_statements(limit=FEED_ENTRIES, now=now)
    return Response(atom_feed(entries, now, published), mimetype="application/atom+xml")


def _text(parent: ET.Element, tag: str, text: str, **attrs) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    element.text = text
    return element


def _statement_entry(feed: ET.Element, statement: statements.PublicStatement) -> None:
    """A published statement's feed entry: its title and on-the-record words, nothing else."""
    page_url = url_for("public.news_statement", slug=statement.slug, _external=True)
    item = ET.SubElement(feed, f"{{{ATOM}}}entry")
    _text(item, "id", page_url)
    _text(item, "title", f"Statement: {statement.title}")
    ET.SubElement(item, f"{{{ATOM}}}link", {"rel": "alternate", "href": page_url})
    _text(item, "published", iso_utc(statement.published_at))
    _text(item, "updated", iso_utc(statement.updated_at))
    said = f"{statement.attribution} " if statement.attribution else ""
    _text(item, "content", f"{said}\u201c{statement.statement}\u201d")


def feed_content_html(rendered) -> str:
    """A release's whole text for a feed reader, as its page shows it: the body, each quote
    with who said it, and the numbered notes to editors (the contact notes last). The body was
    made safe when saved; everything else typed is escaped here."""
    parts = [rendered.body_html]
    for quote in rendered.quotes:
        # Opening quote mark on every paragraph, closing on the last, as the page prints them.
        said = "".join(f"<p>\u201c{escape(p)}</p>" for p in quote.paragraphs[:-1])
        said += "".join(f"<p>\u201c{escape(p)}\u201d</p>" for p in quote.paragraphs[-1:])
        intro = escape(quote.introduction)
        parts.append(f"<p><strong>{intro}</strong></p><blockquote>{said}</blockquote>")
    if rendered.notes:
        notes = "".join(f"<li>{escape(note)}</li>" for note in rendered.notes)
        parts.append(f"<h2>Notes to editors</h2><ol>{notes}</ol>")
    return "".join(parts)


def atom_feed(
    entries: list[releases.PublicRelease],
    now: datetime,
    statement_entries: list[statements.PublicStatement] = (),  # type: ignore[assignment]
) -> bytes:
    """An Atom 1.0 document of the published releases, newest first, then the published
    statements, newest first."""
    ET.register_namespace("", ATOM)
    office = current_app.config["PRESS_OFFICE_NAME"]
    feed = ET.Element(f"{{{ATOM}}}feed")
    feed_url = url_for("public.news_index", _external=True)
    _text(feed, "id", feed_url)
    _text(feed, "title", f"{office}: news releases")
    updated = max((entry.updated_at for entry in [*entries, *statement_entries]), default=None)
    _text(feed, "updated", iso_utc(updated or now))
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": feed_url})
    ET.SubElement(
        feed,
        f"{{{ATOM}}}link",
        {"rel": "self", "href": url_for("public.news_atom", _external=True)},
    )
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", office)
    for entry in entries:
        page_url = url_for("public.news_release", slug=entry.slug, _external=True)
        item = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(item, "id", page_url)
        _text(item, "title", entry.title)
        ET.SubElement(item, f"{{{ATOM}}}link", {"rel": "alternate", "href": page_url})
        _text(item, "published", iso_utc(entry.published_at))
        _text(item, "updated", iso_utc(entry.updated_at))
        if entry.summary:
            _text(item, "summary", entry.summary)
        _text(item, "content", feed_content_html(entry.rendered()), type="html")
    for statement in statement_entries:
        _statement_entry(feed, statement)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
