"""Thin views: selector -> service -> render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from academies.selectors import academy_get_for, academy_list_for
from cpd.models import Priority as TrustPriority
from phases.selectors import heatmap_terms
from trust_si.forms import errors_to_form, tenant_redirect
from trust_si.terms import AcademicYear, TermCode
from trust_si.web.access import require
from trust_si.web.http import TenantRequest

from . import selectors, services
from .forms import (
    PlanActionForm,
    PriorityForm,
    ReviewForm,
    RiskDecideForm,
    RiskForm,
    SefForm,
    TrustStatementForm,
)
from .models import Risk, RiskStatus


def overview(request: TenantRequest) -> HttpResponse:
    membership = require(request, "planning.view")
    today = dt.date.today()
    rows = []
    for academy in academy_list_for(membership):
        sef = selectors.sef_latest(academy)
        plan = selectors.plan_detail(selectors.current_plan(academy, today), today)
        rows.append(
            {
                "academy": academy,
                "sef_term": TermCode.parse(sef.term_code).label if sef else "",
                "priorities": len(plan),
                "off_track": sum(1 for p in plan if p["latest"] and p["latest"].rag == "off_track"),
                "overdue": sum(len(p["schedule"].overdue) for p in plan),
            }
        )
    context = {
        "rows": rows,
        "overdue": selectors.overdue_reviews_for(membership, today),
        "coverage": selectors.trust_priority_coverage(membership),
        "accuracy": selectors.sef_accuracy_for(membership),
        "can_risks": membership.can("risk.view"),
    }
    return render(request, "planning/overview.html", context)


def academy_plan(request: TenantRequest, urn: str) -> HttpResponse:
    membership = require(request, "planning.view")
    academy = academy_get_for(membership, urn)
    today = dt.date.today()
    sef = selectors.sef_latest(academy)
    plan = selectors.current_plan(academy, today)
    context = {
        "academy": academy,
        "sef": sef,
        "validation": selectors.sef_validation(academy, sef),
        "plan": plan,
        "priorities": selectors.plan_detail(plan, today),
        "review_form": ReviewForm(initial={"reviewed_on": today}),
        "today": today,
        "can_edit_sef": membership.can("sef.edit"),
        "can_review": membership.can("plan.review"),
        "risks": selectors.risk_list_for(membership).filter(academy=academy)
        if membership.can("risk.view")
        else [],
    }
    return render(request, "planning/academy.html", context)


@require_http_methods(["GET", "POST"])
def sef_edit(request: TenantRequest, urn: str) -> HttpResponse:
    membership = require(request, "sef.edit")
    academy = academy_get_for(membership, urn)
    term = TermCode.for_date(dt.date.today())
    sef = selectors.sef_latest(academy)
    initial: dict[str, Any] = {}
    if sef is not None:
        for e in sef.entries.prefetch_related("links"):  # type: ignore[attr-defined]
            initial |= {f"{e.area}-grade": e.grade, f"{e.area}-narrative": e.narrative}
            initial[f"{e.area}-evidence"] = e.evidence
            initial[f"{e.area}-links"] = [link.ref for link in e.links.all()]
    form = SefForm(
        request.POST or None, initial=initial, evidence=selectors.evidence_options(academy)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.sef_save(
                actor=request.user, academy=academy, term_code=term.code, entries=form.entries()
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"Self-evaluation saved for {term.label}.")
            return tenant_redirect(request, "planning:academy", urn=academy.urn)
    status = 400 if request.method == "POST" else 200
    context = {"academy": academy, "form": form, "term_label": term.label}
    return render(request, "planning/sef_form.html", context, status=status)


@require_POST
def review_add(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "plan.review")
    priority = selectors.priority_get_for(membership, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_record(
                actor=request.user,
                priority=priority,
                reviewed_on=form.cleaned_data["reviewed_on"],
                rag=form.cleaned_data["rag"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"Review of “{priority.title}” recorded.")
            return tenant_redirect(request, "planning:academy", urn=priority.plan.academy.urn)
    return render(
        request, "planning/review_form.html", {"priority": priority, "form": form}, status=400
    )


@require_http_methods(["GET", "POST"])
def risks(request: TenantRequest) -> HttpResponse:
    membership = require(request, "risk.view")
    scope = academy_list_for(membership)
    form = RiskForm(request.POST or None, academies=scope, trust_wide=membership.is_trust_wide)
    if request.method == "POST":
        membership = require(request, "risk.manage")
        if request.POST.get("action") == "suggest":
            terms = heatmap_terms(membership.trust_id)
            made = services.risk_suggestions_refresh(
                trust=request.trust, term_code=terms[0] if terms else ""
            )
            messages.success(request, f"{len(made)} new risk(s) suggested from the evidence.")
            return tenant_redirect(request, "planning:risks")
        if form.is_valid():
            try:
                services.risk_add(actor=request.user, trust=request.trust, **form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, "Risk added to the register.")
                return tenant_redirect(request, "planning:risks")
    rows = list(selectors.risk_list_for(membership).prefetch_related("history"))
    context = {
        "suggested": [r for r in rows if r.status == RiskStatus.SUGGESTED],
        "open": sorted(
            (r for r in rows if r.status == RiskStatus.OPEN), key=lambda r: (-r.score, r.title)
        ),
        "closed": [r for r in rows if r.status in (RiskStatus.CLOSED, RiskStatus.DISMISSED)],
        "matrix": selectors.risk_matrix(rows),
        "form": form,
        "can_manage": membership.can("risk.manage"),
    }
    return render(request, "planning/risks.html", context, status=400 if form.errors else 200)


@require_POST
def risk_decide(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "risk.manage")
    risk: Risk = selectors.risk_get_for(membership, pk)
    form = RiskDecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what to do with the risk.")
        return tenant_redirect(request, "planning:risks")
    try:
        services.risk_decide(actor=request.user, risk=risk, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"“{risk.title}”: {risk.get_status_display().lower()}.")
    return tenant_redirect(request, "planning:risks")


@require_http_methods(["GET", "POST"])
def trust_assessment(request: TenantRequest) -> HttpResponse:
    membership = require(request, "risk.view")
    term = TermCode.for_date(dt.date.today())
    # Twice a year: autumn's assessment, or summer's (spring statements join the summer one).
    season = "autumn" if term.season.code == "autumn" else "summer"
    current = TermCode.of(term.academic_year, season)
    form = TrustStatementForm(request.POST or None)
    if request.method == "POST":
        require(request, "risk.manage")
        if form.is_valid():
            try:
                services.trust_statement_add(
                    actor=request.user,
                    trust=request.trust,
                    term_code=current.code,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, f"Statement added to the {current.label} assessment.")
                return tenant_redirect(request, "planning:trust_assessment")
    context = {
        "assessments": selectors.trust_assessments_for(membership),
        "form": form,
        "current_label": current.label,
        "can_manage": membership.can("risk.manage"),
    }
    return render(
        request, "planning/trust_assessment.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def priority_add(request: TenantRequest, urn: str) -> HttpResponse:
    membership = require(request, "plan.review")
    academy = academy_get_for(membership, urn)
    today = dt.date.today()
    form = PriorityForm(
        request.POST or None,
        initial={"starts_on": today},
        trust_priorities=TrustPriority.objects.filter(trust_id=membership.trust_id),
        support_options=selectors.support_options(academy),
    )
    if request.method == "POST" and form.is_valid():
        year = AcademicYear.for_date(form.cleaned_data["starts_on"]).code
        try:
            plan = services.plan_get_or_create(
                actor=request.user, academy=academy, academic_year=year
            )
            services.priority_add(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Priority added to the improvement plan.")
            return tenant_redirect(request, "planning:academy", urn=academy.urn)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "planning/priority_form.html", {"academy": academy, "form": form}, status=status
    )


@require_http_methods(["GET", "POST"])
def action_add(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "plan.review")
    priority = selectors.priority_get_for(membership, pk)
    academy = priority.plan.academy
    form = PlanActionForm(
        request.POST or None,
        initial={"owner": priority.owner},
        visit_actions=selectors.visit_actions_for(academy),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_action_add(actor=request.user, priority=priority, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"Action added to “{priority.title}”.")
            return tenant_redirect(request, "planning:academy", urn=academy.urn)
    status = 400 if request.method == "POST" else 200
    context = {"priority": priority, "form": form, "action": None}
    return render(request, "planning/action_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def action_edit(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "plan.review")
    action = selectors.action_get_for(membership, pk)
    priority = action.priority
    form = PlanActionForm(
        request.POST or None,
        initial={
            "description": action.description,
            "owner": action.owner,
            "due_on": action.due_on,
            "visit_action": action.visit_action_id,
        },
        visit_actions=selectors.visit_actions_for(priority.plan.academy),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_action_update(actor=request.user, action=action, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Action saved.")
            return tenant_redirect(request, "planning:academy", urn=priority.plan.academy.urn)
    status = 400 if request.method == "POST" else 200
    context = {"priority": priority, "form": form, "action": action}
    return render(request, "planning/action_form.html", context, status=status)


@require_POST
def action_complete(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "plan.review")
    action = selectors.action_get_for(membership, pk)
    done = request.POST.get("done", "1") != "0"
    services.plan_action_complete(actor=request.user, action=action, done=done)
    messages.success(request, "Action marked done." if done else "Action reopened.")
    return tenant_redirect(request, "planning:academy", urn=action.priority.plan.academy.urn)
