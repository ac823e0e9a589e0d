"""Application files: the call's file types (``FileType``, chosen per form field) mapped onto the shared
recognition by bytes in ``core.uploads`` (never by name or by what the browser reports)."""

from __future__ import annotations

from bridgehead.core import uploads
from bridgehead.core.uploads import is_executable
from bridgehead.programs.enums import FileType

CONTENT_TYPES = {
    FileType.PDF: uploads.PDF,
    FileType.PNG: uploads.PNG,
    FileType.JPEG: uploads.JPEG,
    FileType.DOCX: uploads.DOCX,
    FileType.XLSX: uploads.XLSX,
    FileType.PPTX: uploads.PPTX,
}
FILE_TYPES = {content_type: kind for kind, content_type in CONTENT_TYPES.items()}

__all__ = ["CONTENT_TYPES", "is_executable", "sniff"]


def sniff(content: bytes) -> FileType | None:
    """The file's type from its bytes, or None when it is none of the types we accept."""
    content_type = uploads.sniff(content)
    return FILE_TYPES.get(content_type) if content_type else None
