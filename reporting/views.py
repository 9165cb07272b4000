"""Report pages: list, preview (HTML), generate, batch progress, audited download."""

from __future__ import annotations

from html import escape
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from academies.selectors import academy_get_for, academy_list_for
from trust_si.web.access import require
from trust_si.web.http import TenantRequest

from . import selectors, services
from .forms import GenerateForm, LogoForm
from .models import ReportStatus
from .reports import report_class_for

TAGS = {ReportStatus.READY: " govuk-tag--green", ReportStatus.FAILED: " govuk-tag--red"}


def _report_rows_html(rows: list[dict[str, Any]]) -> SafeString:
    """The table's rows as the template wrote them (escaped), joined here rather than by a
    template loop (issue 17)."""
    cell = '\n      <td class="govuk-table__cell">'
    parts = []
    for r in rows:
        academy = r["academy"]
        name = escape(academy) if academy is not None else "Trust board"
        term = escape(r["term"])
        if r["status"] == ReportStatus.READY:
            owner = escape(academy) if academy is not None else "the trust board"
            pdf = (
                f'<a class="govuk-link" href="{escape(r["download"])}">PDF'
                f'<span class="govuk-visually-hidden"> for {owner}, {term}</span></a>'
            )
        else:
            pdf = "–"
        parts.append(
            f'\n    <tr class="govuk-table__row">'
            f'{cell}<a class="govuk-link" href="{escape(r["href"])}">{name}</a></td>'
            f"{cell}{term}</td>{cell}{escape(str(r['version']))}</td>"
            f'{cell}<strong class="govuk-tag{TAGS.get(r["status"], " govuk-tag--grey")}">'
            f"{escape(r['status_label'])}</strong></td>{cell}{pdf}</td>\n    </tr>\n  "
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above


def report_list(request: TenantRequest) -> HttpResponse:
    membership = require(request, "report.view")
    term = request.GET.get("term") or None
    # Read the scope once: an officer's costs a query (do they cover every academy?).
    in_scope = selectors.report_list_for(membership)
    rows = selectors.report_rows(in_scope, term, trust_slug=request.trust.slug)
    form = GenerateForm(membership=membership) if membership.can("report.generate") else None
    terms = selectors.report_terms_for(membership, in_scope=in_scope)
    return render(
        request,
        "reporting/list.html",
        {
            "reports": rows,
            "rows_html": _report_rows_html(rows),
            "form": form,
            "terms": terms,
            "term": term,
            "can_manage_trust": membership.can("trust.manage"),
        },
    )


def report_detail(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "report.view")
    report = selectors.report_get_for(membership, pk)
    return render(
        request,
        "reporting/detail.html",
        {"report": report, "versions": selectors.report_versions(report)},
    )


def report_preview(request: TenantRequest, pk: int) -> HttpResponse:
    """The report as HTML in the browser: the same snapshot and template as the PDF."""
    membership = require(request, "report.view")
    report = selectors.report_get_for(membership, pk)
    if not report.snapshot:
        raise Http404("This version has not been generated yet.")
    context = report_class_for(report.kind).context(report.snapshot)
    return render(
        request, "reporting/preview.html", {**context, "report": report, "for_pdf": False}
    )


def report_download(request: TenantRequest, pk: int) -> FileResponse:
    membership = require(request, "report.view")
    report = selectors.report_get_for(membership, pk)
    if report.status != ReportStatus.READY or not report.pdf:
        raise Http404("This report is not ready.")
    services.report_download_record(actor=request.user, report=report)
    return FileResponse(
        report.pdf.open("rb"),
        as_attachment=True,
        filename=report.filename,
        content_type="application/pdf",
    )


def report_csv(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "report.view")
    report = selectors.report_get_for(membership, pk)
    if not report.snapshot:
        raise Http404
    services.report_download_record(actor=request.user, report=report)
    response = HttpResponse(
        report_class_for(report.kind).render_csv(report.snapshot),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{report.filename[:-4]}.csv"'
    return response


@require_POST
def report_generate(request: TenantRequest) -> HttpResponse:
    membership = require(request, "report.generate")
    form = GenerateForm(request.POST, membership=membership)
    if not form.is_valid():
        rows = selectors.report_rows(
            selectors.report_list_for(membership), None, trust_slug=request.trust.slug
        )
        return render(
            request,
            "reporting/list.html",
            {"reports": rows, "rows_html": _report_rows_html(rows), "form": form, "terms": []},
            status=400,
        )
    term = form.cleaned_data["term"]
    urn = form.cleaned_data["academy"]
    if urn == "__all__":
        batch = services.batch_start(
            actor=request.user,
            trust=request.trust,
            term_code=term,
            academies=list(academy_list_for(membership)),
        )
        return redirect("reporting:batch", trust_slug=request.trust.slug, pk=batch.pk)
    academy = academy_get_for(membership, urn) if urn != "__trust__" else None
    report = services.report_request(
        actor=request.user,
        trust=request.trust,
        term_code=term,
        academy=academy,
        commentary={
            "head": form.cleaned_data["head_commentary"],
            "officer": form.cleaned_data["officer_commentary"],
        },
    )
    messages.success(request, f"{report.title} (version {report.version}) is being generated.")
    return redirect("reporting:detail", trust_slug=request.trust.slug, pk=report.pk)


def batch_detail(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "report.generate")
    batch = selectors.batch_get_for(membership, pk)
    template = "reporting/batch.html#progress" if request.htmx else "reporting/batch.html"
    return render(
        request, template, {"batch": batch, "reports": batch.reports.select_related("academy")}
    )


def report_settings(request: TenantRequest) -> HttpResponse:
    """The trust's report branding: its logo (trust admins only; the service checks again)."""
    membership = require(request, "trust.manage")
    trust = request.trust
    form = LogoForm()
    status = 200
    if request.method == "POST":
        if "remove" in request.POST:
            services.trust_logo_remove(actor=request.user, membership=membership, trust=trust)
            messages.success(request, "The logo has been removed from future reports.")
            return redirect("reporting:settings", trust_slug=trust.slug)
        form = LogoForm(request.POST, request.FILES)
        if form.is_valid():
            services.trust_logo_set(
                actor=request.user,
                membership=membership,
                trust=trust,
                png=form.cleaned_data["logo"],
            )
            messages.success(request, "Logo saved. Reports generated from now on will show it.")
            return redirect("reporting:settings", trust_slug=trust.slug)
        status = 400
    logo = selectors.logo_data_uri_for(trust.logo.name if trust.logo else "")
    return render(
        request, "reporting/settings.html", {"form": form, "logo_uri": logo}, status=status
    )
