"""The placement recompute: coalesced per academy, run inside the trust, with a job row."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from trust_si.tenancy.context import dangerously_unscoped
from trust_si.tenancy.models import Trust
from trust_si.tenancy.storage import tenant_cache_key
from trust_si.tenancy.tasks import TenantTask

# Many uploads in a minute become one recompute per academy: the first request schedules it a
# little later, the others find the key and add nothing.
COALESCE_SECONDS = getattr(settings, "TRUST_SI_RECOMPUTE_DELAY", 20)


def recompute_enqueue(*, trust_id: int, academy_id: int | None, reason: str) -> bool:
    from .models import RecomputeJob

    key = tenant_cache_key("recompute", academy_id or "all", trust_id=trust_id)
    if not cache.add(key, "1", timeout=COALESCE_SECONDS + 30):
        return False
    with dangerously_unscoped():
        job = RecomputeJob.objects.create(
            trust_id=trust_id, academy_id=academy_id, reason=reason[:100]
        )
    placement_recompute_task.apply_async(
        kwargs={"trust_id": trust_id, "academy_id": academy_id, "job_id": job.pk, "cache_key": key},
        countdown=COALESCE_SECONDS,
    )
    return True


def recompute_trust(*, trust: Trust, academy_id: int | None = None, term: str | None = None) -> int:
    """Recompute placements and the current term's heat map for one academy or the whole trust.

    Runs in the trust's scope. The KPI figures are computed once, for every academy concerned,
    the term and the heat map's pupil groups; trends come from the last kept map. `term` (the demo, an operator replaying
    a past term) defaults to the latest term with data. Returns the academies done.
    """
    from academies.models import Academy
    from assessment.kpis.selectors import kpi_figures_for

    from .evidence import Bundle, current_term_code
    from .heatmap import HEATMAP_GROUPS
    from .selectors import latest_placements
    from .services import heatmap_refresh, placement_recompute

    term = term or current_term_code(trust.pk)
    queryset = Academy.objects.filter(trust=trust, is_active=True)
    if academy_id is not None:
        queryset = queryset.filter(pk=academy_id)
    academies = list(queryset.order_by("name"))
    figures = kpi_figures_for(
        trust_id=trust.pk,
        academy_ids=[a.pk for a in academies],
        term_codes=[term],
        groups=HEATMAP_GROUPS,
    )
    now = [f for f in figures if f.term_code == term and f.group == "all"]
    bundle = Bundle.load([a.pk for a in academies])
    latest = latest_placements(academies)
    for academy in academies:
        academy.trust = trust  # one trust object, not a query per academy
        placement_recompute(
            academy=academy,
            term_code=term,
            kpi_figures=now,
            bundle=bundle,
            latest=latest.get(academy.pk),
        )
    heatmap_refresh(
        trust=trust, academies=academies, term_code=term, figures=figures, bundle=bundle
    )
    return len(academies)


@shared_task(base=TenantTask, bind=True, acks_late=True, max_retries=2)
def placement_recompute_task(
    self: Any,
    *,
    trust_id: int,
    academy_id: int | None = None,
    job_id: int | None = None,
    cache_key: str = "",
) -> int:
    from .models import RecomputeJob

    if cache_key:
        cache.delete(cache_key)  # later requests schedule a fresh run
    jobs = RecomputeJob.objects.filter(pk=job_id or 0)
    jobs.update(status="running", started_at=timezone.now())
    try:
        done = recompute_trust(trust=Trust.objects.get(pk=trust_id), academy_id=academy_id)
    except Exception as exc:
        jobs.update(status="failed", finished_at=timezone.now(), message=str(exc)[:300])
        raise
    jobs.update(status="done", finished_at=timezone.now(), message=f"{done} academies")
    return done


@shared_task
def recompute_all_trusts() -> int:
    """Nightly: every active trust, one scoped job each (ids only leave this function)."""
    with dangerously_unscoped():
        trust_ids = list(Trust.objects.filter(is_active=True).values_list("pk", flat=True))
    for trust_id in trust_ids:
        recompute_enqueue(trust_id=trust_id, academy_id=None, reason="nightly")
    return len(trust_ids)
