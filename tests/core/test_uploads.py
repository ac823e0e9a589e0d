"""Upload helpers (Issue 13 finding 10): types come from the bytes, names from the uploader are only ever a
sanitised label, and every download header is built by Django, never by hand."""

from __future__ import annotations

import io
import zipfile

import pytest

from bridgehead.core import uploads
from bridgehead.core.http import download


def _ooxml(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{part}document.xml", "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.7 ...", uploads.PDF),
        (b"\x89PNG\r\n\x1a\n....", uploads.PNG),
        (b"\xff\xd8\xff\xe0....", uploads.JPEG),
        (_ooxml("word/"), uploads.DOCX),
        (_ooxml("xl/"), uploads.XLSX),
        (_ooxml("ppt/"), uploads.PPTX),
        (b"<!doctype html><script>", None),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),
        (b"PK\x03\x04 not a zip", None),
        (b"", None),
    ],
)
def test_the_type_is_read_from_the_bytes(content, expected):
    assert uploads.sniff(content) == expected


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\deck.pptx", "deck.pptx"),
        ('a"b\r\nSet-Cookie: x.pdf', 'a"bSet-Cookie: x.pdf'),
        ("투자 확인서.pdf", "투자 확인서.pdf"),
        ("  \x00  ", "upload"),
        ("x" * 300 + ".pdf", "x" * 251 + ".pdf"),
    ],
)
def test_uploaders_names_are_sanitised_labels(raw, clean):
    assert uploads.clean_name(raw) == clean


@pytest.mark.parametrize(
    ("name", "content_type", "served"),
    [
        ("evil.html", uploads.PDF, "evil.html.pdf"),
        ("deck.PDF", uploads.PDF, "deck.PDF"),
        ("photo.jpeg", uploads.JPEG, "photo.jpeg"),
        ("photo.jpg", uploads.JPEG, "photo.jpg"),
        ("scan", uploads.PNG, "scan.png"),
        ("data.bin", uploads.OCTET_STREAM, "data.bin"),
    ],
)
def test_the_download_name_ends_with_the_extension_of_the_served_type(name, content_type, served):
    assert uploads.download_name(name, content_type) == served


def test_download_header_is_built_by_django_not_by_hand():
    # Finding 10: download() pasted the name into filename="…", so a quote injected a parameter.
    response = download(b"x", 'brief-ko"; filename="evil.html.txt', "text/plain")
    assert response["Content-Disposition"] == 'attachment; filename="brief-ko\\"; filename=\\"evil.html.txt"'
    korean = download(b"x", "성과-요약.txt", "text/plain")
    assert korean["Content-Disposition"] == "attachment; filename*=utf-8''%EC%84%B1%EA%B3%BC-%EC%9A%94%EC%95%BD.txt"
    assert korean["X-Content-Type-Options"] == "nosniff"
