"""REST API of the registry: intake, drafts, confirmation, registration without a file.

Thin views: parse, call a service or selector, serialise. Errors are DomainErrors,
answered as RFC 7807 problems by ``saraban.core.api``.
"""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from saraban.core.api import LimitedCharField
from saraban.core.audit import record_classified_access
from saraban.core.classes import DocumentType, Secrecy, Urgency
from saraban.core.errors import InvalidInput, NotAllowed
from saraban.registry import books, retention, selectors, services
from saraban.registry import outgoing as outgoing_services
from saraban.registry.models import DestructionList, Letter, OutgoingLetter, Register, RegisterEntry
from saraban.routing.selectors import viewer_for


def plain_data(data) -> dict:
    """``request.data`` as a plain dict (a QueryDict's single values unwrapped)."""
    return data.dict() if hasattr(data, "dict") else dict(data)


def _text(name: str, **kwargs) -> LimitedCharField:
    """A header text field of a letter with its limit (``services.FIELD_LIMITS``)."""
    kind, label = services.FIELD_LIMITS[name]
    return LimitedCharField(kind, label=label, required=False, allow_blank=True, **kwargs)


def _lines(name: str, label: str) -> serializers.ListField:
    """อ้างถึง / สิ่งที่ส่งมาด้วย: lines of ``list_item`` (how many: the service checks,
    ``limits.MAX_ITEMS``, with its Thai message)."""
    return serializers.ListField(child=LimitedCharField("list_item", label=label, field=name), required=False)


class ReferenceSerializer(serializers.Serializer):
    number = LimitedCharField("list_item", label="อ้างถึง", field="references", allow_blank=True)
    date = serializers.DateField(allow_null=True, required=False)


class LetterFieldsSerializer(serializers.Serializer):
    """The header fields a clerk confirms (DOMAIN.md §1 names); texts longer than their
    limits (``saraban.core.limits``) are refused with ``too_long``."""

    document_type = serializers.ChoiceField(choices=DocumentType.choices, required=False, allow_blank=True)
    document_number = _text("document_number")
    document_date = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                          help_text="ISO (2019-10-31) or Thai (๓๑ ตุลาคม ๒๕๖๒)")
    subject = _text("subject")
    addressee = _text("addressee")
    sender = _text("sender")
    issuing_office = _text("issuing_office")
    references = ReferenceSerializer(many=True, required=False)
    enclosures = _lines("enclosures", "สิ่งที่ส่งมาด้วย")
    signer_name = _text("signer_name")
    signer_position = _text("signer_position")
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    secrecy = serializers.ChoiceField(choices=Secrecy.choices, required=False)
    remarks = _text("remarks")


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


# --------------------------------------------------------------------------- books (forms 13, 14)


def _period(params) -> tuple:
    """``from``/``to`` query parameters (ISO or Thai dates, either era); default: this
    month so far."""
    from django.utils import timezone

    today = timezone.localdate()
    start = services._clean_date(params.get("from")) if params.get("from") else today.replace(day=1)
    end = services._clean_date(params.get("to")) if params.get("to") else today
    return start, end


def _file(content: bytes, *, name: str, mime: str) -> FileResponse:
    import io

    return FileResponse(io.BytesIO(content), content_type=mime, filename=name, as_attachment=True)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _pdf_part(request, make, parts: int, *, name: str) -> FileResponse:
    """Part ``?part=`` (1 by default; Thai digits too) of a document printed in ``parts``
    parts, as a PDF download whose ``X-Parts`` header says how many there are. Raises
    InvalidInput ``invalid_part`` for anything but a number from 1 to ``parts``."""
    from ocr.thai import fold_digits, to_thai_digits

    raw = fold_digits((request.query_params.get("part") or "1").strip())
    part = int(raw) if raw.isdigit() and len(raw) < 6 else 0
    if not 1 <= part <= parts:
        raise InvalidInput(f"ส่วนที่ต้องเป็นตัวเลข ๑ ถึง {to_thai_digits(str(parts))} "
                           f"(เอกสารนี้พิมพ์เป็น {to_thai_digits(str(parts))} ส่วน)", code="invalid_part", parts=parts)
    response = _file(make(part), name=f"{name}-{part}of{parts}.pdf" if parts > 1 else f"{name}.pdf",
                     mime="application/pdf")
    response["X-Parts"] = str(parts)
    return response


class RegisterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Register
        fields = ["code", "name", "direction", "series", "is_secret", "year_start_month", "number_prefix"]


class EntrySerializer(serializers.ModelSerializer):
    register = serializers.CharField(source="register.code")

    class Meta:
        model = RegisterEntry
        fields = ["id", "register", "year", "number", "state", "entered_at", "document_number", "document_date",
                  "sender", "addressee", "subject", "action", "remarks", "corrects", "letter", "outgoing",
                  "reserved_for", "expires_at", "cancelled_at", "cancel_reason"]


class RegistersView(APIView):
    """The registers whose books the person may read (a secret register only for the
    secret-document registrar)."""

    @extend_schema(responses=RegisterSerializer(many=True))
    def get(self, request):
        return Response(RegisterSerializer(books.readable_registers(request.user), many=True).data)


class BookView(APIView):
    """A register's book for a period (``from``, ``to``: ISO or Thai dates): JSON rows,
    or the regulation's form 13/14 as ``export=pdf`` or ``export=xlsx``. A long book
    prints in parts (``part=2``; the ``X-Parts`` header and the JSON's ``pdf_parts`` say
    how many): each part at most 1,000 rows, so that no print runs for minutes."""

    @extend_schema(parameters=[OpenApiParameter("part", int, description="which part of a long book's PDF (1, 2 …)")],
                   responses={200: OpenApiResponse(description="rows, or a PDF/XLSX file")})
    def get(self, request, code: str):
        from saraban.documents import render

        register = books.get_register(request.user, code)
        start, end = _period(request.query_params)
        fmt = request.query_params.get("export") or "json"
        name = f"{register.code}_{start.isoformat()}_{end.isoformat()}"
        if fmt == "pdf":
            document = books.as_document(register, date_from=start, date_to=end)
            return _pdf_part(request, lambda part: render.book_pdf(document, part=part),
                             render.book_parts(document), name=name)
        if fmt == "xlsx":
            return _file(render.book_xlsx(books.as_document(register, date_from=start, date_to=end)),
                         name=f"{name}.xlsx", mime=XLSX)
        if fmt != "json":
            raise InvalidInput("export ต้องเป็น json, pdf หรือ xlsx", code="invalid_export")
        lines = books.book_lines(register, date_from=start, date_to=end)
        rows = [{**EntrySerializer(line.entry).data, "number_display": line.number, "action": line.action,
                 "remarks": line.remarks} for line in lines]
        parts = render.book_parts(books.as_document(register, date_from=start, date_to=end, lines=lines))
        return Response({"register": RegisterSerializer(register).data, "from": start, "to": end, "rows": rows,
                         "pdf_parts": parts})


class ReservationSerializer(serializers.Serializer):
    reserved_for = LimitedCharField("subject", label="จองไว้สำหรับ")
    count = serializers.IntegerField(default=1)
    hours = serializers.FloatField(required=False)


class ReservationsView(APIView):
    """Reserve (จองเลข) numbers of a register the person keeps."""

    @extend_schema(request=ReservationSerializer, responses={201: EntrySerializer(many=True)})
    def post(self, request, code: str):
        data = ReservationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entries = books.reserve(actor=request.user, register_code=code, **data.validated_data)
        return Response(EntrySerializer(entries, many=True).data, status=201)


class ReasonSerializer(serializers.Serializer):
    reason = LimitedCharField("reason", label="เหตุที่ยกเลิก")


class CancelReservationView(APIView):
    """Cancel a reservation: the row stays in the book marked ยกเลิก."""

    @extend_schema(request=ReasonSerializer, responses=EntrySerializer)
    def post(self, request, entry_id: int):
        entry = books.cancel(actor=request.user, entry_id=entry_id, reason=str(request.data.get("reason") or ""))
        return Response(EntrySerializer(entry).data)


class CorrectionSerializer(serializers.Serializer):
    reason = LimitedCharField("reason", label="เหตุที่แก้ไข")
    document_number = LimitedCharField("document_number", label="ที่", required=False, allow_blank=True)
    document_date = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    sender = LimitedCharField("party", label="จาก", required=False, allow_blank=True)
    addressee = LimitedCharField("party", label="ถึง", required=False, allow_blank=True)
    subject = LimitedCharField("subject", label="เรื่อง", required=False)


class CorrectEntryView(APIView):
    """Correct an issued row: a new row with the next number, linked to the old one."""

    @extend_schema(request=CorrectionSerializer, responses={201: EntrySerializer})
    def post(self, request, entry_id: int):
        data = plain_data(request.data)
        reason = data.pop("reason", "")
        entry = books.correct_entry(actor=request.user, entry_id=entry_id, fields=data, reason=reason)
        return Response(EntrySerializer(entry).data, status=201)


class CloseYearView(APIView):
    """Close a register's book of a year that has ended (``year``: CE or BE)."""

    @extend_schema(request=inline_serializer("CloseYear", {"year": serializers.IntegerField()}),
                   responses={200: OpenApiResponse(description="last number, issued, cancelled")})
    def post(self, request, code: str):
        try:
            year = int(request.data.get("year"))
        except (TypeError, ValueError):
            raise InvalidInput("กรุณาระบุปี (พ.ศ. หรือ ค.ศ.)", code="invalid_year") from None
        closed = books.close(actor=request.user, register_code=code, year=year)
        return Response({"register": code, "year": closed.year, "last_number": closed.last_number,
                         "issued": closed.issued, "cancelled_now": closed.cancelled_now})


class ReceiveSlipView(APIView):
    """The receive slip (ใบรับหนังสือ) of a registered letter, as PDF."""

    @extend_schema(responses={200: OpenApiResponse(description="PDF")})
    def get(self, request, letter_id: int):
        from saraban.documents.render import receive_slip_pdf

        letter = selectors.get_letter(viewer_for(request.user), letter_id)
        record_classified_access(actor=request.user, letter=letter, action="letter.receive_slip", via="api")
        content = receive_slip_pdf(services.receive_slip(letter))
        return _file(content, name=f"ใบรับ-{letter.receive_number}-{letter.year + 543}.pdf", mime="application/pdf")


class StampView(APIView):
    """Put the receive stamp on a registered letter's PDF again (a clerk of its register)."""

    @extend_schema(request=None, responses=LetterSerializer)
    def post(self, request, letter_id: int):
        letter = selectors.get_letter(viewer_for(request.user), letter_id)
        if letter.register is None or not books.keeps_register(request.user, letter.register):
            raise NotAllowed("เฉพาะเจ้าหน้าที่ของทะเบียนนี้ประทับตรารับได้", code="not_register_keeper")
        if services.stamp_letter(letter_id=letter.pk, actor=request.user) is None:
            raise InvalidInput("หนังสือนี้ไม่มีไฟล์ PDF ให้ประทับตรา", code="no_pdf")
        return Response(LetterSerializer(selectors.get_letter(viewer_for(request.user), letter_id)).data)


# --------------------------------------------------------------------------- outgoing letters


def _draft_text(name: str, **kwargs) -> LimitedCharField:
    """A text field of an outgoing draft with its limit (``outgoing.TEXT_LIMITS``)."""
    kind, label = outgoing_services.TEXT_LIMITS[name]
    return LimitedCharField(kind, label=label, **kwargs)


class OutgoingSerializer(serializers.ModelSerializer):
    register = serializers.CharField(source="register.code", default=None)
    pdf = serializers.SerializerMethodField()
    subject = _draft_text("subject")
    addressee = _draft_text("addressee", required=False, allow_blank=True)
    enclosures = _lines("enclosures", "สิ่งที่ส่งมาด้วย")
    body = _draft_text("body", required=False, allow_blank=True)
    signer_name = _draft_text("signer_name", required=False, allow_blank=True)
    signer_position = _draft_text("signer_position", required=False, allow_blank=True)
    owner_unit = _draft_text("owner_unit", required=False, allow_blank=True)
    contact = _draft_text("contact", required=False, allow_blank=True)

    class Meta:
        model = OutgoingLetter
        fields = ["id", "status", "document_type", "is_circular", "subject", "addressee", "references", "enclosures",
                  "body", "signer_name", "signer_position", "owner_unit", "contact", "urgency", "secrecy",
                  "register", "year", "send_number", "document_number", "document_date", "sent_at", "pdf"]
        read_only_fields = ["status", "register", "year", "send_number", "document_number", "document_date",
                            "sent_at"]

    def get_pdf(self, outgoing: OutgoingLetter) -> str:
        return f"/api/outgoing/{outgoing.pk}/pdf"


class OutgoingListView(APIView):
    """Draft an outgoing letter from the template of its type."""

    @extend_schema(request=OutgoingSerializer, responses={201: OutgoingSerializer})
    def post(self, request):
        outgoing = outgoing_services.draft_outgoing(actor=request.user, fields=plain_data(request.data))
        return Response(OutgoingSerializer(outgoing).data, status=201)


class OutgoingDetailView(APIView):
    """One outgoing letter; PATCH changes a draft."""

    @extend_schema(responses=OutgoingSerializer)
    def get(self, request, outgoing_id: int):
        return Response(OutgoingSerializer(outgoing_services.get_outgoing(request.user, outgoing_id)).data)

    @extend_schema(request=OutgoingSerializer, responses=OutgoingSerializer)
    def patch(self, request, outgoing_id: int):
        outgoing = outgoing_services.update_draft(actor=request.user, outgoing_id=outgoing_id,
                                                  fields=plain_data(request.data))
        return Response(OutgoingSerializer(outgoing).data)


class OutgoingSendView(APIView):
    """Send a draft: its send number (or ``reservation_id``), the book row, the PDF."""

    @extend_schema(request=inline_serializer("Send", {"reservation_id": serializers.IntegerField(required=False)}),
                   responses=OutgoingSerializer)
    def post(self, request, outgoing_id: int):
        reservation = request.data.get("reservation_id") or None
        outgoing = outgoing_services.send_outgoing(actor=request.user, outgoing_id=outgoing_id,
                                                   reservation_id=int(reservation) if reservation else None)
        return Response(OutgoingSerializer(outgoing).data)


class OutgoingPdfView(APIView):
    """The letter laid out as its form: the stored PDF once sent, a preview (ร่าง) before."""

    @extend_schema(responses={200: OpenApiResponse(description="PDF")})
    def get(self, request, outgoing_id: int):
        outgoing = outgoing_services.get_outgoing(request.user, outgoing_id)
        if outgoing.file:
            return FileResponse(outgoing.file.open("rb"), content_type="application/pdf",
                                filename=outgoing.file.name.rsplit("/", 1)[-1])
        return _file(outgoing_services.preview_pdf(outgoing), name=f"ร่าง-{outgoing.pk}.pdf", mime="application/pdf")


# --------------------------------------------------------------------------- retention (form 25)


class RetentionView(APIView):
    """Set a registered letter's retention: ``years`` or ``permanent`` (ห้ามทำลาย)."""

    @extend_schema(request=inline_serializer("Retention", {"years": serializers.IntegerField(required=False),
                                                            "permanent": serializers.BooleanField(default=False)}),
                   responses=LetterSerializer)
    def put(self, request, letter_id: int):
        selectors.get_letter(viewer_for(request.user), letter_id)
        years = request.data.get("years")
        letter = retention.set_retention(actor=request.user, letter_id=letter_id,
                                         years=int(years) if str(years or "").isdigit() else None,
                                         permanent=request.data.get("permanent") in (True, "true", "1"))
        return Response(LetterSerializer(letter).data)


def _list_data(lst: DestructionList) -> dict:
    return {"id": lst.pk, "year": lst.year, "secret": lst.secret, "status": lst.status,
            "committee": lst.committee, "approval_reference": lst.approval_reference,
            "approved_at": lst.approved_at, "destroyed_at": lst.destroyed_at,
            "items": [{"letter": i.letter_id, "receive_number": i.letter.receive_number, "year": i.letter.year,
                       "document_number": i.letter.document_number, "subject": i.letter.subject,
                       "decision": i.decision, "keep_until_year": i.keep_until_year}
                      for i in lst.items.select_related("letter")]}


class DestructionListsView(APIView):
    """Make the year's list of letters due for destruction (form 25) for the committee."""

    @extend_schema(request=inline_serializer("ProposeList", {"year": serializers.IntegerField(),
                                                              "secret": serializers.BooleanField(default=False)}),
                   responses={201: OpenApiResponse(description="the list")})
    def post(self, request):
        try:
            year = int(request.data.get("year"))
        except (TypeError, ValueError):
            raise InvalidInput("กรุณาระบุปี (พ.ศ. หรือ ค.ศ.)", code="invalid_year") from None
        lst = retention.propose_list(actor=request.user, year=year,
                                     secret=request.data.get("secret") in (True, "true", "1"))
        return Response(_list_data(lst), status=201)


class DestructionListView(APIView):
    """A destruction list: JSON, or form 25 as ``export=pdf`` / ``export=xlsx``; a long
    list prints in parts of at most 1,000 rows (``part=2``, the ``X-Parts`` header)."""

    @extend_schema(parameters=[OpenApiParameter("part", int, description="which part of a long list's PDF (1, 2 …)")],
                   responses={200: OpenApiResponse(description="the list, or a PDF/XLSX file")})
    def get(self, request, list_id: int):
        from saraban.documents import render

        lst = retention.get_list(request.user, list_id)
        fmt = request.query_params.get("export") or "json"
        if fmt == "pdf":
            document = retention.as_document(lst)
            return _pdf_part(request, lambda part: render.destruction_list_pdf(document, part=part),
                             render.destruction_list_parts(document), name=f"form25-{lst.year + 543}")
        if fmt == "xlsx":
            return _file(render.destruction_list_xlsx(retention.as_document(lst)),
                         name=f"form25-{lst.year + 543}.xlsx", mime=XLSX)
        return Response(_list_data(lst))


class ApproveListView(APIView):
    """Record the committee's decisions and the approval (an executive)."""

    @extend_schema(request=inline_serializer("Approve", {
        "decisions": serializers.DictField(child=serializers.CharField()),
        "committee": LimitedCharField("committee", label="คณะกรรมการทำลายหนังสือ"),
        "approval_reference": LimitedCharField("approval_reference", label="หนังสืออนุมัติ")}),
        responses={200: OpenApiResponse(description="the list")})
    def post(self, request, list_id: int):
        lst = retention.approve_list(actor=request.user, list_id=list_id,
                                     decisions=dict(request.data.get("decisions") or {}),
                                     committee=str(request.data.get("committee") or ""),
                                     approval_reference=str(request.data.get("approval_reference") or ""))
        return Response(_list_data(lst))


class DestroyView(APIView):
    """Destroy what the committee approved for destruction on the list."""

    @extend_schema(request=None, responses={200: OpenApiResponse(description="how many letters")})
    def post(self, request, list_id: int):
        return Response({"destroyed": retention.destroy_approved(actor=request.user, list_id=list_id)})
