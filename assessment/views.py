"""School staff's main journey: upload a file, watch it being checked, fix or confirm it."""

from __future__ import annotations

from html import escape
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from academies.selectors import academy_list_for
from trust_si.exports import csv_response
from trust_si.web.access import require
from trust_si.web.http import TenantRequest

from . import selectors, services
from .forms import MappingForm, UploadForm
from .kinds import KINDS
from .models import Upload, UploadStatus
from .templates_io import template_csv, template_readme, template_xlsx


def _upload_rows_html(rows: list[dict[str, Any]]) -> SafeString:
    """The table's rows as the template wrote them (escaped), joined here rather than by a
    template loop: 200 rows of lookups were most of the page's rendering (issue 17)."""
    cell = '<td class="govuk-table__cell">'
    html = "".join(
        f'<tr class="govuk-table__row">{cell}<a class="govuk-link" href="{escape(r["href"])}">'
        f"{escape(r['name'])}</a></td>{cell}{escape(r['academy'])}</td>"
        f"{cell}{escape(r['term'])}</td>{cell}{escape(r['kind'])}</td>"
        f"{cell}{escape(r['status'])}</td></tr>\n  "
        for r in rows
    )
    return mark_safe(html)  # noqa: S308 - every value escaped above


def upload_list(request: TenantRequest) -> HttpResponse:
    membership = require(request, "pupil_data.upload")
    rows = selectors.upload_rows(
        selectors.upload_summaries_for(membership)[:200], trust_slug=request.trust.slug
    )
    return render(
        request,
        "assessment/upload_list.html",
        {"uploads": rows, "rows_html": _upload_rows_html(rows), "kinds": KINDS},
    )


def upload_new(request: TenantRequest) -> HttpResponse:
    membership = require(request, "pupil_data.upload")
    posted = request.method == "POST"
    # "Upload a corrected file" from a problem list arrives with the academy, term and kind of
    # the refused file, so the person only chooses the new file. The form's own choices still
    # decide what is valid: an academy outside the person's scope is simply not preselected.
    wanted = {k: request.GET[k] for k in ("academy", "term", "kind") if request.GET.get(k)}
    form = UploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        academies=academy_list_for(membership),
        initial=wanted or None,
    )
    if posted and form.is_valid():
        term = services.term_get_or_create(trust=request.trust, code=form.cleaned_data["term"])
        try:
            upload = services.upload_create(
                actor=request.user,
                academy=form.cleaned_data["academy"],
                term=term,
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["file"].name,
                content=form.cleaned_data["file"].read(),
            )
        except services.UploadStoreError as exc:  # a full or unwritable disk, in words
            form.add_error(None, str(exc))
            return render(
                request, "assessment/upload_new.html", {"form": form, "kinds": KINDS}, status=503
            )
        return redirect("assessment:upload_detail", trust_slug=request.trust.slug, pk=upload.pk)
    return render(
        request,
        "assessment/upload_new.html",
        {"form": form, "kinds": KINDS},
        status=400 if form.errors else 200,
    )


# The page polls while a job works on the upload: its check, or its save.
WORKING = (
    UploadStatus.RECEIVED,
    UploadStatus.VALIDATING,
    UploadStatus.COMMIT_QUEUED,
    UploadStatus.COMMITTING,
)


def _detail_context(upload: Upload) -> dict[str, Any]:
    committed = upload.status == UploadStatus.COMMITTED
    return {
        "upload": upload,
        "working": upload.status in WORKING,
        "previous": selectors.upload_previous_version(upload) if committed else None,
        "can_map_columns": services.upload_can_map_columns(upload),
    }


def upload_detail(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "pupil_data.upload")
    upload = selectors.upload_get_for(membership, pk)
    template = (
        "assessment/upload_detail.html#status" if request.htmx else "assessment/upload_detail.html"
    )
    return render(request, template, _detail_context(upload))


def _refused(request: TenantRequest, upload: Upload, error: Exception) -> HttpResponse:
    """The upload's state does not allow the action: its page, saying why (409)."""
    upload.refresh_from_db()
    return render(
        request,
        "assessment/upload_detail.html",
        {**_detail_context(upload), "refused": str(error)},
        status=409,
    )


def upload_errors_csv(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "pupil_data.upload")
    upload = selectors.upload_get_for(membership, pk)
    return csv_response(
        f"upload-{upload.pk}-problems.csv",
        ["row", "column", "value", "problem"],
        ([e["row"], e["column"], e["value"], e["message"]] for e in upload.errors),
    )


@require_POST
def upload_confirm(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "pupil_data.upload")
    upload = selectors.upload_get_for(membership, pk)
    try:
        services.upload_confirm(actor=request.user, upload=upload)
    except services.UploadStateError as exc:
        return _refused(request, upload, exc)
    return redirect("assessment:upload_detail", trust_slug=request.trust.slug, pk=upload.pk)


@require_POST
def upload_restore(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "pupil_data.upload")
    upload = selectors.upload_get_for(membership, pk)
    try:
        previous = services.upload_restore(actor=request.user, upload=upload)
    except services.UploadStateError as exc:
        return _refused(request, upload, exc)
    messages.success(request, "Restoring the previous version: it is saved again from its file.")
    return redirect("assessment:upload_detail", trust_slug=request.trust.slug, pk=previous.pk)


def upload_mapping(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "pupil_data.upload")
    upload = selectors.upload_get_for(membership, pk)
    if not services.upload_can_map_columns(upload):
        return _refused(request, upload, services.UploadStateError(services.MAP_COLUMNS_REFUSED))
    headers = upload.counts.get("headers") or []
    form = MappingForm(
        request.POST or None, kind=upload.kind, headers=headers, mapping=upload.mapping
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.upload_map_columns(
                actor=request.user, upload=upload, mapping=form.cleaned_data
            )
        except services.UploadStateError as exc:
            return _refused(request, upload, exc)
        return redirect("assessment:upload_detail", trust_slug=request.trust.slug, pk=upload.pk)
    return render(
        request,
        "assessment/upload_mapping.html",
        {"upload": upload, "form": form},
        status=400 if form.errors else 200,
    )


def upload_template(request: TenantRequest, kind: str, fmt: str) -> HttpResponse:
    require(request, "pupil_data.upload")
    if kind not in KINDS or fmt not in ("csv", "xlsx", "txt"):
        raise Http404
    if fmt == "csv":
        body, content_type = template_csv(kind), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = template_xlsx(kind)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, content_type = template_readme(kind).encode(), "text/plain; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="trust-si-{kind}-template.{fmt}"'
    return response
