"""Users reach the site's own 404/403/500 pages, in their language, also with DEBUG on (the demo);
DEBUG_TECHNICAL_ERRORS=1 gives a developer Django's technical pages back."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.partnering.factories import EventFactory

pytestmark = pytest.mark.django_db

TECHNICAL_404 = "Using the URLconf defined in"
TECHNICAL_500 = "Traceback"


@pytest.fixture(autouse=True)
def debug_on(settings):
    settings.DEBUG = True
    settings.DEBUG_TECHNICAL_ERRORS = False
    return settings


def signed_in(language: str = "en") -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(username=f"user-{language}", language=language))
    return client


def test_unknown_address_shows_the_sites_404(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/no-such-page/")
    assert [r.getMessage() for r in caplog.records] == ["Not Found: /no-such-page/"]  # logged once
    body = response.content.decode()
    assert response.status_code == 404
    assert {"404.html", "base.html"} <= {t.name for t in response.templates}
    assert "This page does not exist, or you do not have access to it." in body
    assert TECHNICAL_404 not in body


def test_a_views_404_is_the_sites_page_too_and_in_korean():
    response = signed_in("ko").get("/agreements/no-such-agreement/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "없는 페이지이거나 열람 권한이 없습니다." in body
    assert "홈으로 가기" in body
    assert TECHNICAL_404 not in body


def test_a_refusal_shows_the_sites_403_in_korean():
    EventFactory(slug="their-day", status="published")
    response = signed_in("ko").get("/events/their-day/schedule/")  # staff only
    body = response.content.decode()
    assert response.status_code == 403
    assert "현재 역할로는 이용할 수 없습니다." in body
    assert "홈으로 가기" in body


def test_a_crash_shows_the_sites_500_and_logs_the_traceback(settings, caplog):
    settings.ROOT_URLCONF = "tests.core.errors_urls"
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = signed_in("ko").get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "문제가 발생했습니다" in body
    assert TECHNICAL_500 not in body
    assert "boom for the error-page test" in caplog.text  # the developer still finds the traceback in the log


def test_the_english_500_page(settings):
    settings.ROOT_URLCONF = "tests.core.errors_urls"
    body = Client(raise_request_exception=False).get("/boom/").content.decode()
    assert "Something went wrong" in body
    assert 'lang="en"' in body


def test_a_developer_asks_for_the_technical_pages(settings, client):
    settings.DEBUG_TECHNICAL_ERRORS = True
    assert TECHNICAL_404 in client.get("/no-such-page/").content.decode()
    settings.ROOT_URLCONF = "tests.core.errors_urls"
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "boom for the error-page test" in response.content.decode()


def test_without_debug_django_renders_the_same_pages(settings, client):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "This page does not exist, or you do not have access to it." in response.content.decode()


def test_missing_slash_still_redirects(client):
    assert client.get("/agreements").status_code == 301
