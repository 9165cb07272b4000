"""Visits, actions and the programme over the API."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from academies.selectors import academy_get_for, academy_list_for
from phases.models import JudgementArea
from trust_si.accounts.models import Membership, User
from trust_si.forms import plausible_date
from trust_si.web.api import TenantAPIView, TenantListAPIView

from . import selectors, services
from .models import Action, ActionStatus, ProgrammeEntry, Visit, VisitType


class JudgementOutput(serializers.Serializer):
    area = serializers.CharField()
    grade = serializers.CharField()


class ActionOutput(serializers.ModelSerializer):
    academy_urn = serializers.CharField(source="academy.urn")

    class Meta:
        model = Action
        fields = [
            "id",
            "visit",
            "academy_urn",
            "description",
            "owner",
            "due_on",
            "status",
            "head_response",
            "follow_up_note",
            "completed_on",
        ]


class VisitOutput(serializers.ModelSerializer):
    academy_urn = serializers.CharField(source="academy.urn")
    visit_type = serializers.CharField(source="visit_type.code")
    judgements = JudgementOutput(many=True)
    actions = ActionOutput(many=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "academy_urn",
            "visit_type",
            "date",
            "status",
            "focus_areas",
            "evidence",
            "strengths",
            "areas_for_development",
            "judgements",
            "actions",
            "published_at",
            "head_response",
        ]


class VisitInput(serializers.Serializer):
    academy = serializers.RegexField(r"^\d{6}$", help_text="URN", required=False)
    visit_type = serializers.SlugField(required=False)
    date = serializers.DateField(required=False, validators=[plausible_date])
    focus_areas = serializers.CharField(required=False, allow_blank=True)
    evidence = serializers.CharField(required=False, allow_blank=True)
    strengths = serializers.CharField(required=False, allow_blank=True)
    areas_for_development = serializers.CharField(required=False, allow_blank=True)
    judgements = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        help_text="area -> grade, e.g. {'safeguarding': 'met'}",
    )
    publish = serializers.BooleanField(required=False, default=False)


class ActionInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False)
    owner = serializers.CharField(required=False)
    due_on = serializers.DateField(required=False, validators=[plausible_date])


def _raise(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "message_dict") else exc.messages)


class VisitListAPI(TenantListAPIView):
    required_capability = "visit.view"

    @extend_schema(responses=VisitOutput(many=True))
    def get(self, request: Request) -> Response:
        # Each action names its academy's URN: fetch the academy with the actions, not per action.
        visits = selectors.visit_list_for(self.membership).prefetch_related(
            "judgements", Prefetch("actions", queryset=Action.objects.select_related("academy"))
        )
        if urn := request.query_params.get("urn"):
            visits = visits.filter(academy__urn=urn)
        return self.paginated(visits, VisitOutput)

    @extend_schema(request=VisitInput, responses={201: VisitOutput})
    def post(self, request: Request) -> Response:
        if not self.membership.can("visit.edit"):
            raise PermissionDenied("Your role does not record visits.")
        data = VisitInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        missing = [k for k in ("academy", "visit_type", "date") if k not in d]
        if missing:
            raise ValidationError({k: ["This field is required."] for k in missing})
        academy = academy_get_for(self.membership, d["academy"])
        services.visit_types_ensure(trust=self.trust)
        visit_type = VisitType.objects.filter(code=d["visit_type"]).first()
        if visit_type is None:
            raise ValidationError({"visit_type": ["Unknown visit type."]})
        try:
            visit = services.visit_create(
                actor=self.actor, academy=academy, visit_type=visit_type, date=d["date"]
            )
            _apply(self.actor, self.membership, visit, d)
        except DjangoValidationError as exc:
            raise _raise(exc) from exc
        return Response(VisitOutput(visit).data, status=status.HTTP_201_CREATED)


def _apply(actor: User, membership: Membership, visit: Visit, d: dict) -> None:
    fields = {
        k: d[k]
        for k in ("date", "focus_areas", "evidence", "strengths", "areas_for_development")
        if k in d
    }
    judgements = d.get("judgements")
    if judgements is not None and any(a not in JudgementArea.values for a in judgements):
        raise ValidationError({"judgements": ["Unknown area."]})
    services.visit_autosave(
        actor=actor, membership=membership, visit=visit, data=fields, judgements=judgements
    )
    if d.get("publish"):
        services.visit_publish(actor=actor, membership=membership, visit=visit)


class VisitDetailAPI(TenantAPIView):
    required_capability = "visit.view"

    @extend_schema(responses=VisitOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(VisitOutput(selectors.visit_get_for(self.membership, pk)).data)

    @extend_schema(request=VisitInput, responses=VisitOutput)
    def patch(self, request: Request, pk: int) -> Response:
        visit = selectors.visit_get_for(self.membership, pk)
        if not self.membership.can("visit.edit"):
            raise PermissionDenied("Your role does not record visits.")
        visit = selectors.visit_get_editable_for(self.membership, pk)
        data = VisitInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        try:
            _apply(self.actor, self.membership, visit, dict(data.validated_data))
        except DjangoValidationError as exc:
            raise _raise(exc) from exc
        return Response(VisitOutput(visit).data)


class ActionListAPI(TenantListAPIView):
    required_capability = "visit.view"

    @extend_schema(responses=ActionOutput(many=True))
    def get(self, request: Request) -> Response:
        actions = selectors.action_list_for(self.membership)
        if request.query_params.get("overdue"):
            actions = selectors.overdue_actions_for(self.membership)
        return self.paginated(actions, ActionOutput)


class ActionDetailAPI(TenantAPIView):
    required_capability = "visit.view"

    @extend_schema(request=ActionInput, responses=ActionOutput)
    def patch(self, request: Request, pk: int) -> Response:
        action = selectors.action_get_for(self.membership, pk)
        if not self.membership.can("visit.edit"):
            raise PermissionDenied("Your role does not update actions.")
        action = selectors.action_get_editable_for(self.membership, pk)
        data = ActionInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.action_update(actor=self.actor, action=action, data=dict(data.validated_data))
        return Response(ActionOutput(action).data)


class ProgrammeOutput(serializers.ModelSerializer):
    academy_urn = serializers.CharField(source="academy.urn")
    visit_type = serializers.CharField(source="visit_type.code", default=None)

    class Meta:
        model = ProgrammeEntry
        fields = [
            "academy_urn",
            "academic_year",
            "term",
            "visit_type",
            "planned",
            "phase_at_planning",
        ]


class ProgrammeListAPI(TenantListAPIView):
    required_capability = "visit.view"

    @extend_schema(responses=ProgrammeOutput(many=True))
    def get(self, request: Request) -> Response:

        entries = ProgrammeEntry.objects.filter(
            academy__in=academy_list_for(self.membership)
        ).select_related("academy", "visit_type")
        if year := request.query_params.get("year"):
            entries = entries.filter(academic_year=year)
        return self.paginated(entries, ProgrammeOutput)
