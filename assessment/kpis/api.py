"""Published results over the API: DfE's own field names, values or codes, limits, banding."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from trust_si.tenancy.api import TenantAPIView

from .models import PublishedResult
from .selectors import banding_label, published_results_for


class PublishedResultOutput(serializers.ModelSerializer):
    urn = serializers.CharField(source="academy.urn")
    banding_label = serializers.SerializerMethodField()

    class Meta:
        model = PublishedResult
        fields = ["urn", "field", "year", "value", "code", "lower", "upper", "banding",
                  "banding_label", "source"]

    def get_banding_label(self, obj: PublishedResult) -> str:
        return banding_label(obj)


class PublishedResultListAPI(TenantAPIView):
    required_capability = "kpi.view"

    @extend_schema(
        responses=PublishedResultOutput(many=True),
        parameters=[OpenApiParameter("urn", str, description="Academy URN"),
                    OpenApiParameter("year", str, description="e.g. 2018-19"),
                    OpenApiParameter("field", str, description="DfE field, e.g. P8MEA")],
    )
    def get(self, request: Request) -> Response:
        rows = published_results_for(self.membership)
        for param in ("year", "field"):
            if value := request.query_params.get(param):
                rows = rows.filter(**{param: value})
        if urn := request.query_params.get("urn"):
            rows = rows.filter(academy__urn=urn)
        return Response(PublishedResultOutput(rows, many=True).data)
