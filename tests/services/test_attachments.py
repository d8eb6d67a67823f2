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
