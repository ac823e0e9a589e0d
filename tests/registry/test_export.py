"""Exports: the import format, readable by Excel, with formula injection neutralised."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from bridgehead.registry import services
from bridgehead.registry.importing import import_file
from bridgehead.registry.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile(db):
    return OrganisationFactory(
        slug="evil",
        name_en='=HYPERLINK("http://evil.example","x")',
        name_ko="+악성",
        description_en="@SUM(1,2)",
        description_ko="-2+3",
    )


def test_csv_export_neutralises_formulas(hostile):
    content = services.export(kind="organisations", queryset=Organisation.objects.all(), file_format="csv")
    assert content.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens Korean text correctly
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Name (English)", "Name (Korean)", "Kind"]
    assert rows[1][:2] == ['\'=HYPERLINK("http://evil.example","x")', "'+악성"]
    assert "'@SUM(1,2)" in rows[1]
    assert "'-2+3" in rows[1]


def test_xlsx_export_neutralises_formulas(world, login, hostile):
    response = login(world["users"]["manager"]).get(reverse("export", args=["organisations", "xlsx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bridgehead-organisations.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = {cell.value for row in sheet.iter_rows(min_row=2) for cell in row}
    assert '\'=HYPERLINK("http://evil.example","x")' in values
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_export_then_import_round_trip(db):
    OrganisationFactory(
        slug="a", name_en="Alpha Health", name_ko="알파헬스", kind="hospital", country="US", markets_sought=["KR", "JP"]
    )
    content = services.export(kind="organisations", queryset=Organisation.objects.all(), file_format="xlsx")
    Organisation.objects.all().delete()
    result = import_file("organisations", "export.xlsx", content)
    assert [str(p) for p in result.problems] == []
    alpha = Organisation.objects.get()
    assert (alpha.name_ko, alpha.kind, alpha.country) == ("알파헬스", "hospital", "US")
    assert alpha.markets_sought == ["KR", "JP"]
