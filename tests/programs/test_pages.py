"""Every programs page, per role: who gets it, who gets 403 (a page of something they can see) and who gets 404
(another program's data stays invisible)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.programs.factories import (
    ApplicationFactory,
    CallFactory,
    CohortFactory,
    CohortMemberFactory,
    MentorshipFactory,
    ReviewAssignmentFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("admin", "manager", "observer", "reviewer", "mentor", "startup", "investor", "guest")


def statuses(world, login, url, method="get"):
    return {name: getattr(login(world["users"][name]), method)(url).status_code for name in ROLES}


def test_manager_pages_of_our_call(world, login, call):
    # The published call is visible to everyone signed in, so its manager pages answer 403, not 404.
    for name in ("call-form", "call-rubric", "call-ranking", "call-edit"):
        assert statuses(world, login, reverse(name, args=[call.pk])) == {
            "admin": 200,
            "manager": 200,
            "observer": 403,
            "reviewer": 403,
            "mentor": 403,
            "startup": 403,
            "investor": 403,
            "guest": 403,
        }, name
    # The program is visible to its observers, reviewers and mentors (403); to the others it does not exist.
    assert statuses(world, login, reverse("decision-templates", args=["our-program", "accepted"])) == {
        "admin": 200,
        "manager": 200,
        "observer": 403,
        "reviewer": 403,
        "mentor": 403,
        "startup": 404,
        "investor": 404,
        "guest": 404,
    }


def test_another_programs_call_is_invisible_to_our_manager_until_published(world, login):
    theirs = CallFactory(program=world["their_program"], is_published=False)
    assert login(world["users"]["manager"]).get(reverse("call-detail", args=[theirs.pk])).status_code == 404
    assert login(world["users"]["manager"]).get(reverse("call-ranking", args=[theirs.pk])).status_code == 404
    assert login(world["users"]["manager"]).get(reverse("call-create", args=["their-program"])).status_code == 404


def test_published_call_is_readable_by_every_signed_in_user(world, login, call, client):
    assert set(statuses(world, login, reverse("call-detail", args=[call.pk])).values()) == {200}
    client.logout()
    assert client.get(reverse("call-detail", args=[call.pk])).status_code == 302  # to the login page


def test_application_page_per_role(world, login, call):
    application = ApplicationFactory(call=call, organisation=world["startup"])
    ReviewAssignmentFactory(application=application, reviewer=world["users"]["reviewer"])
    assert statuses(world, login, reverse("application-detail", args=[application.pk])) == {
        "admin": 200,
        "manager": 200,
        "observer": 404,
        "reviewer": 200,
        "mentor": 404,
        "startup": 200,
        "investor": 404,
        "guest": 404,
    }


def test_cohort_and_mentorship_pages_per_role(world, login):
    cohort = CohortFactory(program=world["our_program"])
    member = CohortMemberFactory(cohort=cohort, organisation=world["startup"])
    mentorship = MentorshipFactory(member=member, mentor=world["users"]["mentor"])
    assert statuses(world, login, reverse("cohort-detail", args=[cohort.pk])) == {
        "admin": 200,
        "manager": 200,
        "observer": 200,
        "reviewer": 200,
        "mentor": 200,
        "startup": 200,
        "investor": 404,
        "guest": 404,
    }
    assert statuses(world, login, reverse("mentorship-detail", args=[mentorship.pk])) == {
        "admin": 200,
        "manager": 200,
        "observer": 404,
        "reviewer": 404,
        "mentor": 200,
        "startup": 200,
        "investor": 404,
        "guest": 404,
    }


def test_manager_creates_a_call_in_the_programs_time_zone(world, login):
    client = login(world["users"]["manager"])
    response = client.post(
        reverse("call-create", args=["our-program"]),
        {
            "slug": "spring",
            "title_ko": "봄 공모",
            "title_en": "Spring call",
            "opens_at": "2030-03-02T09:00",
            "closes_at": "2030-03-31T18:00",
            "is_published": "on",
            "reviews_per_application": 3,
            "max_reviews_per_reviewer": 10,
            "disagreement_threshold": "25",
        },
    )

    assert response.status_code == 302
    call = world["our_program"].calls.get(slug="spring")
    assert call.closes_at.isoformat() == "2030-03-31T09:00:00+00:00"  # 18:00 in Seoul


def test_call_closing_before_it_opens_is_refused(world, login):
    response = login(world["users"]["manager"]).post(
        reverse("call-create", args=["our-program"]),
        {
            "slug": "bad",
            "title_en": "Bad",
            "opens_at": "2030-03-02T09:00",
            "closes_at": "2030-03-01T09:00",
            "reviews_per_application": 3,
            "max_reviews_per_reviewer": 10,
            "disagreement_threshold": "25",
        },
    )
    assert response.context["form"].errors == {"closes_at": ["The call must close after it opens."]}


def test_manager_builds_the_form_and_rubric(world, login, call):
    client = login(world["users"]["manager"])
    client.post(
        reverse("call-form", args=[call.pk]),
        {
            "key": "stage",
            "kind": "choice",
            "label_ko": "단계",
            "label_en": "Stage",
            "required": "on",
            "order": 9,
            "choices_text": "seed | 시드 | Seed\nseries-a | 시리즈 A | Series A",
            "max_bytes": 1000,
        },
    )
    client.post(
        reverse("call-rubric", args=[call.pk]),
        {"name_ko": "확장성", "name_en": "Scalability", "weight": "1.5", "scale_min": 1, "scale_max": 7, "order": 3},
    )

    field = call.fields.get(key="stage")
    assert field.choices == [
        {"value": "seed", "ko": "시드", "en": "Seed"},
        {"value": "series-a", "ko": "시리즈 A", "en": "Series A"},
    ]
    assert call.criteria.get(name_en="Scalability").scale_max == 7


def test_program_page_lists_calls_cohorts_and_managers(world, login, call):
    CohortFactory(program=world["our_program"], name_en="Cohort 2024")
    html = login(world["users"]["observer"]).get(reverse("program-detail", args=["our-program"])).content.decode()
    assert "Global support 2024" in html and "Cohort 2024" in html and "manager" in html


def test_running_assignment_status_fragment_polls_until_done(world, login, call):
    from bridgehead.programs.models import AssignmentRun

    run = AssignmentRun.objects.create(call=call, requested_by=world["users"]["manager"])
    html = login(world["users"]["manager"]).get(reverse("call-run-status", args=[call.pk, run.pk])).content.decode()
    assert f'hx-get="/programs/calls/{call.pk}/assignment/runs/{run.pk}/"' in html
    assert 'data-status="queued"' in html


def test_manager_edits_the_program_and_others_cannot(world, login):
    url = reverse("program-edit", args=["our-program"])
    response = login(world["users"]["manager"]).post(
        url,
        {
            "title_ko": "디지털 헬스케어 지원",
            "title_en": "Digital health support",
            "description_ko": "설명",
            "description_en": "About",
            "starts_on": "2023-01-01",
            "ends_on": "2022-12-31",
            "time_zone": "Asia/Seoul",
        },
    )
    assert response.context["form"].errors == {"ends_on": ["The program must end after it starts."]}

    response = login(world["users"]["manager"]).post(
        url,
        {
            "title_ko": "디지털 헬스케어 지원",
            "title_en": "Digital health support",
            "starts_on": "2023-01-01",
            "time_zone": "America/Los_Angeles",
        },
    )

    assert response.status_code == 302
    world["our_program"].refresh_from_db()
    assert (world["our_program"].title_en, world["our_program"].time_zone) == (
        "Digital health support",
        "America/Los_Angeles",
    )
    # Observers and reviewers see the program (403 on its edit page); the startup does not (404).
    assert {name: login(world["users"][name]).get(url).status_code for name in ("observer", "reviewer", "startup")} == {
        "observer": 403,
        "reviewer": 403,
        "startup": 404,
    }


def test_manager_records_the_press_contact_the_outcome_brief_prints(world, login):
    url = reverse("program-edit", args=["our-program"])
    base = {"title_ko": "디지털 헬스케어 지원", "title_en": "Digital health support", "time_zone": "Asia/Seoul"}
    press = {
        "press_office_ko": "울산광역시 바이오산업과",
        "press_office_en": "Bio-industry Division, Ulsan Metropolitan City",
        "press_contact_ko": "김민지 주무관",
        "press_contact_en": "Minji Kim, Program Officer",
        "press_email": "press@example.org",
    }
    bad = login(world["users"]["manager"]).post(url, {**base, **press, "press_phone": "call me; 052"})
    assert bad.status_code == 200
    assert bad.context["form"].errors["press_phone"][0].startswith("Enter a phone number of digits")
    response = login(world["users"]["manager"]).post(url, {**base, **press, "press_phone": "+82-52-229-3461"})
    assert response.status_code == 302
    world["our_program"].refresh_from_db()
    assert (world["our_program"].press_office_ko, world["our_program"].press_phone) == (
        "울산광역시 바이오산업과",
        "+82-52-229-3461",
    )
