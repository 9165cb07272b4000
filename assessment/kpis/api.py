"""KPIs over the API: figures, targets, transition matrices, forecasts and published results."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from academies.selectors import academy_get_for, academy_list_for
from assessment.outcomes import (
    forecast_term_for,
    forecasts_for_academy,
    latest_term_code,
    no_forecast_note,
)
from trust_si.terms import TermCode, TermError
from trust_si.web.api import TenantAPIView, TenantListAPIView

from . import selectors, services
from .catalogue import GROUPS, KPIS
from .display import national_label
from .models import KpiTarget, PublishedResult
from .selectors import banding_label, published_results_for
from .transitions import BANDS, CATEGORIES, CATEGORY_LABELS


class PublishedResultOutput(serializers.ModelSerializer):
    urn = serializers.CharField(source="academy.urn")
    banding_label = serializers.SerializerMethodField()

    class Meta:
        model = PublishedResult
        fields = [
            "urn",
            "field",
            "year",
            "value",
            "code",
            "lower",
            "upper",
            "banding",
            "banding_label",
            "source",
        ]

    def get_banding_label(self, obj: PublishedResult) -> str:
        return banding_label(obj)


class PublishedResultListAPI(TenantListAPIView):
    required_capability = "kpi.view"

    @extend_schema(
        responses=PublishedResultOutput(many=True),
        parameters=[
            OpenApiParameter("urn", str, description="Academy URN"),
            OpenApiParameter("year", str, description="e.g. 2018-19"),
            OpenApiParameter("field", str, description="DfE field, e.g. P8MEA"),
        ],
    )
    def get(self, request: Request) -> Response:
        rows = published_results_for(self.membership)
        for param in ("year", "field"):
            if value := request.query_params.get(param):
                rows = rows.filter(**{param: value})
        if urn := request.query_params.get("urn"):
            rows = rows.filter(academy__urn=urn)
        return self.paginated(rows, PublishedResultOutput)


class KpiFigureOutput(serializers.Serializer):
    urn = serializers.CharField(
        allow_null=True, help_text="null: the whole trust (trust-wide roles only)"
    )
    kpi = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    term = serializers.CharField()
    group = serializers.CharField()
    value = serializers.FloatField(allow_null=True, help_text="null when suppressed or no data")
    unit = serializers.CharField()
    cohort = serializers.IntegerField(allow_null=True, help_text="null when suppressed")
    suppressed = serializers.BooleanField()
    suppression = serializers.CharField(
        help_text="primary (5 or fewer pupils), secondary (would reveal one by subtraction), "
        "or empty when shown"
    )
    national = serializers.FloatField(allow_null=True)
    national_year = serializers.CharField(allow_null=True)
    national_basis = serializers.CharField(
        help_text="national_year in words: the term's year, 'latest published: 2024-25' (DfE "
        "has not published the term's year; the latest earlier figure is compared), or 'not "
        "published for 2026-27'"
    )
    national_group = serializers.CharField(
        help_text="whose national figure: all (all pupils) or non_disadvantaged (national other "
        "pupils: DfE compares disadvantaged pupils with them, as its DIFFN_* fields)"
    )
    national_label = serializers.CharField(help_text="national_group in words")
    target = serializers.FloatField(allow_null=True, help_text="group all only")


def _choice(request: Request, name: str, allowed: Any) -> str | None:
    value = request.query_params.get(name)
    if value and value not in allowed:
        raise ValidationError({name: f"Unknown {name} {value!r}."})
    return value or None


def _figure_row(f: Any, urns: dict[int, str]) -> dict[str, Any]:
    """One figure as `KpiFigureOutput` represents it, built here: the serializer's field-by-field
    walk was a third of the route's CPU (issue 17). Each field as its DRF field gives it: None
    stays None, else str / float / int / bool (tests/kpis compare with the serializer)."""
    national_year = f.national_year
    return {
        "urn": urns.get(f.academy_id) if f.academy_id else None,
        "kpi": _text(f.kpi_code),
        "label": _text(f.label),
        "term": _text(f.term_code),
        "group": _text(f.group),
        "value": None if f.value is None else float(f.value),
        "unit": _text(f.unit),
        "cohort": None if f.suppressed or f.cohort is None else int(f.cohort),
        "suppressed": bool(f.suppressed),
        "suppression": _text(f.suppression),
        "national": None if f.national is None else float(f.national),
        "national_year": None if national_year is None else str(national_year),
        "national_basis": _text(f.national_basis),
        "national_group": _text(f.national_group),
        "national_label": _text(national_label(f.national_group)),
        "target": None if f.target is None else float(f.target),
    }


def _text(value: Any) -> str | None:
    """A `serializers.CharField`'s representation."""
    return None if value is None else str(value)


class KpiFigureListAPI(TenantListAPIView):
    required_capability = "kpi.view"

    @extend_schema(
        responses=KpiFigureOutput(many=True),
        parameters=[
            OpenApiParameter("urn", str, description="Academy URN"),
            OpenApiParameter("term", str, description="e.g. 2025-26-summer"),
            OpenApiParameter("kpi", str, description="Catalogue code, e.g. ks2_rwm_exp"),
            OpenApiParameter(
                "group", str, enum=GROUPS, description="Pupil group (default: every group)"
            ),
        ],
        description="KPI figures per academy, term and group. Disclosure control as DfE: a figure "
        "from 5 or fewer pupils (or the trust's higher threshold) is suppressed, and so are "
        "enough of its complements and totals that no subtraction recovers it (value and "
        "cohort null; `suppression` says primary or secondary).",
    )
    def get(self, request: Request) -> Response:
        term = request.query_params.get("term")
        if term:
            try:
                term = TermCode.parse(term).code
            except TermError as exc:
                raise ValidationError({"term": str(exc)}) from exc
        kpi = _choice(request, "kpi", KPIS)
        group = _choice(request, "group", GROUPS)
        # The academies in scope, read once: their URNs for the rows, their ids for the filter.
        urns = dict(academy_list_for(self.membership).values_list("pk", "urn"))
        if urn := request.query_params.get("urn"):
            # As `academy_get_for`: the first in scope (by name) with that URN, else not found.
            found = next((pk for pk, u in urns.items() if u == urn), None)
            if found is None:
                raise Http404("No such academy.")
            academy_ids = [found]
        else:
            academy_ids = list(urns)
        # Filtered, counted and sliced in the database: one page of figures is read, whatever
        # the size of the trust's table.
        figures = selectors.kpi_figures_paged_for(
            trust_id=self.trust.pk,
            academy_ids=academy_ids,
            term_codes=[term] if term else None,
            groups=[group] if group else GROUPS,
            kpi_codes=[kpi] if kpi else None,
            trust_row=self.membership.is_trust_wide and not urn,
        )
        return self.paginated_rows(figures.shaped(lambda f: _figure_row(f, urns)))


class KpiTargetOutput(serializers.ModelSerializer):
    urn = serializers.CharField(
        source="academy.urn", allow_null=True, default=None, help_text="null: trust-wide target"
    )

    class Meta:
        model = KpiTarget
        fields = ["id", "urn", "kpi_code", "academic_year", "value", "updated_at"]


class KpiTargetInput(serializers.Serializer):
    urn = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="Academy URN; omit or null for a trust-wide target",
    )
    kpi_code = serializers.ChoiceField(choices=sorted(KPIS))
    academic_year = serializers.RegexField(r"^\d{4}-\d{2}$")
    value = serializers.FloatField()


class KpiTargetUpdateInput(serializers.Serializer):
    value = serializers.FloatField()


def _service(call: Any) -> Any:
    try:
        return call()
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except DjangoValidationError as exc:
        raise ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        ) from exc


class KpiTargetListAPI(TenantListAPIView):
    required_capability = "kpi.view"

    @extend_schema(
        responses=KpiTargetOutput(many=True),
        parameters=[OpenApiParameter("year", str, description="e.g. 2025-26")],
    )
    def get(self, request: Request) -> Response:
        rows = selectors.kpi_target_list_for(self.membership)
        if year := request.query_params.get("year"):
            rows = rows.filter(academic_year=year)
        return self.paginated(rows, KpiTargetOutput)

    @extend_schema(
        request=KpiTargetInput,
        responses={201: KpiTargetOutput},
        description="Create or change a target (trust leaders and admins).",
    )
    def post(self, request: Request) -> Response:
        if not self.membership.can("targets.edit"):
            raise PermissionDenied("Your role does not set targets.")
        data = KpiTargetInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        academy = academy_get_for(self.membership, d["urn"]) if d.get("urn") else None
        target = _service(
            lambda: services.kpi_target_set(
                actor=self.actor,
                membership=self.membership,
                academy=academy,
                kpi_code=d["kpi_code"],
                academic_year=d["academic_year"],
                value=d["value"],
            )
        )
        return Response(KpiTargetOutput(target).data, status=status.HTTP_201_CREATED)


class KpiTargetDetailAPI(TenantAPIView):
    required_capability = "kpi.view"

    @extend_schema(responses=KpiTargetOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(KpiTargetOutput(selectors.kpi_target_get_for(self.membership, pk)).data)

    @extend_schema(request=KpiTargetUpdateInput, responses=KpiTargetOutput)
    def patch(self, request: Request, pk: int) -> Response:
        if not self.membership.can("targets.edit"):
            raise PermissionDenied("Your role does not set targets.")
        target = selectors.kpi_target_get_for(self.membership, pk)
        data = KpiTargetUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        target = _service(
            lambda: services.kpi_target_update(
                actor=self.actor,
                membership=self.membership,
                target=target,
                value=data.validated_data["value"],
            )
        )
        return Response(KpiTargetOutput(target).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        if not self.membership.can("targets.edit"):
            raise PermissionDenied("Your role does not set targets.")
        target = selectors.kpi_target_get_for(self.membership, pk)
        _service(
            lambda: services.kpi_target_delete(
                actor=self.actor, membership=self.membership, target=target
            )
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class CountOutput(serializers.Serializer):
    count = serializers.IntegerField(allow_null=True, help_text="null when hidden (a small count)")
    pct = serializers.FloatField(allow_null=True)
    hidden = serializers.BooleanField()


class TransitionCellOutput(CountOutput):
    # Plain strings: two enums of the same choices would collide in the OpenAPI schema.
    from_band = serializers.CharField(help_text=" / ".join(BANDS))
    to_band = serializers.CharField(help_text=" / ".join(BANDS))


class TransitionCategoryOutput(CountOutput):
    category = serializers.ChoiceField(choices=CATEGORIES)
    label = serializers.CharField()  # type: ignore[assignment]


class ProgressMarkerOutput(serializers.Serializer):
    group = serializers.CharField()
    moved_up_pct = serializers.FloatField(allow_null=True)
    moved_down_pct = serializers.FloatField(allow_null=True)
    net_points = serializers.FloatField(allow_null=True, help_text="moved up minus moved down")


class ProgressBenchmarkOutput(serializers.Serializer):
    benchmark = serializers.CharField()
    verdict = serializers.CharField(help_text='"Met", "Not met" or "Cannot be said"')
    detail = serializers.CharField()


class TransitionMatrixOutput(serializers.Serializer):
    urn = serializers.CharField()
    from_point = serializers.CharField(allow_null=True, help_text='a term code or "prior"')
    to_term = serializers.CharField(allow_null=True)
    subject = serializers.CharField()
    year_group = serializers.CharField(help_text='"" for all year groups')
    group = serializers.CharField()
    cohort = serializers.IntegerField(
        allow_null=True, help_text="pupils with a band at both points; null when suppressed"
    )
    not_matched = serializers.IntegerField(
        allow_null=True, help_text="pupils with a band at one point only; null when suppressed"
    )
    suppressed = serializers.BooleanField()
    min_cohort = serializers.IntegerField()
    cells = TransitionCellOutput(many=True, help_text="pct: share of the from-band row")
    categories = TransitionCategoryOutput(many=True, help_text="pct: share of the cohort")
    progress_markers = ProgressMarkerOutput(
        many=True, help_text="net movement of each pupil group; null values when suppressed"
    )
    progress_benchmarks = ProgressBenchmarkOutput(many=True)


class TransitionMatrixAPI(TenantAPIView):
    required_capability = "kpi.view"

    @extend_schema(
        responses=TransitionMatrixOutput,
        parameters=[
            OpenApiParameter(
                "from", str, description='Term code, or "prior" for the prior-attainment band'
            ),
            OpenApiParameter(
                "to", str, description="Term code, e.g. 2025-26-summer (default: latest)"
            ),
            OpenApiParameter("subject", str, enum=selectors.TRANSITION_SUBJECTS),
            OpenApiParameter("year_group", str, description="e.g. 4 (default: all year groups)"),
            OpenApiParameter("group", str, enum=GROUPS),
        ],
        description="Attainer-band movement (low / middle / high) between two points for one academy.",
    )
    def get(self, request: Request, urn: str) -> Response:
        academy = academy_get_for(self.membership, urn)
        q = request.query_params
        c = selectors.transition_matrix_for(
            self.membership,
            academy,
            from_code=q.get("from"),
            to_code=q.get("to"),
            subject=q.get("subject") or "reading",
            year_group=q.get("year_group") or "",
            group=q.get("group") or "all",
        )
        m = c["matrix"]
        floor = c["min_cohort"]
        # A suppressed matrix keeps its counts to itself, the cohort too: the cohort is the
        # small number being protected, and with the group's size (shown elsewhere) the
        # unmatched pupils would give it back by subtraction.
        hidden = m.suppressed if m else False

        def count(x: Any) -> dict[str, Any]:
            return {"count": x.n, "pct": x.pct, "hidden": x.hidden}

        body = {
            "urn": academy.urn,
            "from_point": c["from_code"],
            "to_term": c["to_code"],
            "subject": c["subject"],
            "year_group": c["year_group"],
            "group": c["group"],
            "min_cohort": floor,
            "cohort": None if hidden else (m.cohort if m else 0),
            "not_matched": None if hidden else (m.not_matched if m else 0),
            "suppressed": m.suppressed if m else False,
            "cells": [{"from_band": a, "to_band": b, **count(x)} for (a, b), x in m.cells.items()]
            if m
            else [],
            "categories": [
                {"category": k, "label": CATEGORY_LABELS[k], **count(x)}
                for k, x in m.categories.items()
            ]
            if m
            else [],
            "progress_markers": [
                {"group": g, "moved_up_pct": x.up, "moved_down_pct": x.down, "net_points": x.net}
                for g, x in c.get("markers", {}).items()
            ],
            "progress_benchmarks": [vars(x) for x in c.get("marker_checks", [])],
        }
        return Response(TransitionMatrixOutput(body).data)


class ForecastMeasureOutput(serializers.Serializer):
    measure = serializers.CharField(
        help_text='"expected" or "higher" (percent), or "attainment8" (points, KS4)'
    )
    name = serializers.CharField(help_text="the measure in words")
    value = serializers.FloatField(
        allow_null=True, help_text="percent (points for attainment8); null when suppressed"
    )
    low = serializers.FloatField(allow_null=True, help_text="90% likely range")
    high = serializers.FloatField(allow_null=True)
    actual = serializers.FloatField(allow_null=True, help_text="the outcome, once known")


class ForecastOutput(serializers.Serializer):
    key = serializers.CharField(
        help_text='"ks2" (Year 6), "ks2_writing", "ks2_year5" ... "ks4" (Year 11), "ks4_year10" ... "ks4_year7"'
    )
    key_stage = serializers.CharField()
    title = serializers.CharField()
    shown_as = serializers.CharField(help_text='always "Forecast": not a result')
    year_group = serializers.CharField()
    from_term = serializers.CharField()
    available = serializers.BooleanField()
    note = serializers.CharField(help_text="why there is no figure (too few pupils or cohorts)")
    pupils = serializers.IntegerField()
    cohorts = serializers.IntegerField()
    history_pupils = serializers.IntegerField()
    method = serializers.CharField()
    measures = ForecastMeasureOutput(many=True)


class ForecastListOutput(serializers.Serializer):
    urn = serializers.CharField()
    term = serializers.CharField(allow_null=True)
    no_forecast_note = serializers.CharField(help_text="a first school's reason for none (KS1)")
    forecasts = ForecastOutput(many=True)


class ForecastListAPI(TenantAPIView):
    required_capability = "kpi.view"

    @extend_schema(
        responses=ForecastListOutput,
        parameters=[
            OpenApiParameter(
                "term", str, description="Term code, e.g. 2025-26-spring (default: the latest)"
            )
        ],
        description=(
            "End-of-key-stage forecasts for each year group of a key stage the academy teaches "
            "(KS2 from Years 3 to 6 teacher assessments and writing judgements; KS4 from Years "
            "10 and 11 working-at grades and Years 7 to 9 teacher assessments, with Attainment 8 "
            "in points), labelled as forecasts, with the method and its past cohorts named; a "
            "year group with no past cohort says so in `note`; cohorts at or below the trust's "
            "minimum are suppressed."
        ),
    )
    def get(self, request: Request, urn: str) -> Response:
        academy = academy_get_for(self.membership, urn)
        asked = request.query_params.get("term")
        if asked and TermCode.parse_or_none(asked) is None:
            raise ValidationError({"term": "Use a term code such as 2025-26-spring."})
        trust_id = self.membership.trust_id
        term = forecast_term_for(trust_id, asked, latest_term_code(trust_id))
        found = (
            forecasts_for_academy(
                academy,
                trust_id=trust_id,
                term_code=term,
                min_n=self.membership.trust.min_cohort,
            )
            if term
            else []
        )
        body = {
            "urn": academy.urn,
            "term": term,
            "no_forecast_note": no_forecast_note(academy),
            "forecasts": [_forecast_body(d) for d in found],
        }
        return Response(ForecastListOutput(body).data)


def _forecast_body(data: dict[str, Any]) -> dict[str, Any]:
    f = data["forecast"]
    measures = []
    for measure, interval in (("expected", f.expected), ("higher", f.higher)):
        measures.append(
            {
                "measure": measure,
                "name": data["labels"][measure],
                "value": interval.value if interval else None,
                "low": interval.low if interval else None,
                "high": interval.high if interval else None,
                "actual": data["actual"][measure] if data["actual"] else None,
            }
        )
    if data.get("score_label"):
        # KS4: Attainment 8, a mean in points (null like the others when there is no forecast).
        points = f.mean
        measures.append(
            {
                "measure": "attainment8",
                "name": data["score_label"],
                "value": points.value if points else None,
                "low": points.low if points else None,
                "high": points.high if points else None,
                "actual": (data["actual"] or {}).get("mean"),
            }
        )
    return {
        "key": data["key"],
        "key_stage": data["key_stage"],
        "title": data["title"],
        "shown_as": "Forecast",
        "year_group": data["year_group"],
        "from_term": data["from_term"],
        "available": f.available,
        "note": f.note,
        "pupils": f.n_pupils,
        "cohorts": f.n_cohorts,
        "history_pupils": f.n_history_pupils,
        "method": data["method"],
        "measures": measures,
    }
