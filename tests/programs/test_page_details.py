"""Smaller page fixes of issue 11 (item 12 and the programs part of 11): the reviewer reads the application beside
the rubric, the call page lists its applications for managers, review fields have distinct labels, every control
is labelled, sectors show by name and dates in one format."""

from __future__ import annotations

import re
import zoneinfo
from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from bridgehead.core import formatting
from bridgehead.programs import services
from bridgehead.programs.enums import ApplicationStatus, Outcome, ReviewStatus
from bridgehead.programs.models import ApplicationFile, DecisionMessage, Review
from tests.factories import OrganisationFactory, SectorFactory
from tests.programs.conftest import PDF
from tests.programs.factories import ApplicationFactory, CallReviewerFactory, ReviewAssignmentFactory

pytestmark = pytest.mark.django_db


class _Controls(HTMLParser):
    """Form controls of a page and whether each has an accessible label."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str]] = []
        self.label_for: set[str] = set()
        self.open_labels = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        attrs = {k: v or "" for k, v in attrs}
        if tag == "label":
            self.open_labels += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit", "button"):
            self.controls.append({**attrs, "_tag": tag, "_wrapped": "1" if self.open_labels else ""})

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.open_labels -= 1


def unlabelled_controls(html: str) -> list[str]:
    parser = _Controls()
    parser.feed(html)
    return [
        f"{c['_tag']} name={c.get('name')}"
        for c in parser.controls
        if not (
            c["_wrapped"]
            or c.get("aria-label")
            or c.get("aria-labelledby")
            or (c.get("id") and c["id"] in parser.label_for)
        )
    ]


@pytest.fixture
def reviewed(world, call):
    """A submitted application with answers, a file and one of two reviews done."""
    sector = SectorFactory(code="health.ai", name_en="AI in health", name_ko="헬스케어 AI")
    application = ApplicationFactory(
        call=call,
        organisation=world["startup"],
        answers={"summary": "AI reads chest X-rays.", "track": "dx", "sectors": [sector.code], "employees": "12"},
    )
    stored = ApplicationFile(
        application=application,
        field_key="deck",
        original_name="deck.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        uploaded_by=world["users"]["startup"],
    )
    stored.file.save("upload", ContentFile(PDF), save=False)
    stored.save()
    CallReviewerFactory(call=call, user=world["users"]["reviewer"])
    ReviewAssignmentFactory(application=application, reviewer=world["users"]["reviewer"])
    other = ReviewAssignmentFactory(application=application)
    Review.objects.create(assignment=other, status=ReviewStatus.SUBMITTED, weighted=70.0, submitted_at=timezone.now())
    return application


def test_reviewer_reads_the_application_beside_the_rubric(world, login, reviewed):
    html = login(world["users"]["reviewer"]).get(reverse("application-review", args=[reviewed.pk])).content.decode()

    application_part = html[html.index('data-testid="review-application"') : html.index('data-testid="review-form"')]
    assert "AI reads chest X-rays." in application_part
    assert "Diagnostics" in application_part and "AI in health" in application_part
    assert f'href="/programs/applications/{reviewed.pk}/files/deck/"' in application_part
    assert 'name="score_' in html[html.index('data-testid="review-form"') :]


def test_review_comment_fields_name_their_criterion(world, login, reviewed):
    html = login(world["users"]["reviewer"]).get(reverse("application-review", args=[reviewed.pk])).content.decode()

    labels = re.findall(r'<label for="id_comment_\d+">([^<]*)</label>', html)
    assert labels == ["Comment on Team:", "Comment on Market:"]
    assert "Overall comment:" in html


def test_sectors_show_by_name_never_by_code(world, login, reviewed):
    for name in ("manager", "startup"):
        html = login(world["users"][name]).get(reverse("application-detail", args=[reviewed.pk])).content.decode()
        assert "AI in health" in html and "health.ai" not in html, name
    form = login(world["users"]["startup"]).get(reverse("application-edit", args=[reviewed.pk])).content.decode()
    assert '<option value="health.ai" selected>AI in health</option>' in form


def test_call_page_lists_its_applications_for_managers(world, login, call, reviewed):
    ApplicationFactory(
        call=call,
        organisation=OrganisationFactory(kind="startup", name_en="Drafty"),
        status=ApplicationStatus.DRAFT,
        submitted_at=None,
    )
    late = ApplicationFactory(call=call, organisation=OrganisationFactory(kind="startup", name_en="Rejecta"))
    services.decide(application=late, outcome=Outcome.REJECT, note="", by=world["users"]["manager"])

    html = login(world["users"]["manager"]).get(reverse("call-detail", args=[call.pk])).content.decode()

    counts = html[html.index('data-testid="status-counts"') : html.index('data-testid="call-applications"')]
    assert re.findall(r'<span class="chip">([^<]*)</span>', counts) == [
        "Draft: 1",
        "Submitted: 1",
        "Withdrawn: 0",
        "Accepted: 0",
        "Waitlisted: 0",
        "Rejected: 1",
    ]
    table = html[html.index('data-testid="call-applications"') :]
    assert [
        re.sub(r"<[^>]+>", "", row) for row in re.findall(r"<tr><td><a [^>]*>[^<]*</a></td><td>[^<]*</td>", table)
    ] == ["DraftyDraft", "RejectaRejected", "Startup CoSubmitted"]
    assert "1 / 2" in table  # one of two reviews done
    seoul = zoneinfo.ZoneInfo(world["users"]["manager"].time_zone)
    submitted = formatting.day_time(reviewed.submitted_at, str(seoul), "en")
    assert submitted in table


def test_call_page_application_list_is_for_managers_only(world, login, call, reviewed):
    for name in ("startup", "reviewer", "observer", "investor"):
        html = login(world["users"][name]).get(reverse("call-detail", args=[call.pk])).content.decode()
        assert 'data-testid="call-applications"' not in html, name


def test_every_control_on_programs_pages_is_labelled(world, login, call, reviewed):
    manager, reviewer, startup = world["users"]["manager"], world["users"]["reviewer"], world["users"]["startup"]
    services.decide(application=reviewed, outcome=Outcome.ACCEPT, note="", by=manager, despite_incomplete=True)
    message = DecisionMessage.objects.get(recipient=startup)
    pages = {
        manager: [
            reverse("call-detail", args=[call.pk]),
            reverse("call-ranking", args=[call.pk]),
            reverse("call-assignment", args=[call.pk]),
            reverse("application-detail", args=[reviewed.pk]),
            reverse("program-outbox", args=["our-program"]),
            reverse("outbox-message", args=[message.pk]),
            reverse("application-decide", args=[reviewed.pk]) + "?outcome=rejected",
            reverse("call-form", args=[call.pk]),
            reverse("call-rubric", args=[call.pk]),
        ],
        reviewer: [reverse("application-review", args=[reviewed.pk]), reverse("my-work")],
        startup: [reverse("call-detail", args=[call.pk]), reverse("application-detail", args=[reviewed.pk])],
    }
    for user, urls in pages.items():
        for url in urls:
            response = login(user).get(url)
            assert response.status_code == 200, url
            assert unlabelled_controls(response.content.decode()) == [], url


def test_every_control_on_the_other_programs_pages_is_labelled(world, login, call, reviewed):
    from tests.programs.factories import CohortFactory, CohortMemberFactory, MentorshipFactory

    cohort = CohortFactory(program=world["our_program"])
    mentorship = MentorshipFactory(
        member=CohortMemberFactory(cohort=cohort, organisation=world["startup"]), mentor=world["users"]["mentor"]
    )
    draft = ApplicationFactory(
        call=call, organisation=OrganisationFactory(kind="startup"), status=ApplicationStatus.DRAFT, submitted_at=None
    )
    grant_startup = world["users"]["startup"]
    pages = {
        world["users"]["manager"]: [
            reverse("program-list"),
            reverse("program-detail", args=["our-program"]),
            reverse("program-edit", args=["our-program"]),
            reverse("call-edit", args=[call.pk]),
            reverse("cohort-detail", args=[cohort.pk]),
            reverse("decision-templates", args=["our-program", "rejected"]),
            reverse("mentorship-detail", args=[mentorship.pk]),
        ],
        grant_startup: [reverse("application-edit", args=[reviewed.pk]), reverse("my-work")],
    }
    for user, urls in pages.items():
        for url in urls:
            response = login(user).get(url)
            assert response.status_code == 200, url
            assert unlabelled_controls(response.content.decode()) == [], url
    assert draft.status == ApplicationStatus.DRAFT


def test_edit_links_name_their_object(world, login, call):
    client = login(world["users"]["manager"])
    rubric = client.get(reverse("call-rubric", args=[call.pk])).content.decode()
    form = client.get(reverse("call-form", args=[call.pk])).content.decode()
    assert 'aria-label="Edit criterion Team"' in rubric and 'aria-label="Edit criterion Market"' in rubric
    assert 'aria-label="Edit question Summary"' in form and 'aria-label="Edit question Pitch deck"' in form


def test_label_check_finds_an_unlabelled_select():
    assert unlabelled_controls(
        '<form><select name="outcome"></select><label>Note <input name="n"></label>'
        '<label for="x">X</label><input id="x" name="x"></form>'
    ) == ["select name=outcome"]


def test_dates_on_programs_pages_use_the_one_date_format(world, login, call, reviewed):
    manager = world["users"]["manager"]
    services.decide(application=reviewed, outcome=Outcome.ACCEPT, note="", by=manager, despite_incomplete=True)
    iso = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b")
    for url in (
        reverse("call-detail", args=[call.pk]),
        reverse("application-detail", args=[reviewed.pk]),
        reverse("program-outbox", args=["our-program"]),
        reverse("program-detail", args=["our-program"]),
    ):
        html = login(manager).get(url).content.decode()
        assert iso.findall(re.sub(r'(href|action|value|hx-get)="[^"]*"', "", html)) == [], url
