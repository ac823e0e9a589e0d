"""Decision letters read as a Korean public body's letter in Korean (수신, 제목, greeting, body in 하십시오체,
the link, 감사합니다, "<office> 드림", 연락처) and as a business letter in English (Dear …, Sincerely, the office
and its contact), for every outcome; the office that signs is the program's, recorded on the program."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.apps import apps
from django.urls import reverse

from bridgehead.programs import migrations, services
from bridgehead.programs.enums import Outcome
from bridgehead.programs.models import DecisionMessage, DecisionTemplate
from tests.factories import UserFactory, grant
from tests.letters import assert_english, assert_korean
from tests.programs.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

SITE = "https://bridgehead.example"


@pytest.fixture
def letters(world, call, settings):
    settings.SITE_URL = SITE
    program = world["our_program"]
    program.office_name_ko, program.office_name_en = "울산정보산업진흥원 운영 사무국", "Ulsan IT Industry Agency"
    program.office_email, program.office_phone = "office@uipa.example", "052-000-1234"
    program.save()
    organisation = world["startup"]
    organisation.name_ko, organisation.name_en = "고래에이아이", "Gorae AI"
    organisation.save()
    korean = world["users"]["startup"]
    korean.display_name, korean.language, korean.email = "이서연", "ko", "lee@gorae.example"
    korean.save()
    english = grant(
        UserFactory(username="ortiz", display_name="Daniel Ortiz", email="dan@gorae.example", language="en"),
        "startup_member",
        organisation=organisation,
    )
    application = ApplicationFactory(call=call, organisation=organisation, created_by=korean)
    return {"program": program, "application": application, "korean": korean, "english": english}


@pytest.mark.parametrize("outcome", [Outcome.ACCEPT, Outcome.WAITLIST, Outcome.REJECT])
def test_the_decision_letter_in_korean_and_english(world, letters, outcome):
    services.decide(application=letters["application"], outcome=outcome, note="", by=world["users"]["manager"])
    link = f"{SITE}/programs/applications/{letters['application'].pk}/"

    korean = DecisionMessage.objects.get(recipient=letters["korean"])
    lines = korean.body.splitlines()
    assert lines[0] == "수신: 고래에이아이 이서연 귀하"
    assert lines[1] == f"제목: {korean.subject}"
    assert "이서연 님, 안녕하십니까. 귀사의 무궁한 발전을 기원합니다." in lines
    assert link in lines
    assert lines[-2:] == ["울산정보산업진흥원 운영 사무국 드림", "연락처: 052-000-1234 · office@uipa.example"]
    body = {
        Outcome.ACCEPT: "선정되었음을 알려 드립니다.",
        Outcome.WAITLIST: "예비 선정 기업으로 지정되었음을 알려 드립니다.",
        Outcome.REJECT: "관심을 가져 주시기 바랍니다.",
    }[outcome]
    assert body in korean.body
    assert_korean(
        korean.subject,
        korean.body,
        greeting="이서연 님, 안녕하십니까.",
        sender="울산정보산업진흥원 운영 사무국",
        names=[],
        site=SITE,
    )

    english = DecisionMessage.objects.get(recipient=letters["english"])
    assert_english(
        english.subject,
        english.body,
        greeting="Dear Daniel Ortiz,",
        closing="Sincerely,",
        sender="Ulsan IT Industry Agency",
        site=SITE,
    )
    assert english.body.endswith(
        "Sincerely,\n\nUlsan IT Industry Agency\nPhone: 052-000-1234\nE-mail: office@uipa.example"
    )
    assert link in english.body.splitlines()


def test_the_note_is_a_paragraph_of_the_letter(world, letters):
    services.decide(
        application=letters["application"], outcome=Outcome.ACCEPT, note="협약식: 6월 3일", by=world["users"]["manager"]
    )
    korean = DecisionMessage.objects.get(recipient=letters["korean"])
    assert "\n\n사업 담당자 안내 사항:\n협약식: 6월 3일\n\n신청서와 결정 내용은" in korean.body


def test_without_an_office_the_program_signs_as_its_office_and_no_contact_line(world, letters):
    program = letters["program"]
    program.office_name_ko = program.office_name_en = program.office_email = program.office_phone = ""
    program.save()
    services.decide(application=letters["application"], outcome=Outcome.REJECT, note="", by=world["users"]["manager"])
    korean = DecisionMessage.objects.get(recipient=letters["korean"]).body
    english = DecisionMessage.objects.get(recipient=letters["english"]).body
    assert korean.endswith(f"감사합니다.\n\n{program.title_ko} 운영 사무국 드림")
    assert english.endswith(f"Sincerely,\n\n{program.title_en} Office")


def test_templates_still_holding_the_old_starting_texts_get_the_letter_bodies(world, letters):
    """The office migration: a body nobody edited loses its own greeting and signature (the letter adds them); an
    edited one stays as its manager wrote it."""
    # Found by its name, not its number: migrations are renumbered when branches meet.
    (name,) = [m.name for m in pkgutil.iter_modules(migrations.__path__) if m.name.endswith("_program_office")]
    migration = importlib.import_module(f"{migrations.__name__}.{name}")
    program = letters["program"]
    (old_en, new_en), (old_ko, new_ko) = migration.OLD_TO_NEW["accepted"]
    DecisionTemplate.objects.create(
        program=program, outcome="accepted", subject_ko="s", subject_en="s", body_ko=old_ko, body_en=old_en
    )
    DecisionTemplate.objects.create(
        program=program, outcome="rejected", subject_ko="s", subject_en="s", body_ko="직접 쓴 글", body_en="Mine"
    )

    migration.bodies_to_letter_form(apps, None)

    assert list(DecisionTemplate.objects.order_by("outcome").values_list("body_ko", "body_en")) == [
        (new_ko, new_en),
        ("직접 쓴 글", "Mine"),
    ]
    fresh = services.default_template_texts("accepted")  # what a new program starts with: the same texts
    assert (fresh["body_ko"], fresh["body_en"]) == (new_ko, new_en)


def test_the_manager_records_the_office_on_the_program_and_its_page_shows_it(world, login):
    url = reverse("program-edit", args=["our-program"])
    base = {"title_ko": "디지털 헬스케어 지원", "title_en": "Digital health support", "time_zone": "Asia/Seoul"}
    client = login(world["users"]["manager"])
    office = {"office_name_ko": "울산정보산업진흥원 운영 사무국", "office_name_en": "Ulsan IT Industry Agency"}

    response = client.post(url, {**base, **office, "office_email": "office@uipa.example", "office_phone": "call us"})
    assert list(response.context["form"].errors) == ["office_phone"]

    response = client.post(
        url, {**base, **office, "office_email": "office@uipa.example", "office_phone": "052-000-1234"}
    )
    assert response.status_code == 302
    program = world["our_program"]
    program.refresh_from_db()
    assert (program.office_name_ko, program.office_phone) == ("울산정보산업진흥원 운영 사무국", "052-000-1234")
    page = client.get(reverse("program-detail", args=["our-program"])).content.decode()
    assert 'data-office="' in page and "052-000-1234 · office@uipa.example" in page
