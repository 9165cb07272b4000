"""Permission-aware reads of placements: the phase in force, history, and the report's view."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from academies.models import Academy
from academies.selectors import academy_get_for, academy_list_for

from .models import PhaseCode, Placement, RecomputeJob

PHASE_LABELS = dict(PhaseCode.choices)


def latest_placements(academies: list[Academy]) -> dict[int, Placement]:
    """Each academy's latest whole-academy placement, in one query."""
    latest: dict[int, Placement] = {}
    for p in Placement.objects.filter(academy__in=academies, subject="").order_by("academy_id", "-computed_at", "-id"):
        latest.setdefault(p.academy_id, p)
    return latest


def placement_rows_for(membership: Any) -> list[dict[str, Any]]:
    academies = list(academy_list_for(membership))
    latest = latest_placements(academies)
    decided: dict[int, Placement] = {}
    for p in Placement.objects.filter(academy__in=academies, subject="").exclude(status="proposed").order_by(
            "academy_id", "-decided_at"):
        decided.setdefault(p.academy_id, p)
    subjects: dict[int, dict[str, str]] = {}
    for p in Placement.objects.filter(academy__in=academies).exclude(subject="").order_by("academy_id", "subject", "-computed_at"):
        subjects.setdefault(p.academy_id, {}).setdefault(p.subject, p.proposed_phase)
    return [{"academy": a, "latest": latest.get(a.pk), "decided": decided.get(a.pk),
             "subjects": subjects.get(a.pk, {})} for a in academies]


def placement_history_for(membership: Any, urn: str) -> tuple[Academy, QuerySet[Placement]]:
    academy = academy_get_for(membership, urn)
    return academy, Placement.objects.filter(academy=academy, subject="").select_related("decided_by")


def placement_get_for(membership: Any, pk: int) -> Placement:
    placement = Placement.objects.filter(pk=pk, academy__in=academy_list_for(membership).values("pk")).first()
    if placement is None:
        raise Http404("No such placement.")
    return placement


def last_recompute(trust_id: int) -> RecomputeJob | None:
    return RecomputeJob.objects.filter(trust_id=trust_id).first()


def current_phase_name(academy: Academy) -> str | None:
    """The phase in force for the visits programme: the decision, else the latest proposal."""
    decided = Placement.objects.filter(academy=academy, subject="").exclude(status="proposed").order_by("-decided_at").first()
    latest = decided or Placement.objects.filter(academy=academy, subject="").first()
    return PHASE_LABELS[latest.phase] if latest else None


def current_phases_for(*, trust_id: int) -> dict[int, str]:
    """academy id -> phase label in force (CPD counts a Sustain academy's sessions as capacity)."""
    academies = list(Academy.objects.filter(trust_id=trust_id))
    return {a: PHASE_LABELS[p.phase] for a, p in latest_placements(academies).items()}


def placement_summary_for_report(*, trust: Any, academy: Academy, term_code: str) -> dict[str, Any] | None:
    history = list(Placement.objects.filter(academy=academy, subject="")[:8])
    if not history:
        return None
    current = history[0]
    return {
        "phase": PHASE_LABELS[current.phase],
        "status_label": current.get_status_display().lower(),
        "reasons": [{"text": r["text"]} for r in current.reasons if r.get("level") is not None][:6]
        + [{"text": m} for m in current.missing[:2]],
        "history": [{"term": p.term_code, "phase": PHASE_LABELS[p.phase],
                     "decision": p.get_status_display() + (f": {p.rationale}" if p.rationale else "")}
                    for p in history],
        "note": "",
    }
