"""People and the audit log over the API (trust admins)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from trust_si.accounts import selectors
from trust_si.accounts.models import Membership
from trust_si.audit.models import AuditEvent
from trust_si.web.api import TenantListAPIView

from .forms import AuditFilterForm


class AuditEventOutput(serializers.ModelSerializer):
    actor = serializers.EmailField(source="actor.email", default=None)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "actor",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
        ]


class MemberOutput(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email")
    name = serializers.CharField(source="user.full_name")
    academies: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="urn", many=True, read_only=True
    )

    class Meta:
        model = Membership
        fields = ["id", "email", "name", "role", "staff_role", "is_board", "academies", "is_active"]


class AuditEventListAPI(TenantListAPIView):
    required_capability = "audit.view"

    @extend_schema(
        responses=AuditEventOutput(many=True),
        parameters=[OpenApiParameter(n, str) for n in ("actor", "action", "object_type")]
        + [OpenApiParameter(n, OpenApiTypes.DATE) for n in ("date_from", "date_to")],
    )
    def get(self, request: Request) -> Response:
        form = AuditFilterForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        events = selectors.audit_list_for(self.membership, form.cleaned_data)
        return self.paginated(events, AuditEventOutput)


class MemberListAPI(TenantListAPIView):
    required_capability = "users.manage"

    @extend_schema(responses=MemberOutput(many=True))
    def get(self, request: Request) -> Response:
        return self.paginated(selectors.member_list_for(self.membership), MemberOutput)
