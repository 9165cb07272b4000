"""Upload jobs: each runs inside the trust it was given."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import DatabaseError

from trust_si.tenancy.models import Trust
from trust_si.tenancy.tasks import TenantTask

from . import services
from .models import Upload


# A check reads one bounded file (trust_si.limits.UPLOAD: 90 s of reading at most).
@shared_task(
    base=TenantTask, bind=True, acks_late=True, max_retries=2, soft_time_limit=150, time_limit=180
)
def upload_validate_task(self: Any, *, trust_id: int, upload_id: int) -> str:
    upload = Upload.objects.filter(pk=upload_id).first()
    if upload is None:
        return "missing"
    return services.upload_validate(upload=upload).status


# acks_late + reject_on_worker_lost: a worker killed mid-save gives the job back to the broker,
# and the next run finds the upload "saving" and saves it (upload_commit is safe to run twice).
@shared_task(base=TenantTask, bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def upload_commit_task(self: Any, *, trust_id: int, upload_id: int) -> str:
    try:
        upload = services.upload_commit(upload_id=upload_id)
    except DatabaseError as exc:  # not even the upload's state could be written: try again
        raise self.retry(exc=exc, countdown=10) from exc
    return upload.status if upload else "missing"


@shared_task(base=TenantTask, bind=True, acks_late=True)
def upload_stalled_release_task(self: Any, *, trust_id: int) -> int:
    return services.upload_stalled_release(trust=Trust.objects.get(pk=trust_id))


@shared_task
def upload_stalled_release_fan_out() -> int:
    """Beat entry point: lists active trusts (ids only) and queues one scoped job per trust."""
    trust_ids = list(Trust.objects.filter(is_active=True).values_list("pk", flat=True))
    for trust_id in trust_ids:
        upload_stalled_release_task.delay(trust_id=trust_id)
    return len(trust_ids)
