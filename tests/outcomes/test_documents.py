"""The report and the brief as DOCX and HWPX (issue 16): both files carry the same content — Korean title,
outcomes, tables, charts as images — with Korean fonts declared; confidential records follow the PDF's one rule
(named only in the internal version), the brief never names them; another tenant's manager gets nothing."""

from __future__ import annotations

import io
import zipfile

import pytest

from bridgehead.outcomes import documents
from tests.factories import UserFactory, grant
from tests.outcomes.factories import closed_investment_and_confidential_contract
from tests.outcomes.office import READERS, read_docx, read_hwpx

pytestmark = pytest.mark.django_db

FORMATS = ["docx", "hwpx"]
TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "hwpx": "application/hwp+zip",
}
BRIEF = "/outcomes/agreement/ours/brief/?from=2024-01-01&to=2024-12-31"


@pytest.fixture
def outcomes(ow):
    closed_investment_and_confidential_contract(ow)
    return ow


@pytest.fixture
def korean_manager(outcomes, login):
    user = outcomes["users"]["manager"]
    user.language = "ko"
    user.save()
    return login(user)


@pytest.mark.parametrize("fmt", FORMATS)
def test_internal_report_has_the_korean_title_outcomes_tables_and_charts(korean_manager, fmt):
    response = korean_manager.get(f"/outcomes/agreement/ours/report.{fmt}")
    assert response.status_code == 200
    assert response["Content-Type"] == TYPES[fmt]
    assert response["Content-Disposition"].startswith('attachment; filename="outcomes-ours-')
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    read = READERS[fmt](response.content)
    assert read.title == "우리 협약"
    assert "시리즈A 투자 유치" in read.text
    assert "비밀 공급 계약" in read.text and "[비공개]" in read.text  # the manager's own, marked on its row
    assert "내부용" in read.text  # the internal version says so
    outcome_table = next(t for t in read.tables if t[0][:3] == ["날짜", "스타트업", "성과"])
    assert len(outcome_table) == 3 and all(len(row) == 6 for row in outcome_table)
    assert any("스타트업코" in row for row in outcome_table)
    money = next(t for t in read.tables if t[0][0] == "성과" and len(t[0]) == 4)
    assert len(money) == 4  # attracted, closed unconfirmed, in progress
    assert len(read.images) == 4  # the four charts
    assert all(image.startswith(b"\x89PNG\r\n\x1a\n") for image in read.images)
    assert {"맑은 고딕"} <= read.fonts if fmt == "docx" else "함초롬돋움" in read.fonts


@pytest.mark.parametrize("fmt", FORMATS)
def test_public_report_counts_but_never_names_the_confidential_outcome(korean_manager, fmt):
    content = korean_manager.get(f"/outcomes/agreement/ours/report.{fmt}?public=1").content
    read = READERS[fmt](content)
    with zipfile.ZipFile(io.BytesIO(content)) as package:  # in no part at all: previews, metadata, anything
        for name in package.namelist():
            assert "비밀 공급 계약".encode() not in package.read(name), name
    assert "비밀 공급 계약" not in read.text and "Secret supply contract" not in read.text
    assert "다른스타트업" not in read.text  # nor its startup
    assert "비공개 성과" in read.text
    assert "시리즈A 투자 유치" in read.text


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_observer_reads_the_public_rule_even_without_asking(outcomes, login, fmt):
    read = READERS[fmt](login(outcomes["users"]["observer"]).get(f"/outcomes/agreement/ours/report.{fmt}").content)
    assert "Secret supply contract" not in read.text and "Confidential outcome" in read.text


@pytest.mark.parametrize("fmt", FORMATS)
def test_another_tenants_manager_gets_neither_report_nor_brief(outcomes, client, fmt):
    theirs = grant(UserFactory(username="their_manager"), "program_manager", program=outcomes["their_program"])
    client.force_login(theirs)
    assert client.get(f"/outcomes/agreement/ours/report.{fmt}").status_code == 404
    assert client.get(f"/outcomes/program/our-program/report.{fmt}").status_code == 404
    posted = client.post(BRIEF, {"text_ko": "제목", "text_en": "Title", "download": f"ko-{fmt}"})
    assert posted.status_code == 404
    client.force_login(outcomes["users"]["startup"])  # signed in, sees its own outcomes, not the agreement's report
    assert client.get(f"/outcomes/agreement/ours/report.{fmt}").status_code == 404


def _generated(client) -> dict[str, str]:
    form = client.get(BRIEF).context["form"]
    return {"text_ko": form.initial["text_ko"], "text_en": form.initial["text_en"]}


@pytest.mark.parametrize("fmt", FORMATS)
def test_brief_carries_the_edited_text_and_the_public_facts_only(korean_manager, fmt):
    texts = _generated(korean_manager)
    edited = "울산–샌디에이고 협력 성과\n\n담당자가 고친 문단입니다.\n둘째 줄입니다.\n\n구분\t건수\n체결\t2"
    response = korean_manager.post(BRIEF, {**texts, "text_ko": edited, "download": f"ko-{fmt}"})
    assert response.status_code == 200
    assert response["Content-Type"] == TYPES[fmt]
    assert response["Content-Disposition"].startswith('attachment; filename="outcome-brief-ours-ko-20241231.')
    read = READERS[fmt](response.content)
    assert read.title == "울산–샌디에이고 협력 성과"
    assert "담당자가 고친 문단입니다." in read.text
    assert [["구분", "건수"], ["체결", "2"]] in read.tables  # the tab-separated lines became a table
    facts = next(t for t in read.tables if t[0][0] == "스타트업")
    assert facts[0] == ["스타트업", "성과", "유형", "상태", "금액", "수량", "상대 기관"]
    assert facts[1][:2] == ["스타트업코", "시리즈A 투자 유치"] and facts[1][4] == "13억 원"
    assert len(facts) == 2  # the confidential contract is not a row
    assert "비밀 공급 계약" not in read.text and "Secret supply contract" not in read.text
    english = READERS[fmt](korean_manager.post(BRIEF, {**texts, "download": f"en-{fmt}"}).content)
    assert "Series A investment" in english.text and "Secret supply contract" not in english.text
    assert next(t for t in english.tables if t[0][0] == "Startup")[1][1] == "Series A investment"


def test_the_facts_table_is_not_added_twice(korean_manager):
    texts = _generated(korean_manager)
    table = (
        "스타트업 | 성과 | 유형 | 상태 | 금액 | 수량 | 상대 기관\n"
        "스타트업코 | 시리즈A 투자 유치 | 투자 | 체결 | 13억 원 | | 인베스터코"
    )
    read = read_docx(
        korean_manager.post(BRIEF, {**texts, "text_ko": f"제목\n\n{table}", "download": "ko-docx"}).content
    )
    assert [t[0][0] for t in read.tables] == ["스타트업"]
    assert read.tables[0][1][:2] == ["스타트업코", "시리즈A 투자 유치"]


def test_the_generated_brief_as_hwpx_names_no_confidential_outcome(korean_manager):
    texts = _generated(korean_manager)
    assert "비밀 공급 계약" not in texts["text_ko"]
    read = read_hwpx(korean_manager.post(BRIEF, {**texts, "download": "ko-hwpx"}).content)
    assert read.title == texts["text_ko"].splitlines()[0].strip()
    assert "시리즈A 투자 유치" in read.text and "비밀 공급 계약" not in read.text


@pytest.mark.parametrize("choice", ["ko-pdf", "ko-", "fr-docx", 'ko-docx"; filename="x.html'])
def test_a_crafted_download_choice_is_refused_with_a_code(korean_manager, choice):
    response = korean_manager.post(BRIEF, {"text_ko": "제목", "text_en": "Title", "download": choice})
    assert response.status_code == 422
    assert "Content-Disposition" not in response
    assert response.context["refusal"].code in ("outcomes.brief.format", "outcomes.brief.language")


def test_brief_text_parsing_title_paragraphs_and_tables():
    title, blocks = documents._text_blocks(
        "\n  제목  \n\n첫 문단\n이어지는 줄\n\n| 가 | 나 |\n|---|---|\n| 1 | 2 |\n\nA | B\nC | D | E\n\n끝"
    )
    assert title == "제목"
    assert blocks == [
        documents.Paragraph("첫 문단\n이어지는 줄"),
        documents.Table(["가", "나"], [["1", "2"]]),
        documents.Table(["A", "B", ""], [["C", "D", "E"]]),
        documents.Paragraph("끝"),
    ]


def test_the_two_writers_render_the_same_document():
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>'
    png = documents.chart_image(svg, "막대")
    assert (png.width, png.height) == (40, 20)
    doc = documents.Document(
        "보고서",
        "ko",
        [documents.Heading("금액", 2), documents.Paragraph("본문"), documents.Table(["가"], [["1"]]), png],
    )
    from bridgehead.outcomes import docx_writer, hwpx_writer

    for read, content in ((read_docx, docx_writer.render(doc)), (read_hwpx, hwpx_writer.render(doc))):
        found = read(content)
        assert found.title == "보고서" and "본문" in found.text and "금액" in found.text and "막대" in found.text
        assert found.tables == [[["가"], ["1"]]] and len(found.images) == 1
