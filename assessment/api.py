"""Uploads over the API: 202 on receipt, poll for status and errors, confirm to save.

Confirming answers 202: a worker saves the upload, and its URL says when ("committed"). A list
shows each upload's status and counts; its problems are on its own URL.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from academies.selectors import academy_list_for
from trust_si.terms import TermCode, TermError
from trust_si.web.api import TenantAPIView, TenantListAPIView

from . import selectors, services
from .models import Upload, UploadKind, UploadStatus
from .parsing import MAX_UPLOAD_BYTES


class UploadError(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    value = serializers.CharField(allow_blank=True)
    message = serializers.CharField()


class UploadOutput(serializers.ModelSerializer):
    academy = serializers.CharField(source="academy.urn")
    term = serializers.CharField(source="term.code")
    errors = UploadError(many=True)  # type: ignore[assignment]  # the field is named "errors" in the API
    url = serializers.SerializerMethodField()

    class Meta:
        model = Upload
        fields = [
            "id",
            "url",
            "academy",
            "term",
            "kind",
            "original_name",
            "status",
            "progress",
            "message",
            "counts",
            "errors",
            "created_at",
            "confirmed_at",
        ]

    def get_url(self, obj: Upload) -> str:
        request = self.context["request"]  # the trust is the request's: no query per upload
        return request.build_absolute_uri(f"/api/v1/t/{request.trust.slug}/uploads/{obj.pk}/")


class UploadSummaryOutput(UploadOutput):
    class Meta(UploadOutput.Meta):
        fields = [f for f in UploadOutput.Meta.fields if f != "errors"]


class Refusal(serializers.Serializer):
    detail = serializers.CharField()


class UploadInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=UploadKind.choices)
    academy = serializers.RegexField(r"^\d{6}$", help_text="The academy's URN")
    term = serializers.CharField(help_text="e.g. 2025-26-summer")
    file = serializers.FileField()

    def validate_term(self, value: str) -> TermCode:
        try:
            return TermCode.parse(value)
        except TermError as exc:
            raise serializers.ValidationError(str(exc)) from exc


class UploadListAPI(TenantListAPIView):
    required_capability = "pupil_data.upload"
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=UploadSummaryOutput(many=True))
    def get(self, request: Request) -> Response:
        uploads = selectors.upload_summaries_for(self.membership, with_counts=True)
        return self.paginated(uploads, UploadSummaryOutput, context={"request": request})

    @extend_schema(request={"multipart/form-data": UploadInput}, responses={202: UploadOutput})
    def post(self, request: Request) -> Response:
        data = UploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        academy = academy_list_for(self.membership).filter(urn=d["academy"]).first()
        if academy is None:
            raise ValidationError({"academy": ["No academy with that URN in your scope."]})
        if d["file"].size > MAX_UPLOAD_BYTES:
            raise ValidationError({"file": ["The file is larger than 20 MB."]})
        term = services.term_get_or_create(trust=self.trust, code=d["term"])
        try:
            upload = services.upload_create(
                actor=self.actor,
                academy=academy,
                term=term,
                kind=d["kind"],
                name=d["file"].name,
                content=d["file"].read(),
            )
        except services.UploadStoreError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        body = UploadOutput(upload, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


class UploadDetailAPI(TenantAPIView):
    required_capability = "pupil_data.upload"

    @extend_schema(responses=UploadOutput)
    def get(self, request: Request, pk: int) -> Response:
        upload = selectors.upload_get_for(self.membership, pk)
        return Response(UploadOutput(upload, context={"request": request}).data)


class UploadConfirmAPI(TenantAPIView):
    required_capability = "pupil_data.upload"

    @extend_schema(request=None, responses={200: UploadOutput, 202: UploadOutput, 409: Refusal})
    def post(self, request: Request, pk: int) -> Response:
        """Queue the save of an upload that is ready to confirm (202; 200 once it is saved)."""
        upload = selectors.upload_get_for(self.membership, pk)
        try:
            upload = services.upload_confirm(actor=self.actor, upload=upload)
        except services.UploadStateError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        body = UploadOutput(upload, context={"request": request}).data
        done = upload.status in (UploadStatus.COMMITTED, UploadStatus.UNCHANGED)
        return Response(
            body,
            status=status.HTTP_200_OK if done else status.HTTP_202_ACCEPTED,
            headers={"Location": body["url"]},
        )
