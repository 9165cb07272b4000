"""Reads that resolve a user's membership of a trust."""

from __future__ import annotations

from typing import Any

from .context import dangerously_unscoped, trust_scope
from .models import Trust


def membership_for(user: Any, trust_slug: str) -> Any | None:
    """The user's active membership of the active trust with that slug, or None.

    None covers "no such trust", "inactive trust" and "not a member" alike, so callers answer
    the same 404 for all three and never reveal that another trust exists.
    """
    from trust_si.accounts.models import Membership

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    trust = Trust.objects.filter(slug=trust_slug, is_active=True).first()
    if trust is None:
        return None
    with trust_scope(trust):
        membership = (
            Membership.objects.select_related("trust", "user")
            .filter(user=user, is_active=True)
            .first()
        )
    return membership


def memberships_of(user: Any) -> list[Any]:
    """Every active membership of the user, across trusts (for the trust switcher)."""
    from trust_si.accounts.models import Membership

    if not getattr(user, "is_authenticated", False):
        return []
    with dangerously_unscoped():
        # Safe: filtered to the user's own rows; the list is evaluated before the block ends.
        return list(
            Membership.objects.select_related("trust")
            .filter(user=user, is_active=True, trust__is_active=True)
            .order_by("trust__name")
        )
