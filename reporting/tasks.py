"""Report generation jobs. Each runs inside its trust; a batch is a Celery group."""

from __future__ import annotations

import logging
from typing import Any

from celery import group, shared_task

from trust_si.tenancy.models import Trust
from trust_si.tenancy.tasks import BROKER_UNREACHABLE, TenantTask

# A module reference, not names: services enqueue these tasks, and these tasks call services.
from . import services
from .models import Report

MAX_RETRIES = 2
logger = logging.getLogger(__name__)


@shared_task(base=TenantTask, bind=True, max_retries=MAX_RETRIES, acks_late=True)
def report_generate_task(self: Any, *, trust_id: int, report_id: int) -> str:
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        return "missing"
    try:
        services.report_generate(report=report)
    except Exception as exc:
        final = self.request.retries >= MAX_RETRIES
        error = (
            "the server's storage is full or unavailable"
            if isinstance(exc, OSError)
            else f"{exc.__class__.__name__}: {exc}"
        )
        services.report_mark_failed(report_id=report_id, error=error, final=final)
        if not final:
            raise self.retry(exc=exc, countdown=2**self.request.retries) from exc
        return "failed"
    return "ready"


def batch_enqueue(*, trust_id: int, report_ids: list[int]) -> bool:
    """Send one task per report as a group; a failing report does not stop the others.

    False when the broker cannot be reached (the caller marks the reports waiting)."""
    try:
        group(
            report_generate_task.s(trust_id=trust_id, report_id=rid) for rid in report_ids
        ).apply_async()
    except BROKER_UNREACHABLE:
        logger.warning(
            "The broker is unreachable: %s report(s) wait for the sweeper.", len(report_ids)
        )
        return False
    return True


@shared_task(base=TenantTask, bind=True, acks_late=True)
def report_sweep_task(self: Any, *, trust_id: int) -> dict[str, int]:
    return services.report_sweep(trust=Trust.objects.get(pk=trust_id))


@shared_task
def report_sweep_fan_out() -> int:
    """Beat entry point: one scoped sweep per active trust (ids only)."""
    trust_ids = list(Trust.objects.filter(is_active=True).values_list("pk", flat=True))
    for trust_id in trust_ids:
        report_sweep_task.delay(trust_id=trust_id)
    return len(trust_ids)
