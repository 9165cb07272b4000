"""Celery entry points of the phases app: thin wrappers around `phases.pipeline`."""

from __future__ import annotations

import smtplib
from typing import Any

from celery import shared_task
from django.core.mail import send_mail
from django.db import InterfaceError, OperationalError

from trust_si.tenancy.models import Trust
from trust_si.tenancy.tasks import TenantTask

from . import pipeline

# Retried: a database that blips. Anything else is recorded on the job row and not retried.
TRANSIENT = (OperationalError, InterfaceError)


def backoff(retries: int) -> int:
    """Seconds before the next try: 5, 10, 20, 40 ... up to five minutes."""
    return int(min(5 * 2**retries, 300))


@shared_task(
    base=TenantTask,
    bind=True,
    acks_late=True,
    max_retries=3,
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=300,
)
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


@shared_task(base=TenantTask, bind=True, acks_late=True, max_retries=6)
def phase_change_mail_task(
    self: Any, *, trust_id: int, subject: str, message: str, recipients: list[str]
) -> int:
    """Send one phase-change email; a refusing or silent mail server is tried again later."""
    try:
        return send_mail(
            subject=subject, message=message, from_email=None, recipient_list=recipients
        )
    except (smtplib.SMTPException, OSError) as exc:
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


@shared_task(base=TenantTask, bind=True, acks_late=True)
def recompute_sweep_task(self: Any, *, trust_id: int) -> dict[str, int]:
    return pipeline.recompute_sweep(trust=Trust.objects.get(pk=trust_id))


@shared_task
def recompute_sweep_fan_out() -> int:
    """Beat entry point: one scoped sweep per active trust (ids only)."""
    trust_ids = list(Trust.objects.filter(is_active=True).values_list("pk", flat=True))
    for trust_id in trust_ids:
        recompute_sweep_task.delay(trust_id=trust_id)
    return len(trust_ids)
