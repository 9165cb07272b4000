"""A Celery task base that runs every job inside the trust it was given, and no other."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from .context import trust_scope
from .models import Trust


class TenantTask(Task):
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


@shared_task(base=TenantTask, bind=True)
def scope_probe(self: Any, *, trust_id: int, tag: str) -> int:
    """Diagnostic job: records what the worker can see inside the trust it was given.

    Used by the tenancy tests and by operators to check a worker: it writes one audit row with
    the trust in scope and the number of academies visible to it.
    """
    from academies.models import Academy
    from trust_si.audit.services import audit_record

    visible = Academy.objects.count()
    audit_record(actor=None, action="tenancy.probe", changes={"tag": tag, "academies": visible})
    return visible
