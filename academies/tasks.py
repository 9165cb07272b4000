"""Academy jobs: the scope probe operators and the tenancy tests use to check a worker."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from trust_si.audit.services import audit_record
from trust_si.tenancy.tasks import TenantTask

from .models import Academy


@shared_task(base=TenantTask, bind=True)
def scope_probe(self: Any, *, trust_id: int, tag: str) -> int:
    """Diagnostic job: records what the worker can see inside the trust it was given.

    Used by the tenancy tests and by operators to check a worker: it writes one audit row with
    the trust in scope and the number of academies visible to it.
    """
    visible = Academy.objects.count()
    audit_record(actor=None, action="tenancy.probe", changes={"tag": tag, "academies": visible})
    return visible
