"""Open the DOCX and HWPX files the outcome pages produce and read them back as a reader's program would,
checking each package's structure on the way (shared by the unit and the browser tests)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import docx
from docx.oxml.ns import qn
from hwpx.tools.package_validator import validate_editor_open_safety
from hwpx.tools.validator import validate_document
from lxml import etree

OPF = "{http://www.idpf.org/2007/opf/}"
HP = "{http://www.hancom.co.kr/hwpml/2011/paragraph}"
HH = "{http://www.hancom.co.kr/hwpml/2011/head}"


@dataclass
class Read:
    """What a file holds: its title (first paragraph), all its text, its tables as lists of rows, its images."""

    title: str
    text: str
    tables: list[list[list[str]]]
    images: list[bytes]
    fonts: set[str]


def read_docx(content: bytes) -> Read:
    document = docx.Document(io.BytesIO(content))
    paragraphs = [p.text for p in document.paragraphs]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    images = [shape._inline.graphic.graphicData.pic.blipFill.blip.embed for shape in document.inline_shapes]
    blobs = [document.part.related_parts[r_id].blob for r_id in images]
    styles = document.styles.element
    fonts = {f.get(qn("w:eastAsia")) for f in styles.iter(qn("w:rFonts"))}
    cells = "\n".join(cell for table in tables for row in table for cell in row)
    return Read(paragraphs[0], "\n".join(paragraphs) + "\n" + cells, tables, blobs, fonts - {None})


def read_hwpx(content: bytes) -> Read:
    """Read an HWPX package, asserting OWPML's packaging rules: ``mimetype`` first and stored (uncompressed)
    with the HWPX type, every part the manifest lists present, the body and header well-formed, every table's
    declared size matching its rows and cells, and every picture pointing at a manifest item that is a PNG."""
    # python-hwpx's own checks first (the OWPML schemas, and what would stop 한/글 opening the file), then ours,
    # which do not trust the library that wrote the file.
    assert validate_document(content).ok
    assert validate_editor_open_safety(content).ok
    package = zipfile.ZipFile(io.BytesIO(content))
    first = package.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert package.read("mimetype") == b"application/hwp+zip"
    names = set(package.namelist())
    assert {"version.xml", "Contents/content.hpf", "Contents/header.xml", "Contents/section0.xml"} <= names
    assert {"META-INF/container.xml", "META-INF/manifest.xml"} <= names
    container = etree.fromstring(package.read("META-INF/container.xml"))
    assert "Contents/content.hpf" in [r.get("full-path") for r in container.iter("{*}rootfile")]
    hpf = etree.fromstring(package.read("Contents/content.hpf"))
    items = {item.get("id"): item for item in hpf.iter(f"{OPF}item")}
    for item in items.values():
        assert item.get("href") in names, item.get("href")
    assert [ref.get("idref") for ref in hpf.iter(f"{OPF}itemref")][:2] == ["header", "section0"]
    header = etree.fromstring(package.read("Contents/header.xml"))
    fonts = {font.get("face") for font in header.iter(f"{HH}font")}
    section = etree.fromstring(package.read("Contents/section0.xml"))
    tables = []
    for tbl in section.iter(f"{HP}tbl"):
        rows = tbl.findall(f"{HP}tr")
        assert int(tbl.get("rowCnt")) == len(rows)
        assert {len(row.findall(f"{HP}tc")) for row in rows} == {int(tbl.get("colCnt"))}
        tables.append(
            [["".join(t.text or "" for t in tc.iter(f"{HP}t")) for tc in row.findall(f"{HP}tc")] for row in rows]
        )
    images = []
    for img in section.iter("{*}img"):
        item = items[img.get("binaryItemIDRef")]
        assert item.get("media-type") == "image/png"
        images.append(package.read(item.get("href")))
    paragraphs = ["".join(t.text or "" for t in p.iter(f"{HP}t")) for p in section if p.tag == f"{HP}p"]
    text = "\n".join("".join(t.text or "" for t in p.iter(f"{HP}t")) for p in section.iter(f"{HP}p"))
    return Read(paragraphs[0], text, tables, images, fonts)


READERS = {"docx": read_docx, "hwpx": read_hwpx}
