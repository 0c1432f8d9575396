"""The numbers of the books: issued exactly once, in order, with no gaps.

Source: DOMAIN.md §3 (the Regulation on Correspondence, registers of forms 13 and 14).
Every number of a register's year becomes one row of its book (``RegisterEntry``): the
row of a registered or sent letter, a reservation (จองเลข), or a cancelled reservation
that stays marked ยกเลิก. A number is taken by one ``UPDATE … RETURNING`` of the
register's counter row inside the caller's transaction: concurrent registrations of one
register queue on that row's lock until the first commits, and a registration that
rolls back rolls its number back with it — so there is never a gap and never a
duplicate, on SQLite (one writer at a time) and on PostgreSQL (row lock) alike. A
number's time never precedes the time of the number before it, so the book's times
rise with its numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from saraban.core import limits
from saraban.core.audit import record_event
from saraban.core.batch_sql import Computed, execute_together
from saraban.core.errors import Conflict, InvalidInput, NotFound
from saraban.registry.models import Register, RegisterCounter, RegisterEntry


def register_year(register: Register, at: dt.datetime) -> int:
    """The year (CE) of ``register`` that ``at`` falls in.

    Calendar-year registers (``year_start_month`` 1) restart on 1 January (DOMAIN.md
    §3). A register that restarts on another month — 10 for the fiscal year — names
    its year by the year in which it ends (fiscal year 2570 BE = 1 Oct 2026 – 30 Sep
    2027 → 2027). ``at`` is converted to local time first.
    """
    local = timezone.localtime(at) if timezone.is_aware(at) else at
    if register.year_start_month > 1 and local.month >= register.year_start_month:
        return local.year + 1
    return local.year


def year_label(register: Register, year: int) -> str:
    """``พ.ศ. 2569`` for a calendar-year register, ``ปีงบประมาณ พ.ศ. 2570`` otherwise."""
    prefix = "ปีงบประมาณ " if register.year_start_month > 1 else ""
    return f"{prefix}พ.ศ. {year + 543}"


@dataclass(frozen=True)
class IssuedNumber:
    """A number just taken: ``register``, its ``year`` (CE), ``number`` (from 1) and
    ``at``, the aware time it was given (see :func:`advance_statements`)."""

    register: Register
    year: int
    number: int
    at: dt.datetime


_GREATEST = {"postgresql": "GREATEST", "sqlite": "MAX"}


def advance_statements(register: Register, at: dt.datetime) -> tuple[int, list]:
    """The statements that take the next number of ``register`` for time ``at``: the
    year's counter row made if missing, then one ``UPDATE … RETURNING last_number,
    last_issued_at`` that locks it until the transaction ends. Returns (year, the
    statements) for ``core.batch_sql.execute_together``; statements appended after
    them read the number and time with :func:`issued_value`.

    The time given is ``at`` — read before the lock, so the year is the one ``at``
    falls in even when the lock is granted after midnight — or, if a number was given
    a later time meanwhile, that time: times never go backwards in the book. A closed
    year's row is not updated and the statement returns no row.
    """
    year = register_year(register, at)
    stamp = connection.ops.adapt_datetimefield_value(at)
    greatest = _GREATEST[connection.vendor]
    return year, [
        ("INSERT INTO registry_registercounter (register_id, year, last_number) VALUES (%s, %s, 0) "
         "ON CONFLICT (register_id, year) DO NOTHING", (register.pk, year)),
        ("UPDATE registry_registercounter SET last_number = last_number + 1, "
         f"last_issued_at = {greatest}(COALESCE(last_issued_at, %s), %s) "
         "WHERE register_id = %s AND year = %s AND closed_at IS NULL RETURNING last_number, last_issued_at",
         (stamp, stamp, register.pk, year)),
    ]


def issued_value(register: Register, year: int, column: str) -> Computed:
    """A database-computed value (``core.batch_sql.Computed``) for ``last_number`` or
    ``last_issued_at`` of the counter row the :func:`advance_statements` of this
    transaction just advanced (NULL when the year is closed: writing a book row then
    fails with an integrity error)."""
    if column not in ("last_number", "last_issued_at"):
        raise ValueError(column)
    return Computed(f"(SELECT {column} FROM registry_registercounter WHERE register_id = %s AND year = %s "
                    "AND closed_at IS NULL)", (register.pk, year))


def issued_from(register: Register, year: int, row) -> IssuedNumber:
    """The :class:`IssuedNumber` from the ``RETURNING`` row of the advance (None: the
    year's book is closed — raises Conflict ``book_closed``)."""
    if row is None:
        raise book_closed(register, year)
    number, at = row
    if not isinstance(at, dt.datetime):  # SQLite returns the stored text
        at = parse_datetime(at)
    if timezone.is_naive(at):
        at = timezone.make_aware(at, dt.timezone.utc)
    return IssuedNumber(register=register, year=year, number=number, at=at)


def book_closed(register: Register, year: int) -> Conflict:
    return Conflict(f"{register.name} {year_label(register, year)} ปิดทะเบียนแล้ว ออกเลขเพิ่มไม่ได้",
                    code="book_closed")


def issue_number(register: Register) -> IssuedNumber:
    """Take the next number of ``register`` for now; call inside ``transaction.atomic``.

    The counter row stays locked until the caller's transaction ends: the caller writes
    the book row and commits (or rolls back, and the number with it). See
    :func:`advance_statements` for the time given. Raises RuntimeError outside a
    transaction, Conflict (``book_closed``) when the year's book was closed.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("register numbers are issued only inside transaction.atomic()")
    year, statements = advance_statements(register, timezone.now())
    return issued_from(register, year, execute_together(statements))


# --------------------------------------------------------------------------- reservations


def reserve_numbers(*, actor, register: Register, reserved_for: str, count: int = 1,
                    hours: float | None = None) -> list[RegisterEntry]:
    """Reserve (จองเลข) ``count`` consecutive numbers of ``register`` for ``reserved_for``.

    Each becomes a book row in state ``reserved`` until ``hours`` from now (default
    ``SARABAN_RESERVATION_HOURS``); it is then used by sending or registering a letter
    with it, or cancelled — by a person or by :func:`expire_reservations` — and stays in
    the book marked ยกเลิก, never reused (DOMAIN.md §3). The caller checks that
    ``actor`` keeps the register. Raises InvalidInput (no purpose, a purpose longer than
    a subject — ``too_long``, ``saraban.core.limits`` — count outside 1–50, hours
    outside (0, 720]), Conflict (book closed). Returns the rows, lowest first.
    """
    reserved_for = " ".join((reserved_for or "").split())
    limits.check_length("subject", reserved_for, field="reserved_for", label="จองไว้สำหรับ")
    if not reserved_for:
        raise InvalidInput("กรุณาระบุว่าจองเลขไว้สำหรับหนังสือเรื่องใด", code="purpose_required")
    if not 1 <= count <= 50:
        raise InvalidInput("จองเลขได้ครั้งละ 1–50 เลข", code="invalid_count")
    hours = settings.SARABAN_RESERVATION_HOURS if hours is None else hours
    if not 0 < hours <= 720:
        raise InvalidInput("ระยะเวลาจองต้องมากกว่า 0 และไม่เกิน 720 ชั่วโมง (30 วัน)", code="invalid_hours")
    entries = []
    with transaction.atomic():
        for _ in range(count):
            issued = issue_number(register)
            entries.append(RegisterEntry.objects.create(
                register=register, year=issued.year, number=issued.number, state=RegisterEntry.State.RESERVED,
                entered_at=issued.at, entered_by=actor, reserved_for=reserved_for,
                expires_at=issued.at + dt.timedelta(hours=hours),
            ))
        record_event(actor=actor, action="register.reserve", target_type="register", target_id=register.pk,
                     register=register.code, year=entries[0].year, numbers=[e.number for e in entries],
                     reserved_for=reserved_for, expires_at=entries[0].expires_at.isoformat())
    return entries


def take_reservation(*, register: Register, entry_id: int) -> RegisterEntry:
    """Lock reservation ``entry_id`` of ``register`` for use; call inside a transaction.

    Raises NotFound (no such reservation in that register), Conflict (``reservation_used``,
    ``reservation_cancelled``, ``reservation_expired`` — an expired one is cancelled on
    the spot by the worker's next round, never used).
    """
    entry = RegisterEntry.objects.select_for_update().filter(pk=entry_id, register=register).first()
    if entry is None:
        raise NotFound("ไม่พบเลขที่จองไว้ในทะเบียนนี้")
    label = f"เลขที่จอง {entry.number}/{entry.year + 543}"
    if entry.state == RegisterEntry.State.ISSUED:
        raise Conflict(f"{label} ใช้ไปแล้ว", code="reservation_used")
    if entry.state == RegisterEntry.State.CANCELLED:
        raise Conflict(f"{label} ถูกยกเลิกแล้ว กรุณาจองเลขใหม่", code="reservation_cancelled")
    if entry.expires_at and entry.expires_at <= timezone.now():
        raise Conflict(f"{label} หมดเวลาจองแล้ว กรุณาจองเลขใหม่", code="reservation_expired")
    return entry


def cancel_reservation(*, actor, entry: RegisterEntry, reason: str) -> RegisterEntry:
    """Cancel a reservation: its row stays in the book marked ยกเลิก with ``reason``.

    The caller checks that ``actor`` keeps the register. Raises InvalidInput (no
    reason, or one over its limit: ``too_long``), Conflict (not a reservation any more).
    """
    reason = " ".join((reason or "").split())
    limits.check_length("reason", reason, field="reason", label="เหตุที่ยกเลิก")
    if not reason:
        raise InvalidInput("กรุณาระบุเหตุที่ยกเลิกเลขที่จอง", code="reason_required")
    with transaction.atomic():
        entry = RegisterEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.state != RegisterEntry.State.RESERVED:
            raise Conflict(f"เลข {entry.number}/{entry.year + 543} ไม่ใช่เลขที่จองไว้ ({entry.get_state_display()})",
                           code="not_reserved")
        _cancel(entry, actor=actor, reason=reason)
        record_event(actor=actor, action="register.cancel_reservation", target_type="register_entry",
                     target_id=entry.pk, register=entry.register.code, year=entry.year, number=entry.number,
                     reason=reason)
    return entry


def _cancel(entry: RegisterEntry, *, actor, reason: str) -> None:
    entry.state = RegisterEntry.State.CANCELLED
    entry.cancelled_at = timezone.now()
    entry.cancelled_by = actor
    entry.cancel_reason = reason
    entry.save(update_fields=["state", "cancelled_at", "cancelled_by", "cancel_reason"])


def expire_reservations(*, now: dt.datetime | None = None) -> int:
    """Cancel every reservation whose time ran out (reason "หมดเวลาจอง"); returns how
    many. Run by the worker's periodic round (``SARABAN_WORKER_PERIODIC``)."""
    now = now or timezone.now()
    expired = 0
    with transaction.atomic():
        for entry in (RegisterEntry.objects.select_for_update(skip_locked=True)
                      .filter(state=RegisterEntry.State.RESERVED, expires_at__lte=now).select_related("register")):
            _cancel(entry, actor=None, reason="หมดเวลาจอง")
            record_event(actor=None, action="register.reservation_expired", target_type="register_entry",
                         target_id=entry.pk, register=entry.register.code, year=entry.year, number=entry.number)
            expired += 1
    return expired


# --------------------------------------------------------------------------- closing a year


@dataclass(frozen=True)
class ClosedYear:
    """What closing a year's book found: the last number, how many rows were issued,
    and how many reservations still open were cancelled by the closing."""

    register: Register
    year: int
    last_number: int
    issued: int
    cancelled_now: int


def close_year(*, actor, register: Register, year: int) -> ClosedYear:
    """Close ``register``'s book of ``year`` (CE): no number of that year is issued again.

    Only a year that has ended can be closed; reservations of that year still open are
    cancelled ("ปิดทะเบียนประจำปี"). The closing is an audit event and shows under the
    year's last row in the book. The caller checks that ``actor`` keeps the register.
    Raises InvalidInput (``year_not_over``), Conflict (``already_closed``).
    """
    if register_year(register, timezone.now()) <= year:
        raise InvalidInput(f"ยังปิดทะเบียน {year_label(register, year)} ไม่ได้ เพราะยังไม่สิ้นปี",
                           code="year_not_over")
    with transaction.atomic():
        RegisterCounter.objects.get_or_create(register=register, year=year)
        counter = RegisterCounter.objects.select_for_update().get(register=register, year=year)
        if counter.closed_at:
            raise Conflict(f"{register.name} {year_label(register, year)} ปิดทะเบียนไปแล้ว", code="already_closed")
        cancelled = 0
        for entry in RegisterEntry.objects.select_for_update().filter(register=register, year=year,
                                                                      state=RegisterEntry.State.RESERVED):
            _cancel(entry, actor=actor, reason="ปิดทะเบียนประจำปี")
            cancelled += 1
        counter.closed_at, counter.closed_by = timezone.now(), actor
        counter.save(update_fields=["closed_at", "closed_by"])
        issued = RegisterEntry.objects.filter(register=register, year=year, state=RegisterEntry.State.ISSUED).count()
        record_event(actor=actor, action="register.close_year", target_type="register", target_id=register.pk,
                     register=register.code, year=year, last_number=counter.last_number, issued=issued,
                     cancelled=cancelled)
    return ClosedYear(register=register, year=year, last_number=counter.last_number, issued=issued,
                      cancelled_now=cancelled)
