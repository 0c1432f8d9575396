"""REST API of the registry: intake, drafts, confirmation, registration without a file.

Thin views: parse, call a service or selector, serialise. Errors are DomainErrors,
answered as RFC 7807 problems by ``saraban.core.api``.
"""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from saraban.core.audit import record_classified_access
from saraban.core.classes import DocumentType, Secrecy, Urgency
from saraban.core.errors import InvalidInput
from saraban.registry import selectors, services
from saraban.registry.models import Letter
from saraban.routing.selectors import viewer_for


def plain_data(data) -> dict:
    """``request.data`` as a plain dict (a QueryDict's single values unwrapped)."""
    return data.dict() if hasattr(data, "dict") else dict(data)


class ReferenceSerializer(serializers.Serializer):
    number = serializers.CharField(allow_blank=True)
    date = serializers.DateField(allow_null=True, required=False)


class LetterFieldsSerializer(serializers.Serializer):
    """The header fields a clerk confirms (DOMAIN.md §1 names)."""

    document_type = serializers.ChoiceField(choices=DocumentType.choices, required=False, allow_blank=True)
    document_number = serializers.CharField(required=False, allow_blank=True)
    document_date = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                          help_text="ISO (2019-10-31) or Thai (๓๑ ตุลาคม ๒๕๖๒)")
    subject = serializers.CharField(required=False, allow_blank=True)
    addressee = serializers.CharField(required=False, allow_blank=True)
    sender = serializers.CharField(required=False, allow_blank=True)
    issuing_office = serializers.CharField(required=False, allow_blank=True)
    references = ReferenceSerializer(many=True, required=False)
    enclosures = serializers.ListField(child=serializers.CharField(), required=False)
    signer_name = serializers.CharField(required=False, allow_blank=True)
    signer_position = serializers.CharField(required=False, allow_blank=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    secrecy = serializers.ChoiceField(choices=Secrecy.choices, required=False)
    remarks = serializers.CharField(required=False, allow_blank=True)


class RegisterWithoutFileSerializer(LetterFieldsSerializer):
    kind = serializers.ChoiceField(choices=Letter.Kind.choices, default=Letter.Kind.LETTER)


class LetterSerializer(serializers.ModelSerializer):
    register = serializers.CharField(source="register.code", default=None)
    desk_unit = serializers.CharField(source="desk_unit.code")
    receive_number_display = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()

    class Meta:
        model = Letter
        fields = [
            "id", "kind", "status", "desk_unit", "register", "year", "receive_number", "receive_number_display",
            "document_type", "document_number", "document_number_canonical", "document_date", "subject",
            "addressee", "sender", "issuing_office", "references", "enclosures", "signer_name", "signer_position",
            "urgency", "secrecy", "remarks", "suggested", "field_confidence", "reading_status", "reading_progress",
            "reading_pages", "reading_error", "duplicate_of", "received_at", "registered_at", "files",
        ]

    def get_receive_number_display(self, letter: Letter) -> str | None:
        return f"{letter.receive_number}/{letter.year + 543}" if letter.receive_number else None

    def get_files(self, letter: Letter) -> list[dict]:
        return [
            {"role": f.role, "name": f.original_name, "mime": f.mime, "size": f.size, "sha256": f.sha256,
             "pages": f.pages, "url": f"/api/letters/{letter.pk}/files/{f.role}"}
            for f in letter.files.all()
        ]


class IntakeSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=Letter.Kind.choices, default=Letter.Kind.LETTER)


class IntakeView(APIView):
    """Upload a scanned letter or complaint file: stored as a draft, read in the background."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": IntakeSerializer}, responses={
        201: LetterSerializer, 400: OpenApiResponse(description="ไฟล์ผิดประเภท เสีย ว่าง หรือใหญ่เกิน"),
        409: OpenApiResponse(description="ไฟล์นี้เคยรับเข้าระบบแล้ว (duplicate_of)")})
    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput("กรุณาแนบไฟล์หนังสือ (PDF, PNG, JPEG หรือ TIFF) ในช่อง file", code="file_required")
        kind = request.data.get("kind") or Letter.Kind.LETTER
        if kind not in Letter.Kind.values:
            raise InvalidInput("ประเภทรายการต้องเป็น letter หรือ complaint", code="invalid_kind")
        letter = services.intake_file(actor=request.user, stream=upload, file_name=upload.name, kind=kind)
        return Response(LetterSerializer(letter).data, status=201)


class LetterListCreateView(APIView):
    """Registered letters the person may open; POST registers a letter with no file."""

    @extend_schema(responses=LetterSerializer(many=True))
    def get(self, request):
        letters = selectors.registered_letters(viewer_for(request.user)).select_related("register", "desk_unit")
        try:
            limit = min(max(int(request.query_params.get("limit") or 50), 1), 200)
            offset = min(max(int(request.query_params.get("offset") or 0), 0), 1_000_000)
        except ValueError:
            raise InvalidInput("limit และ offset ต้องเป็นจำนวนเต็ม", code="invalid_paging") from None
        return Response(LetterSerializer(letters.prefetch_related("files")[offset: offset + limit], many=True).data)

    @extend_schema(request=RegisterWithoutFileSerializer, responses={201: LetterSerializer})
    def post(self, request):
        data = RegisterWithoutFileSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = plain_data(request.data)
        letter = services.register_without_file(actor=request.user, fields=fields,
                                                kind=data.validated_data.get("kind", Letter.Kind.LETTER))
        return Response(LetterSerializer(letter).data, status=201)


class LetterDetailView(APIView):
    """One letter, if the person may open it (otherwise 404, like a letter that never existed)."""

    @extend_schema(responses=LetterSerializer)
    def get(self, request, letter_id: int):
        letter = selectors.get_letter(viewer_for(request.user), letter_id)
        record_classified_access(actor=request.user, letter=letter, via="api")
        return Response(LetterSerializer(letter).data)


class ConfirmView(APIView):
    """The clerk confirms or corrects a draft's fields; the receive number is issued."""

    parser_classes = [JSONParser, FormParser]

    @extend_schema(request=LetterFieldsSerializer, responses={200: LetterSerializer, 409: OpenApiResponse(
        description="ลงทะเบียนแล้ว หรือซ้ำกับหนังสือที่รับไว้ (duplicate_of)")})
    def post(self, request, letter_id: int):
        serializer = LetterFieldsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        letter = services.confirm_letter(actor=request.user, letter_id=letter_id, fields=plain_data(request.data))
        return Response(LetterSerializer(letter).data)


class LetterFileView(APIView):
    """Download a letter's original or searchable PDF (classified downloads are logged)."""

    @extend_schema(responses={200: OpenApiResponse(description="the file")})
    def get(self, request, letter_id: int, role: str):
        file = selectors.get_letter_file(viewer_for(request.user), letter_id, role)
        record_classified_access(actor=request.user, letter=file.letter, action="letter.download", role=role)
        return FileResponse(file.file.open("rb"), content_type=file.mime, filename=file.original_name)
