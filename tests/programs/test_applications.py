"""Startups draft, save, upload, submit, edit and withdraw applications; the server enforces every rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import reverse
from django.utils import timezone

from bridgehead.core.errors import Refused
from bridgehead.programs import services
from bridgehead.programs.enums import ApplicationStatus, HistoryAction
from bridgehead.programs.models import Application, ApplicationFile
from tests.factories import OrganisationFactory, SectorFactory, UserFactory, grant
from tests.programs.conftest import PDF
from tests.programs.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def _start(world, call, client):
    response = client.post(reverse("call-apply", args=[call.pk]), {"organisation": world["startup"].pk})
    return Application.objects.get(call=call, organisation=world["startup"]), response


def _close(response) -> None:
    """Close a file response (its open file) without the request_finished signal closing the test's
    database connection, as the test client itself does while it handles a request."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def _answers(**extra):
    return {"summary": "AI 기반 갑상선 질환 진단", "employees": "12", "track": "dx", **extra}


def test_startup_drafts_uploads_and_submits(world, login, call):
    SectorFactory(code="health.ai")
    client = login(world["users"]["startup"])
    application, response = _start(world, call, client)
    assert response.status_code == 302
    assert response["Location"] == reverse("application-edit", args=[application.pk])

    deck = SimpleUploadedFile("deck.pdf", PDF, content_type="application/octet-stream")
    response = client.post(
        reverse("application-edit", args=[application.pk]),
        {**_answers(sectors=["health.ai"]), "deck": deck, "submit": "1"},
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.answers == {
        "summary": "AI 기반 갑상선 질환 진단",
        "employees": "12",
        "track": "dx",
        "sectors": ["health.ai"],
    }
    stored = ApplicationFile.objects.get(application=application)
    assert (stored.original_name, stored.content_type, stored.size) == ("deck.pdf", "application/pdf", len(PDF))
    assert "deck" not in stored.file.name and stored.file.name.startswith(f"applications/{call.pk}/")
    assert [e.action for e in application.history.all()] == [
        HistoryAction.CREATED,
        HistoryAction.FILE_ADDED,
        HistoryAction.SAVED,
        HistoryAction.SUBMITTED,
    ]


def test_required_answers_missing_refuses_submission(world, login, call):
    client = login(world["users"]["startup"])
    application, _response = _start(world, call, client)

    response = client.post(
        reverse("application-edit", args=[application.pk]), {"summary": "", "track": "dx", "submit": "1"}, follow=True
    )

    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    page = response.content.decode()
    assert 'data-refusal-code="programs.application.incomplete"' in page and "Summary, Pitch deck" in page


def test_late_submission_is_refused_with_the_deadline_in_the_applicants_zone(world, call):
    startup = world["users"]["startup"]
    startup.time_zone = "America/Los_Angeles"
    startup.save()
    application = ApplicationFactory(
        call=call, organisation=world["startup"], created_by=startup, status=ApplicationStatus.DRAFT, answers=_answers()
    )
    call.closes_at = dt.datetime(2024, 3, 1, 7, 59, tzinfo=dt.UTC)  # 1 March 16:59 in Seoul, 29 Feb in LA
    call.opens_at = dt.datetime(2024, 2, 1, tzinfo=dt.UTC)
    call.save()

    with pytest.raises(Refused) as refused:
        services.submit_application(application=application, by=startup)

    assert (refused.value.code, refused.value.status) == ("programs.application.closed", 409)
    assert refused.value.params == {"deadline": "Feb. 29, 2024, 11:59 p.m. (America/Los_Angeles)"}
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_late_submission_through_the_page_is_refused(world, login, call):
    client = login(world["users"]["startup"])
    application, _response = _start(world, call, client)
    Application.objects.filter(pk=application.pk).update(answers=_answers())
    call.closes_at = timezone.now() - dt.timedelta(minutes=1)
    call.save()

    response = client.post(
        reverse("application-edit", args=[application.pk]), {**_answers(), "submit": "1"}, follow=True
    )

    assert 'data-refusal-code="programs.application.closed"' in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_double_submission_is_refused(world, call):
    startup = world["users"]["startup"]
    application = ApplicationFactory(
        call=call, organisation=world["startup"], created_by=startup, status=ApplicationStatus.SUBMITTED
    )

    with pytest.raises(Refused) as refused:
        services.submit_application(application=application, by=startup)

    assert refused.value.code == "programs.application.already_submitted"


def test_submitted_application_can_be_edited_until_the_deadline_and_withdrawn(world, call):
    startup = world["users"]["startup"]
    application = ApplicationFactory(call=call, organisation=world["startup"], created_by=startup, answers=_answers())

    services.save_application(application=application, answers={"summary": "수정된 요약"}, uploads={}, by=startup)
    services.withdraw_application(application=application, by=startup)

    application.refresh_from_db()
    assert application.answers["summary"] == "수정된 요약"
    assert application.status == ApplicationStatus.WITHDRAWN
    assert [e.action for e in application.history.all()] == [HistoryAction.EDITED, HistoryAction.WITHDRAWN]
    with pytest.raises(Refused) as refused:
        services.save_application(application=application, answers={"summary": "again"}, uploads={}, by=startup)
    assert refused.value.code == "programs.application.not_editable"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("deck.pdf", PDF + b"x" * 2000, "The file is too large (2.0\xa0KB); the limit is 2.0\xa0KB."),
        ("deck.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "This file type is not accepted here. Accepted: PDF."),
        ("deck.pdf", EXE, "This file is a program, not a document; it cannot be uploaded."),
        ("deck.pdf", b"just some text pretending to be a PDF", "This file type is not accepted here. Accepted: PDF."),
    ],
)
def test_bad_uploads_are_refused(world, login, call, name, content, message):
    client = login(world["users"]["startup"])
    application, _response = _start(world, call, client)

    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(reverse("application-edit", args=[application.pk]), {**_answers(), "deck": upload})

    assert response.status_code == 200
    assert response.context["form"].errors == {"deck": [message]}
    assert ApplicationFile.objects.count() == 0


def test_files_are_served_only_to_people_allowed(world, login, call):
    client = login(world["users"]["startup"])
    application, _response = _start(world, call, client)
    client.post(
        reverse("application-edit", args=[application.pk]), {**_answers(), "deck": SimpleUploadedFile("deck.pdf", PDF)}
    )
    url = reverse("application-file", args=[application.pk, "deck"])

    mine = client.get(url)
    other_startup = grant(
        UserFactory(username="other"),
        "startup_member",
        organisation=OrganisationFactory(slug="other-co", kind="startup"),
    )
    content = b"".join(mine.streaming_content)
    _close(mine)
    statuses = {}
    for name, user in [
        ("other", other_startup),
        ("reviewer", world["users"]["reviewer"]),
        ("guest", world["users"]["guest"]),
        ("manager", world["users"]["manager"]),
    ]:
        response = login(user).get(url)
        statuses[name] = response.status_code
        _close(response)

    assert mine.status_code == 200
    assert content == PDF
    assert mine["Content-Type"] == "application/pdf"
    assert mine["X-Content-Type-Options"] == "nosniff"
    assert statuses == {"other": 404, "reviewer": 404, "guest": 404, "manager": 200}


def test_startup_cannot_read_or_edit_another_startups_application(world, login, call):
    theirs = ApplicationFactory(call=call)
    client = login(world["users"]["startup"])

    assert client.get(reverse("application-detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("application-edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("application-withdraw", args=[theirs.pk])).status_code == 404


def test_startup_cannot_apply_for_an_organisation_it_is_not_a_member_of(world, login, call):
    client = login(world["users"]["startup"])
    stranger = OrganisationFactory(slug="stranger", kind="startup")

    response = client.post(reverse("call-apply", args=[call.pk]), {"organisation": stranger.pk})

    assert response.status_code == 403
    assert 'data-refusal-code="permission.programs.apply_for"' in response.content.decode()
    assert Application.objects.count() == 0


def test_unpublished_call_is_hidden_from_startups(world, login, call):
    call.is_published = False
    call.save()

    assert login(world["users"]["startup"]).get(reverse("call-detail", args=[call.pk])).status_code == 404
    assert login(world["users"]["manager"]).get(reverse("call-detail", args=[call.pk])).status_code == 200


def test_call_page_shows_the_deadline_in_program_and_viewer_zones(world, login, call):
    call.closes_at = dt.datetime(2030, 5, 31, 9, 0, tzinfo=dt.UTC)
    call.save()
    user = world["users"]["startup"]
    user.time_zone = "America/Los_Angeles"
    user.save()

    html = login(user).get(reverse("call-detail", args=[call.pk])).content.decode()

    assert "31 May 2030, 18:00 (Seoul, program time)" in html
    assert "Los Angeles time: 31 May 2030, 02:00" in html
