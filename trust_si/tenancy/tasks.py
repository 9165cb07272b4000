"""A Celery task base that runs every job inside the trust it was given, and no other."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from kombu.exceptions import OperationalError as KombuOperationalError

from .context import trust_scope
from .models import Trust

logger = logging.getLogger(__name__)


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


# A broker that cannot be reached: kombu raises its OperationalError for a refused, reset or
# timed-out connection, once its short publish retries (settings) are spent. Nothing wider, so
# an eager task's own error (tests) is never taken for an outage.
BROKER_UNREACHABLE = (KombuOperationalError,)


def job_send(task: Any, *, kwargs: dict[str, Any], countdown: float | None = None) -> bool:
    """Send a job to the broker; False (logged, not raised) when the broker cannot take it.

    Every job a user waits on has a row (an upload, a recompute job, a report) that says
    "waiting for the worker" until a worker claims it. When the broker is down the request still
    succeeds: the row stays waiting and the sweeper of its app sends the job again later.
    Jobs are idempotent (their rows are claimed with a conditional update), so a job sent twice
    runs its work once.
    """
    try:
        task.apply_async(kwargs=kwargs, countdown=countdown)
    except BROKER_UNREACHABLE:
        logger.warning("The broker is unreachable: %s stays waiting for the sweeper.", task.name)
        return False
    return True
