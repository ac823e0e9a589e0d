"""Privacy rights in programs (Issue 13, finding 14): erasing a reviewer used to mean deleting the user, which
silently deleted their reviews; erasing a startup user failed on its protected applications. Erasure now
anonymises: reviews, rankings, decisions and applications stay, attributed to a former user."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bridgehead.core import privacy
from bridgehead.programs import services
from bridgehead.programs.enums import ApplicationStatus, MessageStatus, Outcome, ReviewStatus
from bridgehead.programs.models import Application, ApplicationFile, DecisionMessage, Review, ReviewAssignment
from bridgehead.programs.scoring import ranking
from tests.factories import OrganisationFactory, UserFactory, grant
from tests.programs.conftest import PDF
from tests.programs.factories import ApplicationFactory, CallFactory, ReviewAssignmentFactory

pytestmark = pytest.mark.django_db


def _review(assignment, values: list[int], comment: str = "") -> Review:
    criteria = list(assignment.application.call.criteria.order_by("order"))
    return services.save_review(
        assignment=assignment,
        scores={c.pk: (v, "") for c, v in zip(criteria, values, strict=True)},
        comment=comment,
        submit=True,
        by=assignment.reviewer,
    )


def _ranking(call) -> list[tuple[int, float | None, float | None, int]]:
    return [(row.application.pk, row.raw, row.normalised, row.reviews) for row in ranking(call)[1]]


def _audit_text() -> str:
    return json.dumps(
        [
            [e.object_repr, e.changes, e.changes_text, e.serialized_data, e.additional_data, e.actor_email]
            for e in LogEntry.objects.all()
        ],
        ensure_ascii=False,
    )


def test_erasing_a_reviewer_keeps_their_reviews_and_the_decided_ranking(world, call):
    reviewer = world["users"]["reviewer"]
    reviewer.first_name, reviewer.last_name = "Minseo", "Reviewerkim"
    reviewer.save()
    colleague = grant(UserFactory(username="colleague"), "reviewer", program=world["our_program"])
    first = ApplicationFactory(call=call, organisation=OrganisationFactory(kind="startup", name_en="Alpha"))
    second = ApplicationFactory(call=call, organisation=OrganisationFactory(kind="startup", name_en="Beta"))
    for application, mine, theirs in ((first, [5, 9], [4, 8]), (second, [2, 3], [3, 4])):
        _review(ReviewAssignmentFactory(application=application, reviewer=reviewer), mine, "Minseo thinks so")
        _review(ReviewAssignmentFactory(application=application, reviewer=colleague), theirs)
    unstarted = ReviewAssignmentFactory(application=ApplicationFactory(call=call), reviewer=reviewer)
    services.decide(application=first, outcome=Outcome.ACCEPT, note="", by=world["users"]["manager"])
    before = _ranking(call)

    steps = privacy.erase_person(subject=privacy.resolve("reviewer"), by=world["users"]["admin"])

    assert Review.objects.filter(assignment__reviewer=reviewer, status=ReviewStatus.SUBMITTED).count() == 2
    # The unstarted assignment is gone (one fewer "assigned"); every score, rank and normalisation stays.
    assert [row[:3] for row in _ranking(call)] == [row[:3] for row in before]
    assert Application.objects.get(pk=first.pk).status == ApplicationStatus.ACCEPTED
    assert not ReviewAssignment.objects.filter(pk=unstarted.pk).exists()
    reviewer.refresh_from_db()
    assert (reviewer.is_active, reviewer.email, reviewer.username) == (False, "", f"erased-{reviewer.pk}")
    assert str(Review.objects.filter(assignment__reviewer=reviewer).first().assignment.reviewer) == "Former user"
    assert "reviewer@example.org" not in _audit_text()
    assert "Reviewerkim" not in _audit_text()
    assert any(step.what == "submitted reviews kept, shown as by a former user" and step.count == 2 for step in steps)


def test_erasing_a_startup_user_keeps_the_application_anonymised(world, login, call):
    startup = world["users"]["startup"]
    client = login(startup)
    application = services.start_application(call=call, organisation=world["startup"], by=startup)
    deck = SimpleUploadedFile("deck.pdf", PDF, content_type="application/pdf")
    client.post(
        reverse("application-edit", args=[application.pk]),
        {"summary": "Contact startup@example.org for the deck", "track": "dx", "deck": deck, "submit": "1"},
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    services.decide(application=application, outcome=Outcome.ACCEPT, note="", by=world["users"]["manager"])
    services.send_messages(program=call.program, message_ids=None, by=world["users"]["manager"])

    privacy.erase_person(subject=privacy.resolve("startup@example.org"), by=world["users"]["admin"])

    application.refresh_from_db()
    assert application.created_by_id == startup.pk
    assert application.status == ApplicationStatus.ACCEPTED
    assert application.answers["summary"] == "Contact [erased] for the deck"
    stored = ApplicationFile.objects.get(application=application)
    assert stored.file.storage.exists(stored.file.name)
    sent = DecisionMessage.objects.get(recipient=startup)
    assert (sent.status, sent.to) == (MessageStatus.SENT, "")
    assert "startup@example.org" not in _audit_text()


def test_export_holds_their_applications_reviews_and_files_and_nobody_elses(world, login, call):
    startup = world["users"]["startup"]
    application = services.start_application(call=call, organisation=world["startup"], by=startup)
    login(startup).post(
        reverse("application-edit", args=[application.pk]),
        {"summary": "Our thyroid app", "track": "dx", "deck": SimpleUploadedFile("deck.pdf", PDF)},
    )
    other_call = CallFactory(program=world["their_program"], slug="their-call")
    other = ApplicationFactory(
        call=other_call, created_by=UserFactory(username="rival"), answers={"summary": "Rival secret plan"}
    )

    archive = privacy.export_person(subject=privacy.resolve("startup"), by=startup)

    with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
        names = zipped.namelist()
        data = json.loads(zipped.read("data/programs.json"))
        everything = b"".join(zipped.read(name) for name in names)
    assert [a["id"] for a in data["applications"]] == [application.pk]
    assert data["applications"][0]["answers"]["summary"] == "Our thyroid app"
    [upload] = data["application_files"]
    assert upload["archive_path"] in names
    assert PDF in everything
    assert b"Rival secret plan" not in everything
    assert other.pk not in [a["id"] for a in data["applications"]]
    assert b"rival" not in everything
