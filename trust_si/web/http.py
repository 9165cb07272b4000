"""The request type of views under /t/<trust_slug>/: TenantMiddleware sets these attributes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from trust_si.accounts.models import Membership, User
    from trust_si.tenancy.models import Trust


class TenantRequest(HttpRequest):
    trust: Trust
    membership: Membership
    user: User  # type: ignore[assignment]  # views under the tenant prefix are signed in
    htmx: HtmxDetails
