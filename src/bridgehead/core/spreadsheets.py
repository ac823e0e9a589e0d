"""Reading and writing the spreadsheets people already keep (CSV and XLSX), shared by every import/export.

Korean offices mostly hand over files saved by Korean Excel: CSV in CP949 (a superset of EUC-KR), or
UTF-8 with a byte-order mark. We detect those instead of asking users to re-save. Exports neutralise
spreadsheet formula injection: a cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return
would run as a formula when opened, so it is written with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .hwp
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_ENCODINGS = ("utf-8-sig", "cp949")


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read; the message says why, in the user's language."""


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as the spreadsheet shows it, cells)
    encoding: str  # "xlsx" or the CSV text encoding detected


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(content: bytes) -> tuple[list[list[str]], str]:
    from openpyxl import load_workbook  # openpyxl is heavy: loaded only for .xlsx files

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SpreadsheetError(
            _("The file looks like an Excel workbook but cannot be opened: %(error)s") % {"error": exc}
        ) from exc
    sheet = workbook.worksheets[0]
    rows = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows, "xlsx"


def _decode_csv(content: bytes) -> tuple[str, str]:
    for encoding in CSV_ENCODINGS:
        try:
            return content.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(
        _("The file is neither UTF-8 nor Korean Excel (CP949/EUC-KR) text. Save it as CSV UTF-8 or as .xlsx.")
    )


def _read_csv(content: bytes) -> tuple[list[list[str]], str]:
    text, encoding = _decode_csv(content)
    if "\x00" in text:
        raise SpreadsheetError(_("This is not a spreadsheet: the file contains binary data."))
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise SpreadsheetError(_("The CSV file cannot be parsed: %(error)s") % {"error": exc}) from exc
    return rows, encoding


def read_table(filename: str, content: bytes, *, max_bytes: int) -> Table:
    """Read the first sheet (XLSX) or the CSV text into a header row and numbered data rows."""
    if len(content) > max_bytes:
        raise SpreadsheetError(
            _("The file is too large (%(size)s bytes); the limit is %(limit)s bytes.")
            % {"size": f"{len(content):,}", "limit": f"{max_bytes:,}"}
        )
    if not content.strip():
        raise SpreadsheetError(_("The file is empty."))
    if content.startswith(OLE2_MAGIC):
        raise SpreadsheetError(_("Old Excel (.xls) files are not supported: save the sheet as .xlsx or CSV."))
    if content.startswith(XLSX_MAGIC):
        rows, encoding = _read_xlsx(content)
    else:
        lower = filename.lower()
        if lower.endswith((".pdf", ".docx", ".hwp", ".png", ".jpg", ".zip", ".exe")):
            raise SpreadsheetError(_("This is not a spreadsheet: upload a .csv or .xlsx file."))
        rows, encoding = _read_csv(content)
    numbered = [(index + 1, row) for index, row in enumerate(rows)]
    numbered = [(number, row) for number, row in numbered if any(cell for cell in row)]
    if not numbered:
        raise SpreadsheetError(_("The file is empty."))
    _header_number, headers = numbered[0]
    data = [(number, row + [""] * (len(headers) - len(row))) for number, row in numbered[1:]]
    return Table(headers=[h.strip() for h in headers], rows=data, encoding=encoding)


#: Control characters XML 1.0 (and so .xlsx) cannot hold; tab, newline and carriage return are allowed.
_ILLEGAL_IN_CELLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def neutralise(value: object) -> object:
    """Make a value safe to put in a spreadsheet cell, header or data alike: control characters a workbook
    cannot store are dropped (one in any user's text used to fail the whole export) and text that a
    spreadsheet would run as a formula is prefixed so it stays text."""
    if isinstance(value, str):
        value = _ILLEGAL_IN_CELLS.sub("", value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with BOM, which both Korean and US Excel open correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v if not isinstance(v, Decimal) else str(v)) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def _sheet_title(title: str) -> str:
    """Excel refuses sheet names with ``[]:*?/\\`` or control characters, or longer than 31 characters."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", _ILLEGAL_IN_CELLS.sub("", title)).strip()
    return (cleaned or "Sheet")[:31]


def write_xlsx(
    sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[object]]]],
    *,
    number_formats: Mapping[str, Mapping[int, str]] | None = None,
) -> bytes:
    """One sheet per (title, headers, rows); bold frozen header, widths fitted to content.

    ``number_formats`` maps a sheet title to {column index: Excel number format} (e.g. ``"#,##0.00"`` for
    money, ``"yyyy-mm-dd"`` for dates), so numbers and dates stay numbers and dates in Excel."""
    from openpyxl import Workbook  # openpyxl is heavy: loaded only for .xlsx files
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title=_sheet_title(title))
        sheet.append([neutralise(h) for h in headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        widths = [len(str(h)) for h in headers]
        formats = (number_formats or {}).get(title, {})
        for row_number, row in enumerate(rows, start=2):
            values = [neutralise(v) for v in row]
            sheet.append(values)
            for index, number_format in formats.items():
                cell = sheet.cell(row=row_number, column=index + 1)  # not max_row: it scans every cell
                if cell.value is not None:
                    cell.number_format = number_format
            widths = [max(w, min(60, len(str(v or "")))) for w, v in zip(widths, values, strict=False)]
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width + 2
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
