"""Moderation API: rounds with their agreement summary, a moderator's blind queue (no school,
no school judgement) and submitting a judgement, whose answer reveals the school's."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from trust_si.web.api import TenantAPIView, TenantListAPIView

from . import selectors, services
from .agreement import Agreement
from .models import Round, RoundMethod, RoundStatus


class RoundOutput(serializers.ModelSerializer):
    term = serializers.CharField(source="term.term_code")
    academies: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="urn", many=True, read_only=True
    )

    class Meta:
        model = Round
        fields = [
            "id",
            "name",
            "term",
            "subject",
            "year_groups",
            "academies",
            "method",
            "deadline",
            "status",
            "share",
            "minimum",
        ]


class AgreementOutput(serializers.Serializer):
    group = serializers.CharField()
    pieces = serializers.IntegerField(source="n")
    agreed = serializers.IntegerField()
    exact_pct = serializers.FloatField(allow_null=True)
    kappa = serializers.FloatField(allow_null=True)
    # The school's judgements against the moderated ones: "generous" = the school's was higher.
    direction = serializers.CharField()
    generous = serializers.IntegerField()
    severe = serializers.IntegerField()
    small_sample = serializers.BooleanField()


class SummaryOutput(serializers.Serializer):
    pieces = serializers.IntegerField()
    moderated = serializers.IntegerField()
    awaiting_second = serializers.IntegerField()
    overall = AgreementOutput(allow_null=True)
    # Empty for a moderator of the round while it is open: the breakdowns would tell them the
    # schools' judgements of pieces they have still to judge blind.
    by_school = AgreementOutput(many=True)
    by_year_group = AgreementOutput(many=True)
    by_moderator = AgreementOutput(many=True)
    by_school_judgement = AgreementOutput(many=True)


class RoundDetailOutput(RoundOutput):
    summary = SummaryOutput(allow_null=True)

    class Meta(RoundOutput.Meta):
        fields = [*RoundOutput.Meta.fields, "summary"]


def _agreement(group: object, agreement: Agreement) -> dict[str, object]:
    return {"group": str(group), **asdict(agreement), "direction": agreement.direction}


def round_summary(round_: Round, blind: bool) -> dict[str, object] | None:
    """Agreement of a blind round (comparative rounds have a scale, not agreement)."""
    if round_.method == RoundMethod.COMPARATIVE:
        return None
    outcome = selectors.round_outcome(round_)
    hidden = blind and round_.status != RoundStatus.CLOSED

    def rows(groups: dict[object, Agreement]) -> list[dict[str, object]]:
        return [] if hidden else [_agreement(g, a) for g, a in groups.items()]

    return {
        "pieces": outcome.items,
        "moderated": outcome.moderated,
        "awaiting_second": outcome.awaiting_second,
        "overall": _agreement("all", outcome.overall) if outcome.overall else None,
        "by_school": rows(dict(outcome.by_school)),
        "by_year_group": rows(dict(outcome.by_year)),
        "by_moderator": rows(dict(outcome.by_moderator)),
        "by_school_judgement": rows(dict(outcome.by_level)),
    }


class RoundListAPI(TenantListAPIView):
    required_capability = "moderation.view"

    @extend_schema(responses=RoundOutput(many=True))
    def get(self, request: Request) -> Response:
        rounds = (
            selectors.round_list_for(self.membership)
            .prefetch_related("academies")
            .order_by("-term__academic_year", "name", "pk")
        )
        return self.paginated(rounds, RoundOutput)


class RoundDetailAPI(TenantAPIView):
    required_capability = "moderation.view"

    @extend_schema(responses=RoundDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        round_ = selectors.round_get_for(self.membership, pk)
        round_.summary = round_summary(  # type: ignore[attr-defined]
            round_, selectors.is_blind_to(round_, self.actor)
        )
        return Response(RoundDetailOutput(round_).data)


class BlindItem(serializers.Serializer):
    number = serializers.IntegerField()
    year_group = serializers.CharField(source="judgement.year_group")
    subject = serializers.CharField(source="judgement.subject")
    framework_version = serializers.IntegerField(source="judgement.version.number")


class ReviewInput(serializers.Serializer):
    # A level code of the piece's framework (WTS / EXS / GDS or the trust's own): the service
    # checks it against that framework, as it differs from piece to piece.
    level = serializers.CharField(max_length=3)
    secure = serializers.ListField(child=serializers.CharField(max_length=12), max_length=200)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class Revealed(serializers.Serializer):
    number = serializers.IntegerField()
    your_level = serializers.CharField()
    school_level = serializers.CharField()
    academy = serializers.CharField()


class ReviewQueueAPI(TenantListAPIView):
    required_capability = "moderation.view"

    @extend_schema(responses=BlindItem(many=True))
    def get(self, request: Request, pk: int) -> Response:
        round_ = selectors.round_get_for(self.membership, pk)
        items = selectors.review_queue_for(round_, self.actor).select_related("judgement__version")
        return self.paginated(items, BlindItem)


class ReviewSubmitAPI(TenantAPIView):
    required_capability = "moderation.view"

    @extend_schema(request=ReviewInput, responses={201: Revealed})
    def post(self, request: Request, pk: int, number: int) -> Response:
        round_ = selectors.round_get_for(self.membership, pk)
        item = selectors.item_get_for(self.membership, round_, number)
        data = ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            review = services.review_submit(
                actor=self.actor,
                item=item,
                level=data.validated_data["level"],
                secure=data.validated_data["secure"],
                note=data.validated_data.get("note", ""),
            )
        except services.ModerationRefused as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        body = {
            "number": item.number,
            "your_level": review.level,
            "school_level": item.school_level,
            "academy": item.academy.name,
        }
        return Response(Revealed(body).data, status=status.HTTP_201_CREATED)
