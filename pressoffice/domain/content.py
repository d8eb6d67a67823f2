"""What a release may contain, and the one canonical form of its content.

``clean_release_content`` checks what a person typed (on the form or through the API) and answers
either the cleaned content or, for every problem, the field it belongs to and what is wrong. Field
names follow the form: ``title``, ``quotes-0-text``, ``links-2-url``, ``notes-3`` (counting from
0, the order the person gave). Nothing is dropped except list rows left entirely blank.

``content_hash`` is what an approval records: the same content always gives the same hash,
whatever the order of keys in the stored JSON, and any change a reader could notice (a word, the
order of quotes, a link, an attachment) gives a different one.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .input_rules import single_line_problem

TITLE_MAX = 200
SUMMARY_MAX = 1_000
BODY_MAX = 100_000
LIST_MAX = 30
SPEAKER_MAX = 120
ROLE_MAX = 200
QUOTE_TEXT_MAX = 5_000
LINK_LABEL_MAX = 200
URL_MAX = 2_000
NOTE_MAX = 5_000
CHANGE_NOTE_MAX = 1_000

# Control characters other than tab, newline and carriage return never belong in a release.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Quote:
    speaker: str
    role: str
    text: str
    # Stable across edits and reordering, so a sign-off asked of the speaker stays attached.
    key: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"key": self.key, "speaker": self.speaker, "role": self.role, "text": self.text}


@dataclass(frozen=True)
class Link:
    label: str
    url: str

    def as_dict(self) -> dict[str, str]:
        return {"label": self.label, "url": self.url}


@dataclass(frozen=True)
class ReleaseContent:
    """Everything a reader of a release sees, in order."""

    title: str
    summary: str
    body: str
    quotes: tuple[Quote, ...] = ()
    links: tuple[Link, ...] = ()
    notes: tuple[str, ...] = ()
    # [{"id", "filename", "size", "sha256"}, ...] as they stood when the content was saved.
    attachments: tuple[Mapping[str, Any], ...] = field(default_factory=tuple)

    def quotes_json(self) -> list[dict[str, str]]:
        return [q.as_dict() for q in self.quotes]

    def links_json(self) -> list[dict[str, str]]:
        return [link.as_dict() for link in self.links]

    def notes_json(self) -> list[str]:
        return list(self.notes)

    def missing_for_review(self) -> list[str]:
        """The parts a release needs before anyone can review it, by field name."""
        return [name for name in ("title", "summary", "body") if not getattr(self, name).strip()]


def content_from_stored(
    title: str,
    summary: str,
    body: str,
    quotes: Iterable[Mapping[str, Any]] | None,
    links: Iterable[Mapping[str, Any]] | None,
    notes: Iterable[str] | None,
    attachments: Iterable[Mapping[str, Any]] | None = None,
) -> ReleaseContent:
    """Content as it was stored (a release's working copy or a revision), already validated."""
    return ReleaseContent(
        title=title or "",
        summary=summary or "",
        body=body or "",
        quotes=tuple(
            Quote(
                speaker=q.get("speaker", ""),
                role=q.get("role", ""),
                text=q.get("text", ""),
                key=q.get("key", ""),
            )
            for q in quotes or ()
        ),
        links=tuple(Link(label=x.get("label", ""), url=x.get("url", "")) for x in links or ()),
        notes=tuple(notes or ()),
        attachments=tuple(dict(a) for a in attachments or ()),
    )


def content_hash(content: ReleaseContent) -> str:
    """SHA-256 of the canonical content: what an approval covers.

    Quote keys are bookkeeping, not content, so they are left out; the order of quotes, links,
    notes and attachments is part of the content and kept.
    """
    canonical = {
        "title": content.title,
        "summary": content.summary,
        "body": content.body,
        "quotes": [[q.speaker, q.role, q.text] for q in content.quotes],
        "links": [[link.label, link.url] for link in content.links],
        "notes": list(content.notes),
        "attachments": [
            [a.get("id"), a.get("filename"), a.get("size"), a.get("sha256")]
            for a in content.attachments
        ],
    }
    encoded = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def new_quote_key() -> str:
    """A fresh key for a quote that has none yet."""
    return secrets.token_hex(6)


# What RFC 3986 allows in a URI: unreserved, reserved, and % (only as the start of %XX).
_URI_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%"
)
_PERCENT_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
FULL_WEB_ADDRESS = "Enter a full web address starting with https:// or http://"


def web_address_problem(url: str) -> str | None:
    """Why ``url`` cannot be a link on a release, or None for an absolute http or https
    address with a host, written with only the characters RFC 3986 allows, and no user name or
    password (``https://user:password@host`` shows readers one site and takes them to, or
    gives away a login for, another)."""
    for ch in url:
        if ch not in _URI_CHARACTERS:
            shown = (
                "a space" if ch == " " else f"“{ch}”" if ch.isprintable() else f"U+{ord(ch):04X}"
            )
            return (
                f"Web address cannot contain {shown}: copy the address from the browser's "
                "address bar, or write the character as %XX"
            )
    if _PERCENT_ESCAPE.search(url):
        return "Web address has a % that is not followed by two hexadecimal digits"
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return FULL_WEB_ADDRESS
    if parts.scheme.lower() not in ("http", "https") or not host:
        return FULL_WEB_ADDRESS
    if "@" in parts.netloc:
        return "Web address cannot contain a user name or password (the part before an @)"
    return None


def is_web_address(url: str) -> bool:
    """True for an address ``web_address_problem`` finds nothing wrong with."""
    return web_address_problem(url) is None


class _Checker:
    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def text(
        self,
        name: str,
        value: Any,
        label: str,
        limit: int,
        *,
        required: bool,
        one_line: bool = False,
    ) -> str:
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.errors[name] = f"{label} must be text"
            return ""
        value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        hidden = single_line_problem(value, label) if one_line else None
        if _CONTROL.search(value):
            self.errors[name] = f"{label} contains characters that cannot be shown"
        elif hidden:
            self.errors[name] = hidden
        elif required and not value:
            # "Enter the headline", but "Enter note 2": a numbered item needs no article.
            article = "" if label[-1].isdigit() else "the "
            self.errors[name] = f"Enter {article}{label[0].lower() + label[1:]}"
        elif len(value) > limit:
            self.errors[name] = (
                f"{label} must be {limit:,} characters or fewer (it is {len(value):,})"
            )
        return value

    def rows(self, name: str, value: Any, label: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list | tuple):
            self.errors[name] = f"{label} must be a list"
            return []
        return list(value)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_release_content(
    *,
    title: Any,
    summary: Any = "",
    body: Any = "",
    quotes: Any = None,
    links: Any = None,
    notes: Any = None,
    attachments: Iterable[Mapping[str, Any]] = (),
    existing_quotes: Iterable[Quote] = (),
    make_key: Callable[[], str] = new_quote_key,
) -> tuple[ReleaseContent | None, dict[str, str]]:
    """Check what was typed; answer ``(content, {})`` or ``(None, {field: message, ...})``.

    Quotes keep the key of the quote they were edited from: an explicit ``key`` that belongs to
    this release, or else an existing quote with the same speaker and text; any other quote gets
    a new key. A list row left entirely blank is an empty row of the form, not something typed,
    so it is skipped; a half-filled row is an error on the missing part.
    """
    check = _Checker()
    title = check.text("title", title, "Headline", TITLE_MAX, required=True, one_line=True)
    if "\n" in title and "title" not in check.errors:
        # A headline is one line everywhere it goes: pages, the feed, email subjects.
        check.errors["title"] = "Headline must be a single line"
    summary = check.text("summary", summary, "Standfirst", SUMMARY_MAX, required=False)
    body = check.text("body", body, "Body", BODY_MAX, required=False)

    quote_rows = [
        row
        for row in check.rows("quotes", quotes, "Quotes")
        if not (
            isinstance(row, Mapping)
            and all(_blank(row.get(k)) for k in ("speaker", "role", "text"))
        )
    ]
    link_rows = [
        row
        for row in check.rows("links", links, "Links")
        if not (isinstance(row, Mapping) and all(_blank(row.get(k)) for k in ("label", "url")))
    ]
    note_rows = [row for row in check.rows("notes", notes, "Notes to editors") if not _blank(row)]

    for name, rows, label in (
        ("quotes", quote_rows, "quotes"),
        ("links", link_rows, "links"),
        ("notes", note_rows, "notes to editors"),
    ):
        if len(rows) > LIST_MAX:
            check.errors[name] = (
                f"A release can have at most {LIST_MAX} {label} ({len(rows)} given)"
            )

    existing = list(existing_quotes)
    known_keys = {q.key for q in existing if q.key}
    used_keys: set[str] = set()
    cleaned_quotes: list[Quote] = []
    for i, row in enumerate(quote_rows):
        prefix = f"quotes-{i}"
        if not isinstance(row, Mapping):
            check.errors[prefix] = f"Quote {i + 1} must have a speaker, a role and the quote"
            continue
        speaker = check.text(
            f"{prefix}-speaker",
            row.get("speaker"),
            "Speaker",
            SPEAKER_MAX,
            required=True,
            one_line=True,
        )
        role = check.text(
            f"{prefix}-role", row.get("role"), "Role", ROLE_MAX, required=False, one_line=True
        )
        text = check.text(f"{prefix}-text", row.get("text"), "Quote", QUOTE_TEXT_MAX, required=True)
        key = row.get("key") if isinstance(row.get("key"), str) else ""
        if key not in known_keys or key in used_keys:
            key = next(
                (
                    q.key
                    for q in existing
                    if q.key and q.key not in used_keys and (q.speaker, q.text) == (speaker, text)
                ),
                "",
            )
        if not key:
            key = make_key()
        used_keys.add(key)
        cleaned_quotes.append(Quote(speaker=speaker, role=role, text=text, key=key))

    cleaned_links: list[Link] = []
    for i, row in enumerate(link_rows):
        prefix = f"links-{i}"
        if not isinstance(row, Mapping):
            check.errors[prefix] = f"Link {i + 1} must have a label and an address"
            continue
        label = check.text(
            f"{prefix}-label",
            row.get("label"),
            "Link text",
            LINK_LABEL_MAX,
            required=True,
            one_line=True,
        )
        url = check.text(f"{prefix}-url", row.get("url"), "Web address", URL_MAX, required=True)
        problem = web_address_problem(url) if url else None
        if problem and f"{prefix}-url" not in check.errors:
            check.errors[f"{prefix}-url"] = problem
        cleaned_links.append(Link(label=label, url=url))

    cleaned_notes: list[str] = []
    for i, row in enumerate(note_rows):
        cleaned_notes.append(
            check.text(f"notes-{i}", row, f"Note {i + 1}", NOTE_MAX, required=True)
        )

    if check.errors:
        return None, check.errors
    return (
        ReleaseContent(
            title=title,
            summary=summary,
            body=body,
            quotes=tuple(cleaned_quotes),
            links=tuple(cleaned_links),
            notes=tuple(cleaned_notes),
            attachments=tuple(dict(a) for a in attachments),
        ),
        {},
    )


def clean_change_note(value: Any) -> tuple[str, dict[str, str]]:
    """A correction to a published release says what changed, for the public to read."""
    check = _Checker()
    note = check.text("change_note", value, "Change note", CHANGE_NOTE_MAX, required=True)
    if "change_note" in check.errors and not note:
        check.errors["change_note"] = (
            "Say what this correction changes: readers see the note once it is approved"
        )
    return note, check.errors


def slug_base(title: str, limit: int = 100) -> str:
    """The address-friendly form of a headline: lower case ASCII words joined by hyphens."""
    ascii_title = (
        unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii").lower()
    )
    words = re.findall(r"[a-z0-9]+", ascii_title)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    if not slug and words:
        slug = words[0][:limit]
    return slug or "release"


def slug_candidates(base: str) -> Iterable[str]:
    """``base``, then ``base-2``, ``base-3``, ... for a headline already in use."""
    yield base
    n = 2
    while True:
        yield f"{base}-{n}"
        n += 1
