"""The books as people use them: who keeps which register, the rows of forms 13 and 14
for a period, corrections, and the book's reservations and closing by register code.

Source: DOMAIN.md §3. A register's book is kept by the registry clerks of its desk (the
secret register: by the secret-document registrar alone) and read by them and, for an
ordinary register, by the agency's archive readers. A secret register does not exist
for anyone else: the same "not found" as a register that was never created.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ocr import thai
from saraban.core import limits
from saraban.core.audit import record_event
from saraban.core.classes import Role
from saraban.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from saraban.registry import numbering
from saraban.registry.models import Register, RegisterCounter, RegisterEntry

#: Columns of a book row a correction may change (DOMAIN.md §3: ที่, ลงวันที่, จาก, ถึง, เรื่อง).
CORRECTABLE = ("document_number", "document_date", "sender", "addressee", "subject")
#: The text columns of a correction: kind in ``saraban.core.limits`` and the book's Thai heading.
CORRECTION_LIMITS = {"document_number": ("document_number", "ที่"), "sender": ("party", "จาก"),
                     "addressee": ("party", "ถึง"), "subject": ("subject", "เรื่อง")}


def _roles_at(user, unit_id: int) -> set[str]:
    from saraban.routing.models import Membership

    return set(Membership.objects.filter(user=user, unit_id=unit_id).values_list("role", flat=True))


def keeps_register(user, register: Register) -> bool:
    """Whether ``user`` writes in ``register``: the secret registrar of its desk for the
    secret register; a registry clerk or the secret registrar of its desk otherwise."""
    roles = _roles_at(user, register.desk_unit_id)
    if register.is_secret:
        return Role.SECRET_REGISTRAR in roles
    return bool(roles & {Role.REGISTRY_CLERK, Role.SECRET_REGISTRAR})


def reads_register(user, register: Register) -> bool:
    """Whether ``user`` may read ``register``'s book: its keepers, and for an ordinary
    register the archive readers of its agency."""
    if keeps_register(user, register):
        return True
    if register.is_secret:
        return False
    from saraban.routing.models import Membership

    return Membership.objects.filter(user=user, role=Role.ARCHIVE_READER,
                                     unit__agency_id=register.desk_unit.agency_id).exists()


def readable_registers(user) -> list[Register]:
    """The registers whose books ``user`` may read, by code."""
    return [r for r in Register.objects.select_related("desk_unit") if reads_register(user, r)]


def get_register(user, code: str, *, keep: bool = False) -> Register:
    """Register ``code`` if ``user`` may read it (``keep``: write in it).

    Raises NotFound for an unknown register and for one the person may not read (a
    secret register does not exist for them), NotAllowed (``not_register_keeper``)
    when ``keep`` and the person only reads it.
    """
    register = Register.objects.select_related("desk_unit__agency").filter(code=code).first()
    if register is None or not reads_register(user, register):
        raise NotFound(f"ไม่พบทะเบียนรหัส {code}")
    if keep and not keeps_register(user, register):
        raise NotAllowed(f"ท่านไม่ได้เป็นเจ้าหน้าที่ของ{register.name}", code="not_register_keeper")
    return register


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class BookLine:
    """One row of a book as shown and exported: the entry, how its number prints, what
    the การปฏิบัติ and หมายเหตุ columns say (corrections both ways, cancellations)."""

    entry: RegisterEntry
    number: str
    action: str
    remarks: str

    @property
    def cancelled(self) -> bool:
        return self.entry.state == RegisterEntry.State.CANCELLED


def entries(register: Register, *, date_from: dt.date, date_to: dt.date) -> QuerySet[RegisterEntry]:
    """The rows of ``register`` entered from ``date_from`` to ``date_to`` (local dates,
    both included), in book order (year, number)."""
    start = timezone.make_aware(dt.datetime.combine(date_from, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min))
    return (RegisterEntry.objects.filter(register=register, entered_at__gte=start, entered_at__lt=end)
            .select_related("corrects", "letter", "outgoing").prefetch_related("corrections", "letter__routes__to_unit")
            .order_by("year", "number"))


def book_lines(register: Register, *, date_from: dt.date, date_to: dt.date) -> list[BookLine]:
    """The book of ``register`` for the period, each row with its printed number,
    action and remarks (Thai). Raises InvalidInput when the period is reversed or longer
    than ten years."""
    if date_to < date_from:
        raise InvalidInput("วันที่เริ่มต้องไม่หลังวันที่สิ้นสุด", code="invalid_period")
    if (date_to - date_from).days > 3660:
        raise InvalidInput("พิมพ์ทะเบียนได้ครั้งละไม่เกิน 10 ปี", code="invalid_period")
    return [_line(register, e) for e in entries(register, date_from=date_from, date_to=date_to)]


def number_text(register: Register, number: int, year: int) -> str:
    """A book number as printed: ``12`` in a general register, ``ว 12`` for
    circulars, ``12/2569`` for orders (DOMAIN.md §3)."""
    if register.series == Register.Series.CIRCULAR:
        return f"ว {number}"
    if register.series == Register.Series.ORDER:
        return f"{number}/{year + 543}"
    return str(number)


def _line(register: Register, entry: RegisterEntry) -> BookLine:
    remarks = [entry.remarks] if entry.remarks else []
    if entry.corrects_id:
        old = entry.corrects
        remarks.append(f"แก้ไขรายการเลขที่ {number_text(old.register, old.number, old.year)}")
    for newer in entry.corrections.all():
        remarks.append(f"แก้ไขโดยรายการเลขที่ {number_text(register, newer.number, newer.year)}")
    if entry.state == RegisterEntry.State.RESERVED:
        remarks.append(f"จองไว้สำหรับ {entry.reserved_for}")
    elif entry.state == RegisterEntry.State.CANCELLED:  # the word ยกเลิก is the row's mark, not a remark
        if entry.cancel_reason:
            remarks.append(entry.cancel_reason)
        if entry.reserved_for:
            remarks.append(f"จองไว้สำหรับ {entry.reserved_for}")
    if entry.letter_id and entry.letter.destroyed_at:
        remarks.append(f"ทำลายแล้ว {thai.format_thai_date(timezone.localdate(entry.letter.destroyed_at))}")
    action = entry.action
    if not action and entry.letter_id:
        units = [r.to_unit.short_name or r.to_unit.name for r in entry.letter.routes.all() if r.to_unit_id]
        action = f"ส่ง {', '.join(dict.fromkeys(units))}" if units else ""
    return BookLine(entry=entry, number=number_text(register, entry.number, entry.year), action=action,
                    remarks="; ".join(remarks))


def closed_note(register: Register, *, date_from: dt.date, date_to: dt.date) -> str:
    """"ปิดทะเบียน … สิ้นสุดที่เลข N" for each of the register's years that was closed
    and ended within the period; "" when none."""
    notes = []
    for counter in RegisterCounter.objects.filter(register=register, closed_at__isnull=False).order_by("year"):
        if date_from.year <= counter.year <= date_to.year + 1:
            notes.append(f"ปิดทะเบียน {numbering.year_label(register, counter.year)} สิ้นสุดที่เลข "
                         f"{counter.last_number} เมื่อ {thai.format_thai_date(timezone.localdate(counter.closed_at))}")
    return "; ".join(notes)


def as_document(register: Register, *, date_from: dt.date, date_to: dt.date, lines: list[BookLine] | None = None):
    """The book for the period as ``saraban.documents.data.Book`` (for PDF and XLSX);
    ``lines``: the period's :func:`book_lines` when the caller has them already."""
    from saraban.documents.data import Book, BookRow

    if lines is None:
        lines = book_lines(register, date_from=date_from, date_to=date_to)
    rows = tuple(
        BookRow(number=line.number, registered_at=line.entry.entered_at, document_number=line.entry.document_number,
                document_date=line.entry.document_date, sender=line.entry.sender, addressee=line.entry.addressee,
                subject=line.entry.subject, action=line.action, remarks=line.remarks, cancelled=line.cancelled)
        for line in lines
    )
    return Book(direction=register.direction, register_name=register.name, agency_name=settings.SARABAN_AGENCY_NAME,
                date_from=date_from, date_to=date_to, rows=rows, printed_at=timezone.now(),
                thai_digits=settings.SARABAN_THAI_DIGITS,
                closed_note=closed_note(register, date_from=date_from, date_to=date_to))


# --------------------------------------------------------------------------- corrections


def correct_entry(*, actor, entry_id: int, fields: dict[str, Any], reason: str) -> RegisterEntry:
    """Correct an issued book row: a new row with the next number, linked to the old one.

    Source: DOMAIN.md §3 — once issued, a row's number, date and subject cannot be
    edited; corrections are new, linked entries and both show in the book. ``fields``
    holds the corrected columns (``document_number``, ``document_date`` ISO or Thai,
    ``sender``, ``addressee``, ``subject``); the others are carried over. The letter
    (incoming or outgoing) takes the corrected values and is indexed again. Raises
    NotFound (no such row in a register the actor keeps), Conflict (not an issued row),
    InvalidInput (no reason, nothing changed, a wrong date, an empty subject, a text
    over its limit — ``too_long``, :data:`CORRECTION_LIMITS`, the reason as ``reason``).
    """
    from saraban.registry.services import clean_fields

    reason = " ".join((reason or "").split())
    limits.check_length("reason", reason, field="reason", label="เหตุที่แก้ไข")
    for name, (kind, label) in CORRECTION_LIMITS.items():
        if fields.get(name) is not None:
            limits.check_length(kind, " ".join(str(fields[name]).split()), field=name, label=label)
    if not reason:
        raise InvalidInput("กรุณาระบุเหตุที่แก้ไขรายการ", code="reason_required")
    unknown = set(fields) - set(CORRECTABLE)
    if unknown:
        raise InvalidInput(f"แก้ไขได้เฉพาะ ที่ ลงวันที่ จาก ถึง เรื่อง (ไม่ใช่ {', '.join(sorted(unknown))})",
                           code="not_correctable")
    raw = {("issuing_office" if k == "sender" else k): v for k, v in fields.items()}
    cleaned = clean_fields(raw)
    if "issuing_office" in cleaned:
        cleaned["sender"] = cleaned.pop("issuing_office")
    with transaction.atomic():
        old = RegisterEntry.objects.select_for_update().select_related("register").filter(pk=entry_id).first()
        if old is None or not keeps_register(actor, old.register):
            raise NotFound("ไม่พบรายการนี้ในทะเบียนที่ท่านดูแล")
        if old.state != RegisterEntry.State.ISSUED:
            raise Conflict("แก้ไขได้เฉพาะรายการที่ลงทะเบียนแล้ว", code="not_issued")
        values = {name: getattr(old, name) for name in CORRECTABLE}
        changed = {k: v for k, v in cleaned.items() if values[k] != v}
        if not changed:
            raise InvalidInput("ไม่มีช่องใดเปลี่ยนจากเดิม", code="nothing_changed")
        values.update(changed)
        if not (values["subject"] or "").strip():
            raise InvalidInput("เรื่องต้องไม่ว่าง", code="subject_required")
        issued = numbering.issue_number(old.register)
        new = RegisterEntry.objects.create(
            register=old.register, year=issued.year, number=issued.number, state=RegisterEntry.State.ISSUED,
            entered_at=issued.at, entered_by=actor, letter_id=old.letter_id, outgoing_id=old.outgoing_id,
            corrects=old, remarks=reason, **values,
        )
        _apply_to_letter(old, changed)
        record_event(actor=actor, action="register.correct", target_type="register_entry", target_id=new.pk,
                     register=old.register.code, corrects=f"{old.number}/{old.year + 543}",
                     number=f"{new.number}/{new.year + 543}", reason=reason,
                     changed={k: (str(values[k]) if values[k] is not None else None) for k in changed})
    return new


def _apply_to_letter(entry: RegisterEntry, changed: dict[str, Any]) -> None:
    from saraban.search.services import enqueue_index

    if entry.letter_id:
        letter = entry.letter
        for name, value in changed.items():
            if name == "sender":
                setattr(letter, "issuing_office" if letter.issuing_office else "sender", value)
            else:
                setattr(letter, name, value)
        if "document_number" in changed:
            letter.document_number_canonical = thai.canonical_number(letter.document_number)
        letter.save()
        enqueue_index(letter.pk)
    elif entry.outgoing_id:
        outgoing = entry.outgoing
        for name, value in changed.items():
            if hasattr(outgoing, name) and name != "sender":
                setattr(outgoing, name, value)
        outgoing.save()


# --------------------------------------------------------------------------- by register code


def reserve(*, actor, register_code: str, reserved_for: str, count: int = 1,
            hours: float | None = None) -> list[RegisterEntry]:
    """:func:`numbering.reserve_numbers` in register ``register_code``, which the actor
    must keep (NotFound / NotAllowed otherwise)."""
    register = get_register(actor, register_code, keep=True)
    return numbering.reserve_numbers(actor=actor, register=register, reserved_for=reserved_for, count=count,
                                     hours=hours)


def cancel(*, actor, entry_id: int, reason: str) -> RegisterEntry:
    """Cancel reservation ``entry_id`` of a register the actor keeps (NotFound otherwise)."""
    entry = RegisterEntry.objects.select_related("register").filter(pk=entry_id).first()
    if entry is None or not keeps_register(actor, entry.register):
        raise NotFound("ไม่พบเลขที่จองไว้ในทะเบียนที่ท่านดูแล")
    return numbering.cancel_reservation(actor=actor, entry=entry, reason=reason)


def close(*, actor, register_code: str, year: int) -> numbering.ClosedYear:
    """Close ``register_code``'s book of ``year`` (CE, or BE when > 2400) — see
    :func:`numbering.close_year`."""
    register = get_register(actor, register_code, keep=True)
    return numbering.close_year(actor=actor, register=register, year=year - 543 if year > 2400 else year)
