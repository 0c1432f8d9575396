"""Thai pages of deadlines: the dashboard (what is overdue or due soon for the person,
the units' performance figures for a month with charts and downloads) and the holiday
calendar an administrator edits."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ocr.thai import MONTHS_FULL, parse_month, to_thai_digits
from saraban.core.errors import DomainError, InvalidInput
from saraban.routing import deadlines, kpis
from saraban.routing.models import Holiday
from saraban.routing.selectors import roles_of

#: How many months back the month picker offers.
MONTHS_OFFERED = 24


def parse_be_month(text: str | None, *, today: dt.date | None = None) -> dt.date:
    """``"2569-11"`` (Buddhist-era year, month; Thai digits allowed; also the forms of
    :func:`ocr.thai.parse_month`) as the first day of that month (CE); empty gives this
    month. Raises InvalidInput for anything else."""
    if not text:
        return (today or timezone.localdate()).replace(day=1)
    month = parse_month(text)
    if month is None:
        raise InvalidInput("เดือนไม่ถูกต้อง ใช้รูปแบบ ปี พ.ศ.-เดือน เช่น 2569-11", code="bad_month")
    return month


def be_month_value(month: dt.date) -> str:
    """The month as ``"2569-11"`` (the value :func:`parse_be_month` reads)."""
    return f"{month.year + 543}-{month.month:02d}"


def be_month_label(month: dt.date) -> str:
    """The month as ``พฤศจิกายน ๒๕๖๙``."""
    return f"{MONTHS_FULL[month.month - 1]} {to_thai_digits(str(month.year + 543))}"


def _month_choices(today: dt.date) -> list[tuple[str, str]]:
    month, choices = today.replace(day=1), []
    for _ in range(MONTHS_OFFERED):
        choices.append((be_month_value(month), be_month_label(month)))
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return choices


@login_required
def dashboard(request):
    """Overdue and due-soon hops for the person, and the month's figures per unit."""
    today = timezone.localdate()
    try:
        month = parse_be_month(request.GET.get("month"), today=today)
    except InvalidInput as exc:
        messages.error(request, exc.message)
        month = today.replace(day=1)
    now = timezone.now()
    soon = deadlines.working_deadline(now, 1)
    items = list(deadlines.due_routes(request.user, before=soon)[:200])
    for item in items:
        item.is_overdue = item.due_at < now
    rows = kpis.unit_month_kpis(month=month, now=now)
    overdue_by_urgency = [
        (kpis.URGENCY_LABELS[u], sum(r.overdue[u] for r in rows)) for u in kpis.URGENCIES
    ]
    most = max([n for _, n in overdue_by_urgency] + [1])
    context = {
        "items": items, "rows": rows, "month": month, "month_value": be_month_value(month),
        "month_label": be_month_label(month), "month_choices": _month_choices(today),
        "target_percent": round(kpis.TARGET * 100),
        "overdue_bars": [(label, n, round(n * 100 / most)) for label, n in overdue_by_urgency],
        "soon": soon,
    }
    return render(request, "routing/dashboard.html", context)


@login_required
def holidays(request):
    """The holiday calendar of a year (Buddhist era); administrators add days here."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year + 543) - 543
        if not 1900 < year < 2200:
            raise ValueError
    except ValueError:
        year = today.year
    if request.method == "POST":
        try:
            day = dt.date(int(request.POST.get("year", "0")) - 543, int(request.POST.get("month", "0")),
                          int(request.POST.get("day", "0")))
        except ValueError:
            messages.error(request, "วันที่ไม่ถูกต้อง กรุณาระบุวัน เดือน และปี พ.ศ.")
        else:
            try:
                holiday = deadlines.add_holiday(actor=request.user, day=day, name=request.POST.get("name", ""),
                                                kind=request.POST.get("kind", Holiday.Kind.SPECIAL))
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"เพิ่มวันหยุด {holiday.name} แล้ว")
                return redirect(f"{request.path}?year={day.year + 543}")
    context = {
        "holidays": Holiday.objects.filter(date__year=year),
        "year_be": year + 543, "years_be": [year + 542, year + 543, year + 544],
        "months": list(enumerate(MONTHS_FULL, start=1)), "kinds": Holiday.Kind.choices,
        "may_edit": request.user.is_superuser or "administrator" in roles_of(request.user),
    }
    return render(request, "routing/holidays.html", context)


@login_required
@require_POST
def holiday_delete(request, holiday_id: int):
    """An administrator removes a day from the calendar."""
    holiday = Holiday.objects.filter(pk=holiday_id).first()
    try:
        deadlines.remove_holiday(actor=request.user, holiday_id=holiday_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"ลบวันหยุด {holiday.name} แล้ว")
    year = f"?year={holiday.date.year + 543}" if holiday else ""
    return redirect(reverse("routing:holidays") + year)


def download(rows: list, fmt: str, month: dt.date) -> HttpResponse:
    """The month's figures as a CSV or XLSX download (``fmt`` ``csv``/``xlsx``)."""
    name = f"kpis-{be_month_value(month)}"
    if fmt == "xlsx":
        response = HttpResponse(kpis.kpis_xlsx(rows),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        response = HttpResponse(kpis.kpis_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
