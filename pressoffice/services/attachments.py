"""Attachments: the report itself, attached to a release.

A file is accepted only when its name and its content agree on one of the kinds a press office
sends out (PDF, Word, OpenDocument text, Excel or CSV) and it is no larger than 25 MB. The bytes
are kept outside the web root, under ``ATTACHMENT_DIR``, named by a random key, and are served
only under the release's own visibility rules (see ``attachment_for_public``).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import Attachment, Release, ReleaseEvent, User
from .errors import NotFound, ValidationFailed, WrongState

MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
MAX_ATTACHMENTS_PER_RELEASE = 20
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


def _looks_like_csv(path: Path) -> bool:
    # A CSV file is text: valid UTF-8 (with or without a byte-order mark), no NUL or other
    # control characters apart from tab, carriage return and line feed.
    decoder_input = path.read_bytes()
    if decoder_input.startswith(b"\xef\xbb\xbf"):
        decoder_input = decoder_input[3:]
    try:
        text = decoder_input.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text)


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
    """The name to show and to offer on download: no folders, no control characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"')
    return name.strip()[:255]


def attachment_dir() -> Path:
    path = Path(current_app.config["ATTACHMENT_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def stored_path(attachment: Attachment) -> Path:
    """Where the bytes of an attachment are kept."""
    return attachment_dir() / attachment.storage_key


def _too_large(max_bytes: int) -> str:
    return f"The selected file must be no larger than {max_bytes // (1024 * 1024)} MB"


def max_attachment_bytes() -> int:
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
    """The attachments a release has now (staff view and the working copy), oldest first."""
    return list(
        db.session.scalars(
            sa.select(Attachment)
            .where(Attachment.release_id == release_id, Attachment.removed_at.is_(None))
            .order_by(Attachment.id)
        )
    )


def add_attachment(
    release: Release, actor: User, filename: str, stream: BinaryIO, now: datetime
) -> Attachment:
    """Check an uploaded file and attach it to a release, recording it on the timeline.

    Refuses (ValidationFailed on ``file``, nothing kept) a file that is missing, too large, or
    whose content is not what its name says. A withdrawn release takes no new files.
    """
    if release.state == "withdrawn":
        raise WrongState("This release has been withdrawn, so it cannot take new files")
    name = clean_filename(filename or "")
    if not name:
        raise ValidationFailed({"file": "Select a file to upload"})
    if len(current_attachments(release.id)) >= MAX_ATTACHMENTS_PER_RELEASE:
        raise ValidationFailed(
            {"file": f"A release can have at most {MAX_ATTACHMENTS_PER_RELEASE} files"}
        )
    directory = attachment_dir()
    try:
        temp_path, size, sha256 = _receive(stream, directory, max_attachment_bytes())
    except NotAcceptable as refusal:
        raise ValidationFailed({"file": str(refusal)}) from None
    try:
        kind = check_file(temp_path, name, max_attachment_bytes())
        storage_key = secrets.token_hex(20)
        os.replace(temp_path, directory / storage_key)
    except NotAcceptable as refusal:
        temp_path.unlink(missing_ok=True)
        raise ValidationFailed({"file": str(refusal)}) from None
    attachment = Attachment(
        release_id=release.id,
        filename=name,
        content_type=kind.content_type,
        size=size,
        sha256=sha256,
        storage_key=storage_key,
        uploaded_by_id=actor.id,
        created_at=now,
    )
    db.session.add(attachment)
    db.session.add(
        ReleaseEvent(
            release_id=release.id,
            actor_id=actor.id,
            action="attachment_added",
            comment=name,
            created_at=now,
        )
    )
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        (directory / storage_key).unlink(missing_ok=True)
        raise
    return attachment


def remove_attachment(release: Release, attachment_id: int, actor: User, now: datetime) -> None:
    """Take a file off a release's working copy. The bytes are kept: a revision the public is
    still seeing may list it until a new one is approved."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.release_id != release.id or attachment.removed_at:
        raise NotFound("That file is not attached to this release")
    attachment.removed_at = now
    db.session.add(
        ReleaseEvent(
            release_id=release.id,
            actor_id=actor.id,
            action="attachment_removed",
            comment=attachment.filename,
            created_at=now,
        )
    )
    db.session.commit()


def attachment_for_staff(release_id: int, attachment_id: int) -> Attachment:
    """Any file ever attached to the release, for a signed-in member of staff."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.release_id != release_id:
        raise NotFound()
    return attachment
