"""Placements: the trust overview, an academy's reasons and history, confirm or override."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from academies.models import PhaseOfEducation
from academies.selectors import academy_get_for, academy_list_for
from trust_si.audit.services import audit_record
from trust_si.exports import csv_response, xlsx_response
from trust_si.sources import SOURCES
from trust_si.terms import term_label
from trust_si.vocab import words
from trust_si.web.access import require
from trust_si.web.http import TenantRequest

from . import selectors, services
from .casebook import CASES, RULES
from .config import NATIONAL_SHARES, phase_names, phases_for, placement_settings
from .evidence import term_coverage
from .forms import ArrangementForm, PhaseSettingsForm
from .heatmap_detail import cell_detail_for
from .heatmap_page import KEY_STAGES, HeatmapFilters, heatmap_page_for, heatmap_table
from .models import PhaseCode
from .pipeline import recompute_enqueue
from .rules import propose


def _rows_html(rows: list[dict[str, Any]]) -> str:
    """The placements table's rows as the template wrote them (each value escaped), joined once
    here rather than by a template loop per row and cell (issue 17)."""
    out = []
    for row in rows:
        decided, latest = row["decided"], row["latest"]
        if decided:
            in_force = (
                f'<strong class="app-phase app-phase--{escape(decided["phase"])}">'
                f"{escape(decided['label'])}</strong> ({escape(decided['status'])})"
            )
        else:
            in_force = "Not decided"
        if latest:
            proposal = (
                f'<span class="app-phase app-phase--{escape(latest["phase"])}">'
                f"{escape(latest['label'])}</span>"
            )
            if latest["to_review"]:
                proposal += ' <strong class="govuk-tag govuk-tag--yellow">to review</strong>'
        else:
            proposal = "–"
        subjects = "; ".join(f"{escape(s)}: {escape(p)}" for s, p in row["subjects"]) or "–"
        out.append(
            '\n    <tr class="govuk-table__row">\n'
            f'      <td class="govuk-table__cell"><a class="govuk-link" href="{escape(row["href"])}">'
            f"{escape(row['name'])}</a></td>\n"
            f'      <td class="govuk-table__cell">{in_force}</td>\n'
            f'      <td class="govuk-table__cell">{proposal}</td>\n'
            f'      <td class="govuk-table__cell">{subjects}</td>\n'
            "    </tr>\n  "
        )
    return mark_safe("".join(out))  # noqa: S308 - every value escaped above


def placement_list(request: TenantRequest) -> HttpResponse:
    membership = require(request, "heatmap.view")
    names = phase_names(request.trust.config)
    rows, in_force = selectors.placement_table_for(
        membership, trust_slug=request.trust.slug, labels=names
    )
    counts = {code: 0 for code in PhaseCode.values}
    for phase in in_force:
        counts[phase] += 1
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
            "rows_html": _rows_html(rows),
            "overview": overview,
            "job": selectors.last_recompute(request.trust.pk),
            "can_decide": membership.can("placement.confirm"),
        },
    )


def placement_detail(request: TenantRequest, urn: str) -> HttpResponse:
    membership = require(request, "heatmap.view")
    return _detail_page(request, membership, urn)


def _detail_page(
    request: TenantRequest,
    membership: Any,
    urn: str,
    *,
    errors: dict[str, list[str]] | None = None,
    typed: dict[str, str] | None = None,
) -> HttpResponse:
    """The academy's placement page; after a refused decision, with what was typed and why."""
    academy, history = selectors.placement_history_for(membership, urn)
    latest = history.first()
    subjects: dict[str, Any] = {}
    lines = academy.placements.exclude(subject="").order_by("subject", "-computed_at")
    if latest is not None:  # the lines written with the latest placement only
        lines = lines.filter(computed_at__gte=latest.computed_at)
    for p in lines:
        subjects.setdefault(p.subject, p)
    typed = typed or {}
    phases = phases_for(request.trust.config)
    in_force = (latest.decided_phase or latest.proposed_phase) if latest else ""
    return render(
        request,
        "phases/detail.html",
        {
            "support": phases.get(in_force),
            "academy": academy,
            "arrangements": selectors.arrangements_of_academy(membership, academy),
            "latest": latest,
            "history": history,
            "subjects": subjects.values(),
            "phases": list(phase_names(request.trust.config).items()),
            "labels": phase_names(request.trust.config),
            "can_decide": membership.can("placement.confirm"),
            "terms": selectors.term_statuses(
                term_coverage(membership.trust_id, [academy.pk]).get(academy.pk, {})
            ),
            "errors": errors or {},
            "chosen_phase": typed.get("phase")
            or (latest.decided_phase or latest.proposed_phase if latest else ""),
            # The cut points that map the weighted level to a phase, so "2.94 of 4" can be read.
            "cuts": {
                k: placement_settings(request.trust.config)[f"cut_{k}"]
                for k in ("sustain", "improve", "repair")
            },
            "typed_rationale": typed.get("rationale", ""),
        },
        status=400 if errors else 200,
    )


@require_POST
def placement_decide(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "placement.confirm")
    placement = selectors.placement_get_for(membership, pk)
    phase = request.POST.get("phase") or None
    rationale = request.POST.get("rationale", "")
    try:
        services.placement_decide(
            actor=request.user, placement=placement, phase=phase, rationale=rationale
        )
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"phase": exc.messages}
        typed = {"phase": phase or "", "rationale": rationale}
        return _detail_page(request, membership, placement.academy.urn, errors=errors, typed=typed)
    messages.success(
        request,
        f"{placement.academy.name}: {placement.get_status_display().lower()} "
        f"as {placement.get_decided_phase_display()}.",
    )
    return redirect("phases:detail", trust_slug=request.trust.slug, urn=placement.academy.urn)


@require_POST
def term_complete(request: TenantRequest, urn: str, term: str) -> HttpResponse:
    """A leader marks a term's data complete (or unmarks it) for the academy."""
    membership = require(request, "placement.confirm")
    academy = academy_get_for(membership, urn)
    complete = request.POST.get("complete", "yes") != "no"
    try:
        changed = services.term_completeness_mark(
            actor=request.user,
            academy=academy,
            term_code=term,
            complete=complete,
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from exc
    label = term_label(term)
    if changed:
        messages.success(
            request,
            f"{academy.name}: {label} marked complete; placements are recomputing."
            if complete
            else f"{academy.name}: {label} no longer marked complete; placements are recomputing.",
        )
    return redirect("phases:detail", trust_slug=request.trust.slug, urn=academy.urn)


@require_POST
def recompute(request: TenantRequest) -> HttpResponse:
    require(request, "placement.confirm")
    queued = recompute_enqueue(trust_id=request.trust.pk, academy_id=None, reason="requested")
    messages.success(
        request, "Recomputing placements…" if queued else "A recompute is already queued."
    )
    return redirect("phases:list", trust_slug=request.trust.slug)


def heatmap(request: TenantRequest) -> HttpResponse:
    """The trust leader's main page: academies by area for a term, with words, colour and trend."""
    membership = require(request, "heatmap.view")
    filters = HeatmapFilters.from_query(request.GET, membership)
    page = heatmap_page_for(membership, filters)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        audit_record(
            actor=request.user,
            action="heatmap.export",
            target=None,
            changes={"term": page.term, "group": page.group, "format": export},
        )
        header, rows = heatmap_table(page)
        name = f"heatmap-{request.trust.slug}-{page.term or 'none'}-{page.group}.{export}"
        if export == "csv":
            return csv_response(name, header, rows)
        return xlsx_response(name, [(f"Heat map {page.term_label}", [header, *rows])])
    return render(
        request,
        "phases/heatmap.html",
        {
            **page.context(),
            "filters": filters,
            "key_stages": KEY_STAGES,
            "educations": PhaseOfEducation.choices,
            "phase_choices": [(c, page.phase_names[c]) for c in PhaseCode.values],
            "officers": selectors.officer_choices(membership) if membership.is_trust_wide else [],
            "job": selectors.last_recompute(request.trust.pk),
            "can_decide": membership.can("placement.confirm"),
            "can_placements": True,
            "can_edit_rules": membership.can("rules.edit"),
            "query": request.GET.urlencode(),
        },
    )


def heatmap_cell(request: TenantRequest, urn: str, column: str) -> HttpResponse:
    """One cell in full: the detail panel's htmx partial, or a page of its own without script.

    Anyone who may read the academy's outcomes (a head their own school's) may read its cells;
    the academy is looked up in the membership's scope, so any other is a 404."""
    membership = require(request, "kpi.view")
    detail = cell_detail_for(
        membership,
        urn=urn,
        column_code=column,
        term=request.GET.get("term"),
        group=request.GET.get("group") or "all",
    )
    context = {
        "d": detail,
        "can_placements": membership.can("heatmap.view"),
        "can_visits": membership.can("visit.view"),
        "back_url": reverse(
            "phases:heatmap" if membership.can("heatmap.view") else "phases:own",
            kwargs={"trust_slug": request.trust.slug},
        )
        + f"?term={detail.term}&group={detail.group}",
    }
    if request.headers.get("HX-Request"):
        return render(request, "phases/_cell_detail.html", context)
    return render(request, "phases/cell_detail.html", context)


def heatmap_own(request: TenantRequest) -> HttpResponse:
    """A head's (or governor's) own academy's heat-map row(s) and the reasons for its phase.

    Only the member's academies are read (`heatmap_rows_for` is scoped), and nothing trust-wide
    is shown: no phase counts, which with their own row would give other academies away."""
    membership = require(request, "kpi.view")
    if membership.can("heatmap.view"):
        return redirect("phases:heatmap", trust_slug=request.trust.slug)
    filters = HeatmapFilters.from_query(request.GET, membership)
    filters = replace(filters, officer=None, education="", phase="")
    page = heatmap_page_for(membership, filters)
    context = page.context()
    context.pop("overview")
    return render(
        request,
        "phases/heatmap_own.html",
        {
            **context,
            "filters": filters,
            "key_stages": KEY_STAGES,
            "can_placements": False,
            "query": request.GET.urlencode(),
        },
    )


def support_matching(request: TenantRequest) -> HttpResponse:
    """Per subject: academies in Repair or Stabilise with the Sustain givers the matching rule
    allows, the rule's criteria, the trust's arrangements, and a form to record one."""
    membership = require(request, "heatmap.view")
    initial = {k: request.GET[k] for k in ("giver", "taker", "subject") if request.GET.get(k)}
    form = ArrangementForm(initial=initial, academies=academy_list_for(membership))
    return _matching_page(request, membership, form)


def _matching_page(
    request: TenantRequest, membership: Any, form: ArrangementForm, status: int = 200
) -> HttpResponse:
    arrangements = selectors.arrangement_list_for(membership)
    active = selectors.active_arrangements(arrangements)
    return render(
        request,
        "phases/matching.html",
        {
            **selectors.support_matches_for(membership),
            "form": form,
            "active": active,
            "past": arrangements.exclude(pk__in=active.values("pk"))[:50],
            "can_broker": membership.can("placement.confirm"),
        },
        status=status,
    )


@require_POST
def arrangement_create(request: TenantRequest) -> HttpResponse:
    """A leader records a brokered arrangement; a refused form keeps what was typed."""
    membership = require(request, "placement.confirm")
    form = ArrangementForm(request.POST, academies=academy_list_for(membership))
    if not form.is_valid():
        return _matching_page(request, membership, form, status=400)
    try:
        arrangement = services.arrangement_create(actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return _matching_page(request, membership, form, status=400)
    messages.success(
        request,
        f"Recorded: {arrangement.giver.name} supports {arrangement.taker.name} in "
        f"{words(arrangement.subject).lower()} for {arrangement.days:g} days.",
    )
    return redirect(
        f"{reverse('phases:matching', kwargs={'trust_slug': request.trust.slug})}#arrangements"
    )


@require_POST
def arrangement_end(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "placement.confirm")
    arrangement = selectors.arrangement_get_for(membership, pk)
    services.arrangement_end(actor=request.user, arrangement=arrangement)
    messages.success(
        request,
        f"Ended: {arrangement.giver.name}'s support for {arrangement.taker.name}; its days are "
        "no longer counted as used.",
    )
    return redirect(
        f"{reverse('phases:matching', kwargs={'trust_slug': request.trust.slug})}#arrangements"
    )


def phase_settings(request: TenantRequest) -> HttpResponse:
    """Trust admins name and describe their phases and tune the placement thresholds."""
    require(request, "rules.edit")

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
        status=400 if form.errors else 200,
    )


def recompute_status(request: TenantRequest) -> HttpResponse:
    """The "recomputed 2 min ago" / "recomputing…" line, polled by htmx while a job runs."""
    require(request, "heatmap.view")
    return render(
        request, "phases/_job_status.html", {"job": selectors.last_recompute(request.trust.pk)}
    )


def casebook(request: TenantRequest) -> HttpResponse:
    """How placements are decided: the rules and the casebook, each case run through the engine.

    The cases run with the default thresholds, the same as `tests/phases/test_casebook.py`.
    Anyone in the trust may read it (governors too): it shows rules, not pupils or academies."""
    require(request, "academy.view")
    names = phase_names(request.trust.config)
    cases = []
    for case in CASES:
        proposal = propose(case.evidence)
        fired = next((r for r in proposal.reasons if r.rule == case.rule), None)
        cases.append(
            {
                "case": case,
                "phase": names.get(proposal.phase, proposal.phase),
                "agrees": proposal.phase == case.phase,
                "reason": fired,
                "first": proposal.reasons[0] if proposal.reasons else None,
            }
        )
    strongest_first = list(reversed(phases_for(request.trust.config).values()))
    return render(
        request,
        "phases/casebook.html",
        {"rules": RULES, "cases": cases, "phases": strongest_first, "sources": SOURCES.values()},
    )
