"""factory-boy factories for the domain models (real objects, no mocks — DESIGN §5)."""

from __future__ import annotations

import datetime as dt

import factory

from bridgehead.agreements.models import Agreement, Commitment, Signatory
from bridgehead.core.models import RoleAssignment, User
from bridgehead.programs.models import Program
from bridgehead.registry.memberships import record_member
from bridgehead.registry.models import Cluster, ClusterFact, Organisation, Person, Sector


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")
    language = "en"
    time_zone = "Asia/Seoul"

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


def grant(user: User, role: str, **scope) -> User:
    RoleAssignment.objects.create(user=user, role=role, **scope)
    return user


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"sector{n}")
    name_en = factory.LazyAttribute(lambda o: o.code.title())
    name_ko = factory.LazyAttribute(lambda o: f"분야 {o.code}")


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"cluster-{n}")
    name_en = factory.Sequence(lambda n: f"Cluster {n}")
    name_ko = factory.Sequence(lambda n: f"클러스터 {n}")
    country = "KR"
    city_en = "Ulsan"
    time_zone = "Asia/Seoul"


class ClusterFactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClusterFact

    cluster = factory.SubFactory(ClusterFactory)
    metric_en = "Bio companies"
    metric_ko = "바이오 기업 수"
    value = 1000
    unit = "companies"
    year = 2024
    source_name = "Press release"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"org-{n}")
    name_en = factory.Sequence(lambda n: f"Organisation {n}")
    name_ko = factory.Sequence(lambda n: f"기관 {n}")
    kind = "startup"
    country = "KR"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    name_en = factory.Sequence(lambda n: f"Person {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"person{n}@example.org")

    @factory.post_generation
    def membership(obj, create, extracted, **kwargs):
        """The organisation a person is created with is a verified (active) membership, as in real data."""
        if create and obj.organisation_id is not None:
            member(obj, obj.organisation)


def member(person: Person, organisation: Organisation, *, is_admin: bool = False) -> Person:
    """Make ``person`` an active member of ``organisation`` (with the member role when they have an account),
    the way an approved request ends up; tests that need a person to act for an organisation call this."""
    record_member(person, organisation, is_admin=is_admin)
    person.refresh_from_db()
    return person


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"agreement-{n}")
    title_en = factory.Sequence(lambda n: f"Agreement {n}")
    title_ko = factory.Sequence(lambda n: f"협약 {n}")
    signed_at = dt.datetime(2024, 1, 17, 18, 30, tzinfo=dt.UTC)
    time_zone = "America/Los_Angeles"
    place_en = "UC San Diego"
    place_ko = "UC 샌디에이고"


class SignatoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signatory

    agreement = factory.SubFactory(AgreementFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    agreement = factory.SubFactory(AgreementFactory)
    text_en = "Grow the bio industry"
    text_ko = "바이오산업 육성"


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ("slug",)

    agreement = factory.SubFactory(AgreementFactory)
    slug = factory.Sequence(lambda n: f"program-{n}")
    title_en = factory.Sequence(lambda n: f"Program {n}")
    title_ko = factory.Sequence(lambda n: f"프로그램 {n}")
