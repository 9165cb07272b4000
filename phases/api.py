"""Placements and judgements over the API."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from academies.selectors import academy_get_for, academy_list_for
from trust_si.terms import TermCode, TermError
from trust_si.web.api import TenantAPIView

from . import selectors, services
from .models import Judgement, JudgementArea, JudgementSource, Placement


class PlacementOutput(serializers.ModelSerializer):
    class Meta:
        model = Placement
        fields = [
            "id",
            "term_code",
            "subject",
            "proposed_phase",
            "level",
            "status",
            "decided_phase",
            "rationale",
            "decided_at",
            "computed_at",
            "reasons",
            "missing",
        ]


class AcademyPlacementOutput(serializers.Serializer):
    urn = serializers.CharField()
    academy = serializers.CharField()
    proposed = PlacementOutput(allow_null=True)
    confirmed_phase = serializers.CharField(allow_null=True)
    subjects = serializers.DictField(child=serializers.CharField())


class PlacementListAPI(TenantAPIView):
    required_capability = "heatmap.view"

    @extend_schema(responses=AcademyPlacementOutput(many=True))
    def get(self, request: Request) -> Response:
        rows = [
            {
                "urn": r["academy"].urn,
                "academy": r["academy"].name,
                "proposed": PlacementOutput(r["latest"]).data if r["latest"] else None,
                "confirmed_phase": r["decided"].decided_phase if r["decided"] else None,
                "subjects": r["subjects"],
            }
            for r in selectors.placement_rows_for(self.membership)
        ]
        return Response(rows)


class PlacementHistoryAPI(TenantAPIView):
    required_capability = "heatmap.view"

    @extend_schema(responses=PlacementOutput(many=True))
    def get(self, request: Request, urn: str) -> Response:
        _, history = selectors.placement_history_for(self.membership, urn)
        return Response(PlacementOutput(history, many=True).data)


class JudgementRecordOutput(serializers.ModelSerializer):
    urn = serializers.CharField(source="academy.urn")

    class Meta:
        model = Judgement
        fields = [
            "id",
            "urn",
            "area",
            "grade",
            "judged_on",
            "source",
            "source_ref",
            "source_url",
            "note",
        ]


class JudgementInput(serializers.Serializer):
    urn = serializers.RegexField(r"^\d{6}$")
    area = serializers.ChoiceField(choices=JudgementArea.choices)
    grade = serializers.CharField()
    judged_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True)


class JudgementListAPI(TenantAPIView):
    required_capability = "heatmap.view"

    @extend_schema(responses=JudgementRecordOutput(many=True))
    def get(self, request: Request) -> Response:
        rows = Judgement.objects.filter(
            academy__in=academy_list_for(self.membership).values("pk")
        ).select_related("academy")
        if urn := request.query_params.get("urn"):
            rows = rows.filter(academy__urn=urn)
        return Response(JudgementRecordOutput(rows[:1000], many=True).data)

    @extend_schema(request=JudgementInput, responses={201: JudgementRecordOutput})
    def post(self, request: Request) -> Response:
        if not self.membership.can("judgement.record"):
            raise PermissionDenied("Your role does not record judgements.")
        data = JudgementInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        academy = academy_get_for(self.membership, d["urn"])
        try:
            judgement = services.judgement_record(
                actor=request.user,
                academy=academy,
                area=d["area"],
                grade=d["grade"],
                judged_on=d["judged_on"],
                source=JudgementSource.DIRECT,
                note=d.get("note", ""),
            )
        except DjangoValidationError as exc:
            raise ValidationError(
                exc.message_dict if hasattr(exc, "message_dict") else exc.messages
            ) from exc
        return Response(JudgementRecordOutput(judgement).data, status=status.HTTP_201_CREATED)


class HeatmapColumnOutput(serializers.Serializer):
    code = serializers.CharField()
    heading = serializers.CharField(help_text="Short column heading.")
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=["kpi", "p8", "judgement"])
    key_stage = serializers.CharField()


class HeatmapRowOutput(serializers.Serializer):
    urn = serializers.CharField()
    academy = serializers.CharField()
    phase_of_education = serializers.CharField()
    phase = serializers.CharField(
        help_text="Phase code in force for the term (decision, else proposal)."
    )
    phase_name = serializers.CharField(help_text="The trust's own name for the phase.")
    phase_status = serializers.CharField()
    cells = serializers.DictField(
        child=serializers.DictField(),
        help_text=(
            "Column code -> cell: state (value / suppressed / none / na), rating (words), level (1-4 or "
            "null), display, value, cohort, trend (up / down / level), trend_text, stale, note, link."
        ),
    )


class HeatmapOutput(serializers.Serializer):
    term = serializers.CharField(allow_null=True)
    group = serializers.CharField()
    terms = serializers.ListField(child=serializers.CharField())
    columns = HeatmapColumnOutput(many=True)
    rows = HeatmapRowOutput(many=True)


class HeatmapAPI(TenantAPIView):
    """The heat map's cells for a term and pupil group (the kept snapshot), in the user's scope."""

    required_capability = "heatmap.view"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "term",
                str,
                description="e.g. 2025-26-summer; default (or a term without a map) the latest",
            ),
            OpenApiParameter(
                "group", str, description="all, disadvantaged, non_disadvantaged, send, boys, girls"
            ),
            OpenApiParameter("key_stage", str, description="EYFS, KS1, KS2, KS4 or judged"),
            OpenApiParameter("urn", str, description="one academy"),
        ],
        responses=HeatmapOutput,
    )
    def get(self, request: Request) -> Response:
        q = request.query_params
        key_stage = q.get("key_stage", "")
        term = q.get("term") or None
        if term:
            try:
                term = TermCode.parse(term).code
            except TermError as exc:
                raise ValidationError({"term": str(exc)}) from exc
        view = selectors.heatmap_view_for(
            self.membership,
            term=term,
            group=q.get("group") or "all",
            key_stage=key_stage if key_stage in ("EYFS", "KS1", "KS2", "KS4", "judged") else "",
            drop_empty=False,
        )
        codes = [c.code for c in view["columns"]]
        rows = [
            {
                "urn": r["academy"].urn,
                "academy": r["academy"].name,
                "phase_of_education": r["academy"].phase_of_education,
                "phase": r["phase"],
                "phase_name": r["phase_name"],
                "phase_status": r["phase_status"],
                "cells": {
                    code: {k: v for k, v in cell.items() if k != "column"}
                    for code, cell in zip(codes, r["cells"], strict=True)
                },
            }
            for _, section in view["sections"]
            for r in section
            if not q.get("urn") or r["academy"].urn == q.get("urn")
        ]
        return Response(
            {
                "term": view["term"],
                "group": view["group"],
                "terms": [t for t, _ in view["terms"]],
                "columns": [
                    {
                        "code": c.code,
                        "heading": c.label,
                        "title": c.title,
                        "kind": c.kind,
                        "key_stage": c.key_stage,
                    }
                    for c in view["columns"]
                ],
                "rows": rows,
            }
        )
