"""Planning API: self-evaluations, improvement plans with their priorities and half-termly
reviews, and the risk register. Reads need planning.view (risk.view for risks); writes need
plan.review (plans, priorities, reviews) or risk.manage (risks), and every object named, in the
URL or in the body, must be in the caller's trust and academies: another's is 404, as on the
pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response

from academies.models import Academy
from academies.selectors import academy_list_for
from assessment.kpis.catalogue import KPIS
from cpd.models import Priority as TrustPriority
from trust_si.accounts.authentication import ApiTokenAuthentication
from trust_si.web.api import TenantAPIView, TenantListAPIView, TenantReadOnlyViewSet

from . import selectors, services
from .models import (
    ImprovementPlan,
    PlanPriority,
    PlanReview,
    Rag,
    Risk,
    RiskCategory,
    SefEntry,
    SelfEvaluation,
)

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
        fields = ["id", "reviewed_on", "rag", "evidence"]


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
            "support_refs",
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


# --- Writes ------------------------------------------------------------------------------------


def _refused(exc: DjangoValidationError) -> exceptions.ValidationError:
    return exceptions.ValidationError({"detail": exc.messages})


def _academy(view: Any, urn: str | None) -> Academy | None:
    """An academy by URN among the caller's; another trust's or academy's is 404."""
    if urn is None:
        return None
    academy = academy_list_for(view.membership).filter(urn=urn).first()
    if academy is None:
        raise exceptions.NotFound("No such academy.")
    return academy


def _trust_priority(view: Any, pk: int | None) -> TrustPriority | None:
    if pk is None:
        return None
    tp = TrustPriority.objects.filter(trust_id=view.membership.trust_id, pk=pk).first()
    if tp is None:
        raise exceptions.ValidationError({"trust_priority": ["No such trust priority."]})
    return tp


def _need(view: Any, capability: str) -> None:
    if not view.membership.can(capability):
        raise exceptions.PermissionDenied("Your role does not allow this.")


class PlanIn(serializers.Serializer[Any]):
    academy_urn = serializers.CharField(max_length=12)
    academic_year = serializers.RegexField(r"^\d{4}-\d{2}$", help_text="e.g. 2025-26")


class PriorityIn(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    departure = serializers.CharField(max_length=5000)
    arrival = serializers.CharField(max_length=5000)
    starts_on = serializers.DateField()
    kpi_code = serializers.ChoiceField(choices=sorted(KPIS), required=False, allow_blank=True)
    target = serializers.FloatField(required=False, allow_null=True)
    trust_priority = serializers.IntegerField(required=False, allow_null=True)
    support = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    support_refs = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        help_text='Allocated support: "offer:<phase>:<n>", "programme:<id>", "commission:<id>", '
        '"arrangement:<id>", each one of the academy\'s own (400 otherwise).',
    )
    success_criteria = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    owner = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ReviewIn(serializers.Serializer[Any]):
    reviewed_on = serializers.DateField()
    rag = serializers.ChoiceField(choices=Rag.choices)
    evidence = serializers.CharField(max_length=5000)


class RiskIn(serializers.Serializer[Any]):
    academy_urn = serializers.CharField(
        max_length=12, required=False, allow_null=True, help_text="Empty: a trust-wide risk."
    )
    category = serializers.ChoiceField(choices=RiskCategory.choices)
    title = serializers.CharField(max_length=200)
    likelihood = serializers.IntegerField(min_value=1, max_value=5)
    impact = serializers.IntegerField(min_value=1, max_value=5)
    owner = serializers.CharField(required=False, allow_blank=True, max_length=200)
    mitigations = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    review_on = serializers.DateField(required=False, allow_null=True)


class RiskChangeIn(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(
        choices=["accept", "dismiss", "review", "close"],
        help_text="accept / dismiss a suggested risk; review (rescore) or close an open one.",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    likelihood = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)
    impact = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)
    owner = serializers.CharField(required=False, allow_null=True, max_length=200)
    mitigations = serializers.CharField(required=False, allow_null=True, max_length=5000)


class PriorityCreateAPI(TenantAPIView):
    """Add a priority to one of the caller's academies' plans."""

    required_capability = "plan.review"
    authentication_classes = AUTHENTICATION

    @extend_schema(request=PriorityIn, responses={201: PriorityOut})
    def post(self, request: Request, pk: int) -> Response:
        plan = selectors.plan_list_for(self.membership).filter(pk=pk).first()
        if plan is None:
            raise exceptions.NotFound("No such plan.")
        data = PriorityIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["trust_priority"] = _trust_priority(self, values.get("trust_priority"))
        try:
            priority = services.priority_add(actor=self.actor, plan=plan, **values)
        except DjangoValidationError as exc:
            raise _refused(exc) from exc
        return Response(PriorityOut(priority).data, status=status.HTTP_201_CREATED)


class PriorityDetailAPI(TenantAPIView):
    required_capability = "planning.view"
    authentication_classes = AUTHENTICATION

    @extend_schema(responses=PriorityOut)
    def get(self, request: Request, pk: int) -> Response:
        return Response(PriorityOut(selectors.priority_get_for(self.membership, pk)).data)

    @extend_schema(request=PriorityIn(partial=True), responses=PriorityOut)
    def patch(self, request: Request, pk: int) -> Response:
        _need(self, "plan.review")
        priority = selectors.priority_get_for(self.membership, pk)
        data = PriorityIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "trust_priority" in values:
            values["trust_priority"] = _trust_priority(self, values["trust_priority"])
        try:
            services.priority_update(actor=self.actor, priority=priority, data=values)
        except DjangoValidationError as exc:
            raise _refused(exc) from exc
        return Response(PriorityOut(priority).data)


class ReviewListCreateAPI(TenantListAPIView):
    """A priority's half-termly reviews, newest first; the officer or head records one."""

    required_capability = "planning.view"
    authentication_classes = AUTHENTICATION

    @extend_schema(responses=ReviewOut(many=True))
    def get(self, request: Request, pk: int) -> Response:
        priority = selectors.priority_get_for(self.membership, pk)
        return self.paginated(priority.reviews.all(), ReviewOut)  # type: ignore[attr-defined]

    @extend_schema(request=ReviewIn, responses={201: ReviewOut})
    def post(self, request: Request, pk: int) -> Response:
        _need(self, "plan.review")
        priority = selectors.priority_get_for(self.membership, pk)
        data = ReviewIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            review = services.review_record(
                actor=self.actor, priority=priority, **data.validated_data
            )
        except DjangoValidationError as exc:
            raise _refused(exc) from exc
        return Response(ReviewOut(review).data, status=status.HTTP_201_CREATED)


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

    @extend_schema(request=PlanIn, responses={201: PlanOut, 200: PlanOut})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The academy's plan for the year (made if it has none; 200 with the plan if it has)."""
        _need(self, "plan.review")
        data = PlanIn(data=request.data)
        data.is_valid(raise_exception=True)
        academy = _academy(self, data.validated_data["academy_urn"])
        assert academy is not None
        year = data.validated_data["academic_year"]
        existed = selectors.plan_list_for(self.membership).filter(
            academy=academy, academic_year=year
        )
        code = status.HTTP_200_OK if existed.exists() else status.HTTP_201_CREATED
        try:
            plan = services.plan_get_or_create(
                actor=self.actor, academy=academy, academic_year=year
            )
        except DjangoValidationError as exc:
            raise _refused(exc) from exc
        return Response(PlanOut(plan).data, status=code)


class RiskViewSet(TenantReadOnlyViewSet):
    required_capability = "risk.view"
    authentication_classes = AUTHENTICATION
    serializer_class = RiskOut

    def get_queryset(self) -> Any:
        return selectors.risk_list_for(self.membership)

    @extend_schema(request=RiskIn, responses={201: RiskOut})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A risk for one of the caller's academies, or (trust-wide roles) for the trust."""
        _need(self, "risk.manage")
        data = RiskIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        academy = _academy(self, values.pop("academy_urn", None) or None)
        if academy is None and not self.membership.is_trust_wide:
            raise exceptions.ValidationError({"academy_urn": ["Name one of your academies."]})
        try:
            risk = services.risk_add(actor=self.actor, trust=self.trust, academy=academy, **values)
        except DjangoValidationError as exc:
            raise _refused(exc) from exc
        return Response(RiskOut(risk).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RiskChangeIn, responses=RiskOut)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Accept or dismiss a suggestion; rescore (review) or close an open risk."""
        _need(self, "risk.manage")
        risk = selectors.risk_get_for(self.membership, int(kwargs["pk"]))
        data = RiskChangeIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.risk_decide(actor=self.actor, risk=risk, **data.validated_data)
        except DjangoValidationError as exc:
            raise _refused(exc) from exc
        return Response(RiskOut(risk).data)
