"""Frameworks (the working party's grids, in versions) and the class grid teachers fill."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from academies.selectors import academy_get_for
from assessment.kinds import SUBJECTS
from assessment.models import Enrolment, Pupil
from assessment.services import term_get_or_create
from trust_si.accounts.models import Membership
from trust_si.terms import TermCode, TermError
from trust_si.web.access import require
from trust_si.web.http import TenantRequest

from . import selectors, services
from .models import FrameworkSubject, FrameworkVersion, Independence, Level, TeacherJudgement

YEARS = [str(n) for n in range(1, 12)]


def framework_list(request: TenantRequest) -> HttpResponse:
    membership = require(request, "framework.view")
    frameworks = {(f.subject, f.year_group): f for f in selectors.framework_list_for(membership)}
    published = selectors.published_versions(trust_id=request.trust.pk)
    rows = [
        {
            "subject": subject,
            "year": year,
            "framework": frameworks.get((subject.value, year)),
            "published": published.get((subject.value, year)),
        }
        for subject in FrameworkSubject
        for year in YEARS
    ]
    return render(request, "frameworks/framework_list.html", {"rows": rows, "years": YEARS})


def _version(request: TenantRequest, pk: int) -> FrameworkVersion:
    version = (
        FrameworkVersion.objects.filter(trust=request.trust, pk=pk)
        .select_related("framework")
        .first()
    )
    if version is None:
        raise Http404
    return version


def version_detail(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "framework.view")
    version = _version(request, pk)
    strands = version.strands.prefetch_related("statements")
    others = FrameworkVersion.objects.filter(trust=request.trust).exclude(pk=version.pk)
    return render(
        request,
        "frameworks/version_detail.html",
        {
            "version": version,
            "strands": strands,
            "levels": Level.choices,
            "can_edit": membership.can("framework.edit"),
            "versions": version.framework.versions.all(),
            "others": others.select_related("framework"),
            "problems": [],
        },
    )


def _grid_context(request: TenantRequest, membership: Membership) -> dict[str, Any]:
    """The grid's academy, term, year group and subject, from the query string (or the form)."""
    source = request.POST if request.method == "POST" else request.GET
    academy = academy_get_for(membership, source.get("academy", ""))
    year, subject = source.get("year", ""), source.get("subject", "writing")
    if year not in YEARS or subject not in FrameworkSubject.values:
        raise Http404
    try:
        code = TermCode.parse(source.get("term", ""))
    except TermError:
        raise Http404 from None
    return {"academy": academy, "year": year, "subject": subject, "term_code": code}


def grid(request: TenantRequest) -> HttpResponse:
    membership = require(request, "pupil_data.upload")
    ctx = _grid_context(request, membership)
    version = selectors.published_version_for(
        trust_id=request.trust.pk, subject=str(ctx["subject"]), year_group=str(ctx["year"])
    )
    term = term_get_or_create(trust=request.trust, code=ctx["term_code"])  # type: ignore[arg-type]
    pupil_ids = list(
        Enrolment.objects.filter(
            trust=request.trust,
            academy=ctx["academy"],
            academic_year=term.academic_year,
            year_group=ctx["year"],
        ).values_list("pupil_id", flat=True)
    )
    pupils = Pupil.objects.filter(trust=request.trust, pk__in=pupil_ids).order_by("key")
    saved = {
        j.pupil_id: j
        for j in TeacherJudgement.objects.filter(
            trust=request.trust, term=term, subject=ctx["subject"], pupil_id__in=pupil_ids
        )
    }
    statements = (
        list(version.statements.order_by("level", "strand__order", "order")) if version else []
    )
    rows = [{"pupil": p, "judgement": saved.get(p.pk)} for p in pupils]
    return render(
        request,
        "frameworks/grid.html",
        {
            **ctx,
            "term": term,
            "version": version,
            "statements": statements,
            "rows": rows,
            "levels": Level.choices,
            "independence": Independence.choices,
            "subjects": SUBJECTS,
        },
    )


@require_POST
def grid_save(request: TenantRequest) -> HttpResponse:
    """Autosave of one pupil's row (htmx): answers the row's status cell."""
    membership = require(request, "pupil_data.upload")
    ctx = _grid_context(request, membership)
    term = term_get_or_create(trust=request.trust, code=ctx["term_code"])  # type: ignore[arg-type]
    pupil_pk = request.POST.get("pupil", "")
    enrolled = Enrolment.objects.filter(
        trust=request.trust,
        academy=ctx["academy"],
        academic_year=term.academic_year,
        pupil_id=int(pupil_pk) if pupil_pk.isdigit() else 0,
    ).first()
    if enrolled is None:
        raise Http404
    message, error = "", ""
    try:
        judgement = services.judgement_record(
            actor=request.user,
            academy=ctx["academy"],  # type: ignore[arg-type]
            term=term,
            pupil=enrolled.pupil,
            subject=str(ctx["subject"]),
            year_group=str(ctx["year"]),
            secure=request.POST.getlist("secure"),
            independence=request.POST.get("independence", Independence.INDEPENDENT),
            source_subject=request.POST.get("source_subject", ""),
            level=request.POST.get("level", ""),
            reason=request.POST.get("reason", ""),
        )
        message = f"Saved: {judgement.level}"
        if judgement.overridden:
            message += f" (the framework proposes {judgement.proposed})"
    except services.FrameworkInvalid as exc:
        error = str(exc)
    return render(
        request,
        "frameworks/grid.html#status",
        {"message": message, "error": error},
        status=200 if not error else 422,
    )
