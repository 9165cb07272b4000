"""Frameworks and teacher judgements over the API (read only). Frameworks are the trust's
shared grids; judgements are pupil-level, so only pupil-data roles at their own academies
read them (never governors)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from trust_si.web.api import TenantAPIView, TenantListAPIView

from . import selectors
from .models import FrameworkSubject, FrameworkVersion, Statement, Strand, TeacherJudgement


class VersionSummary(serializers.ModelSerializer):
    class Meta:
        model = FrameworkVersion
        fields = ["id", "number", "status", "authors", "allow_one_weakness", "published_at"]


class FrameworkOutput(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    year_group = serializers.CharField()
    versions = VersionSummary(many=True)


class StatementOutput(serializers.ModelSerializer):
    class Meta:
        model = Statement
        fields = ["code", "level", "text"]


class StrandOutput(serializers.ModelSerializer):
    statements = StatementOutput(many=True)

    class Meta:
        model = Strand
        fields = ["name", "statements"]


class VersionOutput(serializers.ModelSerializer):
    subject = serializers.CharField(source="framework.subject")
    year_group = serializers.CharField(source="framework.year_group")
    strands = StrandOutput(many=True)

    class Meta:
        model = FrameworkVersion
        fields = [
            "id",
            "subject",
            "year_group",
            "number",
            "status",
            "authors",
            "allow_one_weakness",
            "published_at",
            "strands",
        ]


class TeacherJudgementOutput(serializers.ModelSerializer):
    urn = serializers.CharField(source="academy.urn")
    term = serializers.CharField(source="term.term_code")
    framework_version = serializers.IntegerField(source="version_id")
    secure = serializers.SerializerMethodField()

    class Meta:
        model = TeacherJudgement
        fields = [
            "id",
            "urn",
            "term",
            "subject",
            "year_group",
            "framework_version",
            "secure",
            "independence",
            "source_subject",
            "proposed",
            "level",
            "reason",
            "updated_at",
        ]

    def get_secure(self, obj: TeacherJudgement) -> list[str]:
        return obj.secure.split()


class FrameworkListAPI(TenantListAPIView):
    required_capability = "framework.view"

    @extend_schema(responses=FrameworkOutput(many=True))
    def get(self, request: Request) -> Response:
        frameworks = selectors.framework_list_for(self.membership).order_by("subject", "year_group")
        return self.paginated(frameworks, FrameworkOutput)


class VersionDetailAPI(TenantAPIView):
    required_capability = "framework.view"

    @extend_schema(responses=VersionOutput)
    def get(self, request: Request, pk: int) -> Response:
        version = selectors.version_get_for(self.membership, pk)
        return Response(VersionOutput(version).data)


class JudgementListAPI(TenantListAPIView):
    required_capability = "pupil_data.view"

    @extend_schema(
        parameters=[
            OpenApiParameter("urn", str, description="One academy"),
            OpenApiParameter("term", str, description="Term code, e.g. 2025-26-summer"),
            OpenApiParameter("year_group", str),
            OpenApiParameter("subject", str),
        ],
        responses=TeacherJudgementOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        rows = selectors.judgement_list_for(self.membership).order_by("pk")
        params = request.query_params
        if urn := params.get("urn"):
            rows = rows.filter(academy__urn=urn)
        if year_group := params.get("year_group"):
            rows = rows.filter(year_group=year_group)
        if subject := params.get("subject"):
            rows = rows.filter(subject=subject)
        if term := params.get("term"):
            parts = term.rsplit("-", 1)
            rows = rows.filter(term__academic_year=parts[0], term__season=parts[-1])
        return self.paginated(rows, TeacherJudgementOutput)


class PupilHistoryItem(serializers.ModelSerializer):
    """One judgement of the pupil's history, with the words beside each code."""

    term = serializers.CharField(source="term.code")
    term_label = serializers.CharField(source="term.term_code.label")
    urn = serializers.CharField(source="academy.urn")
    school = serializers.CharField(source="academy.name")
    framework_version = serializers.IntegerField(source="version_id")
    framework = serializers.CharField(source="version.__str__")
    level_label = serializers.CharField(source="level_name")
    independence_label = serializers.CharField(source="get_independence_display")

    class Meta:
        model = TeacherJudgement
        fields = [
            "term",
            "term_label",
            "urn",
            "school",
            "year_group",
            "framework_version",
            "framework",
            "level",
            "level_label",
            "independence",
            "independence_label",
            "source_subject",
        ]


class PupilHistoryOutput(serializers.Serializer):
    pupil = serializers.CharField()
    subject = serializers.CharField()
    judgements = PupilHistoryItem(many=True)


class PupilHistoryAPI(TenantAPIView):
    """A pupil's judgements at every school of the trust, oldest first (the page's rows). The
    same scope as the page: leaders and officers any pupil, school staff a pupil on roll at
    their academy now, never governors."""

    required_capability = "pupil_data.view"

    @extend_schema(
        parameters=[OpenApiParameter("subject", str, description="writing (default) or reading")],
        responses=PupilHistoryOutput,
    )
    def get(self, request: Request, key: str) -> Response:
        pupil = selectors.pupil_for_history(self.membership, key)
        subject = request.query_params.get("subject", FrameworkSubject.WRITING)
        if subject not in FrameworkSubject.values:
            raise Http404
        history = selectors.pupil_history(
            trust_id=pupil.trust_id, pupil_ids=[pupil.pk], subject=subject
        )[pupil.pk]
        return Response(
            PupilHistoryOutput({"pupil": pupil.key, "subject": subject, "judgements": history}).data
        )
