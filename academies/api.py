"""Academies over the API: read for everyone in scope, create and update for trust admins."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from trust_si.web.api import TenantAPIView, TenantListAPIView

from . import services
from .models import Academy, Inspection, PhaseOfEducation
from .selectors import academy_get_for, academy_list_for


class InspectionOutput(serializers.ModelSerializer):
    class Meta:
        model = Inspection
        fields = [
            "kind",
            "inspected_on",
            "area_grades",
            "key_judgements",
            "safeguarding_met",
            "overall_grade",
            "category_of_concern",
            "is_predecessor",
            "published_on",
            "source",
            "report_url",
            "outcome",
        ]


class AcademyOutput(serializers.ModelSerializer):
    key_stages = serializers.ListField(child=serializers.CharField(), read_only=True)
    latest_inspection = serializers.SerializerMethodField()

    class Meta:
        model = Academy
        fields = [
            "urn",
            "name",
            "phase_of_education",
            "age_low",
            "age_high",
            "key_stages",
            "pupils_on_roll",
            "pct_disadvantaged",
            "pct_send_support",
            "pct_ehcp",
            "pct_eal",
            "is_church_school",
            "local_authority",
            "date_joined",
            "latest_inspection",
        ]

    @extend_schema(exclude=False)
    def get_latest_inspection(self, obj: Academy) -> dict[str, Any] | None:
        inspection = obj.inspections.first()
        return InspectionOutput(inspection).data if inspection else None


class AcademyInput(serializers.Serializer):
    urn = serializers.RegexField(r"^\d{6}$", required=False)
    name = serializers.CharField(max_length=200, required=False)
    phase_of_education = serializers.ChoiceField(choices=PhaseOfEducation.choices, required=False)
    age_low = serializers.IntegerField(min_value=2, max_value=19, required=False)
    age_high = serializers.IntegerField(min_value=3, max_value=25, required=False)
    pupils_on_roll = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    pct_disadvantaged = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, max_value=100, required=False, allow_null=True
    )
    pct_send_support = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, max_value=100, required=False, allow_null=True
    )
    pct_ehcp = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, max_value=100, required=False, allow_null=True
    )
    pct_eal = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, max_value=100, required=False, allow_null=True
    )
    is_church_school = serializers.BooleanField(required=False)
    local_authority = serializers.CharField(max_length=100, required=False, allow_blank=True)
    date_joined = serializers.DateField(required=False, allow_null=True)


def _django_errors(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "message_dict") else exc.messages)


class AcademyListAPI(TenantListAPIView):
    required_capability = "academy.view"

    @extend_schema(responses=AcademyOutput(many=True))
    def get(self, request: Request) -> Response:
        academies = academy_list_for(self.membership).prefetch_related("inspections")
        return self.paginated(academies, AcademyOutput)

    @extend_schema(request=AcademyInput, responses={201: AcademyOutput})
    def post(self, request: Request) -> Response:
        if not self.membership.can("academy.edit"):
            raise PermissionDenied("Only trust admins add academies.")
        data = AcademyInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        urn = values.pop("urn", None)
        required = {
            "urn": urn,
            **{k: values.get(k) for k in ("name", "phase_of_education", "age_low", "age_high")},
        }
        missing = [k for k, v in required.items() if v in (None, "")]
        if missing:
            raise ValidationError({k: ["This field is required."] for k in missing})
        if Academy.objects.filter(trust=self.trust, urn=urn).exists():
            raise ValidationError({"urn": ["An academy with this URN is already in your trust."]})
        try:
            academy = services.academy_create(
                actor=self.actor, trust=self.trust, urn=str(urn), data=values
            )
        except DjangoValidationError as exc:
            raise _django_errors(exc) from exc
        return Response(AcademyOutput(academy).data, status=status.HTTP_201_CREATED)


class AcademyDetailAPI(TenantAPIView):
    required_capability = "academy.view"

    @extend_schema(responses=AcademyOutput)
    def get(self, request: Request, urn: str) -> Response:
        return Response(AcademyOutput(academy_get_for(self.membership, urn)).data)

    @extend_schema(request=AcademyInput, responses=AcademyOutput)
    def patch(self, request: Request, urn: str) -> Response:
        academy = academy_get_for(self.membership, urn)
        if not self.membership.can("academy.edit"):
            raise PermissionDenied("Only trust admins edit academies.")
        data = AcademyInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = {k: v for k, v in data.validated_data.items() if k != "urn"}
        try:
            services.academy_update(actor=self.actor, academy=academy, data=values)
        except DjangoValidationError as exc:
            raise _django_errors(exc) from exc
        return Response(AcademyOutput(academy).data)


class InspectionListAPI(TenantListAPIView):
    required_capability = "academy.view"

    @extend_schema(responses=InspectionOutput(many=True))
    def get(self, request: Request, urn: str) -> Response:
        academy = academy_get_for(self.membership, urn)
        return self.paginated(academy.inspections.order_by("-inspected_on", "pk"), InspectionOutput)
