"""Imports: every problem names its row and column, and nothing is written unless every row is valid."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from bridgehead.registry.importing import import_file, validate_file
from bridgehead.registry.models import Organisation, Person
from tests.factories import ClusterFactory, OrganisationFactory, SectorFactory

pytestmark = pytest.mark.django_db

HEADER = "Name (English),Name (Korean),Kind,Country,Sectors,Website,Contact name,Contact e-mail\n"


@pytest.fixture(autouse=True)
def _sectors(db):
    SectorFactory(code="health", name_en="Health care", name_ko="헬스케어")
    SectorFactory(code="health.digital", name_en="Digital health", name_ko="디지털 헬스케어")
    ClusterFactory(slug="ulsan", name_en="Ulsan cluster", name_ko="울산 클러스터", country="KR")


def csv_bytes(body: str, encoding: str = "utf-8") -> bytes:
    return (HEADER + body).encode(encoding)


def problems(result) -> list[tuple[int | None, str, str]]:
    return [(p.row, p.column, p.message) for p in result.problems]


def codes(result) -> list[tuple[int | None, str, str]]:
    return [(p.row, p.column, p.code) for p in result.problems]


def test_valid_file_creates_every_row_with_sectors_and_contact():
    content = csv_bytes(
        "Thyroscope,타이로스코프,startup,KR,health.digital,thyroscope.example,김하늘,sky@thyroscope.example\n"
        "Pacific Fund,,investor,US,health,https://pacific.example,,\n"
    )
    result = import_file("organisations", "orgs.csv", content)
    assert problems(result) == []
    assert result.created == 2
    thyroscope = Organisation.objects.get(name_en="Thyroscope")
    assert thyroscope.name_ko == "타이로스코프"
    assert thyroscope.website == "https://thyroscope.example"
    assert [s.code for s in thyroscope.sectors.all()] == ["health.digital"]
    assert Person.objects.get(organisation=thyroscope).name_ko == "김하늘"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (",,startup,KR,,,,", (2, "Name (English)", "registry.organisation.name_missing")),
        ("Acme,,,KR,,,,", (2, "Kind", "required")),
        ("Acme,,rocket,KR,,,,", (2, "Kind", "registry.import.unknown_kind")),
        ("Acme,,startup,,,,,", (2, "Country", "required")),
        ("Acme,,startup,Korea,,,,", (2, "Country", "max_length")),
        ("Acme,,startup,KR,health.quantum,,,", (2, "Sectors", "registry.import.unknown_sector")),
        ("Acme,,startup,KR,,not a url,,", (2, "Website", "invalid")),
        ("Acme,,startup,KR,,,Kim,kim@", (2, "Contact e-mail", "invalid")),
        ("Acme,,startup,KR,,,,kim@example.org", (2, "Contact name", "registry.person.name_missing")),
    ],
)
def test_each_problem_names_row_and_column_and_writes_nothing(row, expected):
    content = csv_bytes("Good Org,,startup,KR,,,,\n" + row + "\n")
    result = import_file("organisations", "orgs.csv", content)
    shifted = (expected[0] + 1, expected[1], expected[2])  # the good row is row 2, the bad one row 3
    assert codes(result) == [shifted]
    assert all(p.message for p in result.problems)
    assert result.created == 0
    assert Organisation.objects.count() == 0


def test_problems_read_as_row_column_and_why():
    result = import_file("organisations", "orgs.csv", csv_bytes("Acme,,rocket,KR,,,,\n"))
    assert [str(p) for p in result.problems] == [
        "row 2, column “Kind”: unknown kind “rocket”; use one of: government, university, startup, "
        "company, investor, hospital, agency."
    ]


def test_duplicate_of_existing_organisation_by_name_and_by_website():
    OrganisationFactory(name_en="Thyroscope", name_ko="타이로스코프", website="https://www.thyroscope.example")
    content = csv_bytes("THYROSCOPE,,startup,KR,,,,\nOther,,startup,KR,,http://thyroscope.example/about,,\n")
    result = import_file("organisations", "orgs.csv", content)
    assert codes(result) == [
        (2, "Name (English)", "registry.organisation.duplicate_name"),
        (3, "Website", "registry.import.duplicate_website"),
    ]
    assert Organisation.objects.count() == 1


def test_duplicate_rows_within_the_file():
    result = import_file("organisations", "orgs.csv", csv_bytes("Acme,,startup,KR,,,,\nacme,,startup,KR,,,,\n"))
    assert codes(result) == [(3, "Name (English)", "registry.import.duplicate_in_file")]
    assert Organisation.objects.count() == 0


def test_file_too_large(settings):
    settings.IMPORT_MAX_BYTES = 100
    result = import_file("organisations", "orgs.csv", csv_bytes("Acme,,startup,KR,,,,\n" * 10))
    assert codes(result) == [(None, "", "registry.import.unreadable")]
    assert result.problems[0].message == "The file is too large (296 bytes); the limit is 100 bytes."


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "This is not a spreadsheet: upload a .csv or .xlsx file."),
        ("data.csv", b"a,b\x00c\n1,2\n", "This is not a spreadsheet: the file contains binary data."),
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20,
            "Old Excel (.xls) files are not supported: save the sheet as .xlsx or CSV.",
        ),
        ("empty.csv", b"  \n", "The file is empty."),
        ("fake.xlsx", b"PK\x03\x04garbage", None),
    ],
)
def test_not_a_spreadsheet(filename, content, message):
    result = validate_file("organisations", filename, content)
    assert len(result.problems) == 1
    if message is None:
        assert result.problems[0].message.startswith("The file looks like an Excel workbook but cannot be opened")
    else:
        assert result.problems[0].message == message


def test_missing_name_column_is_reported_on_the_header_row():
    result = validate_file("organisations", "x.csv", b"Kind,Country\nstartup,KR\n")
    assert codes(result) == [(1, "", "registry.import.no_name_column")]


@pytest.mark.parametrize("encoding", ["cp949", "euc-kr", "utf-8-sig", "utf-8"])
def test_korean_encodings_and_korean_headers(encoding):
    content = (
        "기관명,영문명,유형,국가,분야,홈페이지\n"
        "타이로스코프,Thyroscope,스타트업,KR,디지털 헬스케어,thyroscope.example\n"
    ).encode(encoding)
    result = import_file("organisations", "기관목록.csv", content)
    assert problems(result) == []
    org = Organisation.objects.get()
    assert (org.name_ko, org.name_en, org.kind) == ("타이로스코프", "Thyroscope", "startup")
    assert [s.code for s in org.sectors.all()] == ["health.digital"]
    assert result.encoding == ("cp949" if encoding in ("cp949", "euc-kr") else "utf-8-sig")


def test_xlsx_with_cluster_giving_the_country():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["회사명", "구분", "클러스터", "단계"])
    sheet.append(["해움바이오", "스타트업", "울산 클러스터", "Series A"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_file("organisations", "orgs.xlsx", buffer.getvalue())
    assert problems(result) == []
    org = Organisation.objects.get()
    assert (org.name_ko, org.country, org.stage, org.cluster.slug) == ("해움바이오", "KR", "series-a", "ulsan")


def test_dry_run_writes_nothing():
    result = import_file("organisations", "orgs.csv", csv_bytes("Acme,,startup,KR,,,,\n"), dry_run=True)
    assert (result.ok, result.created, Organisation.objects.count()) == (True, 0, 0)


def test_people_import_links_organisations_and_checks_time_zones():
    OrganisationFactory(name_en="Thyroscope", name_ko="타이로스코프")
    content = (
        "이름,소속,이메일,시간대\n"
        "김하늘,타이로스코프,sky@example.org,Asia/Seoul\n"
        "Jane Doe,Nowhere Inc,jane@example.org,Mars/Olympus\n"
    ).encode()
    result = import_file("people", "people.csv", content)
    assert codes(result) == [
        (3, "소속", "registry.import.unknown_organisation"),
        (3, "시간대", "invalid"),
    ]
    assert Person.objects.count() == 0


def test_a_stage_on_a_non_startup_is_refused_like_the_edit_page_refuses_it():
    content = "Name (English),Kind,Country,Stage\nGood Seed,startup,KR,seed\nBig Fund,investor,US,Series A\n"
    result = import_file("organisations", "orgs.csv", content.encode())
    assert [(p.row, p.column, p.code) for p in result.problems] == [
        (3, "Stage", "registry.organisation.stage_not_startup")
    ]
    assert Organisation.objects.count() == 0


def test_people_rows_are_checked_by_the_person_form_and_keep_their_languages():
    OrganisationFactory(name_en="Thyroscope", name_ko="타이로스코프")
    content = (
        "이름,영문 이름,소속,이메일,언어\n김하늘,Sky Kim,타이로스코프,sky@example.org,ko; en\n,,타이로스코프,,ko\n"
    )
    result = import_file("people", "people.csv", content.encode())
    assert codes(result) == [(3, "영문 이름", "registry.person.name_missing")]
    result = import_file("people", "people.csv", content.encode().rsplit(b"\n", 2)[0] + b"\n")
    assert (result.ok, result.created) == (True, 1)
    person = Person.objects.get()
    assert (person.name_ko, person.organisation.name_en, person.languages) == ("김하늘", "Thyroscope", ["ko", "en"])
