"""Thin views: selector -> service -> render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from academies.models import Academy
from trust_si.accounts.access import require

from . import selectors, services
from .forms import ActivityForm


def dashboard(request: HttpRequest) -> HttpResponse:
    membership = require(request, "partnership.view")
    data = selectors.utilisation_for(membership)
    return render(request, "partnerships/dashboard.html", data)


def partner_list(request: HttpRequest) -> HttpResponse:
    membership = require(request, "partnership.view")
    partners = selectors.partner_list_for(membership).prefetch_related("contacts")
    return render(request, "partnerships/partner_list.html", {"partners": partners})


def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
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
        },
    )


def commission_list(request: HttpRequest) -> HttpResponse:
    membership = require(request, "partnership.view")
    return render(
        request,
        "partnerships/commission_list.html",
        {
            "summaries": selectors.summaries_for(membership),
        },
    )


def commission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = require(request, "partnership.view")
    commission = selectors.commission_get_for(membership, pk)
    scope_ids = {a.id for a in selectors.visible_academies(membership, commission)}
    return render(
        request,
        "partnerships/commission_detail.html",
        {
            "commission": commission,
            "summary": selectors.commission_summary(membership, commission),
            "activities": commission.activities.filter(academy_id__in=scope_ids).select_related(  # type: ignore[attr-defined]
                "academy", "logged_by"
            ),
            "evidence": commission.evidence.all(),  # type: ignore[attr-defined]
            "can_log": selectors.can_log_activity(membership) and bool(scope_ids),
        },
    )


def activity_log(request: HttpRequest, pk: int) -> HttpResponse:
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
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, "Activity logged.")
            return redirect("partnerships:commission_detail", trust_slug=request.trust.slug, pk=pk)  # type: ignore[attr-defined]
    return render(
        request, "partnerships/activity_form.html", {"commission": commission, "form": form}
    )


def utilisation(request: HttpRequest) -> HttpResponse:
    membership = require(request, "partnership.view")
    return render(request, "partnerships/utilisation.html", selectors.utilisation_for(membership))
