"""Finding 13.6: one control character in any user's text failed the XLSX export; headers were not neutralised."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from bridgehead.core.spreadsheets import write_csv, write_xlsx


def test_control_characters_never_fail_an_export_and_formulas_stay_text_in_headers_too():
    headers = ['=HYPERLINK("http://evil")', "Title\x0b"]
    rows = [["Deal\x0bsigned\x00", "+1 555"], ["@SUM(A1)", "line one\nline two\ttab"]]
    content = write_xlsx([("Outcomes: 2026/Q4 [draft]", headers, rows)])
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.title == "Outcomes  2026 Q4  draft"
    assert [c.value for c in sheet[1]] == ['\'=HYPERLINK("http://evil")', "Title"]
    assert [c.value for c in sheet[2]] == ["Dealsigned", "'+1 555"]
    assert [c.value for c in sheet[3]] == ["'@SUM(A1)", "line one\nline two\ttab"]
    text = write_csv(headers, rows).decode("utf-8-sig")
    assert text.startswith("\"'=HYPERLINK") and "\x0b" not in text and "\x00" not in text
