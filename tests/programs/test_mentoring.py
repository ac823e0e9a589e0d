"""Mentors are matched to cohort startups with the assignment engine; sessions are logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from bridgehead.programs import assignment as assigning
from bridgehead.programs.models import MentoringSession, Mentorship
from tests.factories import OrganisationFactory, PersonFactory, UserFactory, grant
from tests.programs.factories import CohortFactory, CohortMemberFactory, MentorshipFactory, RelationshipFactory

pytestmark = pytest.mark.django_db


def test_mentors_are_matched_by_expertise_without_conflicts(world):
    cohort = CohortFactory(program=world["our_program"])
    eye = CohortMemberFactory(
        cohort=cohort, organisation=OrganisationFactory(slug="eye", description_en="thyroid eye disease imaging app")
    )
    ship = CohortMemberFactory(
        cohort=cohort, organisation=OrganisationFactory(slug="ship", description_en="robotic welding for shipyards")
    )
    mentors = []
    for name, bio in (("m-eye", "thyroid eye disease imaging"), ("m-ship", "robotic welding shipyards")):
        user = grant(UserFactory(username=name), "mentor", program=world["our_program"])
        PersonFactory(user=user, bio_en=bio, organisation=None)
        mentors.append(user)

    made = assigning.match_mentors(
        cohort=cohort, mentors=mentors, per_startup=1, max_mentees=1, by=world["users"]["manager"]
    )

    assert made == 2
    assert set(Mentorship.objects.values_list("member__organisation__slug", "mentor__username")) == {
        ("eye", "m-eye"),
        ("ship", "m-ship"),
    }
    assert eye.mentorships.count() == ship.mentorships.count() == 1


def test_manager_matches_through_the_cohort_page(world, login):
    cohort = CohortFactory(program=world["our_program"])
    CohortMemberFactory(cohort=cohort)

    response = login(world["users"]["manager"]).post(
        reverse("cohort-detail", args=[cohort.pk]), {"mentors_per_startup": 1, "max_mentees": 2}, follow=True
    )

    assert "1 mentor pairs created." in response.content.decode()
    assert Mentorship.objects.get().mentor == world["users"]["mentor"]


def test_mentor_logs_a_session_and_others_cannot(world, login):
    mentorship = MentorshipFactory(member__cohort__program=world["our_program"], mentor=world["users"]["mentor"])
    url = reverse("mentorship-detail", args=[mentorship.pk])

    response = login(world["users"]["mentor"]).post(
        url,
        {"held_on": "2024-06-03", "topic": "FDA 510(k) pathway", "notes": "Predicate devices", "next_steps": "Draft"},
    )

    assert response.status_code == 302
    session = MentoringSession.objects.get()
    assert (session.held_on, session.topic, session.next_steps, session.logged_by) == (
        dt.date(2024, 6, 3),
        "FDA 510(k) pathway",
        "Draft",
        world["users"]["mentor"],
    )
    assert login(world["users"]["reviewer"]).get(url).status_code == 404
    assert login(world["users"]["startup"]).post(url, {"held_on": "2024-06-04", "topic": "x"}).status_code == 404


def test_cohort_page_visibility(world, login):
    cohort = CohortFactory(program=world["their_program"])
    url = reverse("cohort-detail", args=[cohort.pk])
    assert login(world["users"]["manager"]).get(url).status_code == 404
    assert login(world["users"]["admin"]).get(url).status_code == 200


def test_a_mentor_from_an_investor_in_the_startup_is_not_matched(world):
    cohort = CohortFactory(program=world["our_program"])
    startup = OrganisationFactory(slug="funded", description_en="thyroid imaging")
    CohortMemberFactory(cohort=cohort, organisation=startup)
    fund = OrganisationFactory(slug="fund", kind="investor")
    conflicted = grant(UserFactory(username="m-fund"), "mentor", program=world["our_program"])
    PersonFactory(user=conflicted, organisation=fund, bio_en="thyroid imaging")
    RelationshipFactory(source=fund, target=startup)
    other = grant(UserFactory(username="m-other"), "mentor", program=world["our_program"])

    assigning.match_mentors(
        cohort=cohort, mentors=[conflicted, other], per_startup=1, max_mentees=1, by=world["users"]["manager"]
    )

    assert list(Mentorship.objects.values_list("mentor__username", flat=True)) == ["m-other"]
