"""The one access helper views call first: the membership if it holds the capability, else 403."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest


def require(request: HttpRequest, capability: str) -> Any:
    membership = getattr(request, "membership", None)
    if membership is None:
        # Only reachable on a route without <trust_slug>: a programming error, answered as 404.
        raise Http404
    if not membership.can(capability):
        raise PermissionDenied("Your role does not allow this.")
    return membership
