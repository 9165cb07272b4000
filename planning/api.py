"""Planning API: self-evaluations, improvement plans with their reviews, and the risk register."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication

from trust_si.accounts.authentication import ApiTokenAuthentication
from trust_si.web.api import TenantReadOnlyViewSet

from . import selectors
from .models import ImprovementPlan, PlanPriority, PlanReview, Risk, SefEntry, SelfEvaluation

AUTHENTICATION = [ApiTokenAuthentication, SessionAuthentication]


class SefEntryOut(serializers.ModelSerializer):
    class Meta:
        model = SefEntry
        fields = ["area", "grade", "narrative", "evidence"]


class SefOut(serializers.ModelSerializer):
    academy_urn = serializers.CharField(source="academy.urn")
    entries = SefEntryOut(many=True, read_only=True)

    class Meta:
        model = SelfEvaluation
        fields = ["id", "academy_urn", "term_code", "updated_at", "entries"]


class ReviewOut(serializers.ModelSerializer):
    class Meta:
        model = PlanReview
        fields = ["reviewed_on", "rag", "evidence"]


class PriorityOut(serializers.ModelSerializer):
    reviews = ReviewOut(many=True, read_only=True)

    class Meta:
        model = PlanPriority
        fields = [
            "id",
            "title",
            "departure",
            "arrival",
            "kpi_code",
            "target",
            "trust_priority",
            "support",
            "success_criteria",
            "owner",
            "starts_on",
            "reviews",
        ]


class PlanOut(serializers.ModelSerializer):
    academy_urn = serializers.CharField(source="academy.urn")
    priorities = PriorityOut(many=True, read_only=True)

    class Meta:
        model = ImprovementPlan
        fields = ["id", "academy_urn", "academic_year", "priorities"]


class RiskOut(serializers.ModelSerializer):
    academy_urn = serializers.CharField(source="academy.urn", allow_null=True, default=None)
    score = serializers.IntegerField(read_only=True)
    rating = serializers.CharField(read_only=True)

    class Meta:
        model = Risk
        fields = [
            "id",
            "academy_urn",
            "category",
            "title",
            "likelihood",
            "impact",
            "score",
            "rating",
            "owner",
            "mitigations",
            "review_on",
            "status",
            "source",
        ]


class SefViewSet(TenantReadOnlyViewSet):
    required_capability = "planning.view"
    authentication_classes = AUTHENTICATION
    serializer_class = SefOut

    def get_queryset(self) -> Any:
        return selectors.sef_list_for(self.membership).prefetch_related("entries")


class PlanViewSet(TenantReadOnlyViewSet):
    required_capability = "planning.view"
    authentication_classes = AUTHENTICATION
    serializer_class = PlanOut

    def get_queryset(self) -> Any:
        return selectors.plan_list_for(self.membership).prefetch_related("priorities__reviews")


class RiskViewSet(TenantReadOnlyViewSet):
    required_capability = "risk.view"
    authentication_classes = AUTHENTICATION
    serializer_class = RiskOut

    def get_queryset(self) -> Any:
        return selectors.risk_list_for(self.membership)
