"""Reads about users: MFA state, memberships."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator

from trust_si.tenancy.selectors import memberships_of


def user_requires_mfa(user: Any) -> bool:
    """True when any of the user's active memberships can see pupil-level data."""
    return any(m.requires_mfa for m in memberships_of(user))


def user_has_totp(user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
