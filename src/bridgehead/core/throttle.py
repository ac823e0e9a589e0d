"""Counting attempts per key in a time window, for actions that must not be repeated without limit.

Log-in attempts are limited by django-axes (per account and per address); this covers the rest, such as
password-reset requests, which would otherwise let anyone flood an inbox or probe addresses. Counts live in
the cache: configure a shared cache (not the per-process default) when the site runs several processes.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def allow(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt under ``key``; true while at most ``limit`` attempts fell in the window."""
    cache_key = f"bridgehead:throttle:{key}"
    if cache.add(cache_key, 1, timeout=window_seconds):
        return True
    try:
        return cache.incr(cache_key) <= limit
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds)
        return True


def client_address(request: HttpRequest) -> str | None:
    """The client's address, proxy-aware and not spoofable (django-axes uses it too).

    With ``TRUSTED_PROXY_COUNT`` = n proxies in front, each proxy appends the address it received the request
    from to ``X-Forwarded-For``, so the client is the n-th entry from the right; anything further left was
    written by the client and is ignored. With no proxy declared the header is never read.
    """
    remote = request.META.get("REMOTE_ADDR") or None  # None, not a made-up string: axes stores it as an address
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote
