"""CSV downloads (the enquiry log, the pre-release access list), written a chunk at a time."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from ..domain.enquiries import spreadsheet_safe


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """``rows`` as CSV (RFC 4180: CRLF line ends), ready to stream. Every cell is quoted, so a
    spreadsheet that splits cells on ";" still sees one cell, and a cell that a spreadsheet
    would run as a formula is made safe; None is an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerows([spreadsheet_safe(value) for value in row] for row in rows)
    return buffer.getvalue()
