"""Managers for tenant-owned models that fail closed."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from .context import NoTrustScope, current_scope, keyed_lookup

_M = TypeVar("_M", bound=models.Model)


class TrustScopedQuerySet(models.QuerySet[_M]):
    pass


class TrustScopedManager(models.Manager[_M]):
    """Filters every query to the trust in scope, and raises when no scope is active.

    Related-object access (`upload.academy`) goes through Django's plain base manager, so
    following a foreign key from an already-scoped row still works inside tasks and templates.
    """

    _queryset_class = TrustScopedQuerySet

    def get_queryset(self) -> models.QuerySet[_M]:
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


class KeyedLookupQuerySet(models.QuerySet[_M]):
    """A keyed lookup's rows, read (or updated) with PostgreSQL's row-level security letting
    this one table through while no trust is in scope; every other table stays closed."""

    def _fetch_all(self) -> None:
        with keyed_lookup(self.model._meta.db_table):
            super()._fetch_all()

    def exists(self) -> bool:
        with keyed_lookup(self.model._meta.db_table):
            return super().exists()

    def count(self) -> int:
        with keyed_lookup(self.model._meta.db_table):
            return super().count()

    def update(self, **kwargs: Any) -> int:
        with keyed_lookup(self.model._meta.db_table):
            return super().update(**kwargs)


class KeyedLookupManager(models.Manager[_M]):
    """The narrow door for the few reads that must find rows before a trust is in scope.

    Some questions are asked before the trust is known: which trusts is this user a member of
    (the trust switcher), which invitation does this emailed token name. This manager answers
    exactly one of them, by one key (a user, an unguessable token) and nothing else: it has no
    `all()` to leak through, because its plain queryset raises like the scoped manager does.
    """

    _queryset_class = KeyedLookupQuerySet

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key

    def deconstruct(self) -> Any:
        as_manager, manager_class, qs_class, _args, kwargs = super().deconstruct()
        return as_manager, manager_class, qs_class, (self.key,), kwargs

    def get_queryset(self) -> models.QuerySet[_M]:
        raise NoTrustScope(
            f"{self.model._meta.label}: this manager only answers lookup(<{self.key}>)."
        )

    def lookup(self, value: Any) -> models.QuerySet[_M]:
        if value is None or value == "":
            return super().get_queryset().none()
        return super().get_queryset().filter(**{self.key: value})
