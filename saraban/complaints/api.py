"""REST API of complaints: intake, list, detail, the steps of the path, the monthly
report, and the public status (no login).

Thin views: parse, call a service or selector, serialise. Personal data appears in the
detail only for the desk and the handling unit (``personal_data`` is null otherwise).
"""

from __future__ import annotations

import io

from django.http import FileResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from saraban.complaints import reports, selectors, services
from saraban.complaints.models import Category, Channel, Complaint, ComplaintNotice, ComplaintStep, Severity
from saraban.core.api import LimitedCharField
from saraban.core.errors import NotAllowed


def _complainant(key: str) -> LimitedCharField:
    kind, label = services.COMPLAINANT_LIMITS[key]
    return LimitedCharField(kind, label=label, field=f"complainant.{key}", required=False, allow_blank=True)


class ComplainantSerializer(serializers.Serializer):
    name = _complainant("name")
    national_id = _complainant("national_id")
    address = _complainant("address")
    phone = _complainant("phone")
    email = _complainant("email")


class ComplaintFileSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    complainant = ComplainantSerializer(required=False, default=dict)
    subject = LimitedCharField("complaint_subject", label="เรื่องที่ร้องเรียน")
    description = LimitedCharField("complaint_description", label="รายละเอียด", required=False, allow_blank=True,
                                   default="")
    province = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    district = LimitedCharField("district", label="อำเภอ/เขต", required=False, allow_blank=True, default="")
    category = serializers.ChoiceField(choices=Category.choices)
    severity = serializers.ChoiceField(choices=Severity.choices)
    accused = LimitedCharField("party", label="ผู้ถูกร้องเรียน", required=False, allow_blank=True, default="")
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    letter_id = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=2**31)


class ComplaintSerializer(serializers.ModelSerializer):
    """A complaint without personal data (the list, and the detail's base)."""

    registering_unit = serializers.CharField(source="registering_unit.code")
    handling_unit = serializers.CharField(source="handling_unit.code", default=None)
    handling_unit_name = serializers.CharField(source="handling_unit.name", default=None)
    status_label = serializers.CharField(source="get_status_display")
    severity_label = serializers.CharField(source="get_severity_display")
    is_overdue = serializers.BooleanField()

    class Meta:
        model = Complaint
        fields = ["id", "tracking_code", "channel", "subject", "category", "severity", "severity_label",
                  "province", "district", "status", "status_label", "received_at", "due_at", "is_overdue",
                  "proposed_at", "forwarded_at", "reported_at", "summarised_at", "closed_at", "escalated_at",
                  "registering_unit", "handling_unit", "handling_unit_name", "outside_agency", "letter_id",
                  "possible_duplicates"]


def complaint_detail(user, complaint: Complaint, *, via: str) -> dict:
    """The detail document: the complaint, its timeline and notices; personal data for
    the desk and the handling unit only (viewing it is audited)."""
    personal = selectors.personal_data(user, complaint, via=via)
    notes = personal.notes if personal else selectors.step_notes(user, complaint)
    data = ComplaintSerializer(complaint).data
    data["personal_data"] = None if personal is None else {
        "complainant": personal.complainant, "description": personal.description, "accused": personal.accused}
    data["steps"] = [{"kind": s.kind, "label": ComplaintStep.Kind(s.kind).label, "at": s.at,
                      "by": s.by.display_name if s.by else None, "unit": s.unit.code if s.unit else None,
                      "note": notes.get(s.pk, ""), "public_note": s.public_note}
                     for s in complaint.steps.select_related("by", "unit")]
    data["notices"] = [{"id": n.pk, "kind": n.kind, "channel": n.channel, "state": n.state,
                        "state_label": ComplaintNotice.State(n.state).label, "sent_at": n.sent_at,
                        "text": personal.notices.get(n.pk) if personal else None}
                       for n in complaint.notices.all()]
    data["may"] = {"desk": selectors.is_desk(user, complaint), "report": selectors.is_handler(user, complaint)}
    data["suggested_unit"] = services.suggested_unit_code(complaint)
    return data


class ComplaintsView(APIView):
    """Complaints the person may open (deadline first); POST files a new one."""

    @extend_schema(parameters=[OpenApiParameter("open", bool)], responses=ComplaintSerializer(many=True))
    def get(self, request):
        qs = selectors.visible_complaints(request.user)
        if request.query_params.get("open") in {"1", "true"}:
            qs = qs.filter(closed_at__isnull=True)
        return Response(ComplaintSerializer(qs[:500], many=True).data)

    @extend_schema(request=ComplaintFileSerializer, responses={201: ComplaintSerializer})
    def post(self, request):
        body = ComplaintFileSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        complaint = services.file_complaint(actor=request.user, **body.validated_data)
        return Response(ComplaintSerializer(complaint).data, status=201)


class ComplaintView(APIView):
    """One complaint with its timeline (404 to anyone who may not open it)."""

    @extend_schema(responses=OpenApiResponse(description="the complaint, personal_data, steps, notices"))
    def get(self, request, complaint_id: int):
        complaint = selectors.get_complaint(request.user, complaint_id)
        return Response(complaint_detail(request.user, complaint, via="api"))


# --------------------------------------------------------------------------- the steps


class ComplaintNoteSerializer(serializers.Serializer):
    note = LimitedCharField("complaint_note", label="บันทึก", allow_blank=True, default="")


class ComplaintAnalyseSerializer(ComplaintNoteSerializer):
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)


class ComplaintForwardSerializer(serializers.Serializer):
    unit_code = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    outside_agency = LimitedCharField("agency", label="หน่วยงานภายนอก", required=False, allow_blank=True, default="")
    instruction = LimitedCharField("complaint_instruction", label="คำสั่งการ", allow_blank=True, default="")
    public_note = LimitedCharField("public_note", label="ข้อความที่แสดงต่อสาธารณะ", required=False, allow_blank=True,
                                   default="")


class ComplaintNotifySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ComplaintNotice.Kind.choices)
    text = LimitedCharField("complaint_message", label="ข้อความที่แจ้งผู้ร้อง")
    public_note = LimitedCharField("public_note", label="ข้อความที่แสดงต่อสาธารณะ", required=False, allow_blank=True,
                                   default="")


class ComplaintReportSerializer(serializers.Serializer):
    report_text = LimitedCharField("complaint_report", label="ผลการตรวจสอบข้อเท็จจริง")


class ComplaintCheckSerializer(serializers.Serializer):
    complete = serializers.BooleanField()
    note = LimitedCharField("complaint_note", label="บันทึกการตรวจสอบรายงาน", allow_blank=True, default="")


class ComplaintSummarySerializer(serializers.Serializer):
    summary = LimitedCharField("complaint_note", label="สรุปผล")


class ComplaintCloseSerializer(serializers.Serializer):
    reason = LimitedCharField("complaint_instruction", label="เหตุที่ยุติเรื่อง")
    public_note = LimitedCharField("public_note", label="ข้อความที่แสดงต่อสาธารณะ", required=False, allow_blank=True,
                                   default="")


class _Step(APIView):
    """POST one step of the path; answers the complaint's detail."""

    serializer: type[serializers.Serializer]

    def run(self, request, complaint_id: int, data: dict):
        raise NotImplementedError

    def post(self, request, complaint_id: int):
        body = self.serializer(data=request.data)
        body.is_valid(raise_exception=True)
        self.run(request, complaint_id, body.validated_data)
        complaint = selectors.get_complaint(request.user, complaint_id)
        return Response(complaint_detail(request.user, complaint, via="api"))


def _step_view(name: str, serializer, run, doc: str):
    view = type(name, (_Step,), {"serializer": serializer, "run": lambda self, r, i, d: run(r.user, i, d),
                                 "__doc__": doc})
    def post(self, request, complaint_id: int):
        return _Step.post(self, request, complaint_id)

    view.post = extend_schema(request=serializer, responses={200: OpenApiResponse(description="the complaint")})(post)
    return view


AnalyseView = _step_view("AnalyseView", ComplaintAnalyseSerializer, lambda u, i, d: services.analyse(
    actor=u, complaint_id=i, note=d["note"], severity=d.get("severity"), category=d.get("category")),
    "The desk records its analysis (severity/category may be corrected).")
ProposeView = _step_view("ProposeView", ComplaintNoteSerializer, lambda u, i, d: services.propose_to_executive(
    actor=u, complaint_id=i, note=d["note"]), "Propose the complaint to an executive.")
ForwardView = _step_view("ForwardView", ComplaintForwardSerializer, lambda u, i, d: services.forward(
    actor=u, complaint_id=i, unit_code=d["unit_code"], outside_agency=d["outside_agency"],
    instruction=d["instruction"], public_note=d["public_note"]), "Forward to a unit or an outside agency.")
NotifyView = _step_view("NotifyView", ComplaintNotifySerializer, lambda u, i, d: services.notify_complainant(
    actor=u, complaint_id=i, kind=d["kind"], text=d["text"], public_note=d["public_note"]),
    "Tell the complainant (received / result): e-mail, or recorded for post/phone.")
ReportBackView = _step_view("ReportBackView", ComplaintReportSerializer, lambda u, i, d: services.report_back(
    actor=u, complaint_id=i, report_text=d["report_text"]), "The handling unit reports back.")
CheckView = _step_view("CheckView", ComplaintCheckSerializer, lambda u, i, d: services.check_report(
    actor=u, complaint_id=i, complete=d["complete"], note=d["note"]), "The desk checks the report.")
SummariseView = _step_view("SummariseView", ComplaintSummarySerializer, lambda u, i, d: services.summarise(
    actor=u, complaint_id=i, summary=d["summary"]), "Summarise to the executive.")
CloseView = _step_view("CloseView", ComplaintCloseSerializer, lambda u, i, d: services.close(
    actor=u, complaint_id=i, reason=d["reason"], public_note=d["public_note"]), "End the complaint.")


# --------------------------------------------------------------------------- reports


def may_see_reports(user) -> bool:
    """Statistics (no personal data) are for people with a working role or executives."""
    scope = selectors.scope_for(user)
    return bool(scope.unit_ids or scope.executive_agency_ids)


class ReportView(APIView):
    """The monthly statistics per province and district (``export`` csv, xlsx, pdf or
    json); ``kind=corruption`` gives the anti-corruption centre's report."""

    @extend_schema(parameters=[OpenApiParameter("month", str, description="2569-10 (BE) or 2026-10"),
                               OpenApiParameter("export", str, enum=["json", "csv", "xlsx", "pdf"]),
                               OpenApiParameter("kind", str, enum=["monthly", "corruption"])],
                   responses={200: OpenApiResponse(description="the report")})
    def get(self, request):
        if not may_see_reports(request.user):
            raise NotAllowed("ท่านไม่มีสิทธิ์ดูรายงานสถิติเรื่องร้องเรียน", code="not_allowed")
        month = reports.parse_month(request.query_params.get("month", ""))
        kind = request.query_params.get("kind") or "monthly"
        fmt = request.query_params.get("export") or "json"
        if fmt == "json":
            report = reports.monthly_report(month=month, kind=kind)
            return Response({"title": report.title, "month": month, "due_on": report.due_on,
                             "columns": report.columns(),
                             "rows": [{"province": r.province, "district": r.district, "total": r.total,
                                       "by_category": r.by_category, "by_channel": r.by_channel,
                                       "by_state": r.by_state, "within": r.within, "late": r.late,
                                       "pending": r.pending, "subtotal": r.subtotal,
                                       "within_share": r.within_share} for r in report.rows]})
        content, mime, name = reports.export_report(actor=request.user, month=month, fmt=fmt, kind=kind)
        return FileResponse(io.BytesIO(content), content_type=mime, filename=name, as_attachment=True)


# --------------------------------------------------------------------------- public


class PublicThrottle(AnonRateThrottle):
    rate = "60/min"


class PublicStatusView(APIView):
    """Public progress of a complaint by its tracking code — no login, no personal data."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicThrottle]

    @extend_schema(auth=[], responses={200: OpenApiResponse(description="status, dates, steps"),
                                       404: OpenApiResponse(description="ไม่พบเรื่องร้องเรียน")})
    def get(self, request, code: str):
        return Response(selectors.public_status(code))
