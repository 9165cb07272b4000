"""Moderation API: a moderator's blind queue (no school, no school judgement) and submitting a
judgement, whose answer reveals the school's."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from assessment.frameworks.models import Level
from trust_si.web.api import TenantAPIView, TenantListAPIView

from . import selectors, services


class BlindItem(serializers.Serializer):
    number = serializers.IntegerField()
    year_group = serializers.CharField(source="judgement.year_group")
    subject = serializers.CharField(source="judgement.subject")
    framework_version = serializers.IntegerField(source="judgement.version.number")


class ReviewInput(serializers.Serializer):
    level = serializers.ChoiceField(choices=Level.choices)
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
