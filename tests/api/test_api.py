"""REST API: token and session auth, the same permissions as the pages, and errors as JSON with field paths."""

from __future__ import annotations

import json

import pytest

from bridgehead.core.models import ApiToken
from bridgehead.registry.models import Organisation
from tests.factories import ClusterFactory, SectorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bearer(world):
    def _bearer(role: str) -> dict[str, str]:
        _token, raw = ApiToken.issue(user=world["users"][role], name="test")
        return {"Authorization": f"Bearer {raw}"}

    return _bearer


def post(client, url, payload, headers, method="post"):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return getattr(client, method)(url, body, content_type="application/json", headers=headers)


NEW_ORG = {
    "name_en": "Haeum Bio",
    "name_ko": "해움바이오",
    "kind": "startup",
    "country": "KR",
    "sectors": ["health.digital"],
    "cluster": "ulsan",
    "markets_sought": ["US"],
}


@pytest.fixture
def taxonomy(db):
    SectorFactory(code="health.digital")
    ClusterFactory(slug="ulsan")


def test_anonymous_is_refused(client, world):
    assert client.get("/api/organisations").status_code == 401
    assert client.get("/api/agreements").status_code == 401


def test_invalid_token_is_refused(client, world):
    assert client.get("/api/organisations", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_list_and_search_organisations_with_a_token(client, world, bearer):
    response = client.get("/api/organisations", {"q": "스타트업코"}, headers=bearer("guest"))
    assert response.status_code == 200
    assert [item["slug"] for item in response.json()["items"]] == ["startup-co"]


def test_create_organisation_as_program_manager(client, world, bearer, taxonomy):
    response = post(client, "/api/organisations", NEW_ORG, bearer("manager"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name_ko"], body["sectors"], body["cluster"], body["markets_sought"]) == (
        "해움바이오",
        ["health.digital"],
        "ulsan",
        ["US"],
    )


@pytest.mark.parametrize("role", ["startup", "investor", "observer", "reviewer", "mentor", "guest"])
def test_create_organisation_refused_for_other_roles(client, world, bearer, taxonomy, role):
    response = post(client, "/api/organisations", NEW_ORG, bearer(role))
    assert response.status_code == 403
    assert response.json()["code"] == "permission.registry.add_organisation"
    assert not Organisation.objects.filter(name_en="Haeum Bio").exists()


def test_startup_member_may_update_its_own_organisation_only(client, world, bearer):
    ok = post(client, "/api/organisations/startup-co", {"city": "Ulsan"}, bearer("startup"), method="patch")
    refused = post(client, "/api/organisations/investor-co", {"city": "Ulsan"}, bearer("startup"), method="patch")
    assert (ok.status_code, ok.json()["city"]) == (200, "Ulsan")
    assert (refused.status_code, refused.json()["code"]) == (403, "permission.registry.change_organisation")


def test_malformed_json(client, world, bearer):
    response = post(client, "/api/organisations", '{"name_en": "x",', bearer("manager"))
    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body"}


def test_wrong_types_and_too_long_strings_name_the_field(client, world, bearer):
    response = post(
        client,
        "/api/organisations",
        {"name_en": "x" * 201, "kind": 42, "country": "KR", "sectors": "not-a-list"},
        bearer("manager"),
    )
    assert response.status_code == 422
    locations = {tuple(error["loc"]) for error in response.json()["detail"]}
    assert {("body", "payload", "name_en"), ("body", "payload", "kind"), ("body", "payload", "sectors")} <= locations


def test_domain_validation_errors_name_the_field(client, world, bearer, taxonomy):
    payload = {**NEW_ORG, "sectors": ["health.quantum"], "name_en": "Startup Co", "name_ko": ""}
    response = post(client, "/api/organisations", payload, bearer("manager"))
    assert response.status_code == 422
    detail = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
    assert detail[("body", "payload", "name_en")] == "An organisation with this name already exists."
    assert ("body", "payload", "sectors") in detail


def test_unknown_ids_are_404(client, world, bearer):
    headers = bearer("admin")
    assert client.get("/api/organisations/no-such-org", headers=headers).status_code == 404
    assert client.get("/api/people/999999", headers=headers).status_code == 404
    assert client.get("/api/agreements/no-such-agreement", headers=headers).json() == {
        "code": "not_found",
        "detail": "Not found.",
        "field": None,
    }


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("admin", ["ours", "theirs"]),
        ("manager", ["ours"]),
        ("observer", ["ours"]),
        ("startup", []),
        ("guest", []),
    ],
)
def test_agreements_visible_per_role(client, world, bearer, role, visible):
    headers = bearer(role)
    assert sorted(a["slug"] for a in client.get("/api/agreements", headers=headers).json()["items"]) == visible
    assert client.get("/api/agreements/theirs", headers=headers).status_code == (200 if "theirs" in visible else 404)


def test_agreement_detail_lists_signatories(client, world, bearer):
    body = client.get("/api/agreements/ours", headers=bearer("observer")).json()
    assert [s["organisation"] for s in body["signatories"]] == ["city"]
    assert body["signed_at"] == "2024-01-17T18:30:00Z"


def test_create_agreement_admin_only_with_validation(client, world, bearer):
    payload = {
        "slug": "new",
        "title_en": "New",
        "signed_at": "2024-05-01T09:00:00+09:00",
        "time_zone": "Asia/Seoul",
        "signatories": ["city", "ghost-org"],
    }
    refused = post(client, "/api/agreements", payload, bearer("manager"))
    assert (refused.status_code, refused.json()["code"]) == (403, "permission.agreements.add_agreement")
    response = post(client, "/api/agreements", payload, bearer("admin"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "signatories"]
    payload["signatories"] = ["city"]
    created = post(client, "/api/agreements", payload, bearer("admin"))
    assert created.status_code == 201
    assert created.json()["signed_at"] == "2024-05-01T00:00:00Z"


def test_session_auth_requires_csrf_for_writes(world, taxonomy):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"]["manager"])
    assert client.get("/api/organisations").status_code == 200
    response = client.post("/api/organisations", json.dumps(NEW_ORG), content_type="application/json")
    assert response.status_code == 403


def test_person_email_hidden_from_other_organisations(client, world, bearer):
    from tests.factories import PersonFactory

    person = PersonFactory(organisation=world["startup"], email="ceo@startup.example")
    assert client.get(f"/api/people/{person.pk}", headers=bearer("startup")).json()["email"] == "ceo@startup.example"
    assert client.get(f"/api/people/{person.pk}", headers=bearer("investor")).json()["email"] is None


def test_openapi_schema_is_served(client, world):
    client.force_login(world["users"]["guest"])
    schema = client.get("/api/openapi.json").json()
    assert "/api/organisations" in schema["paths"]
    assert client.get("/api/docs").status_code == 200
