"""Sends members of pupil-data roles to set up TOTP before they can use anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from .selectors import memberships_of_request, request_user_has_totp, user_requires_mfa

# Paths a user without TOTP may still reach: setting it up, logging out, assets, health.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/favicon")


class MFARequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and user_requires_mfa(user, memberships_of_request(request))
            and not request_user_has_totp(request)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Two-factor authentication must be set up before using the API."},
                    status=403,
                )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
