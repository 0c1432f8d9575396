"""Monthly complaint statistics per province and district, and when they are due.

Source: DOMAIN.md §5 — district complaint statistics go to the governor by the 1st of
the next month; corruption complaints are reported monthly by the 10th (work manual,
anti-corruption centre step 7: "ทุกวันที่ ๑๐ ของเดือน"). The statistics count
complaints *received* in the month (Asia/Bangkok dates) across all units: they hold
no personal data (place, category, channel, status and deadlines only).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ocr.thai import parse_month as thai_parse_month
from saraban.complaints.models import Category, Channel, Complaint, Status
from saraban.core.audit import record_event
from saraban.core.errors import InvalidInput
from saraban.core.models import AuditEvent
from saraban.documents.complaints import (
    UNKNOWN_DISTRICT,
    UNKNOWN_PROVINCE,
    AreaRow,
    ComplaintReport,
    complaint_report_csv,
    complaint_report_pdf,
    complaint_report_xlsx,
)

FORMATS = {
    "csv": ("text/csv; charset=utf-8", complaint_report_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", complaint_report_xlsx),
    "pdf": ("application/pdf", complaint_report_pdf),
}
#: kind → (title, day of the next month it is due, category filter)
KINDS = {
    "monthly": ("รายงานสถิติเรื่องร้องเรียนร้องทุกข์ จำแนกตามจังหวัดและอำเภอ", 1, None),
    "corruption": ("รายงานผลการดำเนินการข้อร้องเรียนการทุจริตและประพฤติมิชอบ", 10, Category.CORRUPTION),
}
NOT_FORWARDED = {Status.REGISTERED, Status.ANALYSED, Status.PROPOSED}


def parse_month(text: str) -> dt.date:
    """``"2569-10"``, ``"2026-10"`` or ``"10/2569"`` → the month's first day (CE)
    (:func:`ocr.thai.parse_month`). Raises InvalidInput."""
    month = thai_parse_month(text)
    if month is None:
        raise InvalidInput("เดือนต้องอยู่ในรูป ปปปป-ดด เช่น 2569-10", code="invalid_month")
    return month


def _next_month(d: dt.date) -> dt.date:
    return dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def due_on(month: dt.date, kind: str = "monthly") -> dt.date:
    """The day the report of ``month`` is due: the 1st (statistics) or the 10th
    (corruption) of the next month."""
    return _next_month(month).replace(day=KINDS[kind][1])


def monthly_report(*, month: dt.date, kind: str = "monthly", now: dt.datetime | None = None) -> ComplaintReport:
    """Counts of the complaints received in ``month`` per province → district: by
    category, channel, progress (not forwarded yet / in progress / closed) and deadline
    (closed within ``due_at`` / late — closed after it or open past it / pending).
    ``kind="corruption"`` keeps the corruption category only. Districts are sorted by
    province then district; each province ends with a subtotal row, the grand total last.
    """
    if kind not in KINDS:
        raise InvalidInput("ชนิดรายงานต้องเป็น monthly หรือ corruption", code="invalid_kind")
    title, _, category = KINDS[kind]
    month = month.replace(day=1)
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(month, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(_next_month(month), dt.time.min, tzinfo=tz)
    qs = Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
    if category:
        qs = qs.filter(category=category)
    categories = [category] if category else list(Category.values)
    channels = list(Channel.values)
    counts: dict[tuple[str, str], dict] = defaultdict(lambda: {
        "total": 0, "cat": [0] * len(categories), "ch": [0] * len(channels), "state": [0, 0, 0],
        "within": 0, "late": 0, "pending": 0})
    for province, district, cat, channel, status, due, closed in qs.values_list(
            "province", "district", "category", "channel", "status", "due_at", "closed_at"):
        c = counts[(province or UNKNOWN_PROVINCE, district or UNKNOWN_DISTRICT)]
        c["total"] += 1
        c["cat"][categories.index(cat)] += 1
        c["ch"][channels.index(channel)] += 1
        c["state"][0 if status in NOT_FORWARDED else 2 if status == Status.CLOSED else 1] += 1
        if closed is not None:
            c["within" if closed <= due else "late"] += 1
        else:
            c["late" if due < now else "pending"] += 1

    def row(province: str, district: str, parts: list[dict], subtotal: bool = False) -> AreaRow:
        add = lambda key: sum(p[key] for p in parts)  # noqa: E731
        vec = lambda key, n: tuple(sum(p[key][i] for p in parts) for i in range(n))  # noqa: E731
        return AreaRow(province=province, district=district, total=add("total"),
                       by_category=vec("cat", len(categories)), by_channel=vec("ch", len(channels)),
                       by_state=vec("state", 3), within=add("within"), late=add("late"), pending=add("pending"),
                       subtotal=subtotal)

    rows: list[AreaRow] = []
    provinces = sorted({p for p, _ in counts}, key=lambda p: (p == UNKNOWN_PROVINCE, p))
    for province in provinces:
        districts = sorted((d for p, d in counts if p == province), key=lambda d: (d == UNKNOWN_DISTRICT, d))
        rows += [row(province, d, [counts[(province, d)]]) for d in districts]
        rows.append(row(province, f"รวมจังหวัด{province}", [counts[(province, d)] for d in districts], True))
    rows.append(row("รวมทั้งสิ้น", "", list(counts.values()), True))
    return ComplaintReport(
        title=title, agency_name=settings.SARABAN_AGENCY_NAME, month=month, due_on=due_on(month, kind),
        categories=tuple(Category(c).label for c in categories), channels=tuple(Channel(c).label for c in channels),
        rows=tuple(rows), printed_at=now, thai_digits=getattr(settings, "SARABAN_THAI_DIGITS", True))


def export_report(*, actor, month: dt.date, fmt: str, kind: str = "monthly") -> tuple[bytes, str, str]:
    """Render the report of ``month`` as ``fmt`` (csv, xlsx, pdf) and record the export
    (audit event ``complaint.report.export``, which :func:`report_due` counts as made).
    Returns ``(content, mime type, file name)``. Raises InvalidInput for an unknown format."""
    if fmt not in FORMATS:
        raise InvalidInput("รูปแบบไฟล์ต้องเป็น csv, xlsx หรือ pdf", code="invalid_format")
    mime, render = FORMATS[fmt]
    content = render(monthly_report(month=month, kind=kind))
    with transaction.atomic():
        record_event(actor=actor, action="complaint.report.export", target_type="complaint_report",
                     target_id=f"{kind}:{month:%Y-%m}", format=fmt)
    name = f"complaints-{kind}-{month.year + 543}-{month.month:02d}.{fmt}"
    return content, mime, name


def report_due(today: dt.date | None = None, kind: str = "monthly") -> dict:
    """Whether last month's report is due: ``{month, due_on, state, message}`` with
    ``state`` ``done`` (exported already), ``due`` (due today or later this month) or
    ``late`` (past its day and not exported); ``message`` is Thai."""
    from ocr.thai import format_thai_date

    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    month = (this_month - dt.timedelta(days=1)).replace(day=1)
    when = due_on(month, kind)
    made = AuditEvent.objects.filter(action="complaint.report.export", target_type="complaint_report",
                                     target_id=f"{kind}:{month:%Y-%m}").exists()
    month_name = format_thai_date(month).split(" ", 1)[1]
    what = "รายงานสถิติเรื่องร้องเรียน" if kind == "monthly" else "รายงานข้อร้องเรียนการทุจริต"
    if made:
        state, message = "done", f"{what}เดือน{month_name} จัดทำแล้ว"
    elif today > when:
        state, message = "late", f"{what}เดือน{month_name} เลยกำหนดส่ง ({format_thai_date(when)}) แล้ว"
    else:
        state, message = "due", f"{what}เดือน{month_name} ต้องส่งภายในวันที่ {format_thai_date(when)}"
    return {"month": month, "due_on": when, "state": state, "message": message, "kind": kind}
