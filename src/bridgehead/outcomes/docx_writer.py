"""A :class:`~bridgehead.outcomes.documents.Document` as DOCX (python-docx), for partners who file in Word.

Hangul is set in 맑은 고딕 (Malgun Gothic, on every Korean Windows and in Office) through the East Asian font
slot (``w:eastAsia``) of the document defaults and of every style the document uses, with NanumGothic named as
its alternative in the font table, so a Word without Malgun Gothic substitutes a Korean face, never boxes.
"""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from bridgehead.outcomes.documents import Document, Heading, Image, Paragraph, Table

LATIN_FONT = "Malgun Gothic"
KOREAN_FONT = "맑은 고딕"
FALLBACK_FONT = "NanumGothic"
#: Widest an image may be: an A4 page less its margins.
MAX_IMAGE_WIDTH = Mm(170)
CSS_PIXEL = Mm(25.4 / 96)
RED = RGBColor(0x8E, 0x1B, 0x1B)


def _default_rpr(styles):
    """The document defaults' run properties (``w:docDefaults/w:rPrDefault/w:rPr``), made if missing."""
    parent = styles.element
    for tag in ("w:docDefaults", "w:rPrDefault", "w:rPr"):
        child = parent.find(qn(tag))
        if child is None:
            child = parent.makeelement(qn(tag), {})
            parent.insert(0, child) if tag == "w:docDefaults" else parent.append(child)
        parent = child
    return parent


def _set_fonts(rpr, language: str) -> None:
    """Latin and East Asian faces and the language tags on a style's (or the defaults') run properties."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(slot), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), KOREAN_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:val"), "ko-KR" if language == "ko" else "en-US")
    lang.set(qn("w:eastAsia"), "ko-KR")


def _declare_fallback(document) -> None:
    """Name 맑은 고딕 in the font table with NanumGothic as its alternative (``w:altName``)."""
    for rel in document.part.rels.values():
        if rel.reltype == RT.FONT_TABLE:
            part = rel.target_part
            table = part.element if hasattr(part, "element") else parse_xml(part.blob)
            font = table.makeelement(qn("w:font"), {qn("w:name"): KOREAN_FONT})
            font.append(font.makeelement(qn("w:altName"), {qn("w:val"): FALLBACK_FONT}))
            font.append(font.makeelement(qn("w:charset"), {qn("w:val"): "81"}))  # Hangul (Windows code page 949)
            font.append(font.makeelement(qn("w:family"), {qn("w:val"): "swiss"}))
            table.append(font)
            if not hasattr(part, "element"):  # a plain Part keeps its bytes: write the changed table back
                part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)
            return


def render(doc: Document) -> bytes:
    document = new_docx()
    styles = document.styles
    _set_fonts(_default_rpr(styles), doc.language)
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid", "Caption"):
        _set_fonts(styles[name].element.get_or_add_rPr(), doc.language)
    styles["Normal"].font.size = Pt(10)
    _declare_fallback(document)
    document.core_properties.title = doc.title
    document.core_properties.language = "ko-KR" if doc.language == "ko" else "en-US"
    document.add_heading(doc.title, level=0)
    for block in doc.blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            paragraph = document.add_paragraph()
            for i, line in enumerate(block.text.split("\n")):
                if i:
                    paragraph.add_run().add_break()  # a line break inside the paragraph, as typed
                run = paragraph.add_run(line)
                if block.emphasis:
                    run.bold = True
                    run.font.color.rgb = RED
        elif isinstance(block, Table):
            _table(document, block)
        elif isinstance(block, Image):
            width = min(MAX_IMAGE_WIDTH, CSS_PIXEL * block.width)
            document.add_picture(io.BytesIO(block.png), width=width)
            picture = document.paragraphs[-1]
            for prop in picture._p.iter(qn("wp:docPr")):
                prop.set("descr", block.alt)
                prop.set("title", block.alt)
            document.add_paragraph(block.alt, style="Caption")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _table(document, block: Table) -> None:
    table = document.add_table(rows=1 + len(block.rows), cols=len(block.header), style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, block.header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    # The header row repeats on every page a long table runs over.
    header_pr = table.rows[0]._tr.get_or_add_trPr()
    header_pr.append(header_pr.makeelement(qn("w:tblHeader"), {}))
    for row, values in zip(table.rows[1:], block.rows, strict=True):
        for cell, text in zip(row.cells, values, strict=False):
            cell.text = text
