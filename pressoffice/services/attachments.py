"""Attachments: the report itself, attached to a release.

A file is accepted only when its name and its content agree on one of the kinds a press office
sends out (PDF, Word, OpenDocument text, Excel or CSV) and it is no larger than 25 MB. The bytes
are kept outside the web root, under ``ATTACHMENT_DIR``, named by a random key, and are served
only under the release's own visibility rules (see ``attachment_for_public``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import secrets
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app

from .. import clock
from ..domain.input_rules import LARGEST_NUMBER
from ..extensions import db
from ..models import Attachment, Release, User
from . import releases
from .errors import NotAllowed, NotFound, ServiceError, ValidationFailed, WrongState
from .unit_of_work import unit_of_work

MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
MAX_ATTACHMENTS_PER_RELEASE = 20
FILENAME_MAX = 255
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class FileKind:
    label: str
    extensions: tuple[str, ...]
    content_type: str


PDF = FileKind("a PDF", (".pdf",), "application/pdf")
DOCX = FileKind(
    "a Word document",
    (".docx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
ODT = FileKind("an OpenDocument text file", (".odt",), "application/vnd.oasis.opendocument.text")
XLSX = FileKind(
    "an Excel spreadsheet",
    (".xlsx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
CSV = FileKind("a CSV file", (".csv",), "text/csv")
KINDS = (PDF, DOCX, ODT, XLSX, CSV)
ALLOWED_DESCRIPTION = "a PDF, Word (.docx), OpenDocument (.odt), Excel (.xlsx) or CSV file"


class NotAcceptable(ValueError):
    """The file is not one we accept; the message says why in plain words."""


def kind_for_filename(filename: str) -> FileKind | None:
    """The kind a file's name claims to be, or None when its extension is not one we accept."""
    suffix = Path(filename).suffix.lower()
    for kind in KINDS:
        if suffix in kind.extensions:
            return kind
    return None


def _zip_kind(path: Path) -> FileKind | None:
    # Only the central directory is read (and one tiny member for ODT): nothing is unpacked.
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 100:
                    declared = archive.read("mimetype").strip()
                    if declared == ODT.content_type.encode():
                        return ODT
                return None
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError):
        return None
    return None


# What a web browser takes for a page or a picture when it sniffs a file (the WHATWG MIME
# sniffing signatures, and the tags that run script): a CSV file starts with none of them and
# holds none of the tags.
_MARKUP_START = re.compile(
    rb"\s*<(?:!doctype|html|head|body|script|iframe|h1|div|font|table|a|style|title|b|br|p|"
    rb"!--|\?xml|svg)[\s/>]",
    re.IGNORECASE,
)
_ACTIVE_TAG = re.compile(
    rb"<\s*/?\s*(?:script|iframe|frame|object|embed|svg|html|body|meta|link|base|form|img|"
    rb"style|math)[\s/>]",
    re.IGNORECASE,
)


def _looks_like_csv(path: Path) -> bool:
    # A CSV file is text: valid UTF-8 (with or without a byte-order mark), no NUL or other
    # control characters apart from tab, carriage return and line feed, rows a CSV reader
    # reads without complaint, and nothing a browser would run as a web page.
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text):
        return False
    if _MARKUP_START.match(raw) or _ACTIVE_TAG.search(raw):
        return False
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error:
        return False
    return any(any(cell.strip() for cell in row) for row in rows)


def detect_kind(path: Path) -> FileKind | None:
    """The kind a file's content shows it to be, read from its bytes alone."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if _looks_like_csv(path):
        return CSV
    return None


def check_file(path: Path, filename: str, max_bytes: int = MAX_ATTACHMENT_BYTES) -> FileKind:
    """The kind of an uploaded file whose name and content agree; raises NotAcceptable."""
    problem = filename_problem(filename)
    if problem:
        raise NotAcceptable(problem)
    claimed = kind_for_filename(filename)
    if claimed is None:
        raise NotAcceptable(f"The selected file must be {ALLOWED_DESCRIPTION}")
    size = path.stat().st_size
    if size == 0:
        raise NotAcceptable("The selected file is empty")
    if size > max_bytes:
        raise NotAcceptable(_too_large(max_bytes))
    actual = detect_kind(path)
    if actual is None:
        raise NotAcceptable(
            f"The selected file is not really {claimed.label}: its content does not match its name"
        )
    if actual is not claimed:
        raise NotAcceptable(
            f"The selected file is named as {claimed.label} but its content is {actual.label}"
        )
    return actual


def clean_filename(filename: str) -> str:
    """The name to show and to offer on download: no folders, no control characters, and
    none of the invisible ones (a right-to-left override would show ``report\u202efdp.exe``
    as ``reportexe.pdf``)."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"')
    return name.strip()


def filename_problem(name: str) -> str | None:
    """Why a cleaned file name cannot be kept, or None. Checked before the kind, so that a name
    cut short never reads as the wrong kind of file."""
    if not name:
        return "Select a file to upload"
    if len(name) > FILENAME_MAX:
        return (
            f"The file name must be {FILENAME_MAX} characters or fewer (it is {len(name):,}): "
            "rename the file and select it again"
        )
    return None


def attachment_dir() -> Path:
    """The folder that holds uploaded files (``ATTACHMENT_DIR``), made if missing."""
    path = Path(current_app.config["ATTACHMENT_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def stored_path(attachment: Attachment) -> Path:
    """Where the bytes of an attachment are kept."""
    return attachment_dir() / attachment.storage_key


def _too_large(max_bytes: int) -> str:
    return f"The selected file must be no larger than {max_bytes // (1024 * 1024)} MB"


def max_attachment_bytes() -> int:
    """The largest file that may be uploaded, in bytes (``MAX_ATTACHMENT_BYTES``)."""
    return int(current_app.config.get("MAX_ATTACHMENT_BYTES") or MAX_ATTACHMENT_BYTES)


def _receive(stream: BinaryIO, directory: Path, max_bytes: int) -> tuple[Path, int, str]:
    """Copy an upload into a temporary file beside its final place, stopping as soon as it
    passes the size limit. Returns (path, size, sha256)."""
    digest = hashlib.sha256()
    size = 0
    handle = tempfile.NamedTemporaryFile(dir=directory, prefix=".upload-", delete=False)
    path = Path(handle.name)
    try:
        with handle:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise NotAcceptable(_too_large(max_bytes))
                digest.update(chunk)
                handle.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, size, digest.hexdigest()


def current_attachments(release_id: int) -> list[Attachment]:
    """The files a release has now (its working copy), oldest first."""
    return list(
        db.session.scalars(
            sa.select(Attachment)
            .where(Attachment.release_id == release_id, Attachment.removed_at.is_(None))
            .order_by(Attachment.id)
        )
    )


@dataclass(frozen=True)
class AttachedFile:
    """A file as it was attached, taken before the commit: the answer to an upload never
    depends on reading the database again afterwards."""

    id: int
    release_id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    storage_key: str


def add_attachment(
    release_id: int,
    *,
    actor: User,
    filename: str | None,
    stream: BinaryIO | None,
    now: datetime | None = None,
) -> AttachedFile:
    """Check an uploaded file and attach it to a release.

    The file joins the release's content, so this is an edit like any other (a new revision; in
    review, approved or scheduled the release goes back to draft; published, a correction
    waiting for approval). A file that is missing, too large, badly named or not what its name
    says is refused (ValidationFailed on ``file``) and nothing is kept.

    The bytes are received and checked before the unit of work begins (a large upload never
    holds the write lock), and put in their final place before it commits, so a stored row
    never names a missing file; if the unit of work fails the file is taken away again, unless
    the row turns out to have been stored after all.
    """
    # Cheap refusals first, so nobody waits for 25 MB to arrive to be told the release is
    # withdrawn. The unit of work asks again under the lock: this answer may be stale.
    _refuse_if_not_editable(releases.get_release(release_id), actor, clock.instant(now))
    name = clean_filename(filename or "")
    if stream is None:
        raise ValidationFailed({"file": "Select a file to upload"})
    problem = filename_problem(name)
    if problem:
        raise ValidationFailed({"file": problem})
    directory = attachment_dir()
    limit = max_attachment_bytes()
    try:
        temp_path, size, sha256 = _receive(stream, directory, limit)
    except NotAcceptable as refusal:
        raise ValidationFailed({"file": str(refusal)}) from None
    try:
        kind = check_file(temp_path, name, limit)
    except NotAcceptable as refusal:
        _discard(temp_path)
        raise ValidationFailed({"file": str(refusal)}) from None
    storage_key = secrets.token_hex(20)
    final_path = directory / storage_key
    os.replace(temp_path, final_path)
    try:
        return _attach_stored_file(
            release_id,
            actor=actor,
            filename=name,
            content_type=kind.content_type,
            size=size,
            sha256=sha256,
            storage_key=storage_key,
            now=now,
        )
    except ServiceError:
        _discard(final_path)  # refused before anything was written
        raise
    except BaseException:
        _discard_unless_stored(storage_key, final_path)
        raise


@unit_of_work
def _attach_stored_file(
    release_id: int,
    *,
    actor: User,
    filename: str,
    content_type: str,
    size: int,
    sha256: str,
    storage_key: str,
    now: datetime | None,
) -> AttachedFile:
    release = releases.lock_release(release_id)
    # Read once the release is locked: the upload may have taken long enough for an embargo to
    # lift meanwhile, and then the file is a correction, not a recall of what went out.
    now = clock.instant(now)
    _refuse_if_not_editable(release, actor, now)
    if len(current_attachments(release.id)) >= MAX_ATTACHMENTS_PER_RELEASE:
        raise ValidationFailed(
            {"file": f"A release can have at most {MAX_ATTACHMENTS_PER_RELEASE} files"}
        )
    attachment = Attachment(
        release_id=release.id,
        filename=filename,
        content_type=content_type,
        size=size,
        sha256=sha256,
        storage_key=storage_key,
        uploaded_by_id=actor.id,
        created_at=now,
    )
    db.session.add(attachment)
    db.session.flush()
    attached = AttachedFile(
        id=attachment.id,
        release_id=release.id,
        filename=filename,
        content_type=content_type,
        size=size,
        sha256=sha256,
        storage_key=storage_key,
    )
    releases.record_attachment_change(
        release, actor=actor, change_note=f"Added the file {filename}", now=now
    )
    return attached


def _discard(path: Path) -> None:
    path.unlink(missing_ok=True)


def _discard_unless_stored(storage_key: str, path: Path) -> None:
    """After a unit of work failed in the database: remove the file unless its row was stored
    all the same (a connection lost just after the commit). When the database cannot say, the
    bytes stay: an unreferenced file costs disk space, a row without its file costs a report."""
    try:
        db.session.rollback()
        stored = db.session.scalar(
            sa.select(Attachment.id).where(Attachment.storage_key == storage_key)
        )
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        return
    if stored is None:
        _discard(path)


@unit_of_work
def remove_attachment(
    release_id: int, attachment_id: int, *, actor: User, now: datetime | None = None
) -> None:
    """Take a file off a release: an edit like any other (see ``add_attachment``). The bytes
    are kept, because a revision the public still sees may list the file until a newer one is
    approved."""
    release = releases.lock_release(release_id)
    now = clock.instant(now)  # read once the release is locked, as in ``_attach_stored_file``
    _refuse_if_not_editable(release, actor, now)
    attachment = db.session.get(Attachment, attachment_id) if _is_row_id(attachment_id) else None
    if attachment is None or attachment.release_id != release.id or attachment.removed_at:
        raise NotFound("That file is not attached to this release")
    attachment.removed_at = now
    db.session.flush()
    releases.record_attachment_change(
        release, actor=actor, change_note=f"Removed the file {attachment.filename}", now=now
    )


def _is_row_id(value: int) -> bool:
    return isinstance(value, int) and 1 <= value <= LARGEST_NUMBER


def _refuse_if_not_editable(release: Release, actor: User, now: datetime) -> None:
    decision = releases.why_not("edit", release, actor, now)
    if not decision:
        raise (NotAllowed if decision.kind == "permission" else WrongState)(decision.reason)


def attachment_for_staff(release_id: int, attachment_id: int) -> Attachment:
    """Any file ever attached to the release (staff may open an old revision's files too)."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.release_id != release_id:
        raise NotFound("That file is not attached to this release")
    return attachment
