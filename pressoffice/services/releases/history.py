"""A release's timeline and revisions, and the comparison of any two revisions."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ... import clock
from ...domain.input_rules import written_out_of_range
from ...domain.render import attribution
from ...domain.visibility import embargo_has_lifted
from ...extensions import db
from ...models import Release, ReleaseEvent, ReleaseRevision
from ..errors import ValidationFailed
from .listing import get_release


@dataclass(frozen=True)
class ReleaseHistory:
    release: Release
    events: list[ReleaseEvent]
    revisions: list[ReleaseRevision]
    # Set when a schedule has lifted but nothing has touched the release since: shown on the
    # timeline at the embargo instant, though no row was written at the time.
    embargo_lifted_at: datetime | None = None


def release_history(release_id: int | str, now: datetime | None = None) -> ReleaseHistory:
    """The timeline (oldest first) and every revision (newest first) of a release."""
    now = clock.instant(now)
    release = get_release(release_id)
    events = list(
        db.session.scalars(
            sa.select(ReleaseEvent)
            .where(ReleaseEvent.release_id == release.id)
            .options(joinedload(ReleaseEvent.actor))
            .order_by(ReleaseEvent.created_at, ReleaseEvent.id)
        )
    )
    revisions = list(
        db.session.scalars(
            sa.select(ReleaseRevision)
            .where(ReleaseRevision.release_id == release.id)
            .options(joinedload(ReleaseRevision.editor))
            .order_by(ReleaseRevision.number.desc())
        )
    )
    lifted = None
    if release.state == "scheduled" and embargo_has_lifted(release.embargo_until, now):
        lifted = release.embargo_until
    return ReleaseHistory(release, events, revisions, lifted)


# --- comparing revisions -------------------------------------------------------------------


@dataclass(frozen=True)
class DiffRow:
    """One row of a side-by-side comparison: ``kind`` is equal, changed, removed or added."""

    kind: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class FieldComparison:
    name: str
    label: str
    old: str
    new: str
    rows: list[DiffRow]

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True)
class RevisionComparison:
    release: Release
    old: ReleaseRevision
    new: ReleaseRevision
    fields: list[FieldComparison] = field(default_factory=list)

    @property
    def changed_fields(self) -> list[FieldComparison]:
        return [f for f in self.fields if f.changed]


def _as_lines(revision: ReleaseRevision) -> dict[str, str]:
    quotes = [
        f"{attribution(q.get('speaker', ''), q.get('role', ''))} {q.get('text', '')}".strip()
        for q in revision.quotes
    ]
    return {
        "title": revision.title,
        "summary": revision.summary,
        "body": revision.body,
        "quotes": "\n\n".join(quotes),
        "links": "\n".join(f"{x.get('label', '')} ({x.get('url', '')})" for x in revision.links),
        "notes": "\n".join(f"{i}. {note}" for i, note in enumerate(revision.notes, start=1)),
        "attachments": "\n".join(
            f"{a.get('filename')} ({a.get('size')} bytes)" for a in revision.attachments
        ),
        "change_note": revision.change_note or "",
    }


_FIELD_LABELS = {
    "title": "Headline",
    "summary": "Standfirst",
    "body": "Body",
    "quotes": "Quotes",
    "links": "Links",
    "notes": "Notes to editors",
    "attachments": "Files",
    "change_note": "Change note",
}


def _side_by_side(old: str, new: str) -> list[DiffRow]:
    a, b = old.split("\n"), new.split("\n")
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows.extend(DiffRow("equal", x, x) for x in a[i1:i2])
        elif tag == "delete":
            rows.extend(DiffRow("removed", x, None) for x in a[i1:i2])
        elif tag == "insert":
            rows.extend(DiffRow("added", None, x) for x in b[j1:j2])
        else:
            left, right = a[i1:i2], b[j1:j2]
            for k in range(max(len(left), len(right))):
                rows.append(
                    DiffRow(
                        "changed",
                        left[k] if k < len(left) else None,
                        right[k] if k < len(right) else None,
                    )
                )
    return rows


def compare_revisions(
    release_id: int | str, old_number: Any, new_number: Any
) -> RevisionComparison:
    """Two revisions of a release field by field, each as side-by-side rows of lines."""
    release = get_release(release_id)
    numbers = revision_numbers(old_number, new_number, "release")
    errors: dict[str, str] = {}
    revisions = {
        r.number: r
        for r in db.session.scalars(
            sa.select(ReleaseRevision).where(
                ReleaseRevision.release_id == release.id,
                ReleaseRevision.number.in_(list(numbers.values())),
            )
        )
    }
    for name, number in numbers.items():
        if number not in revisions:
            errors[name] = f"This release has no revision {number}"
    if errors:
        raise ValidationFailed(errors)
    old, new = revisions[numbers["old"]], revisions[numbers["new"]]
    fields = compare_fields(_as_lines(old), _as_lines(new), _FIELD_LABELS)
    return RevisionComparison(release=release, old=old, new=new, fields=fields)


def revision_numbers(old: Any, new: Any, what: str) -> dict[str, int]:
    """The two revision numbers a comparison asks for, by field: a number no revision can
    have (too big for the database, zero, negative) is "no revision N", not a server error."""
    numbers: dict[str, int] = {}
    errors: dict[str, str] = {}
    for name, value in (("old", old), ("new", new)):
        if written_out_of_range(value):
            errors[name] = f"This {what} has no revision {str(value).strip()}"
            continue
        try:
            numbers[name] = int(value)
        except (TypeError, ValueError):
            errors[name] = "Choose a revision number"
    if errors:
        raise ValidationFailed(errors)
    return numbers


def compare_fields(
    old_lines: Mapping[str, str], new_lines: Mapping[str, str], labels: Mapping[str, str]
) -> list[FieldComparison]:
    """Each labelled field of two revisions, as side-by-side rows of lines."""
    return [
        FieldComparison(
            name=name,
            label=label,
            old=old_lines[name],
            new=new_lines[name],
            rows=_side_by_side(old_lines[name], new_lines[name]),
        )
        for name, label in labels.items()
    ]
