"""Every page of the app, read off ``app.url_map``: the GET routes without arguments, and the
routes with arguments filled from the demo data (a release in each state, an open and a closed
enquiry, a statement in each state...). A route nobody fills here is looked for among the links
of the pages already found, so a new page is checked without editing this file; one that still
cannot be reached is a failure unless SKIPPED says why.

Each address is then asked for, as the person the walk is for, through the test client: only
HTML answers are pages (the CSV, feed and API answers are not), and a refused one is a page that
person cannot see.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import sqlalchemy as sa
from bs4 import BeautifulSoup
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule

from pressoffice.extensions import db

# Routes that are not pages to check, each with the reason. Keep this short.
SKIPPED_BLUEPRINTS = {"api": "the JSON API: answers, not pages (tests/api checks them)"}
SKIPPED = {
    "static": "the stylesheet, not a page",
    "public.enquiry_submitted": "shown once an enquiry is sent: the enquiry journey visits it",
    "public.news_attachment": "an uploaded file, not a page",
    "preview.attachment": "an uploaded file, not a page",
    "web.release_file": "an uploaded file, not a page",
    "web.mail_raw": "a message downloaded whole (.eml), not a page",
    "web.enquiry_mail_raw": "an enquiry's message downloaded whole (.eml), not a page",
    "web.enquiry_mail_file": "a file attached to an enquiry's message, not a page",
}

# Routes found by following links: at most this many addresses each.
FOUND_BY_LINKS = 2


@dataclass(frozen=True)
class Page:
    endpoint: str
    path: str
    label: str = ""
    # The shape of the page's main part (tests/e2e/url_map.py: page_shape): pages of one route
    # with the same shape, under the same person's header, get the same answers from axe.
    shape: str = ""


# Attributes whose values axe's rules read (names, roles, references between elements, the
# classes that style them); of the others only whether they are empty counts.
_KEPT_VALUES = {"class", "id", "for", "role", "type", "headers", "scope", "tabindex", "lang"}


class _Shape(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.in_main = 0

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.in_main += 1
        if self.in_main:
            kept = [
                f"{name}={value}"
                if name in _KEPT_VALUES or name.startswith("aria-")
                else f"{name}{'' if value else '='}"
                for name, value in sorted(attrs, key=lambda pair: pair[0])
            ]
            self.parts.append(f"<{tag} {' '.join(kept)}>")

    def handle_endtag(self, tag):
        if self.in_main:
            self.parts.append(f"</{tag}>")
        if tag == "main":
            self.in_main -= 1

    def handle_data(self, data):
        if self.in_main and data.strip() and (not self.parts or self.parts[-1] != "text"):
            self.parts.append("text")


def page_shape(endpoint: str, body: bytes) -> str:
    """The page's main part as axe sees it: elements, their classes, roles, ids and labels,
    where there is text; not the words, addresses or values, which vary from one release or
    person to the next without changing what axe finds."""
    shape = _Shape()
    shape.feed(body.decode("utf-8", "replace"))
    return hashlib.sha256("".join([endpoint, *shape.parts]).encode()).hexdigest()


@dataclass
class UrlMap:
    pages: list[Page]
    # Routes (endpoint -> why) that could not be filled.
    unreached: dict[str, str]
    # What the probe answered for addresses that are not pages for this person.
    not_pages: list[tuple[Page, str]]


def _get_rules(app) -> list[Rule]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())),
        key=lambda rule: rule.rule,
    )


def skipped(rule: Rule) -> str | None:
    """Why ``rule`` is not a page to check, or None."""
    blueprint = rule.endpoint.rpartition(".")[0]
    return SKIPPED.get(rule.endpoint) or SKIPPED_BLUEPRINTS.get(blueprint)


def is_public(app, rule: Rule) -> bool:
    return getattr(app.view_functions[rule.endpoint], "access", None) == "public"


# --- filling route arguments from the data ------------------------------------------------------


def _first_by(rows, key) -> list:
    chosen = {}
    for row in rows:
        chosen.setdefault(key(row), row)
    return list(chosen.values())


def _releases(data) -> Iterator[dict]:
    from pressoffice.models import Release, ReleaseEvent
    from pressoffice.services.releases import release_status

    rows = db.session.scalars(sa.select(Release).order_by(Release.id)).all()
    # A draft sent back and one never submitted offer different things (only the second can
    # be deleted).
    submitted = set(
        db.session.scalars(
            sa.select(ReleaseEvent.release_id).where(ReleaseEvent.to_state == "in_review")
        )
    )

    def kind(release) -> str:
        status = release_status(release, data.now)
        if status == "draft" and release.id not in submitted:
            return "draft never submitted"
        return status

    for release in _first_by(rows, kind):
        yield {"release_id": release.id, "_label": f"{kind(release)} release"}


def _slugs(data) -> Iterator[dict]:
    from pressoffice.models import Release
    from pressoffice.services.releases import release_status

    rows = db.session.scalars(
        sa.select(Release).where(Release.slug.is_not(None)).order_by(Release.id)
    ).all()
    for release in _first_by(rows, lambda r: release_status(r, data.now)):
        yield {"slug": release.slug, "_label": f"{release_status(release, data.now)} release"}


def _enquiries(data) -> Iterator[dict]:
    from pressoffice.models import Enquiry

    rows = db.session.scalars(sa.select(Enquiry).order_by(Enquiry.id.desc())).all()
    for enquiry in _first_by(rows, lambda e: e.status):
        yield {"reference": enquiry.reference, "_label": f"{enquiry.status} enquiry"}


def _statements(data) -> Iterator[dict]:
    from pressoffice.models import Statement

    rows = db.session.scalars(sa.select(Statement).order_by(Statement.id)).all()
    for statement in _first_by(rows, lambda s: s.state):
        yield {"statement_id": statement.id, "_label": f"{statement.state} statement"}


def _users(data) -> Iterator[dict]:
    from pressoffice.models import User

    rows = db.session.scalars(sa.select(User).order_by(User.id)).all()
    for user in _first_by(rows, lambda u: u.role):
        yield {"user_id": user.id, "_label": user.role}


def _journalists(data) -> Iterator[dict]:
    from pressoffice.models import Enquiry

    email = db.session.scalars(
        sa.select(Enquiry.email).where(Enquiry.email.is_not(None), Enquiry.email != "")
    ).first()
    if email:
        yield {"email": email, "_label": "journalist"}


def _quotes(data) -> Iterator[dict]:
    from pressoffice.models import Release

    for release in db.session.scalars(
        sa.select(Release).where(Release.state.in_(("draft", "in_review"))).order_by(Release.id)
    ):
        if release.quotes:
            key = release.quotes[0]["key"]
            yield {"release_id": release.id, "quote_key": key, "_label": f"{release.state} quote"}
            return


def _statement_comparisons(data) -> Iterator[dict]:
    from pressoffice.models import Statement

    for statement in db.session.scalars(
        sa.select(Statement).where(Statement.version > 1).order_by(Statement.id)
    ):
        yield {
            "statement_id": statement.id,
            "old": statement.version - 1,
            "new": statement.version,
            "_label": f"{statement.state} statement",
        }
        return


def _published_statements(data) -> Iterator[dict]:
    from pressoffice.models import Statement

    for statement in db.session.scalars(
        sa.select(Statement).where(Statement.slug.is_not(None)).order_by(Statement.id)
    ):
        yield {"slug": statement.slug, "_label": f"{statement.state} statement"}


def _rows_by(model_name: str, group: str, **arguments: str) -> Callable[[object], Iterator[dict]]:
    """One row of ``model_name`` for each value of its ``group`` column; ``arguments`` maps
    each route argument to the column that fills it."""

    def fill(data) -> Iterator[dict]:
        from pressoffice import models

        model = getattr(models, model_name)
        rows = db.session.scalars(sa.select(model).order_by(model.id)).all()
        for row in _first_by(rows, lambda r: getattr(r, group)):
            values = {name: getattr(row, column) for name, column in arguments.items()}
            yield {**values, "_label": f"{model_name} {group}={getattr(row, group)}"}

    return fill


def _tokens(kind: str) -> Callable[[object], Iterator[dict]]:
    def fill(data) -> Iterator[dict]:
        for label, token in data.tokens.get(kind, []):
            yield {"token": token, "_label": label}

    return fill


# By endpoint first, then by the set of argument names.
ENDPOINT_FILLERS = {
    "preview.view": _tokens("preview"),
    "signoff.view": _tokens("signoff"),
    "web.statement_compare": _statement_comparisons,
    "public.unsubscribe": _tokens("unsubscribe"),
    "public.news_statement": _published_statements,
    "web.contacts_import_check": _rows_by("ContactImport", "uploaded_by_id", key="key"),
}
ARGUMENT_FILLERS = {
    frozenset({"release_id"}): _releases,
    frozenset({"slug"}): _slugs,
    frozenset({"reference"}): _enquiries,
    frozenset({"statement_id"}): _statements,
    frozenset({"user_id"}): _users,
    frozenset({"email"}): _journalists,
    frozenset({"release_id", "quote_key"}): _quotes,
    frozenset({"contact_id"}): _rows_by("Contact", "do_not_contact", contact_id="id"),
    frozenset({"list_id"}): _rows_by("ContactList", "created_by_id", list_id="id"),
    frozenset({"entry_id"}): _rows_by("PlannedEntry", "status", entry_id="id"),
    frozenset({"release_id", "distribution_id"}): _rows_by(
        "Distribution", "kind", release_id="release_id", distribution_id="id"
    ),
}


def _build(app, rule: Rule, values: dict) -> str:
    values = {name: value for name, value in values.items() if not name.startswith("_")}
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def _filled(app, rule: Rule, data) -> list[Page] | None:
    filler = ENDPOINT_FILLERS.get(rule.endpoint) or ARGUMENT_FILLERS.get(frozenset(rule.arguments))
    if filler is None:
        return None
    return [
        Page(rule.endpoint, _build(app, rule, values), values.get("_label", ""))
        for values in filler(data)
    ]


# --- asking for each address ----------------------------------------------------------------


def _endpoint_of(app, href: str) -> str | None:
    parts = urlsplit(href)
    if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
        return None
    try:
        endpoint, _ = app.url_map.bind("localhost").match(parts.path, method="GET")
    except HTTPException:
        return None
    return endpoint


def find_pages(app, client, data, *, public: bool) -> UrlMap:
    """The pages the person signed in on ``client`` (nobody, when ``public``) can see."""
    pages: list[Page] = []
    not_pages: list[tuple[Page, str]] = []
    unreached: dict[str, str] = {}
    links: dict[str, list[str]] = defaultdict(list)
    waiting: list[Rule] = []

    def probe(page: Page) -> bool:
        response = client.get(page.path)
        kind = response.mimetype
        if response.status_code >= 500:
            raise AssertionError(f"GET {page.path} answered {response.status_code}")
        if response.status_code == 200 and kind == "text/html":
            pages.append(dataclasses.replace(page, shape=page_shape(page.endpoint, response.data)))
            soup = BeautifulSoup(response.data, "html.parser")
            for anchor in soup.find_all("a", href=True):
                endpoint = _endpoint_of(app, anchor["href"])
                path = urlsplit(anchor["href"]).path
                if endpoint and path not in links[endpoint]:
                    links[endpoint].append(path)
            return True
        answer = f"{response.status_code} {kind}"
        if response.status_code in (301, 302, 303):
            answer += f" to {response.headers.get('Location')}"
        not_pages.append((page, answer))
        return False

    for rule in _get_rules(app):
        if skipped(rule) or public != is_public(app, rule):
            continue
        if not rule.arguments:
            probe(Page(rule.endpoint, rule.rule))
            continue
        filled = _filled(app, rule, data)
        if filled is None:
            waiting.append(rule)
        elif not filled:
            unreached[rule.endpoint] = "the demo data has nothing to fill it with"
        for page in filled or ():
            probe(page)
    # Routes nobody fills: the addresses the pages above link to.
    for rule in waiting:
        found = links.get(rule.endpoint, [])[:FOUND_BY_LINKS]
        if not found:
            unreached[rule.endpoint] = (
                f"no page links to {rule.rule}: add a filler in tests/e2e/url_map.py"
            )
        for path in found:
            probe(Page(rule.endpoint, path, "linked"))
    return UrlMap(pages=pages, unreached=unreached, not_pages=not_pages)


def describe(url_map: UrlMap) -> str:
    lines = [f"{len(url_map.pages)} pages"]
    for page in url_map.pages:
        lines.append(f"  {page.path} {page.label}".rstrip())
    for endpoint, why in sorted(url_map.unreached.items()):
        lines.append(f"  not reached: {endpoint}: {why}")
    return "\n".join(lines)
