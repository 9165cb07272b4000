"""The one way to write an audit row, and a helper that applies and records field changes."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models

from .models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target: models.Model | None = None,
    changes: Mapping[str, Any] | None = None,
    trust_id: int | None = None,
) -> AuditEvent:
    """Write one audit row in the active trust (or the given one)."""
    event = AuditEvent(
        # Jobs and anonymous callers write audit rows too; only a signed-in person is an actor.
        actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None and target.pk is not None else "",
        object_repr=str(target)[:255] if target is not None else "",
        changes=_jsonable(dict(changes or {})),
    )
    if trust_id is not None:
        event.trust_id = trust_id
    event.save()
    return event


def apply_changes(instance: models.Model, data: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Set the given fields on the instance and return {field: [old, new]} for those that changed."""
    changed: dict[str, list[Any]] = {}
    for field, new in data.items():
        old = getattr(instance, field)
        if old != new:
            changed[field] = [_jsonable(old), _jsonable(new)]
            setattr(instance, field, new)
    return changed
