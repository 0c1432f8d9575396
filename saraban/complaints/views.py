"""Thai web pages of complaints: the list, intake, the detail with the steps of the
path, the monthly reports, and the public status page (no login)."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from saraban.complaints import reports, selectors, services
from saraban.complaints.api import complaint_detail, may_see_reports
from saraban.complaints.models import Category, Channel, ComplaintNotice, Severity, Status
from saraban.core.errors import DomainError, InvalidInput, NotAllowed, NotFound

MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน",
          "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]
#: Unknown tracking codes one address may try per 10 minutes before being refused.
PUBLIC_MISSES_ALLOWED = 30


def _error(request, exc: DomainError):
    return render(request, "error.html", {"message": exc.message, "code": exc.code}, status=exc.status)


@login_required
def complaint_list(request):
    """Complaints the person may open: open ones by deadline (overdue highlighted)."""
    show_all = request.GET.get("all") == "1"
    qs = selectors.visible_complaints(request.user)
    if not show_all:
        qs = qs.filter(closed_at__isnull=True)
    return render(request, "complaints/list.html", {"complaints": qs[:300], "show_all": show_all,
                                                     "now": timezone.now()})


def _provinces() -> list[str]:
    from pythainlp.corpus import provinces

    return sorted(provinces())


@login_required
def intake(request):
    """The intake form for every channel."""
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        received_at = None
        if form.get("received_at"):
            try:
                received_at = timezone.make_aware(dt.datetime.fromisoformat(form["received_at"]))
            except ValueError:
                messages.error(request, "วันเวลาที่รับเรื่องไม่ถูกต้อง")
                received_at = False
        letter_id = form.get("letter_id", "").strip()
        if received_at is not False:
            try:
                complaint = services.file_complaint(
                    actor=request.user, channel=form.get("channel", ""), subject=form.get("subject", ""),
                    complainant={k: form.get(f"complainant_{k}", "") for k in services.COMPLAINANT_FIELDS},
                    description=form.get("description", ""), province=form.get("province", ""),
                    district=form.get("district", ""), category=form.get("category", ""),
                    severity=form.get("severity", ""), accused=form.get("accused", ""), received_at=received_at,
                    letter_id=int(letter_id) if letter_id.isdigit() and int(letter_id) < 2**31 else None)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"ลงทะเบียนรับเรื่องร้องเรียนแล้ว รหัสติดตามเรื่อง {complaint.tracking_code}")
                if complaint.possible_duplicates:
                    messages.warning(request, "พบเรื่องที่อาจซ้ำกับเรื่องที่รับไว้แล้ว กรุณาตรวจสอบ")
                return redirect("complaints:detail", complaint_id=complaint.pk)
    return render(request, "complaints/intake.html", {
        "form": form, "channels": Channel.choices, "categories": Category.choices, "severities": Severity.choices,
        "provinces": _provinces(), "severity_hours": _severity_text()})


def _severity_text() -> dict:
    from django.conf import settings

    hours = settings.SARABAN_COMPLAINT_SEVERITY_HOURS
    return {k: (f"{h // 24} วัน" if h % 24 == 0 and h >= 48 else f"{h} ชั่วโมง") for k, h in hours.items()}


@login_required
def detail(request, complaint_id: int):
    """One complaint: facts, duplicates, personal data (desk and handling unit only),
    the timeline, notices and the actions the person may take now."""
    try:
        complaint = selectors.get_complaint(request.user, complaint_id)
        data = complaint_detail(request.user, complaint, via="page")
    except DomainError as exc:
        return _error(request, exc)
    from saraban.routing.models import Unit

    return render(request, "complaints/detail.html", {
        "c": complaint, "d": data, "now": timezone.now(), "Status": Status,
        "units": Unit.objects.exclude(kind="ministry").order_by("code").only("code", "name"),
        "severities": Severity.choices, "categories": Category.choices,
        "to_send": [n for n in data["notices"] if n["state"] != ComplaintNotice.State.SENT]})


STEPS = {
    "analyse": lambda u, i, p: services.analyse(actor=u, complaint_id=i, note=p.get("note", ""),
                                                severity=p.get("severity") or None, category=p.get("category") or None),
    "propose": lambda u, i, p: services.propose_to_executive(actor=u, complaint_id=i, note=p.get("note", "")),
    "forward": lambda u, i, p: services.forward(actor=u, complaint_id=i, unit_code=p.get("unit_code", ""),
                                                outside_agency=p.get("outside_agency", ""),
                                                instruction=p.get("instruction", ""),
                                                public_note=p.get("public_note", "")),
    "notify": lambda u, i, p: services.notify_complainant(actor=u, complaint_id=i, kind=p.get("kind", ""),
                                                          text=p.get("text", ""), public_note=p.get("public_note", "")),
    "report": lambda u, i, p: services.report_back(actor=u, complaint_id=i, report_text=p.get("report_text", "")),
    "check": lambda u, i, p: services.check_report(actor=u, complaint_id=i, complete=p.get("complete") == "1",
                                                   note=p.get("note", "")),
    "summarise": lambda u, i, p: services.summarise(actor=u, complaint_id=i, summary=p.get("summary", "")),
    "close": lambda u, i, p: services.close(actor=u, complaint_id=i, reason=p.get("reason", ""),
                                            public_note=p.get("public_note", "")),
}
DONE = {"analyse": "บันทึกผลการวิเคราะห์แล้ว", "propose": "เสนอผู้บริหารแล้ว", "forward": "ส่งต่อเรื่องแล้ว",
        "report": "รายงานผลแล้ว", "check": "บันทึกผลการตรวจสอบรายงานแล้ว", "summarise": "สรุปผลเสนอผู้บริหารแล้ว",
        "close": "ยุติเรื่องแล้ว"}


@login_required
@require_POST
def step(request, complaint_id: int, step: str):
    """Run one step of the path from the detail page's forms."""
    try:
        if step == "notice-sent":
            notice_id = request.POST.get("notice_id", "")
            services.mark_notice_sent(actor=request.user, notice_id=int(notice_id) if notice_id.isdigit() else 0,
                                      channel=request.POST.get("channel", ""))
            messages.success(request, "บันทึกการแจ้งผู้ร้องแล้ว")
        elif step in STEPS:
            result = STEPS[step](request.user, complaint_id, request.POST)
            if step == "notify":
                if result.state == ComplaintNotice.State.SENT:
                    messages.success(request, "ส่งไปรษณีย์อิเล็กทรอนิกส์แจ้งผู้ร้องแล้ว")
                else:
                    messages.warning(request, f"บันทึกการแจ้งแล้ว — {result.get_state_display()}")
            else:
                messages.success(request, DONE[step])
        else:
            raise NotFound()
    except NotFound as exc:
        return _error(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("complaints:detail", complaint_id=complaint_id)


# --------------------------------------------------------------------------- reports


def _month_from(request) -> dt.date:
    today = timezone.localdate()
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    year, month = request.GET.get("year", ""), request.GET.get("month", "")
    if year.isdigit() and month.isdigit():
        return reports.parse_month(f"{year}-{month}")
    return last


@login_required
def report_page(request):
    """Month picker (Buddhist era), the statistics table, downloads and due reminders."""
    if not may_see_reports(request.user):
        return _error(request, NotAllowed("ท่านไม่มีสิทธิ์ดูรายงานสถิติเรื่องร้องเรียน", code="not_allowed"))
    try:
        month = _month_from(request)
    except InvalidInput as exc:
        messages.error(request, exc.message)
        month = _month_from(type("R", (), {"GET": {}})())
    kind = "corruption" if request.GET.get("kind") == "corruption" else "monthly"
    report = reports.monthly_report(month=month, kind=kind)
    this_year = timezone.localdate().year + 543
    return render(request, "complaints/reports.html", {
        "report": report, "month": month, "kind": kind, "month_be": f"{month.year + 543}-{month.month:02d}",
        "months": list(enumerate(MONTHS, start=1)), "years": list(range(this_year, this_year - 6, -1)),
        "year_be": month.year + 543, "due": [reports.report_due(kind="monthly"), reports.report_due(kind="corruption")],
        "month_name": f"{MONTHS[month.month - 1]} {month.year + 543}"})


@login_required
def report_download(request):
    """Download the report (``format`` csv, xlsx or pdf)."""
    if not may_see_reports(request.user):
        return _error(request, NotAllowed("ท่านไม่มีสิทธิ์ดูรายงานสถิติเรื่องร้องเรียน", code="not_allowed"))
    try:
        month = _month_from(request)
        kind = "corruption" if request.GET.get("kind") == "corruption" else "monthly"
        content, mime, name = reports.export_report(actor=request.user, month=month,
                                                    fmt=request.GET.get("format", ""), kind=kind)
    except DomainError as exc:
        return _error(request, exc)
    return FileResponse(io.BytesIO(content), content_type=mime, filename=name, as_attachment=True)


# --------------------------------------------------------------------------- public (no login)


def _client(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def track(request):
    """The tracking-code form; a submitted code goes to its status page."""
    code = request.GET.get("code", "").strip()
    if code:
        return redirect("complaints:track_code", code=selectors.normalise_code(code) or code[:40])
    return render(request, "complaints/track.html", {})


def track_code(request, code: str):
    """A complaint's public progress: status, dates, steps — never personal data.
    Unknown codes answer 404; an address guessing many codes is refused for a while."""
    key = f"complaints:track-misses:{_client(request)}"
    if (cache.get(key) or 0) >= PUBLIC_MISSES_ALLOWED:
        return render(request, "complaints/track.html", {
            "error": "ค้นหาด้วยรหัสที่ไม่ถูกต้องหลายครั้งเกินไป กรุณาลองใหม่ภายหลัง"}, status=429)
    try:
        status = selectors.public_status(code)
    except NotFound as exc:
        cache.set(key, (cache.get(key) or 0) + 1, 600)
        return render(request, "complaints/track.html", {"error": exc.message, "code": code[:40]}, status=404)
    return render(request, "complaints/track.html", {"status": status})
