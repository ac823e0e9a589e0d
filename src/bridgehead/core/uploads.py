"""Uploaded files: what they are, where they are kept, and how they go back out.

Three rules hold for every file an app keeps (application files, outcome evidence, agreement documents):

* **The bytes decide the type.** Browsers report whatever the file name suggests and a name is trivially
  changed, so neither is trusted: :func:`sniff` reads the first bytes (PDF, PNG and JPEG have fixed
  signatures; Office Open XML documents are ZIP archives told apart by the part that holds their content).
  Anything else — HTML, SVG, scripts, executables — is refused by :class:`AcceptedFile` with a field error,
  and the sniffed type is recorded beside the file.
* **The uploader's name never reaches the file system.** Files are stored under ``<folder>/<year>/<random>``
  (:class:`RandomName`); the original name is kept, sanitised (:func:`clean_name`), only as a label.
* **Nothing is served from a public address.** :class:`PrivateStorage` has no URLs; each app serves its files
  through a view that first asks whether the viewer may see the owning object (other tenants get 404), and
  answers with :func:`attachment`: the recorded type, ``Content-Disposition: attachment`` built by Django
  (RFC 5987 ``filename*`` for Korean names) and ``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

import io
import posixpath
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
#: What a file stored before types were recorded is served as when its bytes match no accepted type.
OCTET_STREAM = "application/octet-stream"

#: Documents and images people attach as evidence or decks.
DOCUMENTS = (PDF, PNG, JPEG, DOCX, XLSX, PPTX)
LABELS = {
    PDF: _("PDF"),
    PNG: _("PNG image"),
    JPEG: _("JPEG image"),
    DOCX: _("Word document (.docx)"),
    XLSX: _("Excel workbook (.xlsx)"),
    PPTX: _("PowerPoint presentation (.pptx)"),
}
#: Extensions a download name may end with for each type; the first is added when the name has none of them.
EXTENSIONS = {
    PDF: (".pdf",),
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg"),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
    PPTX: (".pptx",),
}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
NAME_MAX = 255

OOXML_PARTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
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
    """Named apart so the uploader learns why a "report.pdf" that is really a program was refused."""
    return head.startswith(EXECUTABLE_SIGNATURES)


def sniff(content: bytes) -> str | None:
    """The file's content type from its bytes, or None when it is none of the types we accept."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
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


def read_all(file: Any) -> bytes:
    """The whole content of an upload or stored file, leaving its position at the start for whoever reads
    next (an Office document is recognised only from its ZIP directory, at the end)."""
    file.seek(0)
    content = file.read()
    file.seek(0)
    return content


def clean_name(name: str) -> str:
    """The uploader's file name made safe to show and to offer as a download name: no folders (either
    separator), no control or direction-override characters (``\\r\\n`` in a header, a right-to-left mark
    disguising ``exe.pdf``), at most 255 characters with the extension kept; ``upload`` when nothing is left."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(ch for ch in base if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp")).strip()
    if not kept.strip("."):
        return "upload"
    if len(kept) > NAME_MAX:
        stem, ext = posixpath.splitext(kept)
        ext = ext if len(ext) <= 16 else ""
        kept = stem[: NAME_MAX - len(ext)] + ext
    return kept


def download_name(name: str, content_type: str) -> str:
    """``name`` with an extension that matches the type it is served as, so a saved "evil.html" holding a
    PDF opens as the PDF it is (``evil.html.pdf``), never as a page."""
    extensions = EXTENSIONS.get(content_type)
    if not extensions or name.lower().endswith(extensions):
        return name
    return name + extensions[0]


@deconstructible
class RandomName:
    """``upload_to`` for a file field: ``<folder>/<year>/<32 random hex digits>``, nothing from the uploader
    (the year keeps directories small and backups readable)."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance: Any, filename: str) -> str:
        return f"{self.folder}/{timezone.now():%Y}/{uuid.uuid4().hex}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder


@deconstructible
class AcceptedFile:
    """Validator for a file field: a newly uploaded file must be at most ``max_bytes`` and, by its bytes, one
    of ``types``. A file already stored is not read again (it was checked when it came in). As a model field
    validator it runs for every door: model forms, the admin and the services' ``full_clean``."""

    def __init__(self, types: Iterable[str] = DOCUMENTS, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.types = tuple(types)
        self.max_bytes = max_bytes

    def __call__(self, value: Any) -> None:
        upload = _new_upload(value)
        if upload is None:
            return
        if upload.size is not None and upload.size > self.max_bytes:
            raise ValidationError(
                _("The file is too large (%(size)s); the limit is %(limit)s."),
                code="too_large",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(self.max_bytes)},
            )
        content = read_all(upload)
        if is_executable(content[:8]):
            raise ValidationError(
                _("This file is a program, not a document; it cannot be uploaded."), code="executable"
            )
        if sniff(content) not in self.types:
            raise ValidationError(
                _("This file type is not accepted here. Accepted: %(types)s."),
                code="file_type",
                params={"types": ", ".join(str(LABELS[t]) for t in self.types)},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AcceptedFile) and (other.types, other.max_bytes) == (self.types, self.max_bytes)


def _new_upload(value: Any) -> Any:
    """The not-yet-stored file behind a file field's value, or None when nothing new was uploaded."""
    if not value:
        return None
    if isinstance(value, FieldFile):
        return None if value._committed else value.file
    return value


def recorded(file: FieldFile, name: str, content_type: str) -> tuple[str, str]:
    """The (display name, content type) to keep beside a file field as its row is saved: read from a new
    upload (the sanitised original name, the type its bytes show), kept as they were for a file already
    stored, empty once the file is removed. Models call it from ``save()``, so every door records them."""
    if not file:
        return "", ""
    upload = _new_upload(file)
    if upload is None:
        return name, content_type
    return clean_name(file.name or ""), sniff(read_all(upload)) or OCTET_STREAM


def attachment(file: FieldFile, *, name: str = "", content_type: str = "") -> FileResponse:
    """Serve a stored file as a download. Call it only after the permission check on the owning object.

    ``name`` and ``content_type`` are those recorded at upload; a file stored before they were recorded is
    served under the last part of its stored name, with the type its bytes show. The header is built by
    Django (quoted, or RFC 5987 ``filename*`` for non-ASCII names), never by hand; ``nosniff`` stops a
    browser from second-guessing the type. A file missing from the disk is a 404, not a server error."""
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    if not content_type:
        content_type = sniff(read_all(handle)) or OCTET_STREAM
    label = name or clean_name(file.name or "")
    response = FileResponse(
        handle, content_type=content_type, as_attachment=True, filename=download_name(label, content_type)
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


class PrivateStorage(FileSystemStorage):
    """The default storage: files on disk under ``MEDIA_ROOT`` with no public address. Asking for one is a
    mistake (a template linking to ``/media/…``, which nothing serves) and fails loudly."""

    def url(self, name: str | None) -> str:
        raise ValueError(
            "Uploaded files have no public address; link to the view that checks permission and serves them."
        )


class _Shown:
    """What :class:`LinkedFileInput` shows for the current file: its label, linked to the checked view."""

    def __init__(self, url: str, label: str) -> None:
        self.url = url
        self.label = label

    def __str__(self) -> str:
        return self.label


class LinkedFileInput(forms.ClearableFileInput):
    """The "Currently: …" file input, linking the stored file to the view that checks permission instead of
    to its storage address. ``link(instance)`` gives that view's URL; ``label(instance)`` the name shown."""

    def __init__(self, *, link: Callable[[Any], str], label: Callable[[Any], str], attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.link = link
        self.label = label

    def is_initial(self, value: Any) -> bool:
        return bool(isinstance(value, FieldFile) and value and value._committed and value.instance.pk)

    def format_value(self, value: Any) -> Any:
        if self.is_initial(value):
            return _Shown(self.link(value.instance), self.label(value.instance) or clean_name(value.name))
        return None
