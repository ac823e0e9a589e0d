"""A :class:`~bridgehead.outcomes.documents.Document` as HWPX (OWPML, KS X 6101), the format Korean public bodies
file in 한/글, written with python-hwpx (Apache-2.0; see docs/outcomes.md for why this library and not another or
our own writer).

The package python-hwpx writes is what 한/글 itself writes: ``mimetype`` first and stored, ``version.xml``,
``Contents/content.hpf`` (the manifest and spine), ``Contents/header.xml`` (font faces, character and paragraph
shapes), ``Contents/section0.xml`` (the body), ``META-INF/container.xml`` and ``manifest.xml``, images under
``BinData/``. Hangul is set in 함초롬돋움, the face every 한/글 installation ships and the one its own blank
document declares; titles and headings are bold, larger runs of the same face.
"""

from __future__ import annotations

from hwpx import HwpxDocument

from bridgehead.outcomes.documents import Document, Heading, Image, Paragraph, Table

KOREAN_FONT = "함초롬돋움"
#: Widest an image may be: an A4 page less 한/글's default margins (30 mm each side).
MAX_IMAGE_MM = 150.0
MM_PER_CSS_PIXEL = 25.4 / 96


def render(doc: Document) -> bytes:
    hwpx = HwpxDocument.new()
    title = hwpx.styles.ensure_run(bold=True, size=16, font=KOREAN_FONT)
    heading = hwpx.styles.ensure_run(bold=True, size=12, font=KOREAN_FONT)
    body = hwpx.styles.ensure_run(font=KOREAN_FONT)
    emphasis = hwpx.styles.ensure_run(bold=True, color="#8E1B1B", font=KOREAN_FONT)
    header_cell = hwpx.styles.ensure_run(bold=True, font=KOREAN_FONT)
    first = hwpx.paragraphs[0] if hwpx.paragraphs else None
    if first is not None and not first.text:
        # The blank document opens with one empty paragraph: the title takes its place instead of following it.
        first.text = doc.title
        first.char_pr_id_ref = title
    else:
        hwpx.add_paragraph(doc.title, char_pr_id_ref=title)
    for block in doc.blocks:
        if isinstance(block, Heading):
            hwpx.add_paragraph(block.text, char_pr_id_ref=heading)
        elif isinstance(block, Paragraph):
            for line in block.text.split("\n"):
                hwpx.add_paragraph(line, char_pr_id_ref=emphasis if block.emphasis else body)
        elif isinstance(block, Table):
            table = hwpx.add_table(1 + len(block.rows), len(block.header), char_pr_id_ref=body)
            for c, text in enumerate(block.header):
                cell = table.cell(0, c)
                cell.text = text
                for paragraph in cell.paragraphs:
                    paragraph.char_pr_id_ref = header_cell
            for r, values in enumerate(block.rows, start=1):
                for c, text in enumerate(values[: len(block.header)]):
                    table.cell(r, c).text = text
        elif isinstance(block, Image):
            width = min(MAX_IMAGE_MM, block.width * MM_PER_CSS_PIXEL)
            height = width * block.height / block.width
            hwpx.add_picture(block.png, "png", width_mm=width, height_mm=height)
            hwpx.add_paragraph(block.alt, char_pr_id_ref=body)
    return hwpx.to_bytes()
