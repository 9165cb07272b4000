"""A Celery task base that runs every job inside the trust it was given, and no other."""

from __future__ import annotations

from typing import Any

from celery import Task

from .context import trust_scope
from .models import Trust


class TenantTask(Task):  # type: ignore[type-arg]  # celery-types: Task[P, R] per task
    """Tasks built on this take `trust_id` as their first keyword argument.

    The worker loads the trust, refuses an inactive or missing one, and runs the body inside
    `trust_scope(trust)`: a task for trust A can only read and write trust A's rows. Arguments
    are ids (JSON), never model instances. Enqueue with `transaction.on_commit`.
    """

    abstract = True
    acks_late = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        trust_id = kwargs.get("trust_id")
        if not isinstance(trust_id, int):
            raise TypeError(f"{self.name} must be called with trust_id=<int>.")
        trust = Trust.objects.filter(pk=trust_id, is_active=True).first()
        if trust is None:
            return None
        with trust_scope(trust):
            return super().__call__(*args, **kwargs)
