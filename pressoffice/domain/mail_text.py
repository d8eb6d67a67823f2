"""The words of a message that came in: its text/plain part, or its HTML made readable, in
whatever charset it declares, with the quoted history folded away from the answer.

Plain Python on the standard library: no Flask, no database.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from html.parser import HTMLParser

# --- the words --------------------------------------------------------------------------------


def decoded_text(part: EmailMessage) -> str:
    """A text part's words in the charset it declares (windows-1252, ISO-8859-x, UTF-8...);
    an unknown or wrong charset is read as UTF-8, then Windows-1252, never refused."""
    data = part.get_payload(decode=True) or b""
    declared = part.get_content_charset() or "us-ascii"
    for charset in (declared, "utf-8"):
        try:
            return storable(data.decode(charset))
        except (LookupError, UnicodeDecodeError):
            continue
    return storable(data.decode("windows-1252", "replace"))


def storable(text: str) -> str:
    """Text every database stores: NUL characters taken out (PostgreSQL refuses them), and
    the lone surrogates that stand for undeclared 8-bit bytes in a header read as UTF-8, else
    Windows-1252, else replaced."""
    text = text.replace("\x00", "")
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    try:
        data = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)
    for charset in ("utf-8", "windows-1252"):
        try:
            return data.decode(charset).replace("\x00", "")
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace").replace("\x00", "")


def readable_text(message: EmailMessage) -> tuple[str, str]:
    """The message's words (its text/plain part, or its HTML made readable) and the quoted
    history folded away from them."""
    plain = html = None
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = decoded_text(part)
        elif kind == "text/html" and html is None:
            html = decoded_text(part)
    if plain is not None and plain.strip():
        return split_quoted(plain)
    if html is not None:
        reader = _HTMLReader()
        reader.feed(html)
        reader.close()
        text, quoted = split_quoted(reader.text())
        return text, "\n".join(x for x in (reader.quoted_text(), quoted) if x)
    return "", ""


_ATTRIBUTION = re.compile(r"^\s*(On\b.*\bwrote:|Le\b.*\ba écrit\s*:|Am\b.*\bschrieb\b.*:)\s*$")
_ORIGINAL = re.compile(r"^\s*-{2,}\s*(Original Message|Forwarded message)\s*-{2,}\s*$", re.I)
_OUTLOOK_FROM = re.compile(r"^\s*\**From:\**\s+\S")
_OUTLOOK_NEXT = re.compile(r"^\s*\**(Sent|Date|To|Subject):\**\s")


def split_quoted(text: str) -> tuple[str, str]:
    """Fold the quoted history out of a message's text: lines quoted with ``>`` and the
    "On ... wrote:" line before them, and everything after an "Original Message" separator or
    an Outlook-style "From: / Sent:" block. An answer written between quotes stays."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    quoted: list[str] = []
    for index, line in enumerate(lines):
        following = lines[index + 1 : index + 3]
        if _ORIGINAL.match(line) or (
            _OUTLOOK_FROM.match(line) and any(_OUTLOOK_NEXT.match(x) for x in following)
        ):
            quoted.extend(lines[index:])
            break
        if line.lstrip().startswith(">"):
            quoted.append(line)
            continue
        if _ATTRIBUTION.match(line) and any(x.lstrip().startswith(">") for x in following):
            quoted.append(line)
            continue
        kept.append(line)
    return _tidy("\n".join(kept)), _tidy("\n".join(quoted))


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    return "\n".join(out).strip()


class _HTMLReader(HTMLParser):
    """HTML made readable: paragraphs and line breaks kept, scripts and styles dropped, quoted
    replies (``blockquote``, Gmail's and Outlook's quote blocks) set apart."""

    _BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "hr"}
    _SKIP = {"script", "style", "head", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self._parts: list[str] = []
        self._quoted: list[str] = []
        self._skip = 0
        self._quote_depth = 0
        self._stack: list[bool] = []  # whether each open element started a quote

    def _out(self) -> list[str]:
        return self._quoted if self._quote_depth else self._parts

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self._skip += 1
            return
        classes = " ".join(v or "" for k, v in attrs if k in ("class", "id"))
        quote = tag == "blockquote" or any(
            name in classes for name in ("gmail_quote", "divRplyFwdMsg", "moz-cite-prefix")
        )
        if tag not in ("br", "hr", "img", "meta", "link", "input"):
            self._stack.append(quote)
            if quote:
                self._quote_depth += 1
        if tag in self._BLOCK:
            self._out().append("\n")
        if tag == "li":
            self._out().append("- ")

    def handle_endtag(self, tag):
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if tag in self._BLOCK:
            self._out().append("\n")
        if tag not in ("br", "hr", "img", "meta", "link", "input") and self._stack:
            if self._stack.pop():
                self._quote_depth = max(0, self._quote_depth - 1)

    def handle_data(self, data):
        if not self._skip:
            self._out().append(" ".join(data.split()) if data.strip() else " ")

    def text(self) -> str:
        return _tidy(_join(self._parts))

    def quoted_text(self) -> str:
        return _tidy(_join(self._quoted))


def _join(parts: list[str]) -> str:
    return "\n".join(" ".join(line.split()) for line in "".join(parts).split("\n"))
