"""Managers for tenant-owned models that fail closed."""

from __future__ import annotations

from typing import Any

from django.db import models

from .context import NoTrustScope, current_scope


class TrustScopedQuerySet(models.QuerySet):
    pass


class TrustScopedManager(models.Manager):
    """Filters every query to the trust in scope, and raises when no scope is active.

    Related-object access (`upload.academy`) goes through Django's plain base manager, so
    following a foreign key from an already-scoped row still works inside tasks and templates.
    """

    _queryset_class = TrustScopedQuerySet

    def get_queryset(self) -> models.QuerySet[Any]:
        scope = current_scope()
        if scope is None:
            raise NoTrustScope(
                f"{self.model._meta.label} was queried with no trust scope active. "
                "Run inside trust_scope(trust) (requests, API views and TenantTask do this), "
                "or dangerously_unscoped() for an operator's command."
            )
        queryset = super().get_queryset()
        if scope.unscoped:
            return queryset
        return queryset.filter(trust_id=scope.trust_id)
