"""Recognising uploaded files by their bytes.

Browsers report whatever the file name suggests, and a name is trivially changed, so neither is trusted:
the first bytes decide. PDF, PNG and JPEG have fixed signatures; Office Open XML documents are ZIP archives
told apart by the part that holds their content (``word/``, ``xl/``, ``ppt/``). Executables are named
explicitly so the applicant learns why a "report.pdf" that is really a program was refused.
"""

from __future__ import annotations

import io
import zipfile

from bridgehead.programs.enums import FileType

CONTENT_TYPES = {
    FileType.PDF: "application/pdf",
    FileType.PNG: "image/png",
    FileType.JPEG: "image/jpeg",
    FileType.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileType.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileType.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
OOXML_PARTS = {"word/": FileType.DOCX, "xl/": FileType.XLSX, "ppt/": FileType.PPTX}
EXECUTABLE_SIGNATURES = (
    b"MZ",  # Windows PE
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",  # Mach-O
    b"\xca\xfe\xba\xbe",  # Mach-O universal / Java class
    b"#!",  # scripts
)


def is_executable(head: bytes) -> bool:
    return head.startswith(EXECUTABLE_SIGNATURES)


def sniff(content: bytes) -> FileType | None:
    """The file's type from its bytes, or None when it is none of the types we accept."""
    if content.startswith(b"%PDF-"):
        return FileType.PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileType.PNG
    if content.startswith(b"\xff\xd8\xff"):
        return FileType.JPEG
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        for prefix, kind in OOXML_PARTS.items():
            if any(name.startswith(prefix) for name in names):
                return kind
    return None
