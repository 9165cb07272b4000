"""Reads about users: MFA state, members of a trust, invitations, the audit log."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from trust_si.audit.models import AuditEvent
from trust_si.tenancy.context import trust_scope
from trust_si.tenancy.models import Trust

from .models import ApiToken, Invitation, Membership, User

_TOTP = Authenticator.Type.TOTP


def membership_for(user: Any, trust_slug: str) -> Membership | None:
    """The user's active membership of the active trust with that slug, or None.

    None covers "no such trust", "inactive trust" and "not a member" alike, so callers answer
    the same 404 for all three and never reveal that another trust exists.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    trust = Trust.objects.filter(slug=trust_slug, is_active=True).first()
    if trust is None:
        return None
    with trust_scope(trust):
        return (
            Membership.objects.select_related("trust", "user")
            .filter(user=user, is_active=True)
            .first()
        )


def memberships_of(user: Any) -> list[Membership]:
    """Every active membership of the user, across trusts (for the trust switcher)."""
    if not getattr(user, "is_authenticated", False):
        return []
    # Whether the user has TOTP comes with the list (the MFA check needs both on every request):
    # one query fewer a page than asking `user_has_totp` after it (issue 17).
    return list(
        Membership.of_user.lookup(user)
        .select_related("trust")
        .filter(is_active=True, trust__is_active=True)
        .annotate(
            holder_has_totp=Exists(
                Authenticator.objects.filter(user_id=OuterRef("user_id"), type=_TOTP)
            )
        )
        .order_by("trust__name")
    )


def membership_holder_has_totp(membership: Membership) -> bool:
    """Whether the membership's user has TOTP: as `memberships_of` read it, else asked now."""
    known: bool | None = getattr(membership, "holder_has_totp", None)
    return user_has_totp(membership.user) if known is None else known


def request_user_has_totp(request: Any) -> bool:
    """`user_has_totp(request.user)`, answered from the memberships the request read when it
    has any (an operator without memberships is asked directly)."""
    read = request_memberships_read(request, request.user)
    if read:
        return membership_holder_has_totp(read[0])
    return user_has_totp(request.user)


def user_requires_mfa(user: Any, memberships: list[Membership] | None = None) -> bool:
    """True for operators (Django admin reaches every trust) and for anyone whose active
    memberships include a role that sees pupil-level data. `memberships`: the user's, when
    already read (`memberships_of_request`)."""
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    return any(
        m.requires_mfa for m in (memberships_of(user) if memberships is None else memberships)
    )


_REQUEST_MEMBERSHIPS = "_trust_si_memberships"


def memberships_of_request(request: Any) -> list[Membership]:
    """`memberships_of(request.user)`, read once per request: the MFA check, the tenant
    middleware and the layout's trust switcher need the same list (it was read three times
    a page). Kept with the user's key, so a caller asking for another user (an API token's)
    never gets this one's."""
    found: tuple[Any, list[Membership]] | None = getattr(request, _REQUEST_MEMBERSHIPS, None)
    if found is None:
        found = (getattr(request.user, "pk", None), memberships_of(request.user))
        setattr(request, _REQUEST_MEMBERSHIPS, found)
    return found[1]


def request_memberships_read(request: Any, user: Any = None) -> list[Membership] | None:
    """The list `memberships_of_request` read for this request (for `user`, when given), or
    None when none was."""
    found: tuple[Any, list[Membership]] | None = getattr(request, _REQUEST_MEMBERSHIPS, None)
    if found is None or (user is not None and found[0] != getattr(user, "pk", None)):
        return None
    return found[1]


def membership_of_request(request: Any, user: Any, trust_slug: str) -> Membership | None:
    """`membership_for(user, trust_slug)`, answered from the memberships this request has
    already read for the same user (the MFA check reads them first): two queries a page fewer.
    `memberships_of` applies the same tests (active membership, active trust)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    read = request_memberships_read(request, user)
    if read is None:
        return membership_for(user, trust_slug)
    return next((m for m in read if m.trust.slug == trust_slug), None)


MFA_ENROLLED_SESSION_KEY = "i16_mfa_enrolled"


def session_passed_mfa(request: Any) -> bool:
    """This session proved a second factor: at sign-in (allauth records it) or by setting one
    up (the enrolment form checks a code, but allauth does not record it as a sign-in)."""
    from allauth.account.authentication import get_authentication_records

    if request.session.get(MFA_ENROLLED_SESSION_KEY) == request.user.pk:
        return True
    records = get_authentication_records(request, request.user)
    return any(r.get("method") == "mfa" for r in records)


def user_has_totp(user: Any) -> bool:
    return bool(Authenticator.objects.filter(user=user, type=_TOTP).exists())


def member_list_for(membership: Membership) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(trust_id=membership.trust_id)
        .select_related("user")
        .prefetch_related("academies")
        .order_by("-is_active", "user__email")
    )


def member_get_for(membership: Membership, pk: int) -> Membership:
    member = member_list_for(membership).filter(pk=pk).first()
    if member is None:
        raise Http404("No such member.")
    return member


def mfa_user_ids(user_ids: list[int]) -> set[int]:
    return set(
        Authenticator.objects.filter(
            user_id__in=user_ids, type=Authenticator.Type.TOTP
        ).values_list("user_id", flat=True)
    )


def invitation_list_for(membership: Membership) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        trust_id=membership.trust_id, accepted_at__isnull=True, revoked_at__isnull=True
    )


def invitation_get_for(membership: Membership, pk: int) -> Invitation:
    invitation = invitation_list_for(membership).filter(pk=pk).first()
    if invitation is None:
        raise Http404
    return invitation


def users_holding_email(email: str) -> QuerySet[User]:
    """Accounts that have proved `email` (a verified address): the only ones it counts for."""
    return User.objects.filter(
        pk__in=EmailAddress.objects.filter(email__iexact=email, verified=True).values("user_id")
    )


def invitation_holder(invitation: Invitation) -> User | None:
    """The account that has verified the invited address, if any."""
    return users_holding_email(invitation.email).first()


def emails_of(user: User) -> list[str]:
    """The user's verified addresses (and the account's own)."""
    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return sorted({user.email.lower(), *(e.lower() for e in verified)})


def audit_list_for(membership: Membership, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(trust_id=membership.trust_id).select_related("actor")
    if filters.get("actor"):
        events = events.filter(actor__email__icontains=filters["actor"])
    if filters.get("action"):
        events = events.filter(action__icontains=filters["action"])
    if filters.get("object_type"):
        events = events.filter(object_type__icontains=filters["object_type"])
    if filters.get("date_from"):
        events = events.filter(created_at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        events = events.filter(created_at__date__lte=filters["date_to"])
    return events


def api_tokens_of(membership: Membership) -> QuerySet[ApiToken]:
    """The member's own tokens in this trust, newest first."""
    return ApiToken.objects.filter(trust_id=membership.trust_id, user_id=membership.user_id)


def api_token_get_for(membership: Membership, pk: int) -> ApiToken:
    """One of the member's own tokens in this trust; 404 for anyone else's or another trust's."""
    token = api_tokens_of(membership).filter(pk=pk).first()
    if token is None:
        raise Http404
    return token
