"""CPD API: programmes, sessions, enrolments (booking respects capacity), NPQs."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response

from academies.selectors import academy_list_for
from trust_si.accounts.authentication import ApiTokenAuthentication
from trust_si.accounts.models import Membership
from trust_si.web.api import TenantListAPIView, TenantReadOnlyViewSet

from . import selectors, services
from .models import Enrolment, Npq, Programme, SchoolRole, Session

# Token first: DRF answers an anonymous caller with the first class's challenge, so this gives
# 401 (with WWW-Authenticate: Token) instead of session auth's 403, as the API contract expects.
AUTHENTICATION = [ApiTokenAuthentication, SessionAuthentication]


class ProgrammeOut(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = [
            "id",
            "title",
            "domain",
            "format",
            "description",
            "kpi_codes",
            "priorities",
            "academies",
        ]


class SessionOut(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = [
            "id",
            "programme",
            "title",
            "starts_at",
            "ends_at",
            "location",
            "leader",
            "partner",
            "leading_academy",
            "capacity",
        ]


class EnrolmentOut(serializers.ModelSerializer):
    class Meta:
        model = Enrolment
        fields = ["id", "session", "participant", "academy", "school_role", "status"]


class EnrolmentIn(serializers.Serializer):
    session = serializers.IntegerField()
    participant = serializers.IntegerField(help_text="User id of a member of the trust")
    academy = serializers.IntegerField()
    school_role = serializers.ChoiceField(choices=SchoolRole.choices)


class NpqOut(serializers.ModelSerializer):
    class Meta:
        model = Npq
        fields = ["id", "person", "academy", "programme", "provider", "cohort", "status"]


class ProgrammeViewSet(TenantReadOnlyViewSet):
    required_capability = "cpd.view"
    authentication_classes = AUTHENTICATION
    serializer_class = ProgrammeOut

    def get_queryset(self) -> Any:
        return selectors.programme_list_for(self.membership).prefetch_related("academies")


class SessionViewSet(TenantReadOnlyViewSet):
    required_capability = "cpd.view"
    authentication_classes = AUTHENTICATION
    serializer_class = SessionOut

    def get_queryset(self) -> Any:
        return selectors.session_list_for(self.membership).order_by("starts_at")


class NpqViewSet(TenantReadOnlyViewSet):
    required_capability = "cpd.view"
    authentication_classes = AUTHENTICATION
    serializer_class = NpqOut

    def get_queryset(self) -> Any:
        return selectors.npq_list_for(self.membership)


class EnrolmentListCreate(TenantListAPIView):
    required_capability = "cpd.view"
    authentication_classes = AUTHENTICATION

    @extend_schema(responses=EnrolmentOut(many=True))
    def get(self, request: Request) -> Response:
        return self.paginated(selectors.enrolment_list_for(self.membership), EnrolmentOut)

    @extend_schema(request=EnrolmentIn, responses={201: EnrolmentOut})
    def post(self, request: Request) -> Response:
        if not self.membership.can("cpd.manage"):
            raise exceptions.PermissionDenied("Your role does not allow booking places.")
        data = EnrolmentIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        session = selectors.session_list_for(self.membership).filter(pk=values["session"]).first()
        academy = academy_list_for(self.membership).filter(pk=values["academy"]).first()
        member = (
            Membership.objects.filter(
                trust_id=self.membership.trust_id, user_id=values["participant"], is_active=True
            )
            .select_related("user")
            .first()
        )
        if session is None or academy is None or member is None:
            raise exceptions.NotFound("No such session, academy or participant.")
        try:
            enrolment = services.enrolment_create(
                actor=self.actor,
                session=session,
                participant=member.user,
                academy=academy,
                school_role=values["school_role"],
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        return Response(EnrolmentOut(enrolment).data, status=status.HTTP_201_CREATED)
