"""Finding 13.8: a 7 MiB JSON body answered 500; it must be 413 with a clear message, before anything reads it."""

from __future__ import annotations

import json

import pytest

from bridgehead.core.models import ApiToken

pytestmark = pytest.mark.django_db


def test_an_oversized_json_body_is_413_with_a_code(world, client, settings):
    _token, raw = ApiToken.issue(user=world["users"]["manager"], name="script")
    body = json.dumps({"name_en": "x" * (7 * 1024 * 1024), "kind": "startup", "country": "KR"})
    answer = client.post(
        "/api/organisations", body, content_type="application/json", headers={"Authorization": f"Bearer {raw}"}
    )
    assert answer.status_code == 413
    assert answer.json()["code"] == "request.too_large"
    assert "at most 6.0\xa0MB" in answer.json()["detail"]


def test_an_oversized_upload_is_413_before_routing_and_ordinary_requests_pass(world, login, settings):
    settings.UPLOAD_REQUEST_MAX_BYTES = 1024
    client = login(world["users"]["manager"])
    big = client.post("/registry/organisations/new/", {"name_en": "y" * 2048}, format="multipart")
    assert big.status_code == 413 and b"The request is too large" in big.content
    settings.UPLOAD_REQUEST_MAX_BYTES = 64 * 1024 * 1024
    assert client.get("/").status_code == 200
