"""Decisions: recorded at once, told to the applicant only when a manager sends them from the program's outbox
(as pretalx does) — bilingual e-mails from editable templates, in-app notices; accepted startups form the cohort."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from bridgehead.core.errors import Refused
from bridgehead.core.models import Notification
from bridgehead.programs import services
from bridgehead.programs.enums import ApplicationStatus, HistoryAction, MemberStatus, MessageStatus, Outcome
from bridgehead.programs.models import CohortMember, Decision, DecisionMessage, DecisionTemplate
from tests.factories import UserFactory, grant
from tests.programs.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

SITE = "https://bridgehead.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def application(world, call):
    applicant = world["users"]["startup"]
    applicant.language = "ko"
    applicant.email = "lee@startup.example"
    applicant.save()
    colleague = grant(
        UserFactory(username="colleague", email="kim@startup.example", language="en"),
        "startup_member",
        organisation=world["startup"],
    )
    assert colleague.language == "en"
    return ApplicationFactory(call=call, organisation=world["startup"], created_by=applicant)


def _decide(client, application, outcome, note=""):
    return client.post(
        reverse("application-decide", args=[application.pk]), {"outcome": outcome, "note": note, "confirmed": "1"}
    )


def test_deciding_queues_the_emails_and_sends_nothing(world, login, application, django_capture_on_commit_callbacks):
    client = login(world["users"]["manager"])

    with django_capture_on_commit_callbacks(execute=True):
        response = _decide(client, application, "accepted", "Kick-off on 3 June.")

    assert response.status_code == 302
    assert mail.outbox == []
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    member = CohortMember.objects.get()
    assert (member.organisation, member.cohort.call) == (world["startup"], application.call)
    queued = {m.to: m for m in DecisionMessage.objects.filter(status=MessageStatus.QUEUED)}
    assert sorted(queued) == ["kim@startup.example", "lee@startup.example"]
    korean, english = queued["lee@startup.example"], queued["kim@startup.example"]
    program = world["our_program"]
    link = f"{SITE}/programs/applications/{application.pk}/"
    assert (korean.language, korean.subject) == ("ko", f"{program.title_ko}: 스타트업코 선정 안내")
    assert korean.body.startswith(
        f"수신: 스타트업코 대표님\n제목: {program.title_ko}: 스타트업코 선정 안내\n\n안녕하십니까."
    )
    assert "귀사(스타트업코)가 「국제 지원 2024」 지원 대상 기업으로 선정되었음을 알려 드립니다." in korean.body
    assert "사업 담당자 안내 사항:\nKick-off on 3 June." in korean.body
    assert f"신청서와 결정 내용은 아래 주소에서 확인하실 수 있습니다.\n{link}\n\n감사합니다." in korean.body
    assert korean.body.endswith(f"{program.title_ko} 운영 사무국 드림")  # no office recorded: the program's
    assert (english.language, english.subject) == ("en", f"{program.title_en}: Startup Co is selected")
    assert english.body.startswith(
        "Dear Sir or Madam,\n\nWe are pleased to inform you that Startup Co has been selected for Global support 2024."
    )
    assert english.body.endswith(f"{link}\n\nSincerely,\n\n{program.title_en} Office")
    decision = Decision.objects.get()
    assert (decision.notified_at, decision.sent_outcome) == (None, "")


def test_sending_all_emails_each_recipient_and_releases_the_decision(
    world, login, application, django_capture_on_commit_callbacks
):
    client = login(world["users"]["manager"])
    _decide(client, application, "accepted", "Kick-off on 3 June.")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("program-outbox", args=["our-program"]), {"action": "send_all"})

    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["kim@startup.example", "lee@startup.example"]
    korean = next(m for m in mail.outbox if m.to == ["lee@startup.example"])
    assert korean.subject == f"{world['our_program'].title_ko}: 스타트업코 선정 안내"
    assert set(DecisionMessage.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    decision = Decision.objects.get()
    assert (decision.sent_outcome, decision.sent_note) == ("accepted", "Kick-off on 3 June.")
    assert decision.notified_at is not None
    assert application.history.filter(action=HistoryAction.NOTIFIED).count() == 1
    assert sorted(Notification.objects.values_list("user__username", "kind", "text", "url")) == [
        (
            "colleague",
            "decision",
            "Startup Co is selected for Global support 2024.",
            f"/programs/applications/{application.pk}/",
        ),
        (
            "startup",
            "decision",
            "스타트업코이(가) 국제 지원 2024에 선정되었습니다.",
            f"/programs/applications/{application.pk}/",
        ),
    ]


def test_nobody_is_notified_in_app_before_the_outbox_is_sent(world, application):
    services.decide(application=application, outcome=Outcome.WAITLIST, note="", by=world["users"]["manager"])
    assert Notification.objects.count() == 0


def test_emails_leave_only_after_commit(world, application, django_capture_on_commit_callbacks):
    manager = world["users"]["manager"]
    services.decide(application=application, outcome=Outcome.REJECT, note="", by=manager)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sent = services.send_messages(program=world["our_program"], message_ids=None, by=manager)

    assert sent == 2
    assert mail.outbox == []
    assert len(callbacks) == 2


def test_applicant_learns_the_decision_only_when_it_is_sent(
    world, login, application, django_capture_on_commit_callbacks
):
    manager, startup = world["users"]["manager"], world["users"]["startup"]
    services.decide(application=application, outcome=Outcome.ACCEPT, note="Welcome", by=manager)
    client = login(startup)
    page = reverse("application-detail", args=[application.pk])

    before = client.get(page).content.decode()
    api_before = client.get(f"/api/programs/applications/{application.pk}").json()
    assert 'data-testid="decision"' not in before
    assert '<strong data-testid="application-status">제출 완료</strong>' in before
    assert "결정 기록" not in before  # the "decision recorded" history line stays with the managers
    assert (api_before["status"], api_before["decision"]) == ("submitted", None)
    edit = client.get(reverse("application-edit", args=[application.pk])).content.decode()
    assert '<strong data-testid="application-status">제출 완료</strong>' in edit
    listing = client.get(reverse("my-work")).content.decode()
    assert '<td data-testid="my-application-status">제출 완료</td>' in listing

    with django_capture_on_commit_callbacks(execute=True):
        services.send_messages(program=world["our_program"], message_ids=None, by=manager)

    after = client.get(page).content.decode()
    api_after = client.get(f"/api/programs/applications/{application.pk}").json()
    assert "결정: 선정" in after and "Welcome" in after
    assert (api_after["status"], api_after["decision"]) == ("accepted", "accepted")


def test_changing_a_decision_before_sending_replaces_the_waiting_emails(world, application):
    manager = world["users"]["manager"]
    services.decide(application=application, outcome=Outcome.ACCEPT, note="", by=manager)
    first = set(DecisionMessage.objects.values_list("pk", flat=True))

    services.decide(application=application, outcome=Outcome.WAITLIST, note="", by=manager)

    queued = DecisionMessage.objects.filter(status=MessageStatus.QUEUED)
    assert set(queued.values_list("outcome", flat=True)) == {"waitlisted"}
    assert queued.count() == 2
    assert not DecisionMessage.objects.filter(pk__in=first).exists()
    assert not CohortMember.objects.filter(status=MemberStatus.ACTIVE).exists()


def test_changing_back_to_what_was_sent_queues_nothing(world, application, django_capture_on_commit_callbacks):
    manager = world["users"]["manager"]
    services.decide(application=application, outcome=Outcome.ACCEPT, note="", by=manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_messages(program=world["our_program"], message_ids=None, by=manager)

    services.decide(application=application, outcome=Outcome.REJECT, note="", by=manager)
    assert DecisionMessage.objects.filter(status=MessageStatus.QUEUED).count() == 2
    services.decide(application=application, outcome=Outcome.ACCEPT, note="", by=manager)

    assert DecisionMessage.objects.filter(status=MessageStatus.QUEUED).count() == 0
    assert Decision.objects.get().is_pending is False


def test_redeciding_the_same_keeps_an_edited_waiting_email(world, application):
    manager = world["users"]["manager"]
    services.decide(application=application, outcome=Outcome.ACCEPT, note="", by=manager)
    message = DecisionMessage.objects.get(to="kim@startup.example")
    services.edit_message(message=message, subject="Welcome aboard", body="See you in June.", by=manager)

    services.decide(application=application, outcome=Outcome.ACCEPT, note="", by=manager)

    message.refresh_from_db()
    assert (message.status, message.subject, message.body) == (
        MessageStatus.QUEUED,
        "Welcome aboard",
        "See you in June.",
    )


def test_manager_edits_then_sends_one_email_alone(world, login, application, django_capture_on_commit_callbacks):
    client = login(world["users"]["manager"])
    _decide(client, application, "rejected")
    english = DecisionMessage.objects.get(to="kim@startup.example")
    korean = DecisionMessage.objects.get(to="lee@startup.example")

    page = client.get(reverse("outbox-message", args=[english.pk])).content.decode()
    assert "Thank you for applying to Global support 2024." in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("outbox-message", args=[english.pk]),
            {"action": "send", "subject": "Your application", "body": "Dear colleague,\n\nNot this time."},
        )

    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [
        (["kim@startup.example"], "Your application", "Dear colleague,\n\nNot this time.")
    ]
    english.refresh_from_db()
    korean.refresh_from_db()
    assert (english.status, english.edited_by) == (MessageStatus.SENT, world["users"]["manager"])
    assert korean.status == MessageStatus.QUEUED


def test_send_selected_and_discard(world, login, call, application, django_capture_on_commit_callbacks):
    client = login(world["users"]["manager"])
    _decide(client, application, "waitlisted")
    other = ApplicationFactory(call=call, created_by=UserFactory(username="solo", email="solo@other.example"))
    _decide(client, other, "rejected")
    solo = DecisionMessage.objects.get(to="solo@other.example")
    english = DecisionMessage.objects.get(to="kim@startup.example")
    url = reverse("program-outbox", args=["our-program"])

    html = client.get(url).content.decode()
    assert html.count('data-testid="queued-message"') == 3
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "send_selected", "message": [solo.pk]})
    client.post(url, {"action": "discard_selected", "message": [english.pk]})

    assert [m.to for m in mail.outbox] == [["solo@other.example"]]
    assert dict(DecisionMessage.objects.values_list("to", "status")) == {
        "solo@other.example": "sent",
        "kim@startup.example": "discarded",
        "lee@startup.example": "queued",
    }
    assert client.post(url, {"action": "send_selected"}).status_code == 302
    assert len(mail.outbox) == 1  # nothing selected, nothing sent


def test_outbox_is_for_this_programs_managers_only(world, login, call, application, django_capture_on_commit_callbacks):
    manager = world["users"]["manager"]
    services.decide(application=application, outcome=Outcome.ACCEPT, note="", by=manager)
    message = DecisionMessage.objects.first()
    their_manager = grant(UserFactory(username="their-manager"), "program_manager", program=world["their_program"])
    outbox_url = reverse("program-outbox", args=["our-program"])
    message_url = reverse("outbox-message", args=[message.pk])

    # The outbox page of a program the user can see answers 403; of one they cannot see, 404. A waiting
    # e-mail is only ever seen by managers: 404 to everyone else.
    users = {"their_manager": their_manager, **{n: world["users"][n] for n in ("observer", "reviewer", "startup")}}
    page_status = {"their_manager": 404, "observer": 403, "reviewer": 403, "startup": 404}
    for name, user in users.items():
        client = login(user)
        assert client.get(outbox_url).status_code == page_status[name]
        assert client.get(message_url).status_code == 404
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(outbox_url, {"action": "send_all"}).status_code == page_status[name]
            assert client.post(message_url, {"action": "send", "subject": "x", "body": "y"}).status_code == 404
    # Their manager's own outbox does not reach our messages either.
    with django_capture_on_commit_callbacks(execute=True):
        login(their_manager).post(
            reverse("program-outbox", args=["their-program"]), {"action": "send_selected", "message": [message.pk]}
        )
        assert services.send_messages(program=world["their_program"], message_ids=[message.pk], by=their_manager) == 0
    for refused_action in (
        lambda: services.send_messages(program=world["our_program"], message_ids=None, by=their_manager),
        lambda: services.edit_message(message=message, subject="x", body="y", by=their_manager),
    ):
        with pytest.raises(Refused) as refused:
            refused_action()
        assert refused.value.code == "permission.programs.manage_outbox"

    assert mail.outbox == []
    assert set(DecisionMessage.objects.values_list("status", flat=True)) == {MessageStatus.QUEUED}
    assert login(manager).get(outbox_url).status_code == 200


def test_edited_template_is_used_and_only_known_placeholders_are_replaced(world, login, application):
    client = login(world["users"]["manager"])
    url = reverse("decision-templates", args=[world["our_program"].slug, "rejected"])
    client.post(
        url,
        {
            "subject_ko": "{startup} 결과",
            "body_ko": "{name}님, {startup} {secret.__class__} 미선정",
            "subject_en": "{startup} result",
            "body_en": "Sorry {name}",
        },
    )

    services.decide(application=application, outcome=Outcome.REJECT, note="", by=world["users"]["manager"])

    korean = DecisionMessage.objects.get(to="lee@startup.example")
    assert (korean.subject, korean.body) == (
        "스타트업코 결과",
        "수신: 스타트업코 대표님\n제목: 스타트업코 결과\n\n안녕하십니까. 귀사의 무궁한 발전을 기원합니다.\n\n"
        f"startup님, 스타트업코 {{secret.__class__}} 미선정\n\n신청서와 결정 내용은 아래 주소에서 확인하실 수 "
        f"있습니다.\n{SITE}/programs/applications/{application.pk}/\n\n감사합니다.\n\n"
        f"{world['our_program'].title_ko} 운영 사무국 드림",
    )
    assert DecisionTemplate.objects.get(outcome="rejected").subject_en == "{startup} result"
    assert CohortMember.objects.count() == 0


def test_changing_an_acceptance_to_waitlist_leaves_the_cohort(world, application):
    manager = world["users"]["manager"]
    services.decide(application=application, outcome=Outcome.ACCEPT, note="", by=manager)
    services.decide(application=application, outcome=Outcome.WAITLIST, note="", by=manager)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.WAITLISTED
    member = CohortMember.objects.get()  # ended, not deleted (issue 13, finding 4)
    assert (member.status, member.application_id) == (MemberStatus.WITHDRAWN, application.pk)


def test_drafts_cannot_be_decided(world, call):
    draft = ApplicationFactory(call=call, status=ApplicationStatus.DRAFT)
    with pytest.raises(Refused) as refused:
        services.decide(application=draft, outcome=Outcome.ACCEPT, note="", by=world["users"]["manager"])
    assert refused.value.code == "programs.decision.not_submitted"


def test_others_cannot_decide(world, login, application):
    for name in ("startup", "reviewer", "observer"):
        response = _decide(login(world["users"][name]), application, "rejected")
        assert response.status_code in (403, 404)
    assert Decision.objects.count() == 0


def test_an_unsent_acceptance_does_not_open_the_cohort_to_the_startup(
    world, login, application, django_capture_on_commit_callbacks
):
    manager = world["users"]["manager"]
    services.decide(application=application, outcome=Outcome.ACCEPT, note="", by=manager)
    cohort = CohortMember.objects.get().cohort
    client = login(world["users"]["startup"])

    assert client.get(reverse("cohort-detail", args=[cohort.pk])).status_code == 404
    assert client.get("/api/programs/cohorts").json()["items"] == []
    assert login(world["users"]["observer"]).get(reverse("cohort-detail", args=[cohort.pk])).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        services.send_messages(program=world["our_program"], message_ids=None, by=manager)

    client = login(world["users"]["startup"])
    assert client.get(reverse("cohort-detail", args=[cohort.pk])).status_code == 200
    assert [c["members"] for c in client.get("/api/programs/cohorts").json()["items"]] == [
        [{"organisation": "startup-co", "name_ko": "스타트업코", "name_en": "Startup Co", "status": "active"}]
    ]


def test_a_recipient_without_an_address_gets_the_in_app_notice_only(world, call, django_capture_on_commit_callbacks):
    applicant = UserFactory(username="no-mail", email="", language="en")
    application = ApplicationFactory(call=call, created_by=applicant)
    manager = world["users"]["manager"]
    services.decide(application=application, outcome=Outcome.ACCEPT, note="", by=manager)

    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_messages(program=world["our_program"], message_ids=None, by=manager)

    assert sent == 1
    assert mail.outbox == []
    assert list(Notification.objects.values_list("user__username", "kind")) == [("no-mail", "decision")]
    assert Decision.objects.get().sent_outcome == Outcome.ACCEPT
