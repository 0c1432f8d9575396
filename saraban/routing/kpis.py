"""Performance figures per unit and month (ตัวชี้วัด), with CSV and XLSX exports.

Source: the work manual of the Office of the Permanent Secretary, MSDHS (FY 2567),
process "การบริหารงานสารบรรณ": KPI 1 — letters received and sent within the time
standard, target 90% (ร้อยละ ๙๐); the registry steps' time standards (receive 1 min,
check 1 min, register 3 min: ``SARABAN_STEP_STANDARD_MINUTES``). Issue 6 adds the time
from receipt to first action and overdue counts by urgency.

Definitions (one row per unit and month):
- *hops*: action hops (``purpose=action``, not forwarded outside) that reached the unit
  in the month (``sent_at``); a hop to a person counts for the post's unit (proposals)
  or the person's unit.
- *handled*: acknowledged, done or endorsed; its time is the earliest of those.
  *on time*: handled at or before the hop's ``due_at`` (a hop without deadline is on
  time). *returned* (misrouted) hops count apart and not in the share.
- *share within standard* = on time ÷ (handled + open past due); open hops not yet due
  are *pending* and not counted. Meets the target when ≥ ``TARGET``.
- *first action*: minutes from the hop's ``sent_at`` to the first of received,
  acknowledged, done, endorsed or an onward hop; for the registering desk also from a
  letter's ``received_at`` (reached the desk) to its registration.
- *overdue by urgency*: open past due (as of ``now``) and handled late, by the letter's
  urgency.
- *registration within standard* (registry desks): letters registered no later than
  receive + check + register minutes after ``received_at``.
"""

from __future__ import annotations

import datetime as dt
import io
import statistics
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from saraban.core.classes import Role, Secrecy, Urgency
from saraban.registry.models import Letter
from saraban.routing.models import Endorsement, Membership, Route, Unit

TARGET = 0.90
URGENCIES = [Urgency.MOST_URGENT.value, Urgency.VERY_URGENT.value, Urgency.URGENT.value, Urgency.NORMAL.value]
REGISTRY_STEPS = ("receive", "check", "register")


@dataclass
class KpiRow:
    """One unit's figures for one month (see the module docstring for definitions).

    Times are minutes (floats, None when there is nothing to measure); shares are 0..1.
    """

    unit_code: str
    unit_name: str
    month: dt.date
    hops: int = 0
    handled: int = 0
    on_time: int = 0
    pending: int = 0
    returned: int = 0
    overdue_open: dict[str, int] = field(default_factory=lambda: dict.fromkeys(URGENCIES, 0))
    handled_late: dict[str, int] = field(default_factory=lambda: dict.fromkeys(URGENCIES, 0))
    first_action_median_minutes: float | None = None
    first_action_mean_minutes: float | None = None
    registered: int = 0
    registered_within_standard: int = 0
    registration_median_minutes: float | None = None
    registration_standard_minutes: int = 0

    @property
    def decided(self) -> int:
        return self.handled + sum(self.overdue_open.values())

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.decided if self.decided else None

    @property
    def meets_target(self) -> bool | None:
        share = self.on_time_share
        return None if share is None else share >= TARGET

    @property
    def overdue(self) -> dict[str, int]:
        """Open past due plus handled late, by urgency."""
        return {u: self.overdue_open[u] + self.handled_late[u] for u in URGENCIES}

    @property
    def registration_share(self) -> float | None:
        return self.registered_within_standard / self.registered if self.registered else None

    def as_dict(self) -> dict:
        """JSON-able: the fields plus the derived figures; ``month`` as ``YYYY-MM`` (CE)."""
        data = asdict(self)
        data.update(month=self.month.strftime("%Y-%m"), decided=self.decided, on_time_share=self.on_time_share,
                    target=TARGET, meets_target=self.meets_target, overdue=self.overdue,
                    registration_share=self.registration_share)
        return data


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of ``month``'s month and of the next, aware, local time."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return (timezone.make_aware(dt.datetime.combine(first, dt.time())),
            timezone.make_aware(dt.datetime.combine(following, dt.time())))


def unit_month_kpis(*, month: dt.date, units=None, now: dt.datetime | None = None) -> list[KpiRow]:
    """Figures of each unit for the month containing ``month``, by unit code.

    ``units`` (optional iterable of Unit): only these, each with a row even when empty;
    otherwise every unit that received action hops or registered letters that month.
    ``now`` (default: now) decides which open hops are already past due. Classified
    letters are not counted: the figures are open to every member of staff, and even
    counts of classified letters follow the access rule (DOMAIN.md §2).
    """
    now = now or timezone.now()
    start, end = month_bounds(month)
    first = month.replace(day=1)
    wanted = {u.pk: u for u in units} if units is not None else None
    rows: dict[int, KpiRow] = {}
    samples: dict[int, list[float]] = {}
    registration: dict[int, list[float]] = {}
    people: dict[int, int | None] = {}
    standard = sum(int(settings.SARABAN_STEP_STANDARD_MINUTES.get(step, 0)) for step in REGISTRY_STEPS)

    def row(unit_id: int) -> KpiRow | None:
        if unit_id is None or (wanted is not None and unit_id not in wanted):
            return None
        if unit_id not in rows:
            rows[unit_id] = KpiRow(unit_code="", unit_name="", month=first, registration_standard_minutes=standard)
        return rows[unit_id]

    for hop in _hops(start, end):
        unit_id = hop["to_unit_id"] or hop["position__unit_id"] or _person_unit(hop["to_user_id"], people)
        r = row(unit_id)
        if r is None:
            continue
        r.hops += 1
        urgency = hop["letter__urgency"] if hop["letter__urgency"] in URGENCIES else Urgency.NORMAL.value
        handled_at = _earliest(hop["acknowledged_at"], hop["done_at"], hop["endorsed_at"])
        first_action = _earliest(hop["received_at"], handled_at, hop["onward_at"])
        if first_action is not None:
            samples.setdefault(unit_id, []).append(max(0.0, (first_action - hop["sent_at"]).total_seconds() / 60))
        if hop["status"] == Route.Status.RETURNED:
            r.returned += 1
        elif handled_at is not None:
            r.handled += 1
            if hop["due_at"] is None or handled_at <= hop["due_at"]:
                r.on_time += 1
            else:
                r.handled_late[urgency] += 1
        elif hop["due_at"] is not None and hop["due_at"] < now:
            r.overdue_open[urgency] += 1
        else:
            r.pending += 1

    letters = Letter.objects.filter(status=Letter.Status.REGISTERED, received_at__gte=start, received_at__lt=end,
                                    secrecy=Secrecy.UNCLASSIFIED,
                                    registered_at__isnull=False)
    for desk_id, received_at, registered_at in letters.values_list("desk_unit_id", "received_at", "registered_at"):
        r = row(desk_id)
        if r is None:
            continue
        minutes = max(0.0, (registered_at - received_at).total_seconds() / 60)
        r.registered += 1
        r.registered_within_standard += minutes <= standard
        registration.setdefault(desk_id, []).append(minutes)
        samples.setdefault(desk_id, []).append(minutes)

    for unit_id in wanted or ():
        row(unit_id)
    for unit in Unit.objects.filter(pk__in=list(rows)):
        rows[unit.pk].unit_code, rows[unit.pk].unit_name = unit.code, unit.name
    for unit_id, r in rows.items():
        if samples.get(unit_id):
            r.first_action_median_minutes = round(statistics.median(samples[unit_id]), 1)
            r.first_action_mean_minutes = round(statistics.fmean(samples[unit_id]), 1)
        if registration.get(unit_id):
            r.registration_median_minutes = round(statistics.median(registration[unit_id]), 1)
    return sorted(rows.values(), key=lambda r: r.unit_code)


def _hops(start: dt.datetime, end: dt.datetime):
    endorsed = Endorsement.objects.filter(route=OuterRef("pk")).order_by("endorsed_at").values("endorsed_at")[:1]
    onward = (Route.objects.filter(Q(parent=OuterRef("pk")) | Q(letter=OuterRef("letter"), from_unit=OuterRef("to_unit"),
                                                                 sent_at__gte=OuterRef("sent_at")))
              .exclude(pk=OuterRef("pk")).order_by("sent_at").values("sent_at")[:1])
    return (Route.objects.filter(purpose=Route.Purpose.ACTION, sent_at__gte=start, sent_at__lt=end,
                                 letter__secrecy=Secrecy.UNCLASSIFIED)
            .exclude(kind=Route.Kind.FORWARD_OUTSIDE)
            .annotate(endorsed_at=Subquery(endorsed), onward_at=Subquery(onward))
            .values("to_unit_id", "to_user_id", "position__unit_id", "sent_at", "due_at", "status", "received_at",
                    "acknowledged_at", "done_at", "endorsed_at", "onward_at", "letter__urgency")
            .iterator())


def _person_unit(user_id: int | None, cache: dict) -> int | None:
    """The unit a person's hops count for: their first working membership."""
    if user_id is None:
        return None
    if user_id not in cache:
        cache[user_id] = _first_unit(user_id)
    return cache[user_id]


def _first_unit(user_id: int) -> int | None:
    membership = (Membership.objects.filter(user_id=user_id)
                  .exclude(role__in=[Role.ARCHIVE_READER, Role.ADMINISTRATOR]).order_by("id").first())
    return membership.unit_id if membership else None


def _earliest(*values):
    present = [v for v in values if v is not None]
    return min(present) if present else None


# --- exports ------------------------------------------------------------------------------

URGENCY_LABELS = dict(Urgency.choices)
HEADERS = (["รหัสหน่วยงาน", "หน่วยงาน", "เดือน", "หนังสือเพื่อดำเนินการที่ได้รับ", "ดำเนินการแล้ว", "ทันกำหนด",
            "ร้อยละทันกำหนด", "เป้าหมาย (ร้อยละ)", "ผ่านเป้าหมาย", "ยังไม่ถึงกำหนด", "ส่งคืน",
            "เวลาถึงการปฏิบัติครั้งแรก มัธยฐาน (นาที)", "เวลาถึงการปฏิบัติครั้งแรก เฉลี่ย (นาที)"]
           + [f"เกินกำหนด {URGENCY_LABELS[u]}" for u in URGENCIES]
           + ["ลงทะเบียนรับ", "ลงทะเบียนทันมาตรฐานเวลา", "ร้อยละลงทะเบียนทันมาตรฐาน", "มาตรฐานเวลาลงทะเบียน (นาที)"])


def _be_month(month: dt.date) -> str:
    from ocr.thai import MONTHS_FULL

    return f"{MONTHS_FULL[month.month - 1]} {month.year + 543}"


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def _values(r: KpiRow) -> list:
    meets = {True: "ผ่าน", False: "ไม่ผ่าน", None: ""}[r.meets_target]
    return ([r.unit_code, r.unit_name, _be_month(r.month), r.hops, r.handled, r.on_time, _percent(r.on_time_share),
             TARGET * 100, meets, r.pending, r.returned, r.first_action_median_minutes, r.first_action_mean_minutes]
            + [r.overdue[u] for u in URGENCIES]
            + [r.registered, r.registered_within_standard, _percent(r.registration_share),
               r.registration_standard_minutes])


def kpis_csv(rows: list[KpiRow]) -> bytes:
    """The rows as CSV: UTF-8 with a byte-order mark (so Excel reads Thai), Thai headers,
    empty cells for figures that cannot be measured."""
    from saraban.documents.render import csv_bytes, csv_text

    return csv_bytes(HEADERS, [["" if v is None else csv_text(v) if isinstance(v, str) else v for v in _values(r)]
                               for r in rows])


def kpis_xlsx(rows: list[KpiRow]) -> bytes:
    """The rows as an XLSX workbook (one sheet, Thai headers); every cell is a number or
    text, never a formula; the month a date shown as "ตุลาคม ๒๕๖๙" (Buddhist era, digits
    per ``SARABAN_THAI_DIGITS``: :data:`saraban.documents.render.XLSX_FORMATS`)."""
    from django.conf import settings
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from saraban.documents.render import XLSX_FORMATS

    month_format = XLSX_FORMATS[settings.SARABAN_THAI_DIGITS]["month"]
    book = Workbook()
    sheet = book.active
    sheet.title = "ตัวชี้วัด"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in rows:
        sheet.append(_values(r))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
        month = sheet.cell(row=sheet.max_row, column=3)
        month.value, month.number_format = r.month, month_format
    for column, width in zip("ABC", (22, 48, 18)):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
