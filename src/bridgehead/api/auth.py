"""API authentication: bearer tokens for scripts, the session cookie (with CSRF) for the browser."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from bridgehead.core.actions import set_request_actor
from bridgehead.core.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        api_token = ApiToken.objects.authenticate(token)
        if api_token is None:
            return None
        api_token.touch()
        request.user = api_token.user
        set_request_actor(api_token.user, via="api-token")
        return api_token.user


AUTH = [TokenAuth(), django_auth]
