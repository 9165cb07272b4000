"""Upload jobs: each runs inside the trust it was given."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from trust_si.tenancy.tasks import TenantTask

from .models import Upload


@shared_task(base=TenantTask, bind=True, acks_late=True, max_retries=2)
def upload_validate_task(self: Any, *, trust_id: int, upload_id: int) -> str:
    from .services import upload_validate

    upload = Upload.objects.filter(pk=upload_id).first()
    if upload is None:
        return "missing"
    return upload_validate(upload=upload).status
