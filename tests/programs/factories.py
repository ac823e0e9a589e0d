"""Factories of the programs app (real objects; the shared ones live in tests/factories.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from bridgehead.programs.enums import ApplicationStatus, AssignmentSource, FieldKind
from bridgehead.programs.models import (
    Application,
    Call,
    CallReviewer,
    Cohort,
    CohortMember,
    Criterion,
    FormField,
    Mentorship,
    Relationship,
    ReviewAssignment,
)
from tests.factories import OrganisationFactory, ProgramFactory, UserFactory


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    program = factory.SubFactory(ProgramFactory)
    slug = factory.Sequence(lambda n: f"call-{n}")
    title_en = factory.Sequence(lambda n: f"Call {n}")
    title_ko = factory.Sequence(lambda n: f"공모 {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    is_published = True
    reviews_per_application = 2
    max_reviews_per_reviewer = 10


class FormFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormField

    call = factory.SubFactory(CallFactory)
    key = factory.Sequence(lambda n: f"q{n}")
    kind = FieldKind.LONG_TEXT
    label_en = factory.LazyAttribute(lambda o: f"Question {o.key}")
    label_ko = factory.LazyAttribute(lambda o: f"질문 {o.key}")
    required = True


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    call = factory.SubFactory(CallFactory)
    name_en = factory.Sequence(lambda n: f"Criterion {n}")
    name_ko = factory.Sequence(lambda n: f"기준 {n}")
    weight = Decimal("1")
    scale_min = 1
    scale_max = 5


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    organisation = factory.SubFactory(OrganisationFactory, kind="startup")
    created_by = factory.SubFactory(UserFactory)
    status = ApplicationStatus.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    answers = factory.LazyFunction(dict)


class CallReviewerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallReviewer

    call = factory.SubFactory(CallFactory)
    user = factory.SubFactory(UserFactory)
    expertise = "digital health"


class ReviewAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewAssignment

    application = factory.SubFactory(ApplicationFactory)
    reviewer = factory.SubFactory(UserFactory)
    source = AssignmentSource.MANUAL


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relationship

    source = factory.SubFactory(OrganisationFactory, kind="investor")
    target = factory.SubFactory(OrganisationFactory, kind="startup")
    kind = "investment"


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    program = factory.SubFactory(ProgramFactory)
    year = 2024
    name_en = "Cohort 2024"
    name_ko = "2024 선정 기업"


class CohortMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CohortMember

    cohort = factory.SubFactory(CohortFactory)
    organisation = factory.SubFactory(OrganisationFactory, kind="startup")


class MentorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentorship

    member = factory.SubFactory(CohortMemberFactory)
    mentor = factory.SubFactory(UserFactory)
    source = AssignmentSource.MANUAL
