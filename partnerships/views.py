"""Thin views: selector -> service -> render."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from academies.models import Academy
from academies.selectors import academy_list_for
from trust_si.forms import errors_to_form, tenant_redirect
from trust_si.web.access import require
from trust_si.web.http import TenantRequest

from . import selectors, services
from .forms import ActivityForm, CommissionForm, ContactFormSet, PartnerForm, contacts_from
from .models import Commission, PartnerOrganisation

if TYPE_CHECKING:
    from trust_si.accounts.models import Membership


def dashboard(request: TenantRequest) -> HttpResponse:
    membership = require(request, "partnership.view")
    data = selectors.utilisation_for(membership)
    return render(request, "partnerships/dashboard.html", data)


def partner_list(request: TenantRequest) -> HttpResponse:
    membership = require(request, "partnership.view")
    partners = selectors.partner_list_for(membership).prefetch_related("contacts")
    return render(
        request,
        "partnerships/partner_list.html",
        {"partners": partners, "can_manage": membership.can("partnership.manage")},
    )


def partner_detail(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "partnership.view")
    partner = selectors.partner_get_for(membership, pk)
    commissions = selectors.commission_list_for(membership).filter(partner=partner)
    return render(
        request,
        "partnerships/partner_detail.html",
        {
            "partner": partner,
            "contacts": partner.contacts.all(),
            "commissions": commissions,
            "can_manage": membership.can("partnership.manage"),
        },
    )


def commission_list(request: TenantRequest) -> HttpResponse:
    membership = require(request, "partnership.view")
    return render(
        request,
        "partnerships/commission_list.html",
        {
            "summaries": selectors.summaries_for(membership),
            "can_manage": membership.can("partnership.manage"),
        },
    )


def commission_detail(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "partnership.view")
    commission = selectors.commission_get_for(membership, pk)
    scope_ids = {a.id for a in selectors.visible_academies(membership, commission)}
    return render(
        request,
        "partnerships/commission_detail.html",
        {
            "commission": commission,
            "summary": selectors.commission_summary(membership, commission),
            "effects": selectors.commission_effects(membership, commission),
            "activities": commission.activities.filter(academy_id__in=scope_ids).select_related(  # type: ignore[attr-defined]
                "academy", "logged_by"
            ),
            "evidence": commission.evidence.all(),  # type: ignore[attr-defined]
            "can_log": selectors.can_log_activity(membership) and bool(scope_ids),
            "can_manage": membership.can("partnership.manage"),
        },
    )


def activity_log(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "partnership.view")
    commission = selectors.commission_get_for(membership, pk)
    if not selectors.can_log_activity(membership):
        raise PermissionDenied("Your role does not allow logging activity.")
    ids = [a.id for a in selectors.visible_academies(membership, commission)]
    academies = Academy.objects.filter(id__in=ids).order_by("name")
    form = ActivityForm(request.POST or None, academies=academies)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_log(
                actor=request.user,
                membership=membership,
                commission=commission,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Activity logged.")
            return redirect("partnerships:commission_detail", trust_slug=request.trust.slug, pk=pk)  # type: ignore[attr-defined]
    return render(
        request,
        "partnerships/activity_form.html",
        {"commission": commission, "form": form},
        status=400 if form.errors else 200,
    )


def utilisation(request: TenantRequest) -> HttpResponse:
    membership = require(request, "partnership.view")
    return render(request, "partnerships/utilisation.html", selectors.utilisation_for(membership))


def _partner_form(request: TenantRequest, partner: PartnerOrganisation | None) -> tuple[Any, Any]:
    initial: dict[str, Any] = {}
    contacts: list[dict[str, Any]] = []
    if partner is not None:
        initial = {f: getattr(partner, f) for f in ("name", "kind", "website", "notes")}
        contacts = [
            dict(row)
            for row in partner.contacts.values("id", "name", "role", "email", "phone")  # type: ignore[attr-defined]
        ]
    form = PartnerForm(request.POST or None, initial=initial)
    formset = ContactFormSet(request.POST or None, initial=contacts, prefix="contacts")
    return form, formset


def partner_create(request: TenantRequest) -> HttpResponse:
    require(request, "partnership.manage")
    form, formset = _partner_form(request, None)
    # `&`, not `and`: validate both so every error shows at once.
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        try:
            partner = services.partner_create(
                actor=request.user, contacts=contacts_from(formset), **form.cleaned_data
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"{partner.name} added.")
            return tenant_redirect(request, "partnerships:partner_detail", pk=partner.pk)
    return render(
        request,
        "partnerships/partner_form.html",
        {"form": form, "formset": formset, "partner": None},
    )


def partner_edit(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "partnership.manage")
    partner = selectors.partner_get_for(membership, pk)
    form, formset = _partner_form(request, partner)
    # `&`, not `and`: validate both so every error shows at once.
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        try:
            services.partner_update(
                actor=request.user,
                partner=partner,
                data=form.cleaned_data,
                contacts=contacts_from(formset),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Partner saved.")
            return tenant_redirect(request, "partnerships:partner_detail", pk=partner.pk)
    return render(
        request,
        "partnerships/partner_form.html",
        {"form": form, "formset": formset, "partner": partner},
    )


def _commission_form(
    request: HttpRequest, membership: Membership, commission: Commission | None
) -> CommissionForm:
    initial: dict[str, Any] = {}
    academies = academy_list_for(membership)
    if commission is not None:
        initial = CommissionForm.initial_for(commission)
        # An academy since closed stays on the form, so saving does not silently drop it.
        academies = Academy.objects.filter(
            pk__in=[
                *academies.values_list("id", flat=True),
                *commission.academies.values_list("id", flat=True),
            ]
        ).order_by("name")
    elif request.GET.get("partner", "").isdigit():
        initial = {"partner": int(request.GET["partner"])}
    return CommissionForm(
        request.POST or None,
        initial=initial,
        partners=selectors.partner_list_for(membership),
        academies=academies,
        members=selectors.partner_memberships(membership.trust_id),
    )


def commission_create(request: TenantRequest) -> HttpResponse:
    membership = require(request, "partnership.manage")
    form = _commission_form(request, membership, None)
    if request.method == "POST" and form.is_valid():
        try:
            commission = services.commission_create(
                actor=request.user,
                partner=form.cleaned_data["partner"],
                academies=form.cleaned_data["academies"],
                overrides=form.overrides(),
                partner_members=form.cleaned_data["partner_members"],
                **form.commission_data(),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"Commission {commission.title} added.")
            return tenant_redirect(request, "partnerships:commission_detail", pk=commission.pk)
    return render(
        request,
        "partnerships/commission_form.html",
        {"form": form, "commission": None},
        status=400 if form.errors else 200,
    )


def commission_edit(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "partnership.manage")
    commission = selectors.commission_get_for(membership, pk)
    form = _commission_form(request, membership, commission)
    if request.method == "POST" and form.is_valid():
        try:
            services.commission_update(
                actor=request.user,
                commission=commission,
                data={"partner": form.cleaned_data["partner"], **form.commission_data()},
                academies=form.cleaned_data["academies"],
                overrides=form.overrides(),
                partner_members=form.cleaned_data["partner_members"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Commission saved.")
            return tenant_redirect(request, "partnerships:commission_detail", pk=commission.pk)
    return render(
        request,
        "partnerships/commission_form.html",
        {"form": form, "commission": commission},
        status=400 if form.errors else 200,
    )


def activity_edit(request: TenantRequest, pk: int) -> HttpResponse:
    """Correct logged days (the new figure replaces the old one; nothing is added twice)."""
    membership = require(request, "partnership.view")
    if not selectors.can_log_activity(membership):
        raise PermissionDenied("Your role does not allow logging activity.")
    activity = selectors.activity_get_for(membership, pk)
    commission = activity.commission
    ids = [a.id for a in selectors.visible_academies(membership, commission)]
    form = ActivityForm(
        request.POST or None,
        academies=Academy.objects.filter(id__in=ids).order_by("name"),
        initial={
            "academy": activity.academy_id,
            "date": activity.date,
            "days": activity.days,
            "description": activity.description,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                actor=request.user, membership=membership, activity=activity, data=form.cleaned_data
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Activity saved.")
            return tenant_redirect(request, "partnerships:commission_detail", pk=commission.pk)
    return render(
        request,
        "partnerships/activity_form.html",
        {"commission": commission, "form": form, "activity": activity},
        status=400 if form.errors else 200,
    )


@require_POST
def activity_delete(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "partnership.view")
    if not selectors.can_log_activity(membership):
        raise PermissionDenied("Your role does not allow removing activity.")
    activity = selectors.activity_get_for(membership, pk)
    commission_pk = activity.commission_id
    try:
        services.activity_delete(actor=request.user, membership=membership, activity=activity)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Activity removed.")
    return tenant_redirect(request, "partnerships:commission_detail", pk=commission_pk)
