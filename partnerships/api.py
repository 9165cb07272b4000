"""Partnerships API: partners, commissions with days per academy, activities."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response

from academies.models import Academy
from trust_si.accounts.authentication import ApiTokenAuthentication
from trust_si.web.api import TenantListAPIView, TenantReadOnlyViewSet

from . import selectors, services
from .models import Activity, Commission, PartnerContact, PartnerOrganisation

# Token first: DRF answers an anonymous caller with the first class's challenge, so this gives
# 401 (with WWW-Authenticate: Token) instead of session auth's 403, as the API contract expects.
AUTHENTICATION = [ApiTokenAuthentication, SessionAuthentication]


class ContactOut(serializers.ModelSerializer):
    class Meta:
        model = PartnerContact
        fields = ["name", "role", "email", "phone"]


class PartnerOut(serializers.ModelSerializer):
    contacts = ContactOut(many=True, read_only=True)

    class Meta:
        model = PartnerOrganisation
        fields = ["id", "name", "kind", "website", "contacts"]


class DaysOut(serializers.Serializer):
    academy_id = serializers.IntegerField(source="key")
    academy = serializers.CharField(source="label")
    allocated = serializers.DecimalField(max_digits=6, decimal_places=1)
    used = serializers.DecimalField(max_digits=6, decimal_places=1)
    over = serializers.BooleanField()


class CommissionOut(serializers.ModelSerializer):
    days = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = Commission
        fields = [
            "id",
            "title",
            "partner",
            "key_area",
            "nature",
            "package",
            "days_per_academy",
            "cost",
            "funding_source",
            "starts_on",
            "ends_on",
            "objectives",
            "days",
            "warnings",
        ]

    def _summary(self, obj: Commission) -> Any:
        cache = self.context.setdefault("summaries", {})  # type: ignore[attr-defined]
        if obj.pk not in cache:
            cache[obj.pk] = selectors.commission_summary(self.context["membership"], obj)
        return cache[obj.pk]

    @extend_schema_field(DaysOut(many=True))
    def get_days(self, obj: Commission) -> list[dict[str, Any]]:
        return DaysOut(self._summary(obj).lines, many=True).data  # type: ignore[return-value]

    def get_warnings(self, obj: Commission) -> list[str]:
        return self._summary(obj).warnings


class ActivityOut(serializers.ModelSerializer):
    class Meta:
        model = Activity
        fields = ["id", "commission", "academy", "date", "days", "description", "visit_ref"]


class ActivityIn(serializers.Serializer):
    commission = serializers.IntegerField()
    academy = serializers.IntegerField()
    date = serializers.DateField()
    days = serializers.DecimalField(max_digits=4, decimal_places=1)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class PartnerViewSet(TenantReadOnlyViewSet):
    required_capability = "partnership.view"
    authentication_classes = AUTHENTICATION
    serializer_class = PartnerOut

    def get_queryset(self) -> Any:
        return selectors.partner_list_for(self.membership).prefetch_related("contacts")


class CommissionViewSet(TenantReadOnlyViewSet):
    required_capability = "partnership.view"
    authentication_classes = AUTHENTICATION
    serializer_class = CommissionOut

    def get_queryset(self) -> Any:
        return selectors.commission_list_for(self.membership).prefetch_related(
            "academies", "allocations"
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "membership": self.membership}


class ActivityListCreate(TenantListAPIView):
    required_capability = "partnership.view"
    authentication_classes = AUTHENTICATION

    @extend_schema(responses=ActivityOut(many=True))
    def get(self, request: Request) -> Response:
        return self.paginated(selectors.activity_list_for(self.membership), ActivityOut)

    @extend_schema(request=ActivityIn, responses={201: ActivityOut})
    def post(self, request: Request) -> Response:
        if not selectors.can_log_activity(self.membership):
            raise exceptions.PermissionDenied("Your role does not allow logging activity.")
        data = ActivityIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        # Both looked up through the reader's scope: another trust's ids are simply not found.
        commission = (
            selectors.commission_list_for(self.membership).filter(pk=values["commission"]).first()
        )
        academy = Academy.objects.filter(
            trust_id=self.membership.trust_id, pk=values["academy"]
        ).first()
        if commission is None or academy is None:
            raise exceptions.NotFound("No such commission or academy.")
        try:
            activity = services.activity_log(
                actor=self.actor,
                membership=self.membership,
                commission=commission,
                academy=academy,
                date=values["date"],
                days=values["days"],
                description=values["description"],
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        return Response(ActivityOut(activity).data, status=status.HTTP_201_CREATED)
