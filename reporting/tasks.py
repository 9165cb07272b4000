"""Report generation jobs. Each runs inside its trust; a batch is a Celery group."""

from __future__ import annotations

from typing import Any

from celery import group, shared_task

from trust_si.tenancy.tasks import TenantTask

# A module reference, not names: services enqueue these tasks, and these tasks call services.
from . import services
from .models import Report

MAX_RETRIES = 2


@shared_task(base=TenantTask, bind=True, max_retries=MAX_RETRIES, acks_late=True)
def report_generate_task(self: Any, *, trust_id: int, report_id: int) -> str:
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        return "missing"
    try:
        services.report_generate(report=report)
    except Exception as exc:
        final = self.request.retries >= MAX_RETRIES
        services.report_mark_failed(
            report_id=report_id, error=f"{exc.__class__.__name__}: {exc}", final=final
        )
        if not final:
            raise self.retry(exc=exc, countdown=2**self.request.retries) from exc
        return "failed"
    return "ready"


def batch_enqueue(*, trust_id: int, report_ids: list[int]) -> None:
    """Send one task per report as a group; a failing report does not stop the others."""
    group(
        report_generate_task.s(trust_id=trust_id, report_id=rid) for rid in report_ids
    ).apply_async()
