from typing import Any

from django.http import HttpRequest

from trust_si.accounts.selectors import memberships_of

from .nav import nav_for


def tenancy(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    return {
        "trust": getattr(request, "trust", None),
        "membership": membership,
        "nav_items": nav_for(request),
        "user_memberships": (
            memberships_of(request.user) if getattr(request, "user", None) else []
        ),
    }
