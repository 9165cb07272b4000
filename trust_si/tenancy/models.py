"""The tenant (Trust) and the base class of everything a trust owns."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.validators import RegexValidator
from django.db import models

from .context import CrossTrustWrite, current_scope, current_trust_id
from .managers import TrustScopedManager


def _new_secret() -> str:
    return secrets.token_hex(32)


def trust_logo_path(instance: Trust, filename: str) -> str:
    return f"trusts/{instance.pk}/branding/{secrets.token_hex(8)}-{filename}"


class Trust(models.Model):
    """A multi-academy trust: the tenant. Not itself tenant-scoped (the middleware resolves it)."""

    slug = models.SlugField(
        max_length=50,
        unique=True,
        validators=[
            RegexValidator(r"^[a-z0-9][a-z0-9-]*$", "Lower-case letters, digits and hyphens.")
        ],
    )
    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Keys pupils' pseudonyms (HMAC of the UPN); never leaves the server, differs per trust.
    pseudonym_secret = models.CharField(max_length=128, default=_new_secret, editable=False)
    # Suppression threshold: figures from fewer pupils than this are never shown (floor 3).
    min_cohort = models.PositiveSmallIntegerField(default=5)
    logo = models.FileField(upload_to=trust_logo_path, blank=True)
    # Tunable rule settings owned by later features (phase names, placement thresholds...).
    config = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_cohort__gte=3), name="trust_min_cohort_at_least_3"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TenantModel(models.Model):
    """Base for every model a trust owns: carries the trust, queried through a scoped manager."""

    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="+", editable=False)

    objects = TrustScopedManager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A row created inside a scope belongs to that trust; a mismatch is a bug, not data:
        # refuse it rather than write one trust's row while acting for another.
        if self.trust_id is None:
            self.trust_id = current_trust_id()
        scope = current_scope()
        if scope is not None and scope.trust_id is not None and self.trust_id != scope.trust_id:
            raise CrossTrustWrite(
                f"{self._meta.label} of trust {self.trust_id} saved inside trust {scope.trust_id}'s scope."
            )
        super().save(*args, **kwargs)
