"""Placements and judgements over the API."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from academies.selectors import academy_get_for, academy_list_for
from trust_si.forms import plausible_date
from trust_si.terms import TermCode, TermError
from trust_si.web.api import TenantAPIView, TenantListAPIView

from . import selectors, services
from .forms import ARRANGEMENT_SUBJECTS
from .heatmap import Cell, CellKind, CellState, TrendDirection
from .heatmap_page import AcademyRow, HeatmapFilters, HeatmapPage, heatmap_page_for
from .models import Judgement, JudgementArea, JudgementSource, Placement, SupportArrangement


class PlacementOutput(serializers.ModelSerializer):
    # The date the newest scored evidence happened (a visit, an inspection, a term's data);
    # computed_at is only when the row was written.
    evidence_on = serializers.DateField(read_only=True, allow_null=True)

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
            "evidence_on",
            "reasons",
            "missing",
        ]


class TermStatusOutput(serializers.Serializer):
    term = serializers.CharField()
    name = serializers.CharField(source="label")  # "Autumn 2026-27"
    status = serializers.ChoiceField(choices=["complete", "marked", "partial", "none"])
    complete = serializers.BooleanField()
    words = serializers.CharField()
    pupils = serializers.IntegerField()
    expected = serializers.IntegerField()


class AcademyPlacementOutput(serializers.Serializer):
    urn = serializers.CharField()
    academy = serializers.CharField()
    proposed = PlacementOutput(allow_null=True)
    confirmed_phase = serializers.CharField(allow_null=True)
    subjects = serializers.DictField(child=serializers.CharField())
    # Each term's data for the academy: complete (or marked complete by a leader), partial or
    # not yet uploaded; only complete terms move the phase.
    terms = TermStatusOutput(many=True)


class PlacementListAPI(TenantListAPIView):
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
                "terms": TermStatusOutput(r["terms"], many=True).data,
            }
            for r in selectors.placement_rows_for(self.membership)
        ]
        return self.paginated_rows(rows)


class PlacementHistoryAPI(TenantListAPIView):
    required_capability = "heatmap.view"

    @extend_schema(responses=PlacementOutput(many=True))
    def get(self, request: Request, urn: str) -> Response:
        _, history = selectors.placement_history_for(self.membership, urn)
        return self.paginated(history, PlacementOutput)


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
    judged_on = serializers.DateField(validators=[plausible_date])
    note = serializers.CharField(required=False, allow_blank=True)


class JudgementListAPI(TenantListAPIView):
    required_capability = "heatmap.view"

    @extend_schema(responses=JudgementRecordOutput(many=True))
    def get(self, request: Request) -> Response:
        rows = Judgement.objects.filter(
            academy__in=academy_list_for(self.membership).values("pk")
        ).select_related("academy")
        if urn := request.query_params.get("urn"):
            rows = rows.filter(academy__urn=urn)
        return self.paginated(rows, JudgementRecordOutput)

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
                actor=self.actor,
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
    heading = serializers.CharField(source="label", help_text="Short column heading.")
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=[k.value for k in CellKind])
    key_stage = serializers.CharField()


class HeatmapCellOutput(serializers.Serializer):
    """One `phases.heatmap.Cell`. The field names are the API's since before the Cell type:
    integrations read them, so they stay.

    The fields declare the schema; `to_representation` reads the cell by hand because a map is
    thousands of cells and DRF's per-field machinery would be most of the response's time
    (tests/phases/test_heatmap_cell.py holds the two to the same names).
    """

    col = serializers.CharField(source="column", help_text="The column's code.")
    state = serializers.ChoiceField(choices=[s.value for s in CellState])
    rating = serializers.CharField(help_text="In words.")
    level = serializers.IntegerField(
        allow_null=True, help_text="1 (weakest) to 4 (strongest); null: no rating."
    )
    display = serializers.CharField(help_text="The value as shown.")
    value = serializers.FloatField(allow_null=True, help_text="Null when suppressed.")
    cohort = serializers.IntegerField(allow_null=True, help_text="Null when suppressed.")
    term = serializers.CharField(
        source="term_code", allow_null=True, help_text="The figure's term (earlier when carried)."
    )
    stale = serializers.BooleanField()
    trend = serializers.ChoiceField(
        source="trend.direction", choices=[d.value for d in TrendDirection], allow_null=True
    )
    trend_text = serializers.CharField(source="trend.text", default="")
    trend_better = serializers.BooleanField(source="trend.better", allow_null=True)
    note = serializers.CharField()
    link = serializers.CharField(help_text="The visit or inspection behind a judgement.")
    judged_on = serializers.DateField(allow_null=True)
    national = serializers.FloatField(allow_null=True)
    national_year = serializers.CharField(allow_null=True)
    national_basis = serializers.CharField(
        help_text="national_year in words: the figure's year, or 'latest published: 2024-25' "
        "when DfE has not published it; empty without a national comparison"
    )
    national_group = serializers.CharField(
        help_text="non_disadvantaged: `national` is national other pupils (disadvantaged pupils "
        "are compared with them, as DfE's DIFFN_* fields); empty: all pupils"
    )
    target = serializers.FloatField(allow_null=True)
    gap = serializers.FloatField(allow_null=True, help_text="To national (or target); + better.")

    def to_representation(self, instance: Cell) -> dict[str, Any]:
        cell, trend = instance, instance.trend
        return {
            "col": cell.column,
            "state": cell.state.value,
            "rating": cell.rating,
            "level": cell.level,
            "display": cell.display,
            "value": cell.value,
            "cohort": cell.cohort,
            "term": cell.term_code,
            "stale": cell.stale,
            "trend": trend.direction.value if trend else None,
            "trend_text": trend.text if trend else "",
            "trend_better": trend.better if trend else None,
            "note": cell.note,
            "link": cell.link,
            "judged_on": cell.judged_on.isoformat() if cell.judged_on else None,
            "national": cell.national,
            "national_year": cell.national_year,
            "national_basis": cell.national_basis,
            "national_group": cell.national_group,
            "target": cell.target,
            "gap": cell.gap,
        }


_CELL_OUTPUT = HeatmapCellOutput()


class HeatmapRowOutput(serializers.Serializer):
    urn = serializers.CharField(source="academy.urn")
    academy = serializers.CharField(source="academy.name")
    phase_of_education = serializers.CharField(source="academy.phase_of_education")
    phase = serializers.CharField(
        help_text="Phase code in force for the term (decision, else proposal)."
    )
    phase_name = serializers.CharField(help_text="The trust's own name for the phase.")
    phase_status = serializers.CharField()
    cells = serializers.SerializerMethodField()

    @extend_schema_field(
        serializers.DictField(child=HeatmapCellOutput(), help_text="Column code -> cell.")
    )
    def get_cells(self, row: AcademyRow) -> dict[str, Any]:
        cell = _CELL_OUTPUT
        return {c.column.code: cell.to_representation(c.cell) for c in row.cells}


class HeatmapOutput(serializers.Serializer):
    term = serializers.CharField(allow_null=True)
    group = serializers.CharField()
    terms = serializers.SerializerMethodField()
    columns = HeatmapColumnOutput(many=True)
    rows = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_terms(self, page: HeatmapPage) -> list[str]:
        return [code for code, _ in page.terms]

    @extend_schema_field(HeatmapRowOutput(many=True))
    def get_rows(self, page: HeatmapPage) -> list[Any]:
        urn = self.context.get("urn")
        rows = [r for r in page.rows if not urn or r.academy.urn == urn]
        return list(HeatmapRowOutput(rows, many=True).data)


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
        page = heatmap_page_for(
            self.membership,
            HeatmapFilters(
                term=term,
                group=q.get("group") or "all",
                key_stage=key_stage if key_stage in ("EYFS", "KS1", "KS2", "KS4", "judged") else "",
                drop_empty=False,
            ),
        )
        return Response(HeatmapOutput(page, context={"urn": q.get("urn")}).data)


class ArrangementOutput(serializers.ModelSerializer):
    giver_urn = serializers.CharField(source="giver.urn")
    giver = serializers.CharField(source="giver.name")
    taker_urn = serializers.CharField(source="taker.urn")
    taker = serializers.CharField(source="taker.name")
    active = serializers.BooleanField(
        source="is_active", help_text="True while its days count as the giver's capacity used."
    )

    class Meta:
        model = SupportArrangement
        fields = [
            "id",
            "giver_urn",
            "giver",
            "taker_urn",
            "taker",
            "subject",
            "days",
            "start_on",
            "end_on",
            "status",
            "active",
            "notes",
            "created_at",
        ]


class ArrangementInput(serializers.Serializer):
    giver_urn = serializers.RegexField(r"^\d{6}$")
    taker_urn = serializers.RegexField(r"^\d{6}$")
    # A plain string checked against the catalogue's subjects: as an enum its name collided in
    # the schema with the frameworks' subject choices.
    subject = serializers.CharField(
        help_text="One of: " + ", ".join(code for code, _ in ARRANGEMENT_SUBJECTS)
    )

    def validate_subject(self, value: str) -> str:
        if value not in dict(ARRANGEMENT_SUBJECTS):
            raise serializers.ValidationError(f"Unknown subject {value!r}.")
        return value

    days = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=Decimal("0.5"))
    start_on = serializers.DateField(validators=[plausible_date])
    end_on = serializers.DateField(validators=[plausible_date])
    notes = serializers.CharField(required=False, allow_blank=True)


class ArrangementListAPI(TenantListAPIView):
    """Brokered support arrangements where either academy is in the caller's scope."""

    required_capability = "heatmap.view"

    @extend_schema(
        parameters=[OpenApiParameter("urn", str, description="one academy, giving or receiving")],
        responses=ArrangementOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        rows = selectors.arrangement_list_for(self.membership)
        if urn := request.query_params.get("urn"):
            rows = rows.filter(Q(giver__urn=urn) | Q(taker__urn=urn))
        return self.paginated(rows, ArrangementOutput)

    @extend_schema(request=ArrangementInput, responses={201: ArrangementOutput})
    def post(self, request: Request) -> Response:
        if not self.membership.can("placement.confirm"):
            raise PermissionDenied("Your role does not record support arrangements.")
        data = ArrangementInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        try:
            arrangement = services.arrangement_create(
                actor=self.actor,
                giver=academy_get_for(self.membership, d["giver_urn"]),
                taker=academy_get_for(self.membership, d["taker_urn"]),
                subject=d["subject"],
                days=d["days"],
                start_on=d["start_on"],
                end_on=d["end_on"],
                notes=d.get("notes", ""),
            )
        except DjangoValidationError as exc:
            raise ValidationError(
                exc.message_dict if hasattr(exc, "message_dict") else exc.messages
            ) from exc
        return Response(ArrangementOutput(arrangement).data, status=status.HTTP_201_CREATED)
