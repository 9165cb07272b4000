"""DRF authentication by hashed, per-trust API token (`Authorization: Token tsi_…`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from .models import API_TOKEN_PREFIX, ApiToken
from .services import api_token_digest

# last_used_at is written at most this often per token: not a write on every call.
LAST_USED_EVERY = timedelta(minutes=1)

KEYWORDS = (b"token", b"bearer")


class ApiTokenAuthentication(BaseAuthentication):
    """Finds the token by its key's digest; the trust it was made for is checked by the view.

    Refused (401, one message for all, so a caller learns nothing about which): unknown,
    revoked, expired, made before the password last changed, or its user deactivated.
    TenantAPIMixin then answers 404 when the URL's trust is not the token's trust.
    """

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header.")
        try:
            key = parts[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid token header.") from exc
        if not key.startswith(API_TOKEN_PREFIX) or len(key) > 200:
            raise exceptions.AuthenticationFailed("Invalid or expired token.")
        token = (
            ApiToken.by_digest.lookup(api_token_digest(key)).select_related("user", "trust").first()
        )
        if token is None or not token.user.is_active or not token.is_usable:
            raise exceptions.AuthenticationFailed("Invalid or expired token.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
            ApiToken.by_digest.lookup(token.digest).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """How the schema describes the token to integrators (drf-spectacular finds it by class)."""

    target_class = "trust_si.accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> Any:
        return build_bearer_security_scheme_object(
            header_name="AUTHORIZATION", token_prefix=ApiTokenAuthentication.keyword
        )
