"""Outgoing letters: drafted from the regulation's templates, numbered when sent.

Source: DOMAIN.md §1 (document types and their forms) and §3 (the outgoing register,
form 14: the send number becomes the letter's ที่). A draft is laid out as the form of
its type (external letter, memo, stamped letter, order, announcement) in a Thai font;
sending takes the next number of the right book — circulars (``ว``) and orders
(``n/พ.ศ.``) have series of their own, a classified letter goes to the secret
outgoing register — or a number reserved earlier (จองเลข), writes the book row, and
stores the PDF.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from saraban.core import limits
from saraban.core.audit import record_event
from saraban.core.classes import DocumentType, Secrecy, Urgency
from saraban.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from saraban.registry import books, numbering
from saraban.registry.models import OutgoingLetter, Register, RegisterEntry
from saraban.registry.services import FIELD_LIMITS

log = logging.getLogger(__name__)

#: Fields of a draft a person writes (DOMAIN.md §1 names).
DRAFT_FIELDS = ("document_type", "is_circular", "subject", "addressee", "references", "enclosures", "body",
                "signer_name", "signer_position", "owner_unit", "contact", "urgency", "secrecy")
#: Each text field of a draft: its kind in ``saraban.core.limits`` and its Thai name (the
#: form's label); the header fields a letter shares with an incoming one as registry has them.
TEXT_LIMITS = {
    **{name: FIELD_LIMITS[name] for name in ("subject", "addressee", "signer_name", "signer_position")},
    "owner_unit": ("party", "ส่วนราชการเจ้าของเรื่อง"),
    "contact": ("contact", "โทร./โทรสาร/อีเมล"),
    "body": ("body", "ข้อความ"),
}
LIST_LABELS = {"references": "อ้างถึง", "enclosures": "สิ่งที่ส่งมาด้วย"}


def check_lengths(values: dict[str, Any]) -> None:
    """Refuse a draft's texts over their limits (:data:`TEXT_LIMITS`, each อ้างถึง /
    สิ่งที่ส่งมาด้วย line as ``list_item``, at most ``limits.MAX_ITEMS`` lines): raises
    InvalidInput ``too_long`` / ``too_many_items`` naming the field in Thai. Fields not
    in ``values`` are not looked at."""
    for name, (kind, label) in TEXT_LIMITS.items():
        if values.get(name) is not None:
            limits.check_length(kind, values[name], field=name, label=label)
    for name, label in LIST_LABELS.items():
        if values.get(name) is not None:
            limits.check_items("list_item", values[name], field=name, label=label)


def _clean(raw: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("subject", "addressee", "signer_name", "signer_position", "owner_unit", "contact"):
        if name in raw and raw[name] is not None:
            out[name] = "\n".join(" ".join(line.split()) for line in str(raw[name]).strip().splitlines())
    if "body" in raw and raw["body"] is not None:
        out["body"] = str(raw["body"]).replace("\r\n", "\n").strip()
    for name in ("references", "enclosures"):
        if name in raw:
            items = raw[name] or []
            if isinstance(items, str):
                items = items.splitlines()
            limits.check_count(len(items), field=name, label=LIST_LABELS[name])
            out[name] = [" ".join(str(i).split()) for i in items if str(i).strip()]
    check_lengths(out)
    if "is_circular" in raw:
        out["is_circular"] = raw["is_circular"] in (True, "true", "1", "on", 1)
    if raw.get("document_type") is not None or not partial:
        kind = raw.get("document_type") or ""
        if kind not in OutgoingLetter.DRAFTABLE_TYPES:
            names = ", ".join(OutgoingLetter.DRAFTABLE_TYPES)
            raise InvalidInput(f"ประเภทหนังสือ '{kind}' ร่างจากแบบไม่ได้ (ใช้ได้: {names})",
                               code="invalid_document_type")
        out["document_type"] = kind
    for name, values, label in (("urgency", Urgency.values, "ชั้นความเร็ว"), ("secrecy", Secrecy.values, "ชั้นความลับ")):
        if raw.get(name):
            if raw[name] not in values:
                raise InvalidInput(f"{label} '{raw[name]}' ไม่ถูกต้อง", code=f"invalid_{name}")
            out[name] = raw[name]
    if not partial and not out.get("subject"):
        raise InvalidInput("กรุณากรอกเรื่อง", code="subject_required")
    if "subject" in out and not out["subject"]:
        raise InvalidInput("เรื่องต้องไม่ว่าง", code="subject_required")
    return out


def draft_outgoing(*, actor, fields: dict[str, Any]) -> OutgoingLetter:
    """Start an outgoing letter at the actor's registry desk from ``fields``
    (``document_type`` one of external, internal, stamped, directive, announcement;
    ``subject`` required; texts within their limits, :func:`check_lengths`). Raises
    InvalidInput (``too_long`` among others), NotAllowed (no registry desk)."""
    from saraban.routing.selectors import registry_desk_of

    cleaned = _clean(fields, partial=False)
    _refuse_class_above_clearance(actor, cleaned.get("secrecy"))
    desk = registry_desk_of(actor)
    with transaction.atomic():
        outgoing = OutgoingLetter.objects.create(desk_unit=desk, created_by=actor, **cleaned)
        record_event(actor=actor, action="outgoing.draft", target_type="outgoing", target_id=outgoing.pk,
                     document_type=outgoing.document_type, subject=outgoing.subject)
    return outgoing


def _refuse_class_above_clearance(actor, secrecy: str | None) -> None:
    """A person marks a letter only with a class their clearance covers (DOMAIN.md §2)."""
    from saraban.core.access import may_see_classified
    from saraban.routing.selectors import viewer_for

    if secrecy and secrecy != Secrecy.UNCLASSIFIED and not may_see_classified(viewer_for(actor), secrecy):
        raise NotAllowed("ท่านไม่มีสิทธิ์ในชั้นความลับนี้ จึงร่างหนังสือชั้นความลับนี้ไม่ได้", code="above_clearance")


def get_outgoing(actor, outgoing_id: int) -> OutgoingLetter:
    """Outgoing letter ``outgoing_id`` if the actor keeps the register it is numbered
    in (a classified letter's: the secret registrar), or it is the actor's own draft;
    NotFound otherwise."""
    outgoing = OutgoingLetter.objects.select_related("desk_unit__agency", "register").filter(pk=outgoing_id).first()
    if outgoing is None:
        raise NotFound("ไม่พบหนังสือส่งนี้")
    own_draft = outgoing.status == OutgoingLetter.Status.DRAFT and outgoing.created_by_id == actor.pk
    if not own_draft:
        try:
            keeps = books.keeps_register(actor, _register_of(outgoing))
        except InvalidInput:  # no secret register yet: nobody keeps it
            keeps = False
        if not keeps:
            raise NotFound("ไม่พบหนังสือส่งนี้")
    return outgoing


def update_draft(*, actor, outgoing_id: int, fields: dict[str, Any]) -> OutgoingLetter:
    """Change a draft's fields (texts within their limits, :func:`check_lengths`:
    InvalidInput ``too_long``); a sent letter is corrected in the book instead
    (Conflict ``already_sent``)."""
    cleaned = _clean(fields, partial=True)
    with transaction.atomic():
        outgoing = get_outgoing(actor, outgoing_id)
        outgoing = OutgoingLetter.objects.select_for_update().get(pk=outgoing.pk)
        if outgoing.status != OutgoingLetter.Status.DRAFT:
            raise Conflict("หนังสือนี้ส่งแล้ว แก้ไขได้โดยบันทึกรายการแก้ไขในทะเบียนหนังสือส่ง", code="already_sent")
        _refuse_class_above_clearance(actor, cleaned.get("secrecy"))
        for name, value in cleaned.items():
            setattr(outgoing, name, value)
        outgoing.save()
    return outgoing


def _register_of(outgoing: OutgoingLetter) -> Register:
    """The book an outgoing letter is numbered in (DOMAIN.md §3)."""
    from saraban.registry.services import desk_register

    if outgoing.register_id:
        return outgoing.register
    if outgoing.secrecy != Secrecy.UNCLASSIFIED:
        from saraban.routing.models import Unit

        keeper = (Register.objects.filter(is_secret=True, direction=Register.Direction.OUTGOING,
                                          desk_unit__agency_id=outgoing.desk_unit.agency_id).first())
        if keeper is None:
            registrar_desk = Unit.objects.filter(agency_id=outgoing.desk_unit.agency_id,
                                                 memberships__role="secret_registrar").first()
            if registrar_desk is None:
                raise InvalidInput("ยังไม่ได้ตั้งนายทะเบียนข้อมูลข่าวสารลับ ส่งหนังสือลับไม่ได้", code="no_secret_register")
            keeper = desk_register(desk=registrar_desk, direction=Register.Direction.OUTGOING, secret=True)
        return keeper
    series = (Register.Series.ORDER if outgoing.document_type == DocumentType.DIRECTIVE
              else Register.Series.CIRCULAR if outgoing.is_circular else Register.Series.GENERAL)
    return desk_register(desk=outgoing.desk_unit, direction=Register.Direction.OUTGOING, series=series)


def send_number_text(register: Register, number: int, year: int) -> str:
    """The letter's ที่ for send number ``number``: ``พม 0201/123``, ``พม 0201/ว 12``
    for a circular, ``12/2569`` for an order (DOMAIN.md §1, §3)."""
    if register.series == Register.Series.ORDER:
        return f"{number}/{year + 543}"
    code = register.number_prefix or register.desk_unit.agency.letter_code
    return f"{code}/{books.number_text(register, number, year)}"


def send_outgoing(*, actor, outgoing_id: int, reservation_id: int | None = None) -> OutgoingLetter:
    """Send a draft: take its send number, write the book row, lay it out and store it.

    The number is the next of the letter's book, or ``reservation_id`` — a number of
    that book reserved earlier and still valid. The letter's date is the day it is
    sent. Number and row are committed first; the PDF is rendered after (seconds) and
    stored; when rendering fails the letter stays sent and numbered, the error is
    logged, and :func:`render_outgoing` lays it out again. Raises NotFound, Conflict
    (already sent, a reservation used/cancelled/expired, book closed), NotAllowed
    (the actor does not keep the book), InvalidInput ``too_long`` (a draft saved
    before the limits existed: corrected first, nothing numbered).
    """
    with transaction.atomic():
        outgoing = get_outgoing(actor, outgoing_id)
        outgoing = OutgoingLetter.objects.select_for_update().select_related("desk_unit__agency").get(pk=outgoing.pk)
        if outgoing.status != OutgoingLetter.Status.DRAFT:
            raise Conflict(f"หนังสือนี้ส่งแล้ว (ที่ {outgoing.document_number})", code="already_sent")
        check_lengths({name: getattr(outgoing, name) for name in (*TEXT_LIMITS, *LIST_LABELS)})
        register = _register_of(outgoing)
        books.get_register(actor, register.code, keep=True)
        if reservation_id:
            entry = numbering.take_reservation(register=register, entry_id=reservation_id)
            year, number, at = entry.year, entry.number, timezone.now()
        else:
            issued = numbering.issue_number(register)
            entry, year, number, at = None, issued.year, issued.number, issued.at
        outgoing.register, outgoing.year, outgoing.send_number = register, year, number
        outgoing.document_number = send_number_text(register, number, year)
        outgoing.document_date = timezone.localdate(at)
        outgoing.status, outgoing.sent_at, outgoing.sent_by = OutgoingLetter.Status.SENT, at, actor
        outgoing.save()
        values = dict(document_number=outgoing.document_number, document_date=outgoing.document_date,
                      sender=outgoing.owner_unit or outgoing.desk_unit.name, addressee=outgoing.addressee,
                      subject=outgoing.subject)
        if entry is None:
            RegisterEntry.objects.create(register=register, year=year, number=number,
                                         state=RegisterEntry.State.ISSUED, entered_at=at, entered_by=actor,
                                         outgoing=outgoing, **values)
        else:
            for name, value in values.items():
                setattr(entry, name, value)
            entry.state, entry.outgoing = RegisterEntry.State.ISSUED, outgoing
            entry.save()
        record_event(actor=actor, action="outgoing.send", target_type="outgoing", target_id=outgoing.pk,
                     register=register.code, year=year, send_number=number, document_number=outgoing.document_number,
                     reservation=reservation_id)
    try:
        render_outgoing(outgoing=outgoing)
    except Exception:  # the number is the record; the layout can be made again
        log.exception("outgoing %s: laying out the PDF failed; render_outgoing() retries", outgoing.pk)
    return outgoing


def as_document(outgoing: OutgoingLetter, *, draft: bool | None = None):
    """The letter as ``saraban.documents.data.OutgoingDocument`` (for its PDF)."""
    from saraban.documents.data import OutgoingDocument

    agency = outgoing.desk_unit.agency
    return OutgoingDocument(
        document_type=outgoing.document_type, agency_name=agency.name,
        agency_address=f"{outgoing.desk_unit.name}\n{agency.name}", document_number=outgoing.document_number,
        document_date=outgoing.document_date, subject=outgoing.subject, addressee=outgoing.addressee,
        references=tuple(outgoing.references), enclosures=tuple(outgoing.enclosures), body=outgoing.body,
        signer_name=outgoing.signer_name, signer_position=outgoing.signer_position,
        owner_unit=outgoing.owner_unit or outgoing.desk_unit.name, contact=outgoing.contact,
        urgency=outgoing.urgency, secrecy=outgoing.secrecy,
        draft=outgoing.status == OutgoingLetter.Status.DRAFT if draft is None else draft,
        thai_digits=settings.SARABAN_THAI_DIGITS,
    )


def preview_pdf(outgoing: OutgoingLetter) -> bytes:
    """The letter laid out as its form; a draft carries the ร่าง watermark and dotted
    blanks for its number and date."""
    from saraban.documents.render import outgoing_letter_pdf

    return outgoing_letter_pdf(as_document(outgoing))


def render_outgoing(*, outgoing: OutgoingLetter) -> OutgoingLetter:
    """Lay out a sent letter to PDF and store it as its ``file`` (replacing an earlier
    layout). Raises Conflict for a draft."""
    if outgoing.status != OutgoingLetter.Status.SENT:
        raise Conflict("ร่างหนังสือยังไม่มีเลขที่ส่ง ใช้ตัวอย่างก่อนพิมพ์แทน", code="not_sent")
    content = preview_pdf(outgoing)
    name = f"{outgoing.document_number.replace('/', '-').replace(' ', '')}.pdf"
    with transaction.atomic():
        fresh = OutgoingLetter.objects.select_for_update().get(pk=outgoing.pk)
        old = fresh.file.name if fresh.file else ""
        fresh.file.save(name, ContentFile(content), save=True)
        if old and old != fresh.file.name:
            storage = fresh.file.storage
            transaction.on_commit(lambda: storage.delete(old))
    outgoing.file = fresh.file
    return outgoing
