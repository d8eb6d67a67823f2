"""The files that come with a message, kept by the rules of release attachments (the kinds a
press office takes, the size limit, the number), stored under ``ATTACHMENT_DIR`` as release
attachments are."""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ...extensions import db
from ...models import EnquiryEvent, MailAttachment
from .. import attachments as files

MAX_FILES = files.MAX_ATTACHMENTS_PER_RELEASE


@dataclass
class Stored:
    """Files written for a unit of work, taken away again if it does not commit."""

    paths: dict[str, Path] = field(default_factory=dict)


def keep_files(message, parsed, enquiry, actor, now, stored: Stored) -> None:
    """Keep the files that came with the message, by the rules of release attachments (the
    kinds, the size limit, the number); the timeline says which were not kept and why (the
    raw message keeps them all)."""
    if not parsed.attachments:
        return
    directory = files.attachment_dir()
    limit = files.max_attachment_bytes()
    refused = []
    for mail_file in parsed.attachments:
        name = files.clean_filename(mail_file.filename)
        if len(message.attachments) >= MAX_FILES:
            refused.append(f"{name}: at most {MAX_FILES} files are kept")
            continue
        handle = tempfile.NamedTemporaryFile(dir=directory, prefix=".mail-", delete=False)
        path = Path(handle.name)
        with handle:
            handle.write(mail_file.data)
        try:
            kind = files.check_file(path, name, limit)
        except files.NotAcceptable as refusal:
            path.unlink(missing_ok=True)
            refused.append(f"{name or 'a file without a name'}: {refusal}")
            continue
        storage_key = secrets.token_hex(20)
        final = directory / storage_key
        os.replace(path, final)
        stored.paths[storage_key] = final
        message.attachments.append(
            MailAttachment(
                filename=name,
                content_type=kind.content_type,
                size=len(mail_file.data),
                sha256=hashlib.sha256(mail_file.data).hexdigest(),
                storage_key=storage_key,
                created_at=now,
            )
        )
    if refused:
        db.session.add(
            EnquiryEvent(
                enquiry_id=enquiry.id,
                actor=actor,
                action="files_not_kept",
                comment="Files not kept: " + "; ".join(refused),
                created_at=now,
            )
        )
