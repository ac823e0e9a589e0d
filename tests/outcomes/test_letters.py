"""Outcome e-mails greet the reader by name and close with the program's office in the reader's language
(issue 17): the reminder to report and the confirmation, in Korean and in English."""

from __future__ import annotations

import pytest

from bridgehead.outcomes import notify
from tests.letters import assert_english, assert_korean
from tests.outcomes.factories import OutcomeFactory

pytestmark = pytest.mark.django_db

SITE = "https://bridgehead.example"


@pytest.fixture
def readers(world, settings):
    settings.SITE_URL = SITE
    program = world["our_program"]
    program.office_name_ko, program.office_name_en = "UNIST 산학협력단 운영 사무국", "UNIST Programs Office"
    program.office_email, program.office_phone = "office@unist.example", "052-000-1234"
    program.save()
    korean, english = world["users"]["startup"], world["users"]["investor"]
    korean.display_name, korean.language = "이서연", "ko"
    korean.save()
    english.display_name = "Daniel Ortiz"
    english.save()
    return {"program": program, "korean": korean, "english": english}


def _both(readers, template, context, path):
    context = {**context, "link": f"{SITE}{path}"}
    return (
        notify.render_for(readers["korean"], template, context),
        notify.render_for(readers["english"], template, context),
    )


def test_the_reminder_to_report_outcomes(readers):
    program = readers["program"]
    (ko_subject, ko_body), (en_subject, en_body) = _both(
        readers, "outcomes/email/reminder.txt", {"program": program}, f"/outcomes/report/?program={program.pk}"
    )
    assert ko_body.startswith("이서연 님, 안녕하십니까.\n\n")
    assert "갱신해 주십시오." in ko_body
    assert ko_body.rstrip().endswith("UNIST 산학협력단 운영 사무국 드림\n연락처: 052-000-1234 · office@unist.example")
    assert_korean(
        ko_subject, ko_body, greeting="이서연 님,", sender="UNIST 산학협력단 운영 사무국", names=["UNIST"], site=SITE
    )
    assert en_body.rstrip().endswith(
        "Kind regards,\nUNIST Programs Office\nContact: 052-000-1234 · office@unist.example"
    )
    assert_english(
        en_subject,
        en_body,
        greeting="Dear Daniel Ortiz,",
        closing="Kind regards,",
        sender="UNIST Programs Office",
        site=SITE,
    )


def test_the_confirmation_of_an_outcome(world, readers):
    outcome = OutcomeFactory(
        program=readers["program"], organisation=world["startup"], title_ko="시드 투자", title_en="Seed round"
    )
    (ko_subject, ko_body), (en_subject, en_body) = _both(
        readers,
        "outcomes/email/confirmed.txt",
        {"outcome": outcome, "by": readers["english"]},
        f"/outcomes/{outcome.pk}/",
    )
    assert ko_subject == "[성과] “시드 투자” 확인 완료"
    assert_korean(
        ko_subject,
        ko_body,
        greeting="이서연 님,",
        sender="UNIST 산학협력단 운영 사무국",
        names=["UNIST", "Daniel Ortiz"],
        site=SITE,
    )
    assert_english(
        en_subject,
        en_body,
        greeting="Dear Daniel Ortiz,",
        closing="Kind regards,",
        sender="UNIST Programs Office",
        site=SITE,
    )


def test_the_report_of_an_outcome_to_confirm(world, readers):
    outcome = OutcomeFactory(
        program=readers["program"], organisation=world["startup"], title_ko="실증", title_en="Pilot"
    )
    (ko_subject, ko_body), (en_subject, en_body) = _both(
        readers, "outcomes/email/reported.txt", {"outcome": outcome}, f"/outcomes/{outcome.pk}/"
    )
    assert "사업 담당자" in ko_body  # the role, in Korean
    assert_korean(
        ko_subject, ko_body, greeting="이서연 님,", sender="UNIST 산학협력단 운영 사무국", names=["UNIST"], site=SITE
    )
    assert_english(
        en_subject,
        en_body,
        greeting="Dear Daniel Ortiz,",
        closing="Kind regards,",
        sender="UNIST Programs Office",
        site=SITE,
    )


def test_a_reader_without_a_name_is_greeted_without_one(readers):
    reader = readers["english"]
    reader.display_name = reader.first_name = reader.last_name = ""
    reader.save()
    program = readers["program"]
    _subject, body = notify.render_for(reader, "outcomes/email/reminder.txt", {"program": program, "link": SITE + "/"})
    assert body.startswith("Hello,\n\n")  # not "Dear investor," (the login name)
