"""Finding 13.9: log-in throttling per account *and* per address (proxy-aware), limited password resets,
API tokens that expire and die with a password change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from bridgehead.core.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-1"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def log_in(client, username, password, address, **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def test_spraying_many_accounts_from_one_address_locks_the_address(client):
    # Before: 32 attempts over 8 accounts from one address locked nothing (the key was username + address).
    users = [UserFactory(username=f"user{i}") for i in range(9)]
    for user in users[:8]:
        for _attempt in range(4):
            log_in(client, user.username, "guess", "10.9.9.9")
    refused = log_in(client, users[8].username, PASSWORD, "10.9.9.9")  # right password, sprayed address
    assert refused.status_code == 429
    assert log_in(client, users[8].username, PASSWORD, "10.1.1.1").status_code == 302  # elsewhere: fine


def test_a_locked_account_stays_locked_from_another_address(client):
    UserFactory(username="kim")
    for _attempt in range(5):
        log_in(client, "kim", "guess", "10.0.0.1")
    assert log_in(client, "kim", PASSWORD, "192.0.2.7").status_code == 429  # before: 302 from a new address


def test_behind_a_trusted_proxy_each_client_is_counted_apart(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="kim")
    UserFactory(username="lee")
    for i in range(6):
        # The attacker also forges a left-hand entry; the proxy appends the address it really saw.
        log_in(client, f"nobody{i}", "guess", "10.0.0.254", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.5")
    # The attacker's forwarded address is locked; another client behind the same proxy is not.
    assert log_in(client, "kim", PASSWORD, "10.0.0.254", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert log_in(client, "lee", PASSWORD, "10.0.0.254", HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 302


def test_without_a_declared_proxy_the_forwarded_header_is_ignored(client):
    UserFactory(username="kim")
    for i in range(5):  # a different forged client address every time: still one address
        log_in(client, f"nobody{i}", "guess", "10.0.0.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    assert log_in(client, "kim", PASSWORD, "10.0.0.9", HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429


def test_password_reset_requests_are_limited_per_email_and_per_address(client):
    UserFactory(username="kim", email="kim@example.org")
    url = reverse("password_reset")
    answers = [client.post(url, {"email": "kim@example.org"}, REMOTE_ADDR=f"10.0.1.{i}").status_code for i in range(4)]
    assert answers == [302, 302, 302, 429]  # three per e-mail address and hour, from anywhere
    assert len(mail.outbox) == 3
    flood = [client.post(url, {"email": f"n{i}@example.org"}, REMOTE_ADDR="10.0.2.1").status_code for i in range(6)]
    assert flood == [302] * 5 + [429]  # five per address and hour, whatever the e-mail
    refused = client.post(url, {"email": "n9@example.org"}, REMOTE_ADDR="10.0.2.1")
    assert "Too many password-reset requests" in refused.content.decode()


def api_status(client, raw):
    return client.get("/api/organisations", headers={"Authorization": f"Bearer {raw}"}).status_code


def test_tokens_expire(client):
    user = UserFactory()
    token, raw = ApiToken.issue(user=user, name="script", days=30)
    assert api_status(client, raw) == 200
    assert token.expires_at - timezone.now() > dt.timedelta(days=29)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert api_status(client, raw) == 401
    with pytest.raises(ValueError):
        ApiToken.issue(user=user, name="forever", days=100_000)


def test_a_password_change_or_reset_revokes_every_token(client):
    user = UserFactory()
    _token, raw = ApiToken.issue(user=user, name="script")
    _other_token, other_raw = ApiToken.issue(user=UserFactory(), name="theirs")
    user.first_name = "Kim"
    user.save()  # an ordinary edit keeps the token
    assert api_status(client, raw) == 200
    user.set_password("a-new-password-2026")
    user.save()
    assert api_status(client, raw) == 401
    assert api_status(client, other_raw) == 200  # nobody else's token is touched


def test_the_token_page_offers_lifetimes_and_shows_the_expiry(client):
    user = UserFactory()
    client.force_login(user)
    page = client.post(reverse("api-tokens"), {"name": "CI", "days": "30"})
    assert page.status_code == 200
    token = ApiToken.objects.get(user=user)
    assert (token.expires_at.date() - timezone.now().date()).days == 30
    assert 'data-testid="token-expires"' in page.content.decode()
    assert client.post(reverse("api-tokens"), {"name": "x", "days": "9999"}).context["form"].errors["days"]
