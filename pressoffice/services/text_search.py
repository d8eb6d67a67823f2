"""Searching text columns for what a person typed, taken literally."""

from __future__ import annotations

from ..extensions import db


def contains(column, text: str):
    """Case-insensitive "contains", with %, _ and / in the text taken literally. SQLite's
    LIKE already ignores case (for ASCII letters) and is several times faster without
    lower() on every column; PostgreSQL has ILIKE."""
    pattern = "%" + text.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"
    if db.session.get_bind().dialect.name == "sqlite":
        return column.like(pattern, escape="/")
    return column.ilike(pattern, escape="/")
