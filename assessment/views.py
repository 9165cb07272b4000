"""School staff's main journey: upload a file, watch it being checked, fix or confirm it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from academies.selectors import academy_list_for
from trust_si.exports import csv_response
from trust_si.web.access import require
from trust_si.web.http import TenantRequest

from . import selectors, services
from .forms import MappingForm, UploadForm
from .kinds import KINDS
from .models import UploadStatus
from .templates_io import template_csv, template_readme, template_xlsx


def upload_list(request: TenantRequest) -> HttpResponse:
    membership = require(request, "pupil_data.upload")
    return render(
        request,
        "assessment/upload_list.html",
        {
            "uploads": selectors.upload_list_for(membership)[:200],
            "kinds": KINDS,
        },
    )


def upload_new(request: TenantRequest) -> HttpResponse:
    membership = require(request, "pupil_data.upload")
    posted = request.method == "POST"
    form = UploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        academies=academy_list_for(membership),
    )
    if posted and form.is_valid():
        term = services.term_get_or_create(trust=request.trust, code=form.cleaned_data["term"])
        upload = services.upload_create(
            actor=request.user,
            academy=form.cleaned_data["academy"],
            term=term,
            kind=form.cleaned_data["kind"],
            name=form.cleaned_data["file"].name,
            content=form.cleaned_data["file"].read(),
        )
        return redirect("assessment:upload_detail", trust_slug=request.trust.slug, pk=upload.pk)
    return render(
        request,
        "assessment/upload_new.html",
        {"form": form, "kinds": KINDS},
        status=400 if form.errors else 200,
    )


def upload_detail(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "pupil_data.upload")
    upload = selectors.upload_get_for(membership, pk)
    template = (
        "assessment/upload_detail.html#status" if request.htmx else "assessment/upload_detail.html"
    )
    return render(
        request,
        template,
        {
            "upload": upload,
            "working": upload.status
            in (UploadStatus.RECEIVED, UploadStatus.VALIDATING, UploadStatus.COMMITTING),
        },
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
    upload = services.upload_confirm(
        actor=request.user, upload=selectors.upload_get_for(membership, pk)
    )
    if upload.status == UploadStatus.COMMITTED:
        messages.success(request, upload.message)
    elif upload.status == UploadStatus.UNCHANGED:
        messages.info(request, upload.message)
    return redirect("assessment:upload_detail", trust_slug=request.trust.slug, pk=upload.pk)


@require_POST
def upload_restore(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "pupil_data.upload")
    upload = selectors.upload_get_for(membership, pk)
    try:
        services.upload_restore(actor=request.user, upload=upload)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The previous version is current again.")
    return redirect("assessment:upload_detail", trust_slug=request.trust.slug, pk=upload.pk)


def upload_mapping(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "pupil_data.upload")
    upload = selectors.upload_get_for(membership, pk)
    headers = upload.counts.get("headers") or []
    form = MappingForm(request.POST or None, kind=upload.kind, headers=headers)
    if request.method == "POST" and form.is_valid():
        services.upload_map_columns(actor=request.user, upload=upload, mapping=form.cleaned_data)
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
