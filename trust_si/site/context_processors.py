from typing import Any

from django.http import HttpRequest

from trust_si.accounts.selectors import memberships_of, request_memberships_read

from .nav import nav_for


def tenancy(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    return {
        "trust": getattr(request, "trust", None),
        "membership": membership,
        "nav_items": nav_for(request),
        "user_memberships": _memberships(request),
    }


def _memberships(request: HttpRequest) -> list[Any]:
    """The trust switcher's list: the one this request already read (the MFA check) on a GET,
    read afresh after a POST, which may have changed the user's memberships."""
    if not getattr(request, "user", None):
        return []
    read = request_memberships_read(request)
    if read is not None and request.method in ("GET", "HEAD"):
        return read
    return memberships_of(request.user)
