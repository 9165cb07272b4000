"""Writes for people: invitations, memberships (roles and academy scopes), API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from trust_si.audit.services import audit_record
from trust_si.tenancy.context import trust_scope
from trust_si.tenancy.models import Trust

from . import selectors
from .models import API_TOKEN_PREFIX, ApiToken, Invitation, Membership, User
from .roles import Role

SINGLE_ACADEMY_ROLES = {Role.SCHOOL_STAFF}


def validate_scope(*, trust: Trust, role: str, academies: list[Any], is_board: bool) -> None:
    """The academy scope a role needs, and only the trust's own academies.

    1. Trust admins and leaders cover the whole trust: no academies.
    2. School staff cover exactly one academy; local governors exactly one; board governors none.
    3. Officers and external partners cover at least one.
    4. Every academy must belong to the same trust (refused here, not only in the form).
    """
    role = Role(role)
    if any(a.trust_id != trust.pk for a in academies):
        raise ValidationError({"academies": "Those academies are not in this trust."})
    if role in (Role.TRUST_ADMIN, Role.TRUST_LEADER):
        if academies:
            raise ValidationError({"academies": "This role covers every academy: choose none."})
    elif role == Role.GOVERNOR:
        if is_board and academies:
            raise ValidationError({"academies": "Board governors cover the trust: choose none."})
        if not is_board and len(academies) != 1:
            raise ValidationError(
                {"academies": "Choose the one academy whose governing body this is."}
            )
    elif role in SINGLE_ACADEMY_ROLES:
        if len(academies) != 1:
            raise ValidationError({"academies": "School staff belong to exactly one academy."})
    elif not academies:
        raise ValidationError({"academies": "Choose at least one academy."})


def _invitations_pending(trust: Trust, email: str) -> Any:
    return Invitation.objects.filter(
        trust=trust, email=email, accepted_at__isnull=True, revoked_at__isnull=True
    )


@transaction.atomic
def invitation_create(
    *,
    actor: User | None,
    trust: Trust,
    email: str,
    role: str,
    academies: list[Any],
    staff_role: str = "",
    is_board: bool = False,
    accept_url_base: str = "",
) -> Invitation:
    """Invite an address to the trust with a role.

    1. The scope must suit the role (`validate_scope`).
    2. A member of the trust (active or deactivated) is not invited again: a deactivated
       member is reactivated on the people page, by someone who decides to.
    3. One open invitation per address and trust: an expired one is closed first; a pending one
       must be revoked before another is sent.
    """
    email = email.strip().lower()
    validate_scope(trust=trust, role=role, academies=academies, is_board=is_board)
    with trust_scope(trust):
        existing = Membership.objects.filter(user__in=selectors.users_holding_email(email)).first()
        if existing is not None:
            raise ValidationError(
                {
                    "email": "This person is already a member of the trust."
                    if existing.is_active
                    else "This person's membership is deactivated: reactivate it instead."
                }
            )
        now = timezone.now()
        _invitations_pending(trust, email).filter(expires_at__lte=now).update(revoked_at=now)
        if _invitations_pending(trust, email).exists():
            raise ValidationError(
                {"email": "An invitation to this address is pending: revoke it to send another."}
            )
        invitation = Invitation.objects.create(
            trust=trust,
            email=email,
            role=role,
            staff_role=staff_role if role == Role.SCHOOL_STAFF else "",
            is_board=is_board and role == Role.GOVERNOR,
            invited_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        invitation.academies.set(academies)
        audit_record(
            actor=actor,
            action="invitation.create",
            target=invitation,
            changes={"email": email, "role": role, "academies": [a.urn for a in academies]},
        )
    url = accept_url_base + reverse("invitation_accept", kwargs={"token": invitation.token})
    transaction.on_commit(
        lambda: send_mail(
            subject=f"You are invited to {trust.name} on trust-si",
            message=(
                f"You have been invited to join {trust.name} on trust-si as "
                f"{Role(role).label.lower()}.\n\nAccept the invitation (you will choose a "
                f"password, or sign in if you already have an account):\n"
                f"{url}\n\nThe link works for 14 days."
            ),
            from_email=None,
            recipient_list=[email],
        )
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: User | None, invitation: Invitation) -> None:
    """Close a pending invitation: its link stops working at once."""
    closed = (
        type(invitation)
        .objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True)
        .update(revoked_at=timezone.now())
    )
    if not closed:
        raise ValidationError("This invitation has already been accepted or revoked.")
    audit_record(
        actor=actor,
        action="invitation.revoke",
        target=invitation,
        changes={"email": invitation.email},
    )


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None = None,
    password: str = "",
    full_name: str = "",
) -> User:
    """Add the invited membership to the one account that proved the invited address.

    1. An address nobody holds: a new account is created with the chosen password (the link
       proves the address, so it is verified). Nobody is signed in by this.
    2. An address an account holds (verified): only that account, signed in through the real
       login (password and second factor), may accept; `user` is the signed-in user. An
       unverified address someone added to their own account never counts.
    3. A deactivated member does not come back through an invitation, nor does anyone join
       twice; the link is claimed once (a conditional update).
    """
    if not invitation.is_usable:
        raise ValidationError("This invitation has expired or has already been used.")
    holder = selectors.invitation_holder(invitation)
    if user is None:
        if holder is not None or User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                "An account already uses this address: sign in to accept the invitation."
            )
    elif holder is None or holder.pk != user.pk:
        raise ValidationError("This invitation is for another email address.")
    if Membership.objects.filter(trust=invitation.trust, user=holder).exists():
        raise ValidationError("You already have a membership of this trust.")
    claimed = (
        type(invitation)
        .objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True)
        .update(accepted_at=timezone.now())
    )
    if not claimed:
        raise ValidationError("This invitation has already been used.")
    if user is None:
        user = User.objects.create_user(invitation.email, password, full_name=full_name)
    membership = Membership.objects.create(
        trust=invitation.trust,
        user=user,
        role=invitation.role,
        staff_role=invitation.staff_role,
        is_board=invitation.is_board,
    )
    membership.academies.set(invitation.academies.all())
    audit_record(
        actor=user,
        action="invitation.accept",
        target=membership,
        changes={"role": invitation.role, "invitation": invitation.pk},
        trust_id=invitation.trust_id,
    )
    return user


@transaction.atomic
def membership_update(
    *,
    actor: User | None,
    membership: Membership,
    role: str,
    academies: list[Any],
    staff_role: str = "",
    is_board: bool = False,
) -> dict[str, list[Any]]:
    validate_scope(trust=membership.trust, role=role, academies=academies, is_board=is_board)
    before = {
        "role": membership.role,
        "staff_role": membership.staff_role,
        "is_board": membership.is_board,
        "academies": sorted(a.urn for a in membership.academies.all()),
    }
    membership.role = role
    membership.staff_role = staff_role if role == Role.SCHOOL_STAFF else ""
    membership.is_board = is_board and role == Role.GOVERNOR
    membership.save()
    membership.academies.set(academies)
    after = {
        "role": membership.role,
        "staff_role": membership.staff_role,
        "is_board": membership.is_board,
        "academies": sorted(a.urn for a in academies),
    }
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        audit_record(actor=actor, action="membership.update", target=membership, changes=changes)
    if "role" in changes:
        # A token acts with the role it was made under: a new role needs a new token.
        api_tokens_revoke(membership=membership, reason="role changed")
    return changes


@transaction.atomic
def membership_set_active(*, actor: User | None, membership: Membership, active: bool) -> None:
    """Deactivate (or reactivate) a member; nobody can lock themselves out."""
    if not active and membership.user_id == getattr(actor, "pk", None):
        raise ValidationError("You cannot deactivate yourself.")
    if membership.is_active != active:
        membership.is_active = active
        membership.save(update_fields=["is_active"])
        if not active:
            # Only this trust's tokens: the person's work for another trust goes on.
            api_tokens_revoke(membership=membership, reason="membership deactivated")
            # A pending invitation must not bring the member back.
            emails = selectors.emails_of(membership.user)
            Invitation.objects.filter(
                trust=membership.trust,
                email__in=emails,
                accepted_at__isnull=True,
                revoked_at__isnull=True,
            ).update(revoked_at=timezone.now())
        audit_record(
            actor=actor,
            action="membership.reactivate" if active else "membership.deactivate",
            target=membership,
            changes={"is_active": [not active, active]},
        )


API_TOKEN_MAX_DAYS = 365
API_TOKEN_DEFAULT_DAYS = 90


def api_token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *,
    actor: User,
    membership: Membership,
    name: str,
    days: int = API_TOKEN_DEFAULT_DAYS,
    session_passed_mfa: bool,
) -> tuple[ApiToken, str]:
    """A new token for the actor in this membership's trust; returns it and its key.

    The key is returned once, to be shown once: only its digest is stored. A role that sees
    pupil-level data gets a token only from a session that passed its second factor
    (`selectors.session_passed_mfa`), so a stolen password alone never mints one.
    """
    if membership.user_id != actor.pk or not membership.can("api.token"):
        raise ValidationError("Your role does not allow API tokens.")
    if membership.requires_mfa and not (session_passed_mfa and selectors.user_has_totp(actor)):
        raise ValidationError(
            "Your role sees pupil data: sign in again with your second factor to create a token."
        )
    name = (name or "").strip()
    if not name:
        raise ValidationError("Give the token a name, so you can tell it apart later.")
    if not 1 <= days <= API_TOKEN_MAX_DAYS:
        raise ValidationError(f"A token lasts between 1 and {API_TOKEN_MAX_DAYS} days.")
    prefix = secrets.token_hex(4)
    key = f"{API_TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with trust_scope(membership.trust):
        token = ApiToken.objects.create(
            trust=membership.trust,
            user=actor,
            name=name[:100],
            prefix=prefix,
            digest=api_token_digest(key),
            auth_hash=actor.get_session_auth_hash(),
            expires_at=timezone.now() + timedelta(days=days),
        )
        audit_record(
            actor=actor,
            action="api_token.create",
            target=token,
            changes={"name": [None, token.name], "expires_at": [None, str(token.expires_at)]},
        )
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: User, membership: Membership, token: ApiToken) -> None:
    """The actor revokes one of their own tokens in this trust (the selector found it)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_reason = "revoked by its owner"
        token.save(update_fields=["revoked_at", "revoked_reason"])
        audit_record(actor=actor, action="api_token.revoke", target=token)


def api_tokens_revoke(*, membership: Membership, reason: str) -> int:
    """Revoke the member's tokens in the membership's trust only (deactivation, role change)."""
    with trust_scope(membership.trust):
        return ApiToken.objects.filter(user_id=membership.user_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_reason=reason
        )


def api_tokens_revoke_everywhere(*, user: User, reason: str) -> None:
    """Revoke the user's tokens in every trust (their second factor was removed)."""
    for membership in Membership.of_user.lookup(user).select_related("trust"):
        api_tokens_revoke(membership=membership, reason=reason)
