"""Public signature validation (no login, DOMAIN.md §6 "Anyone can validate a signed
letter"): the page ``/signatures/validate/`` and ``POST /api/signatures/validate``.

Both take one PDF (the form/multipart field ``file``) of at most
``SARABAN_SIGNING_VALIDATE_MAX_MB`` and answer with
:func:`saraban.signing.validation.validate_pdf`'s report; both share one throttle per
client address (:class:`ValidateThrottle`, like the public complaint status API), since
each check costs CPU and may ask the CA's OCSP/CRL servers. The uploaded file is never
stored.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from saraban.core.errors import DomainError, InvalidInput
from saraban.signing import validation

MSG_NO_FILE = "กรุณาเลือกไฟล์ PDF ที่ต้องการตรวจสอบลายมือชื่อ"
MSG_THROTTLED = "ตรวจสอบบ่อยเกินไป กรุณารอสักครู่แล้วลองใหม่"

#: Report codes that are a bad upload (400) rather than a result to show.
BAD_FILE_CODES = frozenset({validation.CODE_NOT_PDF, validation.CODE_ENCRYPTED, validation.CODE_TOO_LARGE,
                            validation.CODE_TOO_MANY, validation.CODE_SIGNATURES_UNREADABLE})


class ValidateThrottle(AnonRateThrottle):
    """Checks per client address, for the page and the API together — signed-in people
    included (AnonRateThrottle alone would not count them)."""

    scope = "signature_validate"
    rate = "20/min"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def check_upload(upload) -> validation.Report:
    """Validate an uploaded file (a Django ``UploadedFile`` or None).

    Raises InvalidInput: ``no_file``, ``pdf_too_large`` (over
    ``SARABAN_SIGNING_VALIDATE_MAX_MB``, refused before reading), or the report's code
    when the file is not a PDF, encrypted, or its signatures are unreadable (Thai
    message). A readable PDF without signatures is a report (``no_signatures``), not an
    error.
    """
    if upload is None:
        raise InvalidInput(MSG_NO_FILE, code="no_file")
    limit = settings.SARABAN_SIGNING_VALIDATE_MAX_MB * 1024 * 1024
    if upload.size > limit:
        raise InvalidInput(validation.msg_too_large(limit), code=validation.CODE_TOO_LARGE)
    report = validation.validate_pdf(upload.read())
    if report.code in BAD_FILE_CODES:
        raise InvalidInput(report.error, code=report.code)
    return report


def validate_page(request):
    """GET: the upload form. POST (``file``): the result, one card per signature;
    a bad file is the form again with the Thai message (400); too many checks from one
    address, 429."""
    if request.method != "POST":
        return render(request, "signing/validate.html", {"max_mb": settings.SARABAN_SIGNING_VALIDATE_MAX_MB})
    context = {"max_mb": settings.SARABAN_SIGNING_VALIDATE_MAX_MB}
    if not ValidateThrottle().allow_request(request, None):
        return render(request, "signing/validate.html", {**context, "error": MSG_THROTTLED}, status=429)
    upload = request.FILES.get("file")
    try:
        report = check_upload(upload)
    except DomainError as exc:
        return render(request, "signing/validate.html", {**context, "error": exc.message}, status=exc.status)
    return render(request, "signing/validate.html", {**context, "report": report, "file_name": upload.name[:200]})


class ValidateView(APIView):
    """``POST /api/signatures/validate`` (multipart ``file``): the report of every
    signature in the PDF — no login."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ValidateThrottle]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        auth=[],
        request=inline_serializer("SignatureValidateRequest", {"file": serializers.FileField()}),
        responses={200: OpenApiResponse(description="signatures, timestamps, error, code, summary, exit_code "
                                                    "(0 intact and trusted, 1 broken or unsigned, 2 untrusted)"),
                   400: OpenApiResponse(description="no file, too large, not a PDF, encrypted (RFC 7807)"),
                   429: OpenApiResponse(description="too many checks from this address")},
    )
    def throttled(self, request, wait):
        raise exceptions.Throttled(wait, detail=MSG_THROTTLED)

    def post(self, request):
        report = check_upload(request.FILES.get("file"))
        return Response(report.to_dict())
