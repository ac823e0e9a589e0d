"""Agreement pages: who may see them (others get 404) and how the signing time is shown."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "ours", "theirs"),
    [
        ("admin", 200, 200),
        ("manager", 200, 404),
        ("observer", 200, 404),
        ("reviewer", 200, 404),
        ("mentor", 200, 404),
        ("signatory_member", 200, 404),
        ("startup", 404, 404),
        ("investor", 404, 404),
        ("guest", 404, 404),
    ],
)
def test_agreement_visibility_per_role(world, login, role, ours, theirs):
    client = login(world["users"][role])
    assert client.get(reverse("agreement-detail", args=["ours"])).status_code == ours
    response = client.get(reverse("agreement-detail", args=["theirs"]))
    assert response.status_code == theirs
    if theirs == 404:
        assert "Their agreement" not in response.content.decode()


def test_agreement_list_shows_only_visible_agreements(world, login):
    body = login(world["users"]["observer"]).get(reverse("agreement-list")).content.decode()
    assert "Our agreement" in body
    assert "Their agreement" not in body


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(reverse("agreement-detail", args=["ours"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_signing_time_in_place_and_viewer_time_zone(world, login):
    # Signed 2024-01-17 18:30 UTC = 10:30 in San Diego (PST) = 2024-01-18 03:30 in Seoul (KST).
    viewer = world["users"]["admin"]
    viewer.time_zone, viewer.language = "Asia/Seoul", "en"
    viewer.save()
    body = login(viewer).get(reverse("agreement-detail", args=["ours"])).content.decode()
    assert '<span data-testid="signed-local">17 Jan 2024, 10:30 (UC San Diego local time)</span>' in body
    assert '<span class="muted" data-testid="signed-viewer">Seoul time: 18 Jan 2024, 03:30</span>' in body


def test_signing_time_in_korean(world, login, settings):
    viewer = world["users"]["admin"]
    viewer.time_zone, viewer.language = "America/Los_Angeles", "ko"
    viewer.save()
    body = login(viewer).get(reverse("agreement-detail", args=["ours"])).content.decode()
    # As the record states it (the San Diego morning), then the viewer's own clock (Los Angeles: same day).
    assert '<span data-testid="signed-local">2024. 1. 17. 오전 10:30 (UC 샌디에이고 현지 시각)</span>' in body
    assert '<span class="muted" data-testid="signed-viewer">로스앤젤레스 시각 2024. 1. 17. 오전 10:30</span>' in body
    assert "우리 협약" in body


def test_program_page_hidden_from_other_programs(world, login):
    client = login(world["users"]["manager"])
    assert client.get(reverse("program-detail", args=["our-program"])).status_code == 200
    assert client.get(reverse("program-detail", args=["their-program"])).status_code == 404
