"""Placements: the trust overview, an academy's reasons and history, confirm or override."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from academies.models import PhaseOfEducation
from trust_si.audit.services import audit_record
from trust_si.exports import csv_response, xlsx_response
from trust_si.web.access import require
from trust_si.web.http import TenantRequest

from . import selectors, services
from .config import NATIONAL_SHARES, phase_names
from .forms import PhaseSettingsForm
from .models import PhaseCode
from .pipeline import recompute_enqueue


def placement_list(request: TenantRequest) -> HttpResponse:
    membership = require(request, "heatmap.view")
    rows = selectors.placement_rows_for(membership)
    names = phase_names(request.trust.config)
    counts = {code: 0 for code in PhaseCode.values}
    for row in rows:
        if row["latest"]:
            counts[(row["decided"] or row["latest"]).phase] += 1
    total = sum(counts.values()) or 1
    overview = [
        {
            "phase": names[code],
            "count": counts[code],
            "share": round(100 * counts[code] / total),
            "national": NATIONAL_SHARES[code],
        }
        for code in reversed(PhaseCode.values)
    ]
    return render(
        request,
        "phases/list.html",
        {
            "rows": rows,
            "overview": overview,
            "job": selectors.last_recompute(request.trust.pk),
            "labels": names,
            "can_decide": membership.can("placement.confirm"),
        },
    )


def placement_detail(request: TenantRequest, urn: str) -> HttpResponse:
    membership = require(request, "heatmap.view")
    academy, history = selectors.placement_history_for(membership, urn)
    latest = history.first()
    subjects: dict[str, Any] = {}
    for p in academy.placements.exclude(subject="").order_by("subject", "-computed_at"):
        subjects.setdefault(p.subject, p)
    return render(
        request,
        "phases/detail.html",
        {
            "academy": academy,
            "latest": latest,
            "history": history,
            "subjects": subjects.values(),
            "phases": list(phase_names(request.trust.config).items()),
            "labels": phase_names(request.trust.config),
            "can_decide": membership.can("placement.confirm"),
        },
    )


@require_POST
def placement_decide(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "placement.confirm")
    placement = selectors.placement_get_for(membership, pk)
    phase = request.POST.get("phase") or None
    try:
        services.placement_decide(
            actor=request.user,
            placement=placement,
            phase=phase,
            rationale=request.POST.get("rationale", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"{placement.academy.name}: {placement.get_status_display().lower()} "
            f"as {placement.get_decided_phase_display()}.",
        )
    return redirect("phases:detail", trust_slug=request.trust.slug, urn=placement.academy.urn)


@require_POST
def recompute(request: TenantRequest) -> HttpResponse:
    require(request, "placement.confirm")
    queued = recompute_enqueue(trust_id=request.trust.pk, academy_id=None, reason="requested")
    messages.success(
        request, "Recomputing placements…" if queued else "A recompute is already queued."
    )
    return redirect("phases:list", trust_slug=request.trust.slug)


KEY_STAGES = [
    ("", "All key stages"),
    ("EYFS", "EYFS"),
    ("KS1", "Key stage 1"),
    ("KS2", "Key stage 2"),
    ("KS4", "Key stage 4"),
    ("judged", "Judged areas only"),
]


def _heatmap_filters(request: TenantRequest, membership: Any) -> dict[str, Any]:
    """The query string, cleaned: unknown values fall back to the defaults (never an error)."""
    get = request.GET
    officer: int | None = None
    if get.get("officer") == "mine" or (
        not membership.is_trust_wide and get.get("officer") != "all"
    ):
        officer = membership.pk if not membership.is_trust_wide else None
    elif (get.get("officer") or "").isdigit():
        officer = int(get["officer"])
    return {
        "term": get.get("term") or None,
        "group": get.get("group") or "all",
        "compare": get.get("compare") or None,
        "education": get.get("education", "")
        if get.get("education", "") in PhaseOfEducation.values
        else "",
        "phase": get.get("phase", "") if get.get("phase", "") in PhaseCode.values else "",
        "key_stage": get.get("key_stage", "")
        if get.get("key_stage", "") in dict(KEY_STAGES)
        else "",
        "officer": officer,
    }


def heatmap(request: TenantRequest) -> HttpResponse:
    """The trust leader's main page: academies by area for a term, with words, colour and trend."""
    membership = require(request, "heatmap.view")
    filters = _heatmap_filters(request, membership)
    view = selectors.heatmap_view_for(membership, **filters)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        audit_record(
            actor=request.user,
            action="heatmap.export",
            target=None,
            changes={"term": view["term"], "group": view["group"], "format": export},
        )
        header, rows = _heatmap_table(view)
        name = f"heatmap-{request.trust.slug}-{view['term'] or 'none'}-{view['group']}.{export}"
        if export == "csv":
            return csv_response(name, header, rows)
        return xlsx_response(name, [(f"Heat map {view['term_label']}", [header, *rows])])
    return render(
        request,
        "phases/heatmap.html",
        {
            **view,
            "filters": filters,
            "key_stages": KEY_STAGES,
            "educations": PhaseOfEducation.choices,
            "phase_choices": [(c, view["phase_names"][c]) for c in PhaseCode.values],
            "officers": selectors.officer_choices(membership) if membership.is_trust_wide else [],
            "job": selectors.last_recompute(request.trust.pk),
            "can_decide": membership.can("placement.confirm"),
            "can_edit_rules": membership.can("rules.edit"),
            "query": request.GET.urlencode(),
        },
    )


def _heatmap_table(view: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """One row per academy: value and rating per column (words, as on the page), suppression kept."""
    header = ["URN", "Academy", "Phase of education", "Phase", "Term", "Group"]
    for c in view["columns"]:
        header += [
            f"{c.title}: value",
            f"{c.title}: rating",
            f"{c.title}: trend",
            f"{c.title}: cohort",
        ]
    rows = []
    for _, section in view["sections"]:
        for row in section:
            line: list[Any] = [
                row["academy"].urn,
                row["academy"].name,
                row["academy"].get_phase_of_education_display(),
                row["phase_name"],
                view["term_label"],
                dict(view["groups"])[view["group"]],
            ]
            for cell in row["cells"]:
                rating = cell.get("rating", "")
                if cell.get("stale") and cell.get("note"):
                    rating += f" ({cell['note']})"
                line += [
                    cell.get("display", ""),
                    rating,
                    cell.get("trend_text", ""),
                    cell.get("cohort", "") if cell.get("state") != "suppressed" else "",
                ]
            rows.append(line)
    return header, rows


def support_matching(request: TenantRequest) -> HttpResponse:
    """Per subject: academies in Repair or Stabilise, with the Sustain givers nearest in phase."""
    membership = require(request, "heatmap.view")
    return render(
        request, "phases/matching.html", {"matches": selectors.support_matches_for(membership)}
    )


def phase_settings(request: TenantRequest) -> HttpResponse:
    """Trust admins name and describe their phases and tune the placement thresholds."""
    require(request, "rules.edit")
    from .config import phases_for, placement_settings

    form = PhaseSettingsForm(request.POST or None, config=request.trust.config)
    if request.method == "POST" and form.is_valid():
        services.phase_settings_update(
            actor=request.user, trust=request.trust, cleaned=form.cleaned_data
        )
        messages.success(request, "Phase settings saved. Placements are being recomputed.")
        return redirect("phases:settings", trust_slug=request.trust.slug)
    return render(
        request,
        "phases/settings.html",
        {
            "form": form,
            "phases": phases_for(request.trust.config).values(),
            "rules": placement_settings(request.trust.config),
        },
    )


def recompute_status(request: TenantRequest) -> HttpResponse:
    """The "recomputed 2 min ago" / "recomputing…" line, polled by htmx while a job runs."""
    require(request, "heatmap.view")
    return render(
        request, "phases/_job_status.html", {"job": selectors.last_recompute(request.trust.pk)}
    )
