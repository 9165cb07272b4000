"""Users (email login), memberships of trusts with a role and academy scope, and invitations."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from trust_si.tenancy.managers import KeyedLookupManager
from trust_si.tenancy.models import TenantModel, Trust

from .roles import (
    MFA_REQUIRED_ROLES,
    ROLE_CHOICES,
    STAFF_ROLE_CHOICES,
    TRUST_WIDE_ROLES,
    Role,
    role_can,
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        """A user whose address is their verified primary one.

        Accounts are made only by accepting an invitation (the emailed link proves the
        address), an operator command or the demo: the address given here is proven. Any
        address a user adds later counts only once allauth has verified it.
        """
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        self.email_proven(user)
        return user

    def email_proven(self, user: User) -> None:
        """Record the user's own address as verified and primary (the channel proved it)."""
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. What they may see depends on their membership of the trust they work in."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Operator access to Django admin.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]  # email is the username

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email


class Membership(TenantModel):
    """A user's role in one trust, with the academies it covers (for scoped roles)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=ROLE_CHOICES)
    staff_role = models.CharField(max_length=32, choices=STAFF_ROLE_CHOICES, blank=True)
    # Governors: True for the trust board (reports for the whole trust), else one academy's LGB.
    is_board = models.BooleanField(default=False)
    academies = models.ManyToManyField("academies.Academy", blank=True, related_name="members")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # A user's memberships across trusts (the trust switcher, sign-in checks): by user only.
    of_user = KeyedLookupManager("user")

    class Meta:
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(fields=["trust", "user"], name="one_membership_per_trust"),
        ]
        ordering = ["user__email"]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.trust}"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_trust_wide(self) -> bool:
        return self.role_enum in TRUST_WIDE_ROLES or (self.role == Role.GOVERNOR and self.is_board)

    @property
    def requires_mfa(self) -> bool:
        return self.role_enum in MFA_REQUIRED_ROLES

    def can(self, capability: str) -> bool:
        return self.is_active and role_can(self.role, capability)


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry() -> Any:
    return timezone.now() + timedelta(days=14)


class Invitation(TenantModel):
    """An invitation to join a trust with a role. Sign-up is only possible through one."""

    email = models.EmailField()
    role = models.CharField(max_length=32, choices=ROLE_CHOICES)
    staff_role = models.CharField(max_length=32, choices=STAFF_ROLE_CHOICES, blank=True)
    is_board = models.BooleanField(default=False)
    academies = models.ManyToManyField("academies.Academy", blank=True, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    # The emailed link names its invitation by token, before its trust is known.
    by_token = KeyedLookupManager("token")

    class Meta:
        default_manager_name = "objects"
        ordering = ["-created_at"]
        constraints = [
            # One open invitation per address and trust: a second one is refused, not sent,
            # so every pending link can be found and revoked.
            models.UniqueConstraint(
                fields=["trust", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_address",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.trust}"

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


__all__ = ["Invitation", "Membership", "Trust", "User"]


API_TOKEN_PREFIX = "tsi_"


class ApiToken(TenantModel):
    """A named API credential for one user in one trust; only a hash of its secret is kept.

    The key (`tsi_<prefix>_<secret>`) is shown once, at creation. `prefix` identifies it on the
    tokens page; `digest` (SHA-256 of the whole key: the key is 256 random bits, so a slow hash
    adds nothing) is what a request is matched on. `auth_hash` is the user's session hash at
    creation: a password change alters it, so every token made before stops working, the same
    way Django ends sessions.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    auth_hash = models.CharField(max_length=128, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=100, blank=True)

    # A request names its token by the key's digest, before its trust is known.
    by_digest = KeyedLookupManager("digest")

    class Meta:
        default_manager_name = "objects"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({API_TOKEN_PREFIX}{self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def password_changed(self) -> bool:
        return not secrets.compare_digest(self.auth_hash, self.user.get_session_auth_hash())

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired and not self.password_changed
