"""Thin views: selector -> service -> render."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from academies.models import Academy
from academies.selectors import academy_list_for
from trust_si.forms import errors_to_form, tenant_redirect
from trust_si.web.access import require
from trust_si.web.http import TenantRequest

from . import calculations, selectors, services
from .forms import EnrolForm, EvaluationForm, NpqForm, ProgrammeForm, SessionForm
from .models import AttendanceStatus, Npq, Programme, Session

if TYPE_CHECKING:
    from trust_si.accounts.models import Membership


def dashboard(request: TenantRequest) -> HttpResponse:
    membership = require(request, "cpd.view")
    return render(request, "cpd/dashboard.html", selectors.dashboard_for(membership))


def programme_list(request: TenantRequest) -> HttpResponse:
    membership = require(request, "cpd.view")
    return render(
        request,
        "cpd/programme_list.html",
        {
            "programmes": selectors.programme_list_for(membership),
            "can_manage": membership.can("cpd.manage"),
        },
    )


def programme_detail(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "cpd.view")
    programme = selectors.programme_get_for(membership, pk)
    return render(
        request,
        "cpd/programme_detail.html",
        {
            "programme": programme,
            "sessions": selectors.session_list_for(membership).filter(programme=programme),
            "impact": selectors.programme_impact(membership, programme),
            "can_manage": membership.can("cpd.manage"),
        },
    )


@require_GET
def session_detail(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "cpd.view")
    session = selectors.session_get_for(membership, pk)
    enrolments = selectors.enrolment_list_for(membership).filter(session=session)
    rows = [{"status": e.status} for e in enrolments]
    # Places taken across the whole session, even where the reader sees only some academies.
    taken = session.enrolments.exclude(status=AttendanceStatus.CANCELLED).count()  # type: ignore[attr-defined]
    return render(
        request,
        "cpd/session_detail.html",
        {
            "session": session,
            "enrolments": enrolments,
            "can_manage": membership.can("cpd.manage"),
            "can_evaluate": selectors.attended(membership, session),
            "taken": taken,
            "summary": calculations.attendance_by([{**r, "all": "All"} for r in rows], "all"),
        },
    )


def npq_list(request: TenantRequest) -> HttpResponse:
    membership = require(request, "cpd.view")
    return render(
        request,
        "cpd/npq_list.html",
        {"npqs": selectors.npq_list_for(membership), "can_manage": membership.can("cpd.manage")},
    )


def _programme_form(
    request: HttpRequest, membership: Membership, programme: Programme | None
) -> Any:
    initial = {}
    if programme is not None:
        initial = {
            "title": programme.title,
            "domain": programme.domain,
            "format": programme.format,
            "description": programme.description,
            "priorities": list(programme.priorities.all()),
            "kpi_codes": list(programme.kpi_codes or []),
            "academies": list(programme.academies.all()),
        }
    return ProgrammeForm(
        request.POST or None,
        initial=initial,
        priorities=selectors.priority_list_for(membership),
        academies=academy_list_for(membership),
        kpi_codes=list(programme.kpi_codes or []) if programme else [],
    )


def programme_create(request: TenantRequest) -> HttpResponse:
    membership = require(request, "cpd.manage")
    form = _programme_form(request, membership, None)
    if request.method == "POST" and form.is_valid():
        programme = services.programme_create(
            actor=request.user,
            priorities=form.cleaned_data["priorities"],
            academies=form.cleaned_data["academies"],
            **form.programme_data(),
        )
        messages.success(request, "Programme added to the catalogue.")
        return tenant_redirect(request, "cpd:programme_detail", pk=programme.pk)
    return render(
        request,
        "cpd/programme_form.html",
        {"form": form, "programme": None},
        status=400 if form.errors else 200,
    )


def programme_edit(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "cpd.manage")
    programme = selectors.programme_get_for(membership, pk)
    form = _programme_form(request, membership, programme)
    if request.method == "POST" and form.is_valid():
        visible = set(academy_list_for(membership).values_list("id", flat=True))
        # A scoped editor cannot see every targeted academy: keep the ones they cannot see.
        hidden = [a for a in programme.academies.all() if a.id not in visible]
        services.programme_update(
            actor=request.user,
            programme=programme,
            data=form.programme_data(),
            priorities=form.cleaned_data["priorities"],
            academies=[*form.cleaned_data["academies"], *hidden],
        )
        messages.success(request, "Programme saved.")
        return tenant_redirect(request, "cpd:programme_detail", pk=programme.pk)
    return render(
        request,
        "cpd/programme_form.html",
        {"form": form, "programme": programme},
        status=400 if form.errors else 200,
    )


def _session_form(
    request: HttpRequest, membership: Membership, session: Session | None
) -> SessionForm:
    people = selectors.people_for(membership)
    academies = academy_list_for(membership)
    if session is not None:
        # Keep the current leader and academy selectable even when outside the editor's scope.
        people = people | people.model.objects.filter(pk=session.leader_id)
        academies = Academy.objects.filter(
            pk__in=[*academies.values_list("id", flat=True), session.leading_academy_id]
        ).order_by("name")
    return SessionForm(
        request.POST or None,
        initial=SessionForm.initial_for(session) if session else {},
        people=people.distinct().order_by("full_name", "email"),
        partners=selectors.partners_for(membership),
        academies=academies,
    )


def session_create(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "cpd.manage")
    programme = selectors.programme_get_for(membership, pk)
    form = _session_form(request, membership, None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                actor=request.user, programme=programme, **form.session_data()
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Session added.")
            return tenant_redirect(request, "cpd:session_detail", pk=session.pk)
    return render(
        request,
        "cpd/session_form.html",
        {"form": form, "programme": programme, "session": None},
        status=400 if form.errors else 200,
    )


def session_edit(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "cpd.manage")
    session = selectors.session_get_for(membership, pk)
    form = _session_form(request, membership, session)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(actor=request.user, session=session, data=form.session_data())
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Session saved.")
            return tenant_redirect(request, "cpd:session_detail", pk=session.pk)
    return render(
        request,
        "cpd/session_form.html",
        {"form": form, "programme": session.programme, "session": session},
        status=400 if form.errors else 200,
    )


def session_enrol(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "cpd.manage")
    session = selectors.session_get_for(membership, pk)
    form = EnrolForm(
        request.POST or None,
        people=selectors.people_for(membership),
        academies=academy_list_for(membership),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_create(actor=request.user, session=session, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"{form.cleaned_data['participant']} is booked.")
            return tenant_redirect(request, "cpd:session_detail", pk=session.pk)
    return render(
        request,
        "cpd/enrol_form.html",
        {"form": form, "session": session},
        status=400 if form.errors else 200,
    )


def session_register(request: TenantRequest, pk: int) -> HttpResponse:
    """The register: one row per booked person (of the reader's academies), attended yes or no."""
    membership = require(request, "cpd.manage")
    session = selectors.session_get_for(membership, pk)
    enrolments = list(
        selectors.enrolment_list_for(membership)
        .filter(session=session)
        .exclude(status=AttendanceStatus.CANCELLED)
    )
    if request.method == "POST":
        answers = {
            e.pk: request.POST[f"attended-{e.pk}"] == "yes"
            for e in enrolments
            if request.POST.get(f"attended-{e.pk}") in ("yes", "no")
        }
        services.register_take(actor=request.user, enrolments=enrolments, attended=answers)
        messages.success(request, "Register saved.")
        return tenant_redirect(request, "cpd:session_detail", pk=session.pk)
    return render(request, "cpd/register.html", {"session": session, "enrolments": enrolments})


def session_evaluate(request: TenantRequest, pk: int) -> HttpResponse:
    """A participant's own evaluation of a session they attended (submitting again replaces it)."""
    membership = require(request, "cpd.view")
    session = selectors.session_get_for(membership, pk)
    existing = selectors.evaluation_for(membership, session)
    initial = {"rating": existing.rating, "comment": existing.comment} if existing else {}
    form = EvaluationForm(request.POST or None, initial=initial)
    can_evaluate = selectors.attended(membership, session)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_record(
                actor=request.user, session=session, participant=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Thank you: your evaluation is saved.")
            return tenant_redirect(request, "cpd:session_detail", pk=session.pk)
    return render(
        request,
        "cpd/evaluation_form.html",
        {"form": form, "session": session, "can_evaluate": can_evaluate, "existing": existing},
    )


def _npq_form(request: TenantRequest, membership: Membership, npq: Npq | None) -> NpqForm:
    people = selectors.people_for(membership)
    if npq is not None:
        people = (people | people.model.objects.filter(pk=npq.person_id)).distinct()
    initial: dict[str, Any] = {"status": "applied"}
    if npq is not None:
        initial = {
            f: getattr(npq, f) for f in ("person", "academy", "programme", "provider", "cohort")
        } | {"status": npq.status}
    return NpqForm(
        request.POST or None,
        initial=initial,
        people=people.order_by("full_name", "email"),
        academies=academy_list_for(membership),
    )


def npq_create(request: TenantRequest) -> HttpResponse:
    membership = require(request, "cpd.manage")
    form = _npq_form(request, membership, None)
    if request.method == "POST" and form.is_valid():
        services.npq_create(actor=request.user, **form.cleaned_data)
        messages.success(request, "NPQ recorded.")
        return tenant_redirect(request, "cpd:npq_list")
    return render(
        request,
        "cpd/npq_form.html",
        {"form": form, "npq": None},
        status=400 if form.errors else 200,
    )


def npq_edit(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "cpd.manage")
    npq = selectors.npq_get_for(membership, pk)
    form = _npq_form(request, membership, npq)
    if request.method == "POST" and form.is_valid():
        try:
            services.npq_update(actor=request.user, npq=npq, data=form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "NPQ saved.")
            return tenant_redirect(request, "cpd:npq_list")
    return render(
        request,
        "cpd/npq_form.html",
        {"form": form, "npq": npq},
        status=400 if form.errors else 200,
    )
