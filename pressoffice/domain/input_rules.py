"""What any text or number a person sends the office must be, whatever field it goes in.

- **Single-line text** (a headline, a name, an outlet, a link's label: anything shown on one line
  or turned into an address) may not carry the invisible characters that make text read
  differently from what it is: the bidirectional controls U+202A-U+202E and U+2066-U+2069 (a
  right-to-left override turns "cod.exe" into what looks like "exe.doc") and the zero-width
  characters U+200B-U+200D, U+2060 and U+FEFF (two headlines that look the same but are not).
- **Any text** must be text that can be stored: a lone surrogate (half of a UTF-16 pair, which
  JSON can spell as ``"\\ud800"``) cannot be written as UTF-8 at all.
- **A number** a person chooses (a page, a revision) is checked against what a column can hold
  before it reaches the database, which would otherwise fail on it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
HIDDEN_IN_ONE_LINE = BIDI_CONTROLS | ZERO_WIDTH


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "").title()
    code = f"U+{ord(ch):04X}"
    return f"{code} {name}" if name else code


def single_line_problem(value: str, label: str) -> str | None:
    """Why ``value`` cannot be one line of text labelled ``label``, or None.

    Answers the first hidden character found, by its code and name, so the person can find it
    (it shows nowhere on the page)."""
    for ch in value:
        if ch in BIDI_CONTROLS:
            return (
                f"{label} contains a hidden character that changes the direction of the text "
                f"({_describe(ch)}): type it again without it"
            )
        if ch in ZERO_WIDTH:
            return (
                f"{label} contains an invisible character ({_describe(ch)}): "
                "type it again without it"
            )
    return None


def is_lone_surrogate(ch: str) -> bool:
    """True for half of a UTF-16 surrogate pair on its own: not a character, never storable."""
    return 0xD800 <= ord(ch) <= 0xDFFF


def has_lone_surrogate(value: str) -> bool:
    """True when ``value`` holds a lone surrogate anywhere."""
    return any(is_lone_surrogate(ch) for ch in value)


UNSTORABLE_TEXT = (
    "This contains a broken character (half of a UTF-16 surrogate pair) that cannot be stored"
)


# The largest number an integer column holds on every database we run on (32 bits).
LARGEST_NUMBER = 2**31 - 1
_WRITTEN_AS_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


def written_out_of_range(value: Any, low: int = 1, high: int = LARGEST_NUMBER) -> bool:
    """True when ``value`` is written as a whole number (an int, or digits with an optional
    sign as a query string carries them) that lies outside ``low`` to ``high``. Anything that
    is not a whole number at all is left to the caller's own check and answers False."""
    if isinstance(value, str) and _WRITTEN_AS_WHOLE_NUMBER.fullmatch(value.strip()):
        digits = value.strip().lstrip("+-").lstrip("0")
        if len(digits) > len(str(high)):
            return True
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return False
    return not low <= value <= high
