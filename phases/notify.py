"""Telling people that an academy's phase changed: its trust's leaders and its officers."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from academies.models import Academy
from trust_si.accounts.models import Membership
from trust_si.accounts.roles import Role
from trust_si.tenancy.tasks import job_send

from . import tasks  # module reference: the mail is sent by its own task
from .config import phase_names


def phase_change_notify(academy: Academy, before: str, after: str, decided_by: Any = None) -> None:
    """Email the trust's leaders and the academy's officers (on commit) when its phase changes.

    The mail goes out from its own task (`phase_change_mail_task`, retried with backoff): a mail
    server that refuses or hangs never holds or aborts the recompute or decision that caused it.
    """
    names = phase_names(academy.trust.config)
    people = (
        Membership.objects.filter(trust_id=academy.trust_id, is_active=True)
        .filter(
            models.Q(role=Role.TRUST_LEADER)
            | models.Q(role=Role.IMPROVEMENT_OFFICER, academies=academy)
        )
        .select_related("user")
    )
    recipients = sorted({m.user.email for m in people})
    if decided_by is not None:
        subject = f"{academy.name}: phase {names[before]} → {names[after]}"
        message = (
            f"{getattr(decided_by, 'display_name', 'A trust leader')} placed {academy.name} in "
            f"{names[after]} (was {names[before]})."
        )
    else:
        subject = f"{academy.name}: proposed phase {names[before]} → {names[after]}"
        message = (
            f"The placement engine now proposes {names[after]} for {academy.name} "
            f"(was {names[before]}). Review the reasons and confirm or override it."
        )
    if recipients:
        kwargs = {
            "trust_id": academy.trust_id,
            "subject": subject,
            "message": message,
            "recipients": recipients,
        }
        # robust: whatever happens sending it, the caller's work after this commit goes on.
        transaction.on_commit(
            lambda: job_send(tasks.phase_change_mail_task, kwargs=kwargs), robust=True
        )
