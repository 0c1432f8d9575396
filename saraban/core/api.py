"""The one place domain errors become HTTP answers: RFC 7807 problem details; and the
serializer field that takes its length limit from ``saraban.core.limits``."""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler

from saraban.core import limits
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


class _LimitValidator(MaxLengthValidator):
    """The limit of a :class:`LimitedCharField`: a ``MaxLengthValidator`` (so the OpenAPI
    schema shows ``maxLength``) that refuses with the service's own error instead of
    DRF's — InvalidInput ``too_long`` with the Thai message, answered as a problem
    document by :func:`problem_exception_handler`."""

    def __init__(self, field: "LimitedCharField") -> None:
        super().__init__(limits.limit_of(field.kind))
        self.field = field

    def __call__(self, value) -> None:
        # Counted with runs of spaces made one: never more than the service counts, so
        # the API refuses nothing the service would take (a CRLF body, double spaces).
        text = " ".join(str(value).split()) if len(value) > self.limit_value else value
        limits.check_length(self.field.kind, text, field=self.field.limit_field or self.field.field_name,
                            label=self.field.limit_label)


class LimitedCharField(serializers.CharField):
    """A CharField for free text of field kind ``kind`` (``saraban.core.limits``):
    ``maxLength`` in the schema from the limits table, and a longer value refused
    with InvalidInput ``too_long`` naming ``label`` (Thai) and both numbers — the
    same answer the service gives. ``field`` names the field in the error when it is
    not the serializer's field name (a list's items)."""

    def __init__(self, kind: str, *, label: str, field: str | None = None, **kwargs) -> None:
        self.kind, self.limit_label, self.limit_field = kind, label, field
        kwargs.setdefault("help_text", f"{label} (ไม่เกิน {limits.limit_of(kind):,} ตัวอักษร)")
        super().__init__(**kwargs)
        self.validators.insert(0, _LimitValidator(self))
