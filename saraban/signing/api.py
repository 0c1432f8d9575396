"""REST API of signing: a person's certificates, what waits for their signature,
signing an endorsement or an outgoing letter, and the signatures on a letter.

Thin views: parse, call a service or selector, serialise. Passwords and PINs are
write-only fields, never echoed or logged. A classified letter is refused with
``classified_letter`` (403) by the service, whatever the client sends.
"""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from saraban.core.api import LimitedCharField
from saraban.core.errors import NotFound
from saraban.signing import selectors, services
from saraban.signing.models import Signature, SigningCertificate


class CertificateSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")

    class Meta:
        model = SigningCertificate
        fields = ["id", "kind", "kind_label", "label", "subject_name", "issuer_name", "serial", "fingerprint",
                  "not_before", "not_after", "active", "created_at"]


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="ไฟล์ใบรับรอง .p12/.pfx")
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=256)
    label = LimitedCharField("name", label="ชื่อเรียกใบรับรอง", required=False, allow_blank=True, default="")


class TokenSerializer(serializers.Serializer):
    token_label = LimitedCharField("token_label", label="ชื่อโทเคน")
    key_label = LimitedCharField("token_label", label="ชื่อกุญแจ")
    pin = serializers.CharField(write_only=True, trim_whitespace=False, max_length=128)
    label = LimitedCharField("name", label="ชื่อเรียกใบรับรอง", required=False, allow_blank=True, default="")


class SignSerializer(serializers.Serializer):
    certificate_id = serializers.IntegerField(min_value=1, max_value=2**31)
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=256,
                                     help_text="รหัสผ่านของใบรับรอง หรือ PIN ของโทเคน (ถามทุกครั้งที่ลงนาม)")
    reason = LimitedCharField("signing_reason", label="เหตุผลการลงนาม", required=False, allow_blank=True, default="")


class SignLetterSerializer(SignSerializer):
    endorsement_id = serializers.IntegerField(min_value=1, max_value=2**31)


class SignatureSerializer(serializers.ModelSerializer):
    signer_name = serializers.CharField(source="signer.display_name")
    certificate_subject = serializers.CharField(source="certificate.subject_name")

    class Meta:
        model = Signature
        fields = ["id", "letter", "outgoing", "endorsement", "field_name", "signer", "signer_name",
                  "certificate", "certificate_subject", "fingerprint", "serial", "signed_at", "level", "reason",
                  "sha256_before", "sha256_after", "size", "via"]


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class CertificatesView(APIView):
    """GET: the caller's certificates. POST (multipart): import a PKCS#12 file."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=CertificateSerializer(many=True))
    def get(self, request):
        return Response(CertificateSerializer(selectors.my_certificates(request.user), many=True).data)

    @extend_schema(request=ImportSerializer, responses={201: CertificateSerializer})
    def post(self, request):
        data = _valid(ImportSerializer, request)
        certificate = services.import_pkcs12(actor=request.user, data=data["file"].read(),
                                             password=data["password"], label=data["label"])
        return Response(CertificateSerializer(certificate).data, status=201)


class TokenCertificateView(APIView):
    """POST: register a key on the agency's PKCS#11 token/HSM (the certificate is read
    from the token)."""

    parser_classes = [JSONParser, FormParser]

    @extend_schema(request=TokenSerializer, responses={201: CertificateSerializer})
    def post(self, request):
        data = _valid(TokenSerializer, request)
        certificate = services.register_token_key(actor=request.user, token_label=data["token_label"],
                                                  key_label=data["key_label"], pin=data["pin"], label=data["label"])
        return Response(CertificateSerializer(certificate).data, status=201)


class CertificateView(APIView):
    """DELETE: stop using one of the caller's certificates."""

    @extend_schema(request=None, responses={200: CertificateSerializer})
    def delete(self, request, certificate_id: int):
        return Response(CertificateSerializer(
            services.deactivate_certificate(actor=request.user, certificate_id=certificate_id)).data)


class PendingView(APIView):
    """GET: what waits for the caller's signature (endorsements, outgoing letters)."""

    @extend_schema(responses={200: OpenApiResponse(description="[{kind, letter_id, endorsement_id, outgoing_id, subject}]")})
    def get(self, request):
        rows = []
        for item in selectors.pending_for(request.user):
            letter = item.letter or item.outgoing
            rows.append({"kind": item.kind, "letter_id": getattr(item.letter, "pk", None),
                         "endorsement_id": getattr(item.endorsement, "pk", None),
                         "outgoing_id": getattr(item.outgoing, "pk", None), "subject": letter.subject,
                         "document_number": letter.document_number})
        return Response(rows)


class SignLetterView(APIView):
    """POST: sign the caller's endorsement on an incoming letter (its stamped PDF)."""

    parser_classes = [JSONParser, FormParser]

    @extend_schema(request=SignLetterSerializer, responses={201: SignatureSerializer})
    def post(self, request, letter_id: int):
        data = _valid(SignLetterSerializer, request)
        signature = services.sign_letter(actor=request.user, letter_id=letter_id,
                                         endorsement_id=data["endorsement_id"],
                                         certificate_id=data["certificate_id"], secret=data["password"],
                                         reason=data["reason"], client=services.Client.of(request, "api"))
        return Response(SignatureSerializer(signature).data, status=201)


class SignOutgoingView(APIView):
    """POST: sign a sent outgoing letter."""

    parser_classes = [JSONParser, FormParser]

    @extend_schema(request=SignSerializer, responses={201: SignatureSerializer})
    def post(self, request, outgoing_id: int):
        data = _valid(SignSerializer, request)
        signature = services.sign_outgoing(actor=request.user, outgoing_id=outgoing_id,
                                           certificate_id=data["certificate_id"], secret=data["password"],
                                           reason=data["reason"], client=services.Client.of(request, "api"))
        return Response(SignatureSerializer(signature).data, status=201)


class LetterSignaturesView(APIView):
    """GET: the signatures on an incoming letter the caller may open."""

    @extend_schema(responses=SignatureSerializer(many=True))
    def get(self, request, letter_id: int):
        from saraban.registry.selectors import get_letter
        from saraban.routing.selectors import viewer_for

        letter = get_letter(viewer_for(request.user), letter_id)
        return Response(SignatureSerializer(selectors.letter_signatures(letter), many=True).data)


class OutgoingSignaturesView(APIView):
    """GET: the signatures on an outgoing letter the caller may sign or keeps."""

    @extend_schema(responses=SignatureSerializer(many=True))
    def get(self, request, outgoing_id: int):
        outgoing = services.get_signable_outgoing(request.user, outgoing_id)
        return Response(SignatureSerializer(selectors.outgoing_signatures(outgoing), many=True).data)


class OutgoingSignedFileView(APIView):
    """GET: the newest signed PDF of an outgoing letter."""

    @extend_schema(responses={200: OpenApiResponse(description="application/pdf")})
    def get(self, request, outgoing_id: int):
        outgoing = services.get_signable_outgoing(request.user, outgoing_id)
        if not outgoing.signed_file:
            raise NotFound("หนังสือนี้ยังไม่มีฉบับลงนาม")
        return FileResponse(outgoing.signed_file.open("rb"), content_type="application/pdf",
                            filename=f"signed-{outgoing.pk}.pdf")
