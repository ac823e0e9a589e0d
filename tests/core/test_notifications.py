"""The inbox: notices rendered in the recipient's language, an unread badge, and nobody reads another's."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy

from bridgehead.core import notifications
from bridgehead.core.mail import absolute_url
from bridgehead.core.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# A message the partnering app really sends, so its Korean translation ships in the catalogue.
MESSAGE = gettext_lazy("%(org)s asked to meet you at %(event)s.")


def test_notice_is_rendered_in_the_recipients_language():
    korean = UserFactory(language="ko")
    english = UserFactory(language="en")
    params = {"org": "Sierra", "event": "SD Day"}
    notifications.notify(user=korean, message=MESSAGE, params=params, url="/x/", kind="request")
    notifications.notify(user=english, message=MESSAGE, params=params, url="/x/", kind="request")
    assert korean.notifications.get().text == "Sierra에서 SD Day 미팅을 요청했습니다."
    assert english.notifications.get().text == "Sierra asked to meet you at SD Day."


def test_inactive_users_get_no_notice():
    user = UserFactory(is_active=False)
    assert notifications.notify(user=user, message=MESSAGE, params={"org": "x", "event": "y"}) is None
    assert Notification.objects.count() == 0


def test_a_rolled_back_change_leaves_no_notice():
    user = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        notifications.notify(user=user, message=MESSAGE, params={"org": "x", "event": "y"})
        raise RuntimeError("the service failed after notifying")
    assert Notification.objects.count() == 0


def test_badge_counts_unread_and_opening_marks_read_and_follows_the_link(client):
    user = UserFactory()
    first = notifications.notify(user=user, message=MESSAGE, params={"org": "A", "event": "E"}, url="/partnering/")
    notifications.notify(user=user, message=MESSAGE, params={"org": "B", "event": "E"}, url="")
    client.force_login(user)
    page = client.get(reverse("inbox"))
    assert page.status_code == 200
    assert b'data-testid="unread-badge" aria-hidden="true">2<' in page.content
    response = client.get(reverse("notification-open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == "/partnering/"
    first.refresh_from_db()
    assert first.read_at is not None
    badge = client.get(reverse("inbox-badge"))
    assert b'aria-hidden="true">1<' in badge.content
    client.post(reverse("inbox-read-all"))
    assert notifications.unread_count(user) == 0
    assert b"unread-badge" not in client.get(reverse("inbox-badge")).content


def test_another_persons_notice_is_a_404_and_stays_unread(client):
    owner, other = UserFactory(), UserFactory()
    notice = notifications.notify(user=owner, message=MESSAGE, params={"org": "A", "event": "E"}, url="/partnering/")
    client.force_login(other)
    assert client.get(reverse("notification-open", args=[notice.pk])).status_code == 404
    client.post(reverse("inbox-read-all"))
    notice.refresh_from_db()
    assert notice.read_at is None
    assert b"A asked to meet you" not in client.get(reverse("inbox")).content


def test_a_notice_never_redirects_off_site(client):
    user = UserFactory()
    notice = notifications.notify(
        user=user, message=MESSAGE, params={"org": "A", "event": "E"}, url="https://evil.example/"
    )
    client.force_login(user)
    response = client.get(reverse("notification-open", args=[notice.pk]))
    assert response["Location"] == reverse("inbox")


def test_inbox_needs_a_login(client):
    response = client.get(reverse("inbox"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_absolute_url_uses_the_site_url(settings):
    settings.SITE_URL = "https://bridgehead.example.org"
    assert absolute_url("/outcomes/12/") == "https://bridgehead.example.org/outcomes/12/"
    assert absolute_url("inbox/") == "https://bridgehead.example.org/inbox/"
    assert absolute_url("https://other.example/x") == "https://other.example/x"


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("bridgehead/favicon.svg")
    assert settings.STATIC_URL in response["Location"]
