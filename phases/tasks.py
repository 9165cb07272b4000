"""Celery entry points of the phases app: thin wrappers around `phases.pipeline`."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from trust_si.tenancy.models import Trust
from trust_si.tenancy.tasks import TenantTask

from . import pipeline


@shared_task(base=TenantTask, bind=True, acks_late=True, max_retries=2)
def placement_recompute_task(
    self: Any,
    *,
    trust_id: int,
    academy_id: int | None = None,
    job_id: int | None = None,
    cache_key: str = "",
) -> int:
    return pipeline.recompute_job_run(
        trust=Trust.objects.get(pk=trust_id),
        academy_id=academy_id,
        job_id=job_id,
        cache_key=cache_key,
    )


@shared_task
def recompute_all_trusts() -> int:
    """Nightly: every active trust, one scoped job each (ids only leave this function)."""
    trust_ids = list(Trust.objects.filter(is_active=True).values_list("pk", flat=True))
    for trust_id in trust_ids:
        pipeline.recompute_enqueue(trust_id=trust_id, academy_id=None, reason="nightly")
    return len(trust_ids)
