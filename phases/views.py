"""Placements: the trust overview, an academy's reasons and history, confirm or override."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from trust_si.accounts.access import require
from trust_si.tenancy.http import TenantRequest

from . import selectors, services
from .models import PhaseCode
from .tasks import recompute_enqueue

NATIONAL_SHARES = {"sustain": 31, "improve": 37, "repair": 20, "stabilise": 12}


def placement_list(request: TenantRequest) -> HttpResponse:
    membership = require(request, "heatmap.view")
    rows = selectors.placement_rows_for(membership)
    counts = {code: 0 for code in PhaseCode.values}
    for row in rows:
        if row["latest"]:
            counts[(row["decided"] or row["latest"]).phase] += 1
    total = sum(counts.values()) or 1
    overview = [{"phase": label, "count": counts[code], "share": round(100 * counts[code] / total),
                 "national": NATIONAL_SHARES[code]} for code, label in reversed(PhaseCode.choices)]
    return render(request, "phases/list.html", {
        "rows": rows, "overview": overview, "job": selectors.last_recompute(request.trust.pk),
        "labels": dict(PhaseCode.choices), "can_decide": membership.can("placement.confirm"),
    })


def placement_detail(request: TenantRequest, urn: str) -> HttpResponse:
    membership = require(request, "heatmap.view")
    academy, history = selectors.placement_history_for(membership, urn)
    latest = history.first()
    subjects: dict[str, Any] = {}
    for p in academy.placements.exclude(subject="").order_by("subject", "-computed_at"):
        subjects.setdefault(p.subject, p)
    return render(request, "phases/detail.html", {
        "academy": academy, "latest": latest, "history": history, "subjects": subjects.values(),
        "phases": PhaseCode.choices, "can_decide": membership.can("placement.confirm"),
    })


@require_POST
def placement_decide(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "placement.confirm")
    placement = selectors.placement_get_for(membership, pk)
    phase = request.POST.get("phase") or None
    try:
        services.placement_decide(actor=request.user, placement=placement, phase=phase,
                                  rationale=request.POST.get("rationale", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{placement.academy.name}: {placement.get_status_display().lower()} "
                                  f"as {placement.get_decided_phase_display()}.")
    return redirect("phases:detail", trust_slug=request.trust.slug, urn=placement.academy.urn)


@require_POST
def recompute(request: TenantRequest) -> HttpResponse:
    require(request, "placement.confirm")
    queued = recompute_enqueue(trust_id=request.trust.pk, academy_id=None, reason="requested")
    messages.success(request, "Recomputing placements…" if queued else "A recompute is already queued.")
    return redirect("phases:list", trust_slug=request.trust.slug)
