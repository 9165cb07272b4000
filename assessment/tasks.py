"""Upload jobs: each runs inside the trust it was given."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import DatabaseError, InterfaceError, OperationalError

from trust_si.tenancy.models import Trust
from trust_si.tenancy.tasks import TenantTask

from . import retention, services
from .models import Upload

# A database that blips (a restart, a failover, a cut connection) is worth waiting for; any
# other error is the file's or ours, and retrying would not help.
TRANSIENT = (OperationalError, InterfaceError)


def backoff(retries: int) -> int:
    """Seconds before the next try: 5, 10, 20, 40 ... up to five minutes."""
    return int(min(5 * 2**retries, 300))


@shared_task(base=TenantTask, bind=True, acks_late=True, max_retries=4)
def upload_validate_task(self: Any, *, trust_id: int, upload_id: int) -> str:
    try:
        upload = Upload.objects.filter(pk=upload_id).first()
        if upload is None:
            return "missing"
        return services.upload_validate(upload=upload).status
    except TRANSIENT as exc:  # the upload stays "checking"; the next try claims it again
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


# acks_late + reject_on_worker_lost: a worker killed mid-save gives the job back to the broker,
# and the next run finds the upload "saving" and saves it (upload_commit is safe to run twice).
@shared_task(base=TenantTask, bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def upload_commit_task(self: Any, *, trust_id: int, upload_id: int) -> str:
    try:
        upload = services.upload_commit(upload_id=upload_id)
    except DatabaseError as exc:  # not even the upload's state could be written: try again
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
    return upload.status if upload else "missing"


@shared_task(base=TenantTask, bind=True, acks_late=True)
def upload_stalled_release_task(self: Any, *, trust_id: int) -> int:
    return services.upload_stalled_release(trust=Trust.objects.get(pk=trust_id))


@shared_task(base=TenantTask, bind=True, acks_late=True)
def upload_sweep_task(self: Any, *, trust_id: int) -> dict[str, int]:
    return services.upload_sweep(trust=Trust.objects.get(pk=trust_id))


@shared_task
def upload_stalled_release_fan_out() -> int:
    """Beat entry point: lists active trusts (ids only) and queues one scoped job per trust."""
    trust_ids = list(Trust.objects.filter(is_active=True).values_list("pk", flat=True))
    for trust_id in trust_ids:
        upload_sweep_task.delay(trust_id=trust_id)  # includes the stalled-save release
    return len(trust_ids)


@shared_task(base=TenantTask, bind=True, acks_late=True)
def pupil_data_retention_task(self: Any, *, trust_id: int) -> dict[str, int]:
    return retention.pupil_data_retention_apply(trust=Trust.objects.get(pk=trust_id))


@shared_task
def pupil_data_retention_fan_out() -> int:
    """Beat entry point (daily): one scoped retention job per active trust."""
    trust_ids = list(Trust.objects.filter(is_active=True).values_list("pk", flat=True))
    for trust_id in trust_ids:
        pupil_data_retention_task.delay(trust_id=trust_id)
    return len(trust_ids)
