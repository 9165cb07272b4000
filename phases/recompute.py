"""The one entry point other apps use to ask for a placement and heat-map recompute.

Callers (upload commit, visit judgements, inspections, rule changes) call `recompute_request`
inside their transaction; the phases app coalesces bursts and runs the job on commit.
"""

from __future__ import annotations

from django.db import transaction


def recompute_request(*, trust_id: int, academy_id: int | None, reason: str) -> None:
    """Ask for the academy's (or, with academy_id None, the whole trust's) recompute on commit."""
    from . import tasks

    def _enqueue() -> None:
        enqueue = getattr(tasks, "recompute_enqueue", None)
        if enqueue is not None:
            enqueue(trust_id=trust_id, academy_id=academy_id, reason=reason)

    transaction.on_commit(_enqueue)
