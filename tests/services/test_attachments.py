"""Attachments are accepted by what they contain, not by what they are called."""

from __future__ import annotations

import io
import zipfile

import pytest

from pressoffice.services.attachments import (
    CSV,
    DOCX,
    ODT,
    PDF,
    XLSX,
    NotAcceptable,
    check_file,
    clean_filename,
)


def pdf_bytes() -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def _zip(members: dict[str, bytes], stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(
                zipfile.ZipInfo(stored_first), members.pop(stored_first), zipfile.ZIP_STORED
            )
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def xlsx_bytes() -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


def odt_bytes() -> bytes:
    return _zip(
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"},
        stored_first="mimetype",
    )


def csv_bytes() -> bytes:
    return b"force,inspected\nSurrey,2016\nKent,2017\n"


@pytest.fixture
def upload(tmp_path):
    def write(content: bytes):
        path = tmp_path / "upload.bin"
        path.write_bytes(content)
        return path

    return write


@pytest.mark.parametrize(
    ("filename", "content", "kind"),
    [
        ("report.pdf", pdf_bytes(), PDF),
        ("Report.PDF", pdf_bytes(), PDF),
        ("findings.docx", docx_bytes(), DOCX),
        ("findings.odt", odt_bytes(), ODT),
        ("figures.xlsx", xlsx_bytes(), XLSX),
        ("figures.csv", csv_bytes(), CSV),
        ("figures.csv", b"\xef\xbb\xbf" + csv_bytes(), CSV),
        ("figures.csv", b'force,note\r\nKent,"rose, from 3 < 5 to 7 > 6"\r\n', CSV),
        ("x" * 251 + ".pdf", pdf_bytes(), PDF),
    ],
)
def test_files_whose_name_and_content_agree_are_accepted(upload, filename, content, kind):
    assert check_file(upload(content), filename) is kind


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("report.pdf", b"MZ\x90\x00 a Windows program", "not really a PDF"),
        ("report.pdf", docx_bytes(), "named as a PDF but its content is a Word document"),
        ("figures.xlsx", docx_bytes(), "named as an Excel spreadsheet but its content is a Word"),
        ("findings.docx", _zip({"payload.exe": b"MZ"}), "not really a Word document"),
        ("findings.odt", _zip({"mimetype": b"application/x-evil"}), "not really an OpenDocument"),
        ("figures.csv", b"col\x00umn\n\x01\x02", "not really a CSV file"),
        ("figures.csv", b"\xff\xfe latin junk \xe9", "not really a CSV file"),
        ("figures.csv", b"<!DOCTYPE html>\n<html><body>Hi</body></html>", "not really a CSV"),
        ("figures.csv", b"  <html><script>alert(1)</script>", "not really a CSV file"),
        ("figures.csv", b"<svg onload=alert(1)>", "not really a CSV file"),
        ("figures.csv", b"force,count\nKent,<script>alert(1)</script>\n", "not really a CSV"),
        ("figures.csv", b"force,count\nKent,<img src=x onerror=alert(1)>\n", "not really a CSV"),
        ("figures.csv", b'force,note\nKent,"never closed\n', "not really a CSV file"),
        ("figures.csv", b" \r\n\r\n", "not really a CSV file"),
        ("x" * 1_000 + ".pdf", pdf_bytes(), "The file name must be 255 characters or fewer"),
        ("report.exe", pdf_bytes(), "must be a PDF, Word (.docx)"),
        ("report", pdf_bytes(), "must be a PDF, Word (.docx)"),
        ("page.html", b"<script>alert(1)</script>", "must be a PDF, Word (.docx)"),
        ("empty.pdf", b"", "The selected file is empty"),
    ],
)
def test_files_whose_content_is_not_what_their_name_says_are_refused(
    upload, filename, content, message
):
    with pytest.raises(NotAcceptable) as refusal:
        check_file(upload(content), filename)
    assert message in str(refusal.value)


def test_a_file_one_byte_over_the_limit_is_refused_and_one_at_the_limit_accepted(upload):
    limit = 1024 * 1024
    at_limit = pdf_bytes() + b" " * (limit - len(pdf_bytes()))
    assert check_file(upload(at_limit), "report.pdf", max_bytes=limit) is PDF
    with pytest.raises(NotAcceptable, match="no larger than 1 MB"):
        check_file(upload(at_limit + b" "), "report.pdf", max_bytes=limit)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("C:\\Users\\press\\Desktop\\report.pdf", "report.pdf"),
        ("../../etc/report.pdf", "report.pdf"),
        ('re"port\r\n.pdf', "report.pdf"),
        ("Zoë's report.pdf", "Zoë's report.pdf"),
    ],
)
def test_uploaded_names_lose_folders_and_control_characters(given, kept):
    assert clean_filename(given) == kept


# --- attaching files to releases (real database) ---------------------------------------------


def _stored_files(app):
    from pathlib import Path

    folder = Path(app.config["ATTACHMENT_DIR"])
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_an_attached_report_becomes_part_of_the_release_content(app_ctx, officer):
    from pressoffice.services import attachments, releases

    from ..factories import create_release

    release = create_release(author=officer)
    attachment = attachments.add_attachment(
        release.id, actor=officer, filename="report.pdf", stream=io.BytesIO(pdf_bytes())
    )
    latest = releases.latest_revision(releases.get_release(release.id))
    assert [a["filename"] for a in latest.attachments] == ["report.pdf"]
    assert attachment.content_type == "application/pdf"
    assert attachments.stored_path(attachment).read_bytes() == pdf_bytes()


def test_attaching_a_file_to_an_approved_release_voids_its_approval(app_ctx, officer):
    from pressoffice.services import attachments, releases

    from ..factories import create_release

    release = create_release(state="approved", author=officer)
    attachments.add_attachment(
        release.id, actor=officer, filename="figures.csv", stream=io.BytesIO(csv_bytes())
    )
    release = releases.get_release(release.id)
    assert release.state == "draft"
    assert release.approved_hash is None
    assert "approval is void" in release.notice


def test_a_refused_file_leaves_nothing_behind(app, app_ctx, officer):
    from pressoffice.models import Attachment
    from pressoffice.services import attachments, releases
    from pressoffice.services.errors import ValidationFailed

    from ..factories import create_release

    release = create_release(author=officer)
    version = release.version
    before = _stored_files(app)
    with pytest.raises(ValidationFailed) as refusal:
        attachments.add_attachment(
            release.id, actor=officer, filename="report.pdf", stream=io.BytesIO(b"MZ\x90 program")
        )
    assert "not really a PDF" in refusal.value.fields["file"]
    assert _stored_files(app) == before
    assert Attachment.query.count() == 0
    assert releases.get_release(release.id).version == version


def test_a_file_over_the_limit_is_refused_without_reading_it_all(app, app_ctx, officer):
    from pressoffice.services import attachments
    from pressoffice.services.errors import ValidationFailed

    from ..factories import create_release

    release = create_release(author=officer)
    app.config["MAX_ATTACHMENT_BYTES"] = 1024 * 1024
    try:
        with pytest.raises(ValidationFailed) as refusal:
            attachments.add_attachment(
                release.id,
                actor=officer,
                filename="report.pdf",
                stream=io.BytesIO(pdf_bytes() + b" " * (1024 * 1024)),
            )
    finally:
        app.config["MAX_ATTACHMENT_BYTES"] = 25 * 1024 * 1024
    assert refusal.value.fields["file"] == "The selected file must be no larger than 1 MB"
    assert not [name for name in _stored_files(app) if name.startswith(".upload-")]


def test_a_withdrawn_release_takes_no_new_files(app_ctx, officer):
    from pressoffice.services import attachments
    from pressoffice.services.errors import WrongState

    from ..factories import create_release

    release = create_release(state="withdrawn", author=officer)
    with pytest.raises(WrongState):
        attachments.add_attachment(
            release.id, actor=officer, filename="report.pdf", stream=io.BytesIO(pdf_bytes())
        )


def test_removing_a_file_from_a_published_release_waits_for_approval_before_the_public_loses_it(
    app_ctx, officer, approver
):
    from pressoffice.services import attachments, releases

    from ..factories import create_release

    release = create_release(author=officer)
    attachment = attachments.add_attachment(
        release.id, actor=officer, filename="report.pdf", stream=io.BytesIO(pdf_bytes())
    )
    releases.submit_release(release.id, actor=officer)
    releases.approve_release(release.id, actor=approver)
    releases.publish_release(release.id, actor=officer)

    attachments.remove_attachment(release.id, attachment.id, actor=officer)

    assert attachments.current_attachments(release.id) == []
    public = releases.load_public_release(release.slug)
    assert [a["filename"] for a in public.content.attachments] == ["report.pdf"]
    assert releases.load_public_attachment(release.slug, attachment.id).id == attachment.id
    assert attachments.stored_path(attachment).exists()


def test_a_very_long_file_name_is_refused_for_its_length_not_its_kind(app, app_ctx, officer):
    from pressoffice.models import Attachment
    from pressoffice.services import attachments
    from pressoffice.services.errors import ValidationFailed

    from ..factories import create_release

    release = create_release(author=officer)
    before = _stored_files(app)
    with pytest.raises(ValidationFailed) as refusal:
        attachments.add_attachment(
            release.id,
            actor=officer,
            filename="r" * 1_000 + ".pdf",
            stream=io.BytesIO(pdf_bytes()),
        )
    assert refusal.value.fields["file"].startswith(
        "The file name must be 255 characters or fewer (it is 1,004)"
    )
    assert _stored_files(app) == before
    assert Attachment.query.count() == 0


def test_a_file_name_loses_hidden_direction_controls():
    assert clean_filename("report\u202efdp.exe") == "reportfdp.exe"


def test_a_transaction_that_fails_leaves_no_stored_file_and_no_row(app, app_ctx, officer):
    import sqlalchemy as sa
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from pressoffice.models import Attachment
    from pressoffice.services import attachments, releases

    from ..factories import create_release

    release = create_release(author=officer)
    before = _stored_files(app)

    def fail(_session):
        raise sa.exc.OperationalError("COMMIT", {}, Exception("disk I/O error"))

    event.listen(Session, "before_commit", fail)
    try:
        with pytest.raises(sa.exc.OperationalError):
            attachments.add_attachment(
                release.id, actor=officer, filename="report.pdf", stream=io.BytesIO(pdf_bytes())
            )
    finally:
        event.remove(Session, "before_commit", fail)

    assert _stored_files(app) == before
    assert Attachment.query.count() == 0
    assert releases.get_release(release.id).version == release.version


def test_an_upload_stored_just_before_the_connection_drops_keeps_its_file(app, app_ctx, officer):
    from pressoffice.extensions import db
    from pressoffice.models import Attachment
    from pressoffice.services import attachments

    from ..connection_faults import connection_lost_after_commit
    from ..factories import create_release

    release = create_release(author=officer)
    with connection_lost_after_commit(db.engine, writing="attachments") as fault:
        attached = attachments.add_attachment(
            release.id, actor=officer, filename="report.pdf", stream=io.BytesIO(pdf_bytes())
        )
    assert fault["lost"]
    assert attached.filename == "report.pdf"

    db.session.remove()
    stored = db.session.get(Attachment, attached.id)
    assert stored.storage_key == attached.storage_key
    assert attachments.stored_path(stored).read_bytes() == pdf_bytes()
