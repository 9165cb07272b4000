"""Daily reminders of overdue actions: one job per trust, each inside its own scope."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from trust_si.tenancy.models import Trust
from trust_si.tenancy.tasks import TenantTask

from .services import reminders_send


@shared_task(base=TenantTask, bind=True, max_retries=3, acks_late=True)
def action_reminders_send(self: Any, *, trust_id: int) -> int:
    return reminders_send(trust=Trust.objects.get(pk=trust_id))


@shared_task
def action_reminders_fan_out() -> int:
    """Beat entry point: lists active trusts (ids only) and queues one scoped job per trust."""
    trust_ids = list(Trust.objects.filter(is_active=True).values_list("pk", flat=True))
    for trust_id in trust_ids:
        action_reminders_send.delay(trust_id=trust_id)
    return len(trust_ids)
