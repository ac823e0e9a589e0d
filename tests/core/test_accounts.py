"""Log-in, throttling, password reset, language and time-zone preferences, API tokens."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from bridgehead.core.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_login_and_logout(client):
    UserFactory(username="kim")
    response = client.post(reverse("login"), {"username": "kim", "password": "pw-for-tests-1"})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"].username == "kim"
    client.post(reverse("logout"))
    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_failed_logins_lock_the_account_after_five_attempts(client):
    UserFactory(username="kim")
    for _attempt in range(5):
        client.post(reverse("login"), {"username": "kim", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    locked = client.post(reverse("login"), {"username": "kim", "password": "pw-for-tests-1"}, REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429
    assert "Too many failed log-in attempts" in locked.content.decode()
    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_password_reset_sends_a_working_link(client):
    UserFactory(username="kim", email="kim@example.org")
    client.post(reverse("password_reset"), {"email": "kim@example.org"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Reset your Bridgehead password"
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "a-new-long-pass-42", "new_password2": "a-new-long-pass-42"}
    )
    assert response.status_code == 302
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "kim", "password": "a-new-long-pass-42"})
    assert client.get(reverse("home")).context["user"].username == "kim"


def test_password_reset_e_mail_greets_and_signs_in_the_page_language(client):
    """The shared e-mail frame (issue 17): the reader's name, never the login name, and the platform team."""
    UserFactory(username="kim", email="kim@example.org", display_name="김서준")
    UserFactory(username="ann", email="ann@example.org", display_name="Ann Lee")
    client.post(reverse("password_reset"), {"email": "kim@example.org"}, HTTP_ACCEPT_LANGUAGE="ko")
    client.post(reverse("password_reset"), {"email": "ann@example.org"}, HTTP_ACCEPT_LANGUAGE="en")
    korean, english = (m.body.strip().splitlines() for m in mail.outbox)
    assert (korean[0], korean[-2:]) == ("김서준 님, 안녕하십니까.", ["감사합니다.", "Bridgehead 운영팀 드림"])
    assert (english[0], english[-2:]) == ("Dear Ann Lee,", ["Kind regards,", "The Bridgehead team"])


def test_language_switch_is_remembered_on_the_account(client):
    user = UserFactory(username="kim", language="en")
    client.force_login(user)
    client.post(reverse("set-language"), {"language": "ko", "next": "/organisations/"})
    user.refresh_from_db()
    assert user.language == "ko"
    assert 'lang="ko"' in client.get(reverse("home")).content.decode()


def test_language_switch_ignores_foreign_redirects(client):
    response = client.post(reverse("set-language"), {"language": "ko", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_preferences_set_time_zone_shown_in_header(client):
    user = UserFactory(username="kim")
    client.force_login(user)
    client.post(
        reverse("preferences"),
        {"display_name": "Kim", "email": "kim@example.org", "language": "en", "time_zone": "America/Los_Angeles"},
    )
    user.refresh_from_db()
    assert user.time_zone == "America/Los_Angeles"
    assert "Los Angeles (Pacific time)" in client.get(reverse("home")).content.decode()  # the zone by name


def test_preferences_reject_unknown_time_zone(client):
    user = UserFactory(username="kim")
    client.force_login(user)
    response = client.post(
        reverse("preferences"), {"display_name": "", "email": "", "language": "en", "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    user.refresh_from_db()
    assert user.time_zone == "Asia/Seoul"


def test_api_token_is_shown_once_and_can_be_revoked(client):
    user = UserFactory(username="kim")
    client.force_login(user)
    response = client.post(reverse("api-tokens"), {"name": "sync script", "days": "90"})
    raw = response.context["raw_key"]
    token = ApiToken.objects.get()
    assert raw.startswith("bh_") and token.key_hash != raw and raw not in token.key_hash
    assert ApiToken.objects.authenticate(raw) == token
    client.post(reverse("api-token-revoke", args=[token.pk]))
    assert ApiToken.objects.authenticate(raw) is None


def test_a_korean_page_does_not_leave_korean_active_for_the_next_work(client):
    from django.utils import translation

    user = UserFactory(username="kim", language="ko")
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response["Content-Language"] == "ko"
    assert 'lang="ko"' in response.content.decode()
    assert translation.get_language() == "en"
