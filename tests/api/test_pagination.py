"""Every API list is paginated (issue 13, finding 8: ``/api/outcomes/`` answered 20,001 rows, 9.4 MB, and
``limit=1000000`` was accepted)."""

from __future__ import annotations

import json

import pytest

from bridgehead.api.schemas import PAGE_DEFAULT, PAGE_MAX
from bridgehead.api.urls import api
from bridgehead.core.models import ApiToken
from tests.factories import SectorFactory

pytestmark = pytest.mark.django_db


def _openapi() -> dict:
    return json.loads(json.dumps(api.get_openapi_schema()))  # as served: status codes become strings


def _list_operations() -> list[str]:
    """Every GET of the OpenAPI document whose answer is a list of things."""
    schema = _openapi()
    found = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        answer = get["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
        ref = answer.get("$ref", "")
        properties = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {}).get("properties", {})
        if answer.get("type") == "array" or ("items" in properties and "count" in properties):
            found.append(path)
    return found


def test_no_endpoint_answers_a_bare_array():
    schema = _openapi()
    bare = []
    for path in _list_operations():
        get = schema["paths"][path]["get"]
        answer = get["responses"]["200"]["content"]["application/json"]["schema"]
        names = {p["name"] for p in get.get("parameters", [])}
        if answer.get("type") == "array" or not {"limit", "offset"} <= names:
            bare.append(path)
    assert len(_list_operations()) >= 15
    assert bare == []


def test_limit_above_the_maximum_is_refused_and_pages_walk_the_list(client, world):
    for code in range(7):
        SectorFactory(code=f"sector{code}")
    _token, raw = ApiToken.issue(user=world["users"]["guest"], name="test")
    headers = {"Authorization": f"Bearer {raw}"}
    refused = client.get("/api/sectors", {"limit": 1000000}, headers=headers)
    assert refused.status_code == 422
    assert [(e["loc"][-1], e["type"]) for e in refused.json()["detail"]] == [("limit", "less_than_equal")]
    assert client.get("/api/sectors", {"limit": 0}, headers=headers).status_code == 422
    assert client.get("/api/sectors", {"offset": -1}, headers=headers).status_code == 422

    whole = client.get("/api/sectors", headers=headers).json()
    assert whole["count"] == 7 and len(whole["items"]) == 7 <= PAGE_DEFAULT
    seen = []
    for offset in range(0, 7, 3):
        page = client.get("/api/sectors", {"limit": 3, "offset": offset}, headers=headers).json()
        assert page["count"] == 7
        seen += [s["code"] for s in page["items"]]
    assert seen == [s["code"] for s in whole["items"]]
    assert client.get("/api/sectors", {"limit": PAGE_MAX}, headers=headers).status_code == 200
