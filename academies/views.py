"""Thin views: selector -> service -> render."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render

from trust_si.web.access import require
from trust_si.web.http import TenantRequest

from . import services
from .forms import AcademyFilterForm, AcademyForm, GiasImportForm, InspectionForm, OfstedImportForm
from .gias import read_group
from .ofsted import NotAnOfstedFile, read_outcomes
from .selectors import academy_get_for, academy_list_for, latest_inspections


def academy_list(request: TenantRequest) -> HttpResponse:
    membership = require(request, "academy.view")
    form = AcademyFilterForm(request.GET or None)
    queryset = academy_list_for(membership)
    if form.is_valid():
        if q := form.cleaned_data["q"].strip():
            queryset = queryset.filter(Q(name__icontains=q) | Q(urn__startswith=q))
        if phase := form.cleaned_data["phase"]:
            queryset = queryset.filter(phase_of_education=phase)
        queryset = queryset.order_by(form.cleaned_data["sort"] or "name")
    academies = list(queryset)
    return render(
        request,
        "academies/list.html",
        {
            "academies": academies,
            "form": form,
            "inspections": latest_inspections(academies),
            "can_edit": membership.can("academy.edit"),
            "can_import": membership.can("academy.import"),
        },
    )


def academy_detail(request: TenantRequest, urn: str) -> HttpResponse:
    membership = require(request, "academy.view")
    academy = academy_get_for(membership, urn)
    return render(
        request,
        "academies/detail.html",
        {
            "academy": academy,
            "inspections": academy.inspections.all(),
            "can_edit": membership.can("academy.edit"),
        },
    )


def academy_create(request: TenantRequest) -> HttpResponse:
    require(request, "academy.edit")
    form = AcademyForm(request.POST or None, trust=request.trust)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        academy = services.academy_create(
            actor=request.user, trust=request.trust, urn=data.pop("urn"), data=data
        )
        messages.success(request, f"{academy.name} has been added.")
        return redirect("academies:detail", trust_slug=request.trust.slug, urn=academy.urn)
    return render(
        request,
        "academies/form.html",
        {"form": form, "academy": None},
        status=400 if form.errors else 200,
    )


def academy_edit(request: TenantRequest, urn: str) -> HttpResponse:
    membership = require(request, "academy.edit")
    academy = academy_get_for(membership, urn)
    form = AcademyForm(request.POST or None, instance=academy, trust=request.trust)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "urn"}
        academy.refresh_from_db()
        services.academy_update(actor=request.user, academy=academy, data=data)
        messages.success(request, f"{academy.name} has been updated.")
        return redirect("academies:detail", trust_slug=request.trust.slug, urn=academy.urn)
    return render(
        request,
        "academies/form.html",
        {"form": form, "academy": academy},
        status=400 if form.errors else 200,
    )


def inspection_create(request: TenantRequest, urn: str) -> HttpResponse:
    membership = require(request, "academy.edit")
    academy = academy_get_for(membership, urn)
    form = InspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.inspection_record(actor=request.user, academy=academy, data=form.inspection_data())
        messages.success(request, "The inspection has been recorded.")
        return redirect("academies:detail", trust_slug=request.trust.slug, urn=academy.urn)
    return render(
        request,
        "academies/inspection_form.html",
        {"form": form, "academy": academy},
        status=400 if form.errors else 200,
    )


def academy_import(request: TenantRequest) -> HttpResponse:
    require(request, "academy.import")
    form = GiasImportForm(request.POST or None, request.FILES or None)
    result = counts = None
    if request.method == "POST" and form.is_valid():
        result = read_group(form.cleaned_data["file"].read(), form.cleaned_data["group_uid"])
        if result.rows:
            counts = services.academies_import_gias(
                actor=request.user, trust=request.trust, rows=result.rows
            )
        else:
            form.add_error("group_uid", "No academies of that group were found in the file.")
    return render(
        request,
        "academies/import.html",
        {"form": form, "result": result, "counts": counts},
        status=400 if form.errors else 200,
    )


def ofsted_import(request: TenantRequest) -> HttpResponse:
    """Ofsted's own data: refused whole when a row of the trust's academies cannot be read."""
    membership = require(request, "academy.import")
    posted = request.method == "POST"
    form = OfstedImportForm(request.POST if posted else None, request.FILES if posted else None)
    result = counts = None
    if posted and form.is_valid():
        urns = set(academy_list_for(membership).values_list("urn", flat=True))
        try:
            result = read_outcomes(form.cleaned_data["file"].read(), urns)
        except NotAnOfstedFile as exc:
            form.add_error("file", str(exc))
        else:
            if result.problems:
                form.add_error(
                    "file", f"{len(result.problems)} rows could not be read: nothing was imported."
                )
            else:
                counts = services.inspections_import_ofsted(
                    actor=request.user, trust=request.trust, rows=result.rows
                )
    return render(
        request,
        "academies/ofsted_import.html",
        {"form": form, "result": result, "counts": counts},
        status=400 if form.errors else 200,
    )
