"""Thin views: selector -> service -> render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from trust_si.accounts.access import require

from . import calculations, selectors, services
from .models import AttendanceStatus


def dashboard(request: HttpRequest) -> HttpResponse:
    membership = require(request, "cpd.view")
    return render(request, "cpd/dashboard.html", selectors.dashboard_for(membership))


def programme_list(request: HttpRequest) -> HttpResponse:
    membership = require(request, "cpd.view")
    return render(
        request,
        "cpd/programme_list.html",
        {
            "programmes": selectors.programme_list_for(membership),
        },
    )


def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = require(request, "cpd.view")
    programme = selectors.programme_get_for(membership, pk)
    return render(
        request,
        "cpd/programme_detail.html",
        {
            "programme": programme,
            "sessions": selectors.session_list_for(membership).filter(programme=programme),
            "impact": selectors.programme_impact(membership, programme),
        },
    )


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = require(request, "cpd.view")
    session = selectors.session_get_for(membership, pk)
    enrolments = selectors.enrolment_list_for(membership).filter(session=session)
    can_manage = membership.can("cpd.manage")
    if request.method == "POST":
        # The register: one radio group per enrolment, named status-<id>.
        if not can_manage:
            raise PermissionDenied("Your role does not allow taking the register.")
        for enrolment in enrolments:
            status = request.POST.get(f"status-{enrolment.pk}")
            if status in AttendanceStatus.values:
                services.enrolment_mark(actor=request.user, enrolment=enrolment, status=status)
        messages.success(request, "Register saved.")
        return redirect("cpd:session_detail", trust_slug=request.trust.slug, pk=pk)  # type: ignore[attr-defined]
    rows = [{"status": e.status} for e in enrolments]
    # Places taken across the whole session, even where the reader sees only some academies.
    taken = session.enrolments.exclude(status=AttendanceStatus.CANCELLED).count()  # type: ignore[attr-defined]
    return render(
        request,
        "cpd/session_detail.html",
        {
            "session": session,
            "enrolments": enrolments,
            "can_manage": can_manage,
            "statuses": AttendanceStatus.choices,
            "taken": taken,
            "summary": calculations.attendance_by([{**r, "all": "All"} for r in rows], "all"),
        },
    )


def npq_list(request: HttpRequest) -> HttpResponse:
    membership = require(request, "cpd.view")
    return render(request, "cpd/npq_list.html", {"npqs": selectors.npq_list_for(membership)})
