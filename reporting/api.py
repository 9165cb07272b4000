"""Reports over the API: list, detail, and the audited PDF download."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from trust_si.web.api import TenantAPIView, TenantListAPIView

from . import selectors, services
from .models import Report, ReportStatus


class ReportOutput(serializers.ModelSerializer):
    academy_urn = serializers.CharField(source="academy.urn", default=None)
    academy_name = serializers.CharField(source="academy.name", default=None)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "kind",
            "academy_urn",
            "academy_name",
            "term_code",
            "version",
            "status",
            "pages",
            "pdf_sha256",
            "generated_at",
            "download_url",
        ]

    def get_download_url(self, obj: Report) -> str | None:
        if obj.status != ReportStatus.READY:
            return None
        request = self.context["request"]
        return request.build_absolute_uri(f"/api/v1/t/{obj.trust.slug}/reports/{obj.pk}/download/")


class ReportListAPI(TenantListAPIView):
    required_capability = "report.view"

    @extend_schema(
        responses=ReportOutput(many=True),
        parameters=[
            OpenApiParameter("term", str, description="Term code, e.g. 2025-26-summer"),
            OpenApiParameter("urn", str, description="Academy URN"),
        ],
    )
    def get(self, request: Request) -> Response:
        queryset = selectors.report_list_for(self.membership).select_related("trust")
        if term := request.query_params.get("term"):
            queryset = queryset.filter(term_code=term)
        if urn := request.query_params.get("urn"):
            queryset = queryset.filter(academy__urn=urn)
        return self.paginated(
            queryset.order_by("term_code", "academy__name", "-version", "pk"),
            ReportOutput,
            context={"request": request},
        )


class ReportDetailAPI(TenantAPIView):
    required_capability = "report.view"

    @extend_schema(responses=ReportOutput)
    def get(self, request: Request, pk: int) -> Response:
        report = selectors.report_get_for(self.membership, pk)
        return Response(ReportOutput(report, context={"request": request}).data)


class ReportDownloadAPI(TenantAPIView):
    required_capability = "report.view"

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int) -> Any:
        report = selectors.report_get_for(self.membership, pk)
        if report.status != ReportStatus.READY or not report.pdf:
            raise Http404("This report is not ready.")
        services.report_download_record(actor=self.actor, report=report)
        return FileResponse(
            report.pdf.open("rb"),
            as_attachment=True,
            filename=report.filename,
            content_type="application/pdf",
        )
