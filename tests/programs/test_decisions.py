"""Decisions with bilingual e-mails from editable templates; accepted startups form the cohort."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from bridgehead.programs import services
from bridgehead.programs.enums import ApplicationStatus, Outcome
from bridgehead.programs.models import CohortMember, Decision, DecisionTemplate
from tests.factories import UserFactory, grant
from tests.programs.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(world, call):
    applicant = world["users"]["startup"]
    applicant.language = "ko"
    applicant.email = "lee@startup.example"
    applicant.save()
    colleague = grant(UserFactory(username="colleague", email="kim@startup.example", language="en"),
                      "startup_member", organisation=world["startup"])
    assert colleague.language == "en"
    return ApplicationFactory(call=call, organisation=world["startup"], created_by=applicant)


def test_acceptance_emails_each_member_in_their_language_and_builds_the_cohort(
        world, login, application, django_capture_on_commit_callbacks):
    client = login(world["users"]["manager"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("application-decide", args=[application.pk]),
                               {"outcome": "accepted", "note": "Kick-off on 3 June."})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    member = CohortMember.objects.get()
    assert (member.organisation, member.cohort.call, member.cohort.year) == (world["startup"], application.call,
                                                                           member.cohort.call.closes_at.year)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_recipient) == ["kim@startup.example", "lee@startup.example"]
    korean, english = by_recipient["lee@startup.example"], by_recipient["kim@startup.example"]
    program = world["our_program"]
    assert korean.subject == f"{program.title_ko}: 스타트업코 선정 안내"
    assert "축하드립니다. 스타트업코이(가) 국제 지원 2024에 최종 선정되었습니다." in korean.body
    assert "프로그램 안내 사항:\nKick-off on 3 June." in korean.body
    assert english.subject == f"{program.title_en}: Startup Co is selected"
    assert english.body.startswith("Dear colleague,\n\nCongratulations: Startup Co has been selected for "
                                   "Global support 2024.")
    assert Decision.objects.get().notified_at is not None


def test_edited_template_is_used_and_only_known_placeholders_are_replaced(world, login, application,
                                                                          django_capture_on_commit_callbacks):
    client = login(world["users"]["manager"])
    url = reverse("decision-templates", args=[world["our_program"].slug, "rejected"])
    client.post(url, {"subject_ko": "{startup} 결과", "body_ko": "{name}님, {startup} {secret.__class__} 미선정",
                      "subject_en": "{startup} result", "body_en": "Sorry {name}"})

    with django_capture_on_commit_callbacks(execute=True):
        services.decide(application=application, outcome=Outcome.REJECT, note="", by=world["users"]["manager"])

    korean = next(m for m in mail.outbox if m.to == ["lee@startup.example"])
    assert (korean.subject, korean.body) == ("스타트업코 결과", "startup님, 스타트업코 {secret.__class__} 미선정")
    assert DecisionTemplate.objects.get(outcome="rejected").subject_en == "{startup} result"
    assert CohortMember.objects.count() == 0


def test_changing_an_acceptance_to_waitlist_leaves_the_cohort(world, application):
    manager = world["users"]["manager"]
    services.decide(application=application, outcome=Outcome.ACCEPT, note="", by=manager)
    services.decide(application=application, outcome=Outcome.WAITLIST, note="", by=manager)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.WAITLISTED
    assert CohortMember.objects.count() == 0


def test_drafts_cannot_be_decided(world, call):
    draft = ApplicationFactory(call=call, status=ApplicationStatus.DRAFT)
    with pytest.raises(services.ProgramsError):
        services.decide(application=draft, outcome=Outcome.ACCEPT, note="", by=world["users"]["manager"])


def test_startup_sees_the_decision_others_cannot_decide(world, login, application):
    services.decide(application=application, outcome=Outcome.ACCEPT, note="", by=world["users"]["manager"])

    page = login(world["users"]["startup"]).get(reverse("application-detail", args=[application.pk]))

    assert "결정: 선정" in page.content.decode()
    for name in ("startup", "reviewer", "observer"):
        response = login(world["users"][name]).post(reverse("application-decide", args=[application.pk]),
                                                    {"outcome": "rejected"})
        assert response.status_code in (403, 404)
    assert Decision.objects.get().outcome == Outcome.ACCEPT
