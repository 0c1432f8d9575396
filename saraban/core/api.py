"""The one place domain errors become HTTP answers: RFC 7807 problem details."""

from __future__ import annotations

from rest_framework.response import Response
from rest_framework.views import exception_handler

from saraban.core.errors import DomainError


def problem_exception_handler(exc, context):
    """DRF exception handler: DomainError → ``application/problem+json`` with
    ``type``, ``title`` (Thai message), ``status``, ``code`` and any extra details;
    DRF's own errors keep their body with ``status`` and ``code`` added."""
    if isinstance(exc, DomainError):
        body = {"type": f"urn:saraban:error:{exc.code}", "title": exc.message, "status": exc.status,
                "code": exc.code, **exc.extra}
        return Response(body, status=exc.status, content_type="application/problem+json")
    response = exception_handler(exc, context)
    if response is not None:
        data = response.data if isinstance(response.data, dict) else {"errors": response.data}
        detail = data.get("detail")
        response.data = {"type": "about:blank", "title": str(detail or "ข้อมูลไม่ถูกต้อง"),
                         "status": response.status_code, "code": getattr(detail, "code", "invalid"), **data}
    return response
