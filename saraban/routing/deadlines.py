"""Deadlines of letters and hops, the holiday calendar, and escalation of overdue hops.

Rules (DOMAIN.md §2, §5):
- A letter's handling deadline comes from its urgency, in *working days*
  (``SARABAN_URGENCY_WORKING_DAYS``: most urgent the same working day, very urgent 1,
  urgent 3, normal 7) and falls at the end of the working day
  (``SARABAN_WORKDAY_END``, local time). "ด่วนภายใน <date>" (``Letter.due_at``) sets an
  explicit deadline; the earlier of the two applies.
- Working days are Monday–Friday except the days of the holiday calendar (Thai public
  holidays and the special holidays the cabinet declares), which an administrator edits.
- Complaints count calendar time (15 days / 7 days / 24 hours): :func:`add_calendar_hours`.
- Open hops past their deadline are escalated once to the heads of the receiving unit
  (:func:`escalate_overdue`, run by the worker every few seconds).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from saraban.core import limits
from saraban.core.audit import record_event
from saraban.core.classes import Role, Urgency
from saraban.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from saraban.routing.models import Holiday, Membership, Route, Unit

HOLIDAYS_FILE = Path(__file__).resolve().parent / "data" / "holidays.json"
#: A calendar with no working day in ten years is a broken calendar, not a deadline.
_MAX_DAYS_SCANNED = 3660
#: Hops escalated per run; the rest wait for the next run (every few seconds).
ESCALATION_BATCH = 200


# --- the working-day calendar -------------------------------------------------------------

def holiday_dates() -> frozenset[dt.date]:
    """Every date of the holiday calendar (one query, a few dozen rows a year).

    Read afresh on each call so an administrator's change applies at once; callers that
    test many days read it once and pass it to :func:`is_working_day`.
    """
    return frozenset(Holiday.objects.values_list("date", flat=True))


def is_working_day(day: dt.date, holidays: frozenset[dt.date] | None = None) -> bool:
    """True for Monday–Friday that is not on the holiday calendar.

    ``holidays`` (optional) is a set from :func:`holiday_dates`, read once per batch;
    without it the calendar is read for this one call.
    """
    if day.weekday() >= 5:
        return False
    return day not in (holiday_dates() if holidays is None else holidays)


def _clock(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


def working_deadline(start: dt.datetime, working_days: int) -> dt.datetime:
    """The end of the ``working_days``-th working day counted from ``start``'s working day.

    ``0`` is the end (``SARABAN_WORKDAY_END``, local time) of the same working day. A
    start on a non-working day, or at/after the end of the working day, counts from the
    next working day. ``start`` must be aware; the answer is aware (local time zone).
    Raises InvalidInput for a naive ``start`` or a negative count.
    """
    if timezone.is_naive(start):
        raise InvalidInput("เวลาเริ่มนับต้องระบุเขตเวลา", code="naive_datetime")
    if working_days < 0:
        raise InvalidInput("จำนวนวันทำการต้องไม่ติดลบ", code="negative_days")
    holidays = holiday_dates()
    end_of_day = _clock(settings.SARABAN_WORKDAY_END)
    local = timezone.localtime(start)
    day = local.date()
    if not is_working_day(day, holidays) or local.time() >= end_of_day:
        day = _next_working_day(day, holidays)
    for _ in range(working_days):
        day = _next_working_day(day, holidays)
    return timezone.make_aware(dt.datetime.combine(day, end_of_day))


def _next_working_day(day: dt.date, holidays: frozenset[dt.date]) -> dt.date:
    for _ in range(_MAX_DAYS_SCANNED):
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays):
            return day
    raise InvalidInput("ปฏิทินวันหยุดไม่มีวันทำการเหลืออยู่ กรุณาตรวจสอบปฏิทินวันหยุด", code="no_working_day")


def urgency_working_days(urgency: str) -> int:
    """Working days allowed for ``urgency`` (``SARABAN_URGENCY_WORKING_DAYS``, DOMAIN.md §2).

    Raises InvalidInput for an unknown urgency value.
    """
    try:
        return int(settings.SARABAN_URGENCY_WORKING_DAYS[urgency])
    except KeyError:
        raise InvalidInput(f"ไม่รู้จักชั้นความเร็ว {urgency!r}", code="unknown_urgency") from None


def route_due_at(*, urgency: str, sent_at: dt.datetime, explicit_due: dt.datetime | None) -> dt.datetime:
    """A hop's deadline: the urgency's working-day deadline counted from ``sent_at``, or
    ``explicit_due`` ("ด่วนภายใน") when that is earlier. Aware datetimes in and out.

    Raises InvalidInput (unknown urgency, naive ``sent_at``).
    """
    due = working_deadline(sent_at, urgency_working_days(urgency))
    return min(due, explicit_due) if explicit_due is not None else due


def letter_due_at(letter) -> dt.datetime:
    """A letter's handling deadline from the time it reached the desk (``received_at``),
    its urgency and its "ด่วนภายใน" date (``due_at``)."""
    return route_due_at(urgency=letter.urgency, sent_at=letter.received_at, explicit_due=letter.due_at)


def add_calendar_hours(start: dt.datetime, hours: float) -> dt.datetime:
    """``start`` plus ``hours`` of calendar time (complaints: 24 h, 7 × 24 h, 15 × 24 h;
    DOMAIN.md §5 — weekends and holidays count)."""
    return start + dt.timedelta(hours=hours)


# --- editing the calendar -------------------------------------------------------------------

def load_holidays(path: Path | str = HOLIDAYS_FILE) -> int:
    """Load the holiday calendar file; safe to run again. Returns the number of days added.

    File shape: ``{"note": ..., "holidays": [{"date": "2026-01-01", "name": "...",
    "kind": "public"|"special"}]}`` (CE dates). Days already on the calendar get the
    file's name and kind; days not in the file are left alone (an administrator's
    special holidays stay). Raises InvalidInput for a malformed entry, or a name over 255
    characters (``too_long``).
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    created = 0
    with transaction.atomic():
        for item in data["holidays"]:
            try:
                day = dt.date.fromisoformat(item["date"])
                kind = item.get("kind", Holiday.Kind.PUBLIC)
                if kind not in Holiday.Kind.values or not item["name"].strip():
                    raise ValueError
            except (KeyError, ValueError, AttributeError):
                raise InvalidInput(f"รายการวันหยุดไม่ถูกต้อง: {item!r}", code="bad_holiday") from None
            limits.check_length("name", item["name"].strip(), field="name", label=f"ชื่อวันหยุด {item['date']}")
            _, was_created = Holiday.objects.update_or_create(date=day, defaults={"name": item["name"].strip(),
                                                                                  "kind": kind})
            created += was_created
        record_event(actor=None, action="holiday.load", target_type="holiday", target_id=str(path),
                     entries=len(data["holidays"]), created=created)
    return created


def _require_administrator(actor) -> None:
    if not (getattr(actor, "is_superuser", False)
            or Membership.objects.filter(user=actor, role=Role.ADMINISTRATOR).exists()):
        raise NotAllowed("เฉพาะผู้ดูแลระบบเท่านั้นที่แก้ไขปฏิทินวันหยุดได้", code="not_administrator")


def add_holiday(*, actor, day: dt.date, name: str, kind: str = Holiday.Kind.SPECIAL) -> Holiday:
    """An administrator adds a day to the holiday calendar (e.g. a special holiday by
    cabinet resolution). Deadlines computed afterwards skip it.

    Raises NotAllowed (not an administrator), InvalidInput (no name, a name over 255
    characters — ``too_long`` — unknown kind), Conflict (the date is already a holiday).
    """
    _require_administrator(actor)
    name = limits.check_length("name", (name or "").strip(), field="name", label="ชื่อวันหยุด")
    if not name:
        raise InvalidInput("กรุณาระบุชื่อวันหยุด", code="holiday_name_required")
    if kind not in Holiday.Kind.values:
        raise InvalidInput("ประเภทวันหยุดไม่ถูกต้อง", code="bad_holiday_kind")
    try:
        with transaction.atomic():
            holiday = Holiday.objects.create(date=day, name=name, kind=kind)
            record_event(actor=actor, action="holiday.add", target_type="holiday", target_id=holiday.pk,
                         date=day.isoformat(), name=name, kind=kind)
    except IntegrityError:
        raise Conflict("วันที่นี้อยู่ในปฏิทินวันหยุดแล้ว", code="holiday_exists") from None
    return holiday


def remove_holiday(*, actor, holiday_id: int) -> None:
    """An administrator removes a day from the holiday calendar.

    Raises NotAllowed (not an administrator), NotFound (no such holiday).
    """
    _require_administrator(actor)
    with transaction.atomic():
        holiday = Holiday.objects.select_for_update().filter(pk=holiday_id).first()
        if holiday is None:
            raise NotFound("ไม่พบวันหยุดที่ต้องการ")
        record_event(actor=actor, action="holiday.remove", target_type="holiday", target_id=holiday.pk,
                     date=holiday.date.isoformat(), name=holiday.name, kind=holiday.kind)
        holiday.delete()


# --- overdue hops -------------------------------------------------------------------------

def _open_overdue(now: dt.datetime) -> QuerySet[Route]:
    return Route.objects.filter(status__in=Route.OPEN, due_at__lt=now)


def escalate_overdue(now: dt.datetime | None = None) -> int:
    """Escalate open hops past their deadline, once each; returns how many.

    Each such hop gets ``escalated_at``, an audit event ``route.escalate`` and a
    ``deadline.overdue`` notification to the heads (Role.UNIT_HEAD) of the receiving
    unit — for a hop to a person, of that person's units (the post's unit for a
    proposal); for a hop outside, of the sending unit; with no head there, of the
    nearest unit up the line that has one. The addressee is not told about their own
    hop as its "head"; with no head anywhere up the line, the hop's sender is told. For
    a classified letter only heads who may see the letter are told (otherwise the
    sender), and the title never carries the subject.

    Cheap when nothing is due (one query on the ``status, due_at`` index), as the worker
    runs it every ``SARABAN_WORKER_PERIODIC_SECONDS``. Concurrent runs escalate a hop
    once (the ``escalated_at IS NULL`` update decides).
    """
    now = now or timezone.now()
    ids = list(_open_overdue(now).filter(escalated_at__isnull=True).order_by("due_at", "id")
               .values_list("pk", flat=True)[:ESCALATION_BATCH])
    escalated = 0
    for route_id in ids:
        with transaction.atomic():
            if not Route.objects.filter(pk=route_id, escalated_at__isnull=True).update(escalated_at=now):
                continue
            route = Route.objects.select_related("letter", "to_unit", "to_user", "from_unit", "position__unit",
                                                 "sent_by").get(pk=route_id)
            heads = heads_for(route)
            _notify_overdue(route, heads)
            record_event(actor=None, action="route.escalate", target_type="letter", target_id=route.letter_id,
                         route=route.pk, due_at=route.due_at.isoformat(),
                         notified=[u.username for u in heads])
            escalated += 1
    return escalated


def heads_for(route: Route) -> list:
    """The people a hop is escalated to (see :func:`escalate_overdue`), by id order.

    For a classified letter, only those who may see it; the hop's sender when nobody fits.
    """
    from saraban.notifications.selectors import unit_members

    if route.to_unit_id:
        units = [route.to_unit]
    elif route.position_id:
        units = [route.position.unit]
    elif route.to_user_id:
        units = list(Unit.objects.filter(memberships__user_id=route.to_user_id).exclude(
            memberships__role=Role.ARCHIVE_READER).distinct())
    else:
        units = [route.from_unit] if route.from_unit_id else []
    heads: list = []
    seen: set[int] = set()
    while units and not heads:
        heads = list(unit_members(units, roles=[Role.UNIT_HEAD]).exclude(pk=route.to_user_id or 0))
        seen.update(u.pk for u in units)
        units = [u.parent for u in units if u.parent_id and u.parent_id not in seen]
    if route.letter.is_classified:
        heads = [h for h in heads if _may_see(h, route.letter)]
    return heads or [route.sent_by]


def _may_see(user, letter) -> bool:
    from saraban.registry.selectors import visible_letters
    from saraban.routing.selectors import viewer_for

    return visible_letters(viewer_for(user)).filter(pk=letter.pk).exists()


def _notify_overdue(route: Route, heads: list) -> None:
    from saraban.core.templatetags.thai import be_year, thai_datetime, thai_digits
    from saraban.notifications.services import notify

    letter = route.letter
    number = f"เลขรับ {thai_digits(letter.receive_number)}/{be_year(letter.year)}" if letter.receive_number else ""
    plain = f"หนังสือ{'ชั้นความลับ' if letter.is_classified else ''}เกินกำหนดเวลา {number}".strip()
    body = (f"{route.target_name} ยังไม่ได้ดำเนินการ ({route.get_status_display()}) "
            f"ชั้นความเร็ว {letter.get_urgency_display()} กำหนดเสร็จ {thai_datetime(route.due_at)}")
    # The subject only to heads the letter's route lets see it (DOMAIN.md §2); a head
    # further up the tree learns that a hop of their unit is late, and which.
    seeing = [] if letter.is_classified else [h for h in heads if _may_see(h, letter)]
    others = [h for h in heads if h not in seeing]
    url = reverse("registry:letter", args=[letter.pk])
    if seeing:
        notify(event="deadline.overdue", recipients=seeing, title=f"{plain} เรื่อง {letter.subject}", body=body,
               url=url, letter=letter)
    if others:
        notify(event="deadline.overdue", recipients=others, title=plain, body=body, url=url, letter=letter)


def due_routes(user, *, before: dt.datetime) -> QuerySet[Route]:
    """Open hops due before ``before`` that ``user`` should see, earliest due first.

    A person sees hops to their units or to them by name; a unit head also those of the
    sub-units of their units; a registry clerk (or secret registrar) those of letters
    registered at their desk. Classified letters only where the access policy lets the
    person see them (DOMAIN.md §2).
    """
    from saraban.registry.selectors import visible_letters
    from saraban.routing.selectors import viewer_for

    viewer = viewer_for(user)
    if not viewer.user_id:
        return Route.objects.none()
    roles = list(Membership.objects.filter(user=user).values_list("unit_id", "role"))
    headed = {unit for unit, role in roles if role == Role.UNIT_HEAD}
    desks = {unit for unit, role in roles if role in (Role.REGISTRY_CLERK, Role.SECRET_REGISTRAR)}
    units = set(viewer.unit_ids) | subunits(headed)
    scope = Q(to_user_id=viewer.user_id) | Q(to_unit_id__in=sorted(units)) | Q(letter__desk_unit_id__in=sorted(desks))
    return (Route.objects.filter(status__in=Route.OPEN, due_at__lt=before).filter(scope)
            .filter(letter__in=visible_letters(viewer))
            .select_related("letter", "to_unit", "to_user", "from_unit", "position")
            .order_by("due_at", "id"))


def overdue_routes(user, now: dt.datetime | None = None) -> QuerySet[Route]:
    """Open hops past their deadline that ``user`` should see (see :func:`due_routes`)."""
    return due_routes(user, before=now or timezone.now())


def subunits(unit_ids: set[int]) -> set[int]:
    """``unit_ids`` and every unit below them in the tree."""
    if not unit_ids:
        return set()
    children: dict[int, list[int]] = {}
    for pk, parent in Unit.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found, stack = set(unit_ids), list(unit_ids)
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


URGENCY_ORDER = [Urgency.MOST_URGENT, Urgency.VERY_URGENT, Urgency.URGENT, Urgency.NORMAL]
