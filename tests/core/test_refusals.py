"""One refusal type: the page and the API answer the same refusal with the same code and status class."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory, override_settings

from bridgehead.api.urls import refused as api_refused
from bridgehead.core.errors import Kind, Refused
from bridgehead.core.permissions import permission_code, require

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "status"), [(Kind.FORBIDDEN, 403), (Kind.NOT_FOUND, 404), (Kind.CONFLICT, 409), (Kind.INVALID, 422)]
)
def test_api_answers_each_kind_with_its_status_and_one_body_shape(kind, status):
    exc = Refused("test.rule", "Broken rule %(n)s.", kind=kind, field="title", params={"n": 3})
    answer = api_refused(RequestFactory().get("/api/x"), exc)
    assert answer.status_code == status
    assert json.loads(answer.content) == {"code": "test.rule", "detail": "Broken rule 3.", "field": "title"}


def test_require_refuses_anonymous_none_and_unprivileged_with_the_permission_code(world):
    require(world["users"]["admin"], "core.manage_users")  # allowed: no exception
    for user in (None, world["users"]["manager"], world["users"]["guest"]):
        with pytest.raises(Refused) as caught:
            require(user, "core.manage_users")
        assert caught.value.code == permission_code("core.manage_users") == "permission.core.manage_users"
        assert caught.value.status == 403


@override_settings(ROOT_URLCONF="tests.core.refusal_urls")
def test_page_refusal_flashes_the_message_with_its_code_and_goes_back(world, login):
    client = login(world["users"]["manager"])
    answer = client.post("/refuse/conflict/", headers={"Referer": "http://testserver/refuse/conflict/"})
    assert answer.status_code == 302 and answer["Location"] == "http://testserver/refuse/conflict/"
    page = client.get("/agreements/").content.decode()
    assert 'data-refusal-code="test.state.closed"' in page and "The call is closed." in page


@override_settings(ROOT_URLCONF="tests.core.refusal_urls")
def test_page_refusal_never_follows_a_referer_off_site(world, login):
    client = login(world["users"]["manager"])
    answer = client.post("/refuse/conflict/", headers={"Referer": "https://evil.example/phish"})
    assert answer["Location"] == "/refuse/conflict/"


@override_settings(ROOT_URLCONF="tests.core.refusal_urls")
def test_htmx_refusal_asks_for_a_full_page_load(world, login):
    client = login(world["users"]["manager"])
    answer = client.post("/refuse/conflict/", headers={"HX-Request": "true", "Referer": "http://testserver/x/"})
    assert answer.status_code == 204 and answer["HX-Redirect"] == "http://testserver/x/"


@override_settings(ROOT_URLCONF="tests.core.refusal_urls")
def test_page_forbidden_is_the_not_allowed_page_with_the_code(world, login):
    answer = login(world["users"]["manager"]).get("/refuse/forbidden/")
    assert answer.status_code == 403
    assert 'data-refusal-code="permission.core.manage_users"' in answer.content.decode()
    specific = login(world["users"]["manager"]).get("/refuse/specific/")
    assert specific.status_code == 403 and "Only site administrators manage users." in specific.content.decode()
    assert login(world["users"]["admin"]).get("/refuse/forbidden/").content == b"allowed"
