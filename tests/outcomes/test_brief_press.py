"""The outcome brief as a press release (issue 17): read as a Korean city office's staff and journalists read
it. Closed deals counted apart from those in progress; one sentence per outcome in each language, units and
amounts in that language only; sorted by kind then amount; a 보도자료 header (date, office, contact), a quote
placeholder and an attached table the DOCX/HWPX helpers parse (" | " lines); confidential outcomes counted as
"기업 요청에 따른 비공개", never named."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from bridgehead.agreements.models import Agreement
from bridgehead.core.models import User
from bridgehead.outcomes import brief, dashboards
from bridgehead.outcomes.models import Outcome
from bridgehead.programs.models import Program
from tests.outcomes.factories import OutcomeFactory

pytestmark = pytest.mark.django_db

HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
# Unit and period words an English text uses; none of them belongs in the Korean release.
ENGLISH_UNIT_WORDS = re.compile(r"\b(units?|devices?|people|persons?|licen[cs]es?|a year|a month)\b")
RELEASED = dt.date(2026, 11, 30)


def demo_briefs(*, confidential_closed: bool = False) -> tuple[str, str]:
    """The demo's release in Korean and English (the demo is loaded: see ``TestDemoRelease``)."""
    if confidential_closed:
        # A closed deal the company asked to keep quiet: counted, never named.
        sb = Outcome.objects.get(organisation__slug="sb-solution", is_synthetic=False)
        OutcomeFactory(
            program=sb.program,
            organisation=sb.organisation,
            kind="contract",
            status="closed",
            confirmed_at=sb.confirmed_at,
            is_confidential=True,
            title_ko="비밀 유통 계약",
            title_en="Secret distribution deal",
            counterparty_name="Quiet Distributor Inc.",
            counterparty_name_ko="조용한유통",
            amount=Decimal("3000000"),
            currency="USD",
            occurred_on=dt.date(2025, 6, 1),
        )
    observer = User.objects.get(username="observer")
    scope = dashboards.for_agreement(observer, Agreement.objects.get(slug="ulsan-san-diego-bio-2024"))
    return brief.generate(scope, observer, start=dt.date(2024, 1, 1), end=dt.date(2025, 12, 31), released=RELEASED)


def attached_rows(text: str, marker: str) -> list[list[str]]:
    """The " | " table after the attachment heading, as the DOCX/HWPX helpers read it."""
    table = text.split(marker, 1)[1]
    return [line.split(" | ") for line in table.splitlines() if " | " in line]


@pytest.mark.usefixtures("demo_loaded")
class TestDemoRelease:
    """The demo's release: each test starts from a freshly loaded demo, loaded once for all of them
    (conftest.demo_loaded)."""

    def test_the_demo_release_counts_closed_deals_apart_from_those_in_progress_in_both_languages(self):
        korean, english = demo_briefs()
        title_ko, subtitle_ko = korean.splitlines()[:2]
        assert title_ko == "[보도자료] 「디지털 건강관리 국제 지원사업」 참여 스타트업, 확정 성과 6건"
        assert subtitle_ko == "- 투자·계약·협력 등 확정 성과 6건, 투자 심사·가계약 등 협의 진행 중 2건 -"
        assert "참여 스타트업 6개사가 2024년 1월 1일부터 2025년 12월 31일까지 확정 성과 6건을 거뒀다." in korean
        assert "투자 심사·가계약 등 협의가 진행 중인 2건은 확정 성과에 포함하지 않았다." in korean
        # Thyroscope's US$10M is under review: described as such, never as an investment attracted.
        closed_part, in_progress_part = korean.split("□ 협의가 진행 중인 성과는 다음과 같다")
        assert "타이로스코프" not in closed_part.split("붙임")[0]
        assert (
            "타이로스코프는 미국 벤처캐피털(보도에 사명 미공개)로부터 1,000만 달러 규모의 투자 유치를 추진하고 "
            "있으며, 현재 투자 심사가 진행 중이다." in in_progress_part
        )
        assert (
            "에스비솔루션은 항저우메디텍과 연 20만 개 규모의 가계약을 맺고 본계약을 협의하고 있다." in in_progress_part
        )
        assert "1,000만 달러 규모의 투자를 유치했다" not in korean

        assert english.splitlines()[:2] == [
            "Digital Healthcare Global Support Program startups close 6 deals",
            "Investments, contracts and partnerships confirmed; two more, including an investment under review and "
            "a provisional contract, are in progress",
        ]
        assert "closed 6 deals between 1 January 2024 and 31 December 2025" in english
        assert (
            "Thyroscope is seeking an investment of US$10 million from US venture capital (not named in the "
            "reports); the investment is under review." in english
        )
        assert "raised US$10 million" not in english

    def test_each_outcome_is_one_sentence_with_units_and_amounts_in_its_own_language(self):
        korean, english = demo_briefs()
        assert "처용메디칼은 퍼시픽림엔젤스와 5,000대, 6억 5,000만 원 규모의 계약을 체결했다." in korean
        assert "강동오소는 현지 인력 4명을 채용했다." in korean
        assert "블루웨일진단은 토리파인즈캐피탈과 15만 달러 규모의 실증 협약을 체결했다." in korean
        assert (
            "Cheoyong Medical signed a contract worth ₩650 million with Pacific Rim Angels for 5,000 devices."
            in english
        )
        assert "Gangdong Ortho hired 4 people." in english
        assert (
            "SB Solution signed a provisional contract with Hangzhou Meditech Co. for 200,000 units a year" in english
        )
        # No database dump, no mixed languages.
        assert "유형:" not in korean and "진행 단계:" not in korean
        assert not ENGLISH_UNIT_WORDS.search(korean), ENGLISH_UNIT_WORDS.search(korean)
        assert not HANGUL.search(english), HANGUL.search(english)
        # Amounts in 억/만 form in Korean, in words in English.
        assert "1,000만 달러" in korean and "200만 달러" in korean and "6억 5,000만 원" in korean
        assert not re.search(r"\d{1,3}(,\d{3}){2,} (원|달러)", korean)  # no "10,000,000 달러"
        assert "US$10 million" in english and "₩650 million" in english

    def test_the_release_carries_a_header_a_quote_placeholder_and_an_attached_table(self):
        korean, english = demo_briefs()
        header_ko = korean.split("\n\n")[1].splitlines()
        assert header_ko == [
            "배포 일자 | 2026년 11월 30일(월)",
            "보도 일시 | 배포 즉시 보도 가능",
            "담당 부서 | UNIST 산학협력단 디지털헬스사업팀",
            "담당자 | 김민지 책임 (+82-52-000-0000, manager@demo.bridgehead.example)",
        ]
        assert "□ [담당자 인용문] 김민지 책임은 “○○○”라고 말했다." in korean
        header_en = english.split("\n\n")[1].splitlines()
        assert header_en == [
            "For immediate release | 30 November 2026",
            "Media contact | Minji Kim, Program Manager, Digital Health Program Team, UNIST",
            "Phone and e-mail | +82-52-000-0000, manager@demo.bridgehead.example",
        ]
        assert "[Quote from Minji Kim, Program Manager]" in english

        rows_ko = attached_rows(korean, "붙임  성과 목록")
        assert rows_ko[0] == ["기업", "상대", "유형", "규모", "단계"]
        assert ["타이로스코프", "미국 벤처캐피털(보도에 사명 미공개)", "투자", "1,000만 달러", "검토 중"] in rows_ko
        assert all(len(row) == 5 for row in rows_ko)
        rows_en = attached_rows(english, "Attachment: outcomes as of 31 December 2025")
        assert rows_en[0] == ["Company", "Counterparty", "Kind", "Size", "Stage"]
        assert ["SB Solution", "Hangzhou Meditech Co.", "Contract", "200,000 units a year", "Provisional"] in rows_en

    def test_outcomes_are_sorted_by_kind_then_larger_amount_first(self):
        korean, english = demo_briefs()
        rows = attached_rows(english, "Attachment:")[1:]
        closed = [row for row in rows if row[4] == "Signed / closed"]
        assert [row[2] for row in closed] == ["Investment", "Contract", "Partnership", "Market entry", "Pilot", "Hire"]
        in_progress = [row for row in rows if row[4] != "Signed / closed"]
        assert [row[0] for row in in_progress] == ["Thyroscope", "SB Solution"]  # investment before contract
        order = [line for line in korean.splitlines() if line.startswith(" ○ ")]
        assert order[0].startswith(" ○ 이음덴탈은") and order[-1].startswith(" ○ 에스비솔루션은")

    def test_a_confidential_deal_is_counted_as_undisclosed_at_the_companys_request_and_named_nowhere(self):
        korean, english = demo_briefs(confidential_closed=True)
        assert "확정 성과 7건을 거뒀다(기업 요청에 따른 비공개 1건 포함)" in korean
        assert "기업 요청에 따른 비공개 1건 | - | - | - | 체결·완료" in korean
        assert (
            "closed 7 deals between 1 January 2024 and 31 December 2025, "
            "one of them undisclosed at the company's request" in english
        )
        assert "1 undisclosed at the company's request | - | - | - | Signed / closed" in english
        for secret in ("비밀 유통 계약", "조용한유통", "300만 달러", "계약상 비공개"):
            assert secret not in korean
        for secret in ("Secret distribution deal", "Quiet Distributor", "US$3 million"):
            assert secret not in english
        # The kinds named in the headline are those of the public deals only (the confidential contract adds none).
        assert korean.splitlines()[1].startswith("- 투자·계약·협력 등 확정 성과 7건")


def test_amounts_within_a_kind_go_larger_first_across_currencies(deals_in_two_currencies):
    korean, _english = deals_in_two_currencies
    investments = [line for line in korean.splitlines() if "투자를 유치했다" in line]
    # ₩3 billion at 0.00075 is US$2.25M: before US$2M, after US$5M; the one without an amount comes last.
    assert [line.split("은 ")[0].split("는 ")[0].strip(" ○") for line in investments] == [
        "큰투자사",
        "원화투자사",
        "작은투자사",
        "금액없는사",
    ]


@pytest.fixture
def deals_in_two_currencies(ow):
    from bridgehead.registry.models import Organisation
    from tests.outcomes.factories import FxRateFactory

    program, now = ow["our_program"], dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
    FxRateFactory(program=program, on=dt.date(2024, 1, 2), currency="KRW", base="USD", rate=Decimal("0.00075"))
    for slug, name, amount, currency in (
        ("small", "작은투자사", "2000000", "USD"),
        ("won", "원화투자사", "3000000000", "KRW"),
        ("none", "금액없는사", None, ""),
        ("big", "큰투자사", "5000000", "USD"),
    ):
        organisation = Organisation.objects.create(slug=slug, kind="startup", name_ko=name, name_en=slug, country="KR")
        OutcomeFactory(
            program=program,
            organisation=organisation,
            kind="investment",
            status="closed",
            confirmed_at=now,
            amount=Decimal(amount) if amount else None,
            currency=currency,
            occurred_on=dt.date(2024, 3, 1),
        )
    scope = dashboards.for_agreement(ow["users"]["observer"], ow["ours"])
    return brief.generate(scope, ow["users"]["observer"], start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))


def test_without_a_press_contact_the_header_asks_the_editor_for_one(ow):
    scope = dashboards.for_agreement(ow["users"]["observer"], ow["ours"])
    korean, english = brief.generate(
        scope, ow["users"]["observer"], start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31), released=RELEASED
    )
    assert "담당 부서 | [담당 부서]" in korean and "담당자 | [담당자] ([전화·전자우편])" in korean
    assert "□ [담당자 인용문] [담당자 이름·직함]은 “○○○”라고 말했다." in korean
    assert "Media contact | [Media contact]" in english and "[Quote from the program's spokesperson]" in english
    assert "확정 성과 없음" in korean and "No deal closed yet" in english


def test_without_a_press_contact_the_operating_office_answers(ow):
    """The office that signs the program's letters stands in for a missing press contact (no person named)."""
    programs = list(Program.objects.filter(agreement=ow["ours"]))
    programs[0].office_name_ko, programs[0].office_name_en = "울산 바이오 운영 사무국", "Ulsan Bio Program Office"
    programs[0].office_phone, programs[0].office_email = "052-000-1234", "office@example.org"
    programs[0].save()
    contact = brief.PressContact.of(programs)
    assert (contact.office_ko, contact.office_en, contact.person_ko) == (
        "울산 바이오 운영 사무국",
        "Ulsan Bio Program Office",
        "",
    )
    assert contact.reach == "052-000-1234, office@example.org"
    programs[0].press_office_ko = "울산광역시 바이오산업과"
    assert brief.PressContact.of(programs).office_ko == "울산광역시 바이오산업과"


@pytest.mark.parametrize(
    ("word", "subject", "objective"),
    [
        ("1", "1이", "1을"),  # 일
        ("2", "2가", "2를"),  # 이
        ("3", "3이", "3을"),  # 삼
        ("9", "9가", "9를"),  # 구
        ("0", "0이", "0을"),  # 영
        ("10", "10이", "10을"),  # 십
        ("20,000", "20,000이", "20,000을"),  # 이만
        ("1.5", "1.5가", "1.5를"),  # 일 점 오
        ("3건", "3건이", "3건을"),
        ("2개사", "2개사가", "2개사를"),
        ("20만", "20만이", "20만을"),
        ("13억", "13억이", "13억을"),
        ("1조", "1조가", "1조를"),
        ("UNIST", "UNIST가", "UNIST를"),
        ("HTML", "HTML이", "HTML을"),  # 엘
        ("50%", "50%가", "50%를"),  # 오십 퍼센트
        ("벤처캐피털(사명 미공개)", "벤처캐피털(사명 미공개)이", "벤처캐피털(사명 미공개)을"),
    ],
)
def test_particles_follow_how_the_last_word_or_number_is_read(word, subject, objective):
    assert brief.subject(word) == subject
    assert brief.objective(word) == objective


def test_with_and_from_particles_respect_the_final_consonant_and_rieul():
    assert brief.with_("퍼시픽림엔젤스") == "퍼시픽림엔젤스와"
    assert brief.with_("항저우메디텍") == "항저우메디텍과"
    assert brief.source("인베스터코") == "인베스터코로부터"
    assert brief.source("토리파인즈캐피탈") == "토리파인즈캐피탈로부터"  # ㄹ takes 로
    assert brief.source("미국 벤처캐피털(사명 미공개)") == "미국 벤처캐피털(사명 미공개)로부터"
    assert brief.source("한국투자") == "한국투자로부터"
    assert brief.source("서울산업진흥원") == "서울산업진흥원으로부터"


def test_english_amounts_read_as_a_release_writes_them():
    assert brief.english_press_amount(Decimal("10000000"), "USD") == "US$10 million"
    assert brief.english_press_amount(Decimal("1300000000"), "KRW") == "₩1.3 billion"
    assert brief.english_press_amount(Decimal("150000"), "USD") == "US$150,000"
    assert brief.english_press_amount(Decimal("1234567"), "USD") == "US$1,234,567"


def test_the_brief_page_asks_a_manager_for_the_press_contact_until_one_is_recorded(ow, login):
    page = login(ow["users"]["manager"]).get("/outcomes/agreement/ours/brief/")
    html = page.content.decode()
    assert 'data-testid="press-contact-missing"' in html
    assert '<a href="/programs/our-program/edit/">' in html  # the manager may add it
    observer = login(ow["users"]["observer"]).get("/outcomes/agreement/ours/brief/").content.decode()
    assert 'data-testid="press-contact-missing"' in observer and "/programs/our-program/edit/" not in observer

    ow["our_program"].press_office_ko = "울산광역시 바이오산업과"
    ow["our_program"].save()
    page = login(ow["users"]["manager"]).get("/outcomes/agreement/ours/brief/")
    assert 'data-testid="press-contact-missing"' not in page.content.decode()
    assert "담당 부서 | 울산광역시 바이오산업과" in page.context["form"].initial["text_ko"]


def test_with_nothing_closed_yet_the_release_says_so_and_keeps_english_free_of_korean_names(ow):
    program = ow["our_program"]
    program.press_office_ko, program.press_contact_ko = "울산광역시 바이오산업과", "김민지 주무관"
    program.save()
    OutcomeFactory(
        program=program,
        organisation=ow["startup"],
        kind="investment",
        status="under_review",
        confirmed_at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
        amount=Decimal("3000000000"),
        currency="KRW",
        occurred_on=dt.date(2024, 5, 1),
    )
    scope = dashboards.for_agreement(ow["users"]["observer"], ow["ours"])
    korean, english = brief.generate(
        scope, ow["users"]["observer"], start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31), released=RELEASED
    )
    assert korean.splitlines()[1] == "- 확정 성과 없음, 투자 심사 등 협의 진행 중 1건 -"
    assert "계약 체결·완료 단계에 이른 확정 성과는 아직 없다. 투자 심사 등 협의가 진행 중인 1건이 있다." in korean
    assert "30억 원 규모의 투자 유치를 추진하고 있으며" in korean
    assert (
        english.splitlines()[1] == "No deal closed yet; one deal, including an investment under review, is in progress"
    )
    assert "closed no deal between 1 January 2024 and 31 December 2024. One deal, including" in english
    assert "₩3 billion" in english
    # Only the Korean contact was recorded: the English release keeps its placeholders.
    assert "담당자 | 김민지 주무관 ([전화·전자우편])" in korean
    assert "Media contact | [Media contact]" in english and "[Quote from the program's spokesperson]" in english
    assert not HANGUL.search(english)
