"""Directory, search across languages, pages and edits per role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bridgehead.registry.models import Organisation
from bridgehead.registry.search import query_terms
from tests.factories import ClusterFactory, OrganisationFactory, PersonFactory, SectorFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(world):
    ulsan = ClusterFactory(slug="ulsan", name_en="Ulsan", name_ko="울산")
    digital = SectorFactory(code="health.digital", name_en="Digital health")
    SectorFactory(code="health", name_en="Health care")
    thyroscope = OrganisationFactory(
        slug="thyroscope",
        name_en="Thyroscope",
        name_ko="타이로스코프",
        cluster=ulsan,
        stage="series-a",
        description_ko="갑상선 눈병증 진단 앱",
    )
    thyroscope.sectors.set([digital])
    OrganisationFactory(
        slug="pacific", name_en="Pacific Bridge Ventures", name_ko="퍼시픽브릿지벤처스", kind="investor"
    )
    return world


def names(response) -> list[str]:
    return [o.name_en for o in response.context["page"].object_list]


@pytest.mark.parametrize("query", ["타이로스코프", "Thyroscope", "thyro", "타이로스코프에서", "갑상선 진단하는"])
def test_search_finds_the_company_in_either_language(directory, login, query):
    response = login(directory["users"]["guest"]).get(reverse("organisation-list"), {"q": query})
    assert names(response) == ["Thyroscope"]


def test_query_terms_strip_korean_particles():
    assert query_terms("타이로스코프에서 진단하는") == ["타이로스코프", "진단"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"cluster": "ulsan"}, ["Thyroscope"]),
        ({"sector": "health"}, ["Thyroscope"]),  # a parent sector includes its children
        ({"kind": "investor"}, ["Pacific Bridge Ventures"]),
        ({"stage": "series-a"}, ["Thyroscope"]),
        ({"kind": "hospital"}, []),
    ],
)
def test_filters(directory, login, params, expected):
    response = login(directory["users"]["guest"]).get(reverse("organisation-list"), params)
    assert [n for n in names(response) if n in ("Thyroscope", "Pacific Bridge Ventures")] == expected


def test_htmx_request_gets_only_the_results_fragment(directory, login):
    response = login(directory["users"]["guest"]).get(
        reverse("organisation-list"), {"q": "Thyroscope"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "Thyroscope" in body


@pytest.mark.parametrize(
    ("role", "can_edit_startup"),
    [
        ("admin", True),
        ("manager", True),
        ("startup", True),
        ("investor", False),
        ("observer", False),
        ("reviewer", False),
        ("guest", False),
    ],
)
def test_organisation_edit_permissions(world, login, role, can_edit_startup):
    client = login(world["users"][role])
    url = reverse("organisation-edit", args=[world["startup"].slug])
    response = client.post(
        url, {"name_en": "Startup Co Renamed", "name_ko": "스타트업코", "kind": "startup", "country": "KR"}
    )
    world["startup"].refresh_from_db()
    if can_edit_startup:
        assert response.status_code == 302
        assert world["startup"].name_en == "Startup Co Renamed"
    else:
        assert response.status_code == 403
        assert world["startup"].name_en == "Startup Co"


def test_double_submission_of_the_create_form_creates_one_organisation(world, login):
    client = login(world["users"]["manager"])
    data = {"name_en": "Haeum Bio", "name_ko": "해움바이오", "kind": "startup", "country": "KR"}
    first = client.post(reverse("organisation-create"), data)
    second = client.post(reverse("organisation-create"), data)
    assert first.status_code == 302
    assert second.status_code == 200
    assert "An organisation with this name already exists." in second.content.decode()
    assert Organisation.objects.filter(name_en="Haeum Bio").count() == 1


def test_person_contact_shown_only_to_allowed_roles(world, login):
    person = PersonFactory(organisation=world["startup"], email="ceo@startup.example")
    world["our_program"].operators.add(world["startup"])  # the startup takes part in the manager's program
    other_manager = grant(UserFactory(username="their-manager"), "program_manager", program=world["their_program"])
    url = reverse("person-detail", args=[person.pk])
    assert "ceo@startup.example" in login(world["users"]["startup"]).get(url).content.decode()
    assert "ceo@startup.example" in login(world["users"]["manager"]).get(url).content.decode()
    assert "ceo@startup.example" not in login(world["users"]["investor"]).get(url).content.decode()
    # Issue 13 finding 11: a manager of another tenant's program does not see it.
    assert "ceo@startup.example" not in login(other_manager).get(url).content.decode()


def test_cluster_page_lists_facts_with_year_and_source(world, login):
    from tests.factories import ClusterFactFactory

    fact = ClusterFactFactory(
        source_name="City press release",
        source_url="https://example.org/press",
        year=2020,
        metric_en="Economic effect",
        value=27,
        unit="billion USD",
    )
    body = login(world["users"]["guest"]).get(reverse("cluster-detail", args=[fact.cluster.slug])).content.decode()
    assert "Economic effect" in body
    assert "2020" in body
    assert 'href="https://example.org/press"' in body


def test_import_and_export_refused_to_non_staff(world, login):
    client = login(world["users"]["startup"])
    assert client.get(reverse("import-upload", args=["organisations"])).status_code == 403
    assert client.get(reverse("export", args=["organisations", "xlsx"])).status_code == 403
