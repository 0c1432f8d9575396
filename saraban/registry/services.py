"""Every write of the registry: intake, reading, confirmation and numbering.

One function per business action, keyword-only arguments, one transaction, one audit
event (ARCHITECTURE.md). The order of things follows DOMAIN.md §3: a letter is first a
draft (file stored and read, fields suggested), the clerk confirms or corrects the
fields, and only then is the receive number issued — in the same transaction as the
register entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from ocr.preflight import preflight
from ocr import thai
from ocr.errors import InputError
from ocr.reader import LetterReader
from saraban.core import limits
from saraban.core.audit import record_event
from saraban.core.batch_sql import execute_together, insert_statement, json_with, update_statement
from saraban.core.models import AuditEvent
from saraban.core.classes import DocumentType, Role, Secrecy, Urgency
from saraban.core.errors import Conflict, InvalidInput, NotAllowed
from saraban.registry import numbering
from saraban.registry.books import keeps_register
from saraban.registry.models import Letter, LetterFile, Register, RegisterEntry
from saraban.registry.selectors import find_duplicate
from saraban.registry.selectors import visible_letters as visible_to
from saraban.search.services import enqueue_index, outbox_statement

log = logging.getLogger(__name__)

#: The header fields a clerk confirms (DOMAIN.md §1 names).
TEXT_FIELDS = ("document_number", "subject", "addressee", "sender", "issuing_office",
               "signer_name", "signer_position", "remarks")
FIELD_NAMES = TEXT_FIELDS + ("document_type", "document_date", "references", "enclosures", "urgency", "secrecy",
                              "due_at")
#: Each header text field's kind in ``saraban.core.limits`` and its Thai name (the form's label).
FIELD_LIMITS = {
    "document_number": ("document_number", "ที่"),
    "subject": ("subject", "เรื่อง"),
    "addressee": ("party", "เรียน/ถึง"),
    "sender": ("party", "จาก"),
    "issuing_office": ("party", "ส่วนราชการ/ผู้ส่ง"),
    "signer_name": ("person", "ผู้ลงนาม"),
    "signer_position": ("position", "ตำแหน่งผู้ลงนาม"),
    "remarks": ("remarks", "หมายเหตุ"),
}

_CHUNK = 1024 * 1024


class DuplicateLetter(Conflict):
    """The letter was received before; ``extra['duplicate_of']`` is the earlier letter's id."""

    code = "duplicate"


# --------------------------------------------------------------------------- intake


def intake_file(*, actor, stream: IO[bytes], file_name: str, kind: str = Letter.Kind.LETTER,
                received_at: dt.datetime | None = None, enqueue: bool = True) -> Letter:
    """Store an uploaded file as a draft letter and queue its reading.

    ``stream`` is read once, in chunks; the file is kept byte for byte with its SHA-256.
    Cheap checks run before anything is stored: size (``SARABAN_MAX_UPLOAD_MB``), type by
    content, a PDF that opens, image dimensions (``ocr.preflight``). A file received
    before is not stored again.

    Raises NotAllowed (the actor keeps no registry), InvalidInput (empty, wrong type,
    broken, too large; ``code`` says which), DuplicateLetter (the same file was received
    before). Nothing is written when it raises. Returns the draft letter with
    ``reading_status`` ``queued``; its reading task is enqueued after commit when
    ``enqueue`` is true.
    """
    from saraban.routing.selectors import registry_desk_of, viewer_for

    desk = registry_desk_of(actor)
    file_name = os.path.basename(file_name or "file") or "file"
    with tempfile.TemporaryDirectory(prefix="saraban-intake-") as tmp:
        tmp_path = Path(tmp) / "upload"
        sha256, size = _spool(stream, tmp_path)
        try:
            info = preflight(tmp_path)
        except InputError as exc:
            raise InvalidInput(str(exc), code=exc.code) from exc
        earlier = find_duplicate(among=visible_to(viewer_for(actor)), sha256=sha256)
        if earlier is not None:
            raise DuplicateLetter(
                f"ไฟล์นี้เคยรับเข้าระบบแล้ว ({_letter_label(earlier)}) จึงไม่ลงทะเบียนซ้ำ",
                duplicate_of=earlier.pk,
            )
        with transaction.atomic():
            letter = Letter.objects.create(
                kind=kind,
                desk_unit=desk,
                created_by=actor,
                received_at=received_at or timezone.now(),
                reading_status=Letter.ReadingStatus.QUEUED,
                reading_pages=info.pages,
                document_type=DocumentType.COMPLAINT if kind == Letter.Kind.COMPLAINT else "",
            )
            with open(tmp_path, "rb") as fh:
                stored = LetterFile(
                    letter=letter, role=LetterFile.Role.ORIGINAL, original_name=file_name[:255],
                    mime=info.mime, size=size, sha256=sha256, pages=info.pages,
                )
                stored.file.save(file_name, File(fh), save=False)
                stored.save()
            record_event(actor=actor, action="letter.intake", target_type="letter", target_id=letter.pk,
                         file=file_name, sha256=sha256, size=size, pages=info.pages, mime=info.mime)
            if enqueue:
                transaction.on_commit(lambda: _enqueue_reading(letter.pk))
    return letter


def _spool(stream: IO[bytes], path: Path) -> tuple[str, int]:
    """Copy ``stream`` to ``path`` in chunks, hashing; stop at the size limit."""
    limit = settings.SARABAN_MAX_UPLOAD_BYTES
    digest, size = hashlib.sha256(), 0
    with open(path, "wb") as out:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise InvalidInput(
                    f"ไฟล์ใหญ่เกิน {limit // (1024 * 1024)} MB กรุณาสแกนใหม่ที่ความละเอียด 200–300 dpi หรือแยกเป็นหลายไฟล์",
                    code="file_too_large",
                )
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest(), size


def _enqueue_reading(letter_id: int) -> None:
    from saraban.registry.tasks import read_letter_task

    read_letter_task.enqueue(letter_id)


def letter_reader() -> LetterReader:
    """The reader of letters that ``settings.SARABAN_READER`` names, looked up at each call.

    The setting is a dotted path to a class or a function that makes a reader, or to a
    reader object (anything with :meth:`ocr.reader.LetterReader.read`); a test may set
    the reader object itself. The default, ``ocr.reader.TesseractReader``, is
    :func:`ocr.read`. Raises ``ImportError`` for a path that does not import.
    """
    chosen = settings.SARABAN_READER
    if isinstance(chosen, str):
        chosen = import_string(chosen)
    if isinstance(chosen, type) or not hasattr(chosen, "read"):
        chosen = chosen()
    return chosen


def _letter_label(letter: Letter) -> str:
    if letter.receive_number:
        return f"เลขทะเบียนรับ {letter.receive_number}/{letter.year + 543}"
    return f"ร่างหมายเลข {letter.pk}"


def read_letter(*, letter_id: int, progress: Callable[[int, int], None] | None = None) -> Letter:
    """Read a draft's original file with ``ocr`` and store the suggestions.

    Keeps the searchable PDF beside the original, the text, the suggested header
    fields with a confidence each, and — when the number, date and sender match a
    letter already registered — ``duplicate_of``. ``progress(done, total)`` is called
    per page. A reading failure is recorded on the letter (``reading_status`` failed,
    ``reading_error`` in Thai) and re-raised; the draft and its file stay.
    """
    letter = Letter.objects.get(pk=letter_id)
    original = letter.files.get(role=LetterFile.Role.ORIGINAL)
    Letter.objects.filter(pk=letter_id).update(reading_status=Letter.ReadingStatus.RUNNING, reading_progress=0)

    def on_page(done: int, total: int) -> None:
        Letter.objects.filter(pk=letter_id).update(
            reading_progress=int(100 * done / max(total, 1)), reading_pages=total
        )
        if progress:
            progress(done, total)

    try:
        reading = letter_reader().read(original.file.path, languages=settings.SARABAN_OCR_LANGUAGES,
                                       progress=on_page)
    except Exception as exc:  # recorded for the clerk, then re-raised for the task log
        message = str(exc) if isinstance(exc, InputError) else f"อ่านเอกสารไม่สำเร็จ: {exc}"
        Letter.objects.filter(pk=letter_id).update(reading_status=Letter.ReadingStatus.FAILED, reading_error=message)
        with transaction.atomic():
            record_event(actor=None, action="letter.read_failed", target_type="letter", target_id=letter_id,
                         error=message)
        raise
    try:
        letter = _store_reading(letter_id=letter_id, original=original, reading=reading)
    except Exception as exc:  # never leave a draft "running" for ever
        message = f"บันทึกผลการอ่านเอกสารไม่สำเร็จ: {exc}"
        Letter.objects.filter(pk=letter_id).update(reading_status=Letter.ReadingStatus.FAILED, reading_error=message)
        raise
    return letter


def _store_reading(*, letter_id: int, original: LetterFile, reading) -> Letter:
    """Keep what reading found, in one transaction (see :func:`read_letter`)."""
    from saraban.routing.selectors import viewer_for

    suggested = _suggestions_from(reading.fields)
    suggested["needs_review"] = [name for name in getattr(reading, "needs_review", []) if name in FIELD_NAMES]
    # the fields the reading may show as sure (calibrated; never numbers or dates): the draft page colours by these
    suggested["confident"] = [name for name, sure in (getattr(reading, "confident", None) or {}).items()
                              if sure and name in FIELD_NAMES]
    with transaction.atomic():
        letter = Letter.objects.select_for_update().select_related("created_by").get(pk=letter_id)
        if reading.searchable_pdf and not letter.files.filter(role=LetterFile.Role.SEARCHABLE).exists():
            data = reading.searchable_pdf
            searchable = LetterFile(
                letter=letter, role=LetterFile.Role.SEARCHABLE,
                original_name=Path(original.original_name).stem + "-searchable.pdf",
                mime="application/pdf", size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                pages=len(reading.pages),
            )
            searchable.file.save("searchable.pdf", ContentFile(data), save=False)
            searchable.save()
        letter.text = reading.text
        letter.suggested = _jsonable(suggested)
        letter.field_confidence = dict(reading.field_confidence)
        letter.reading_status = Letter.ReadingStatus.DONE
        letter.reading_progress = 100
        letter.reading_pages = len(reading.pages)
        letter.reading_error = ""
        if letter.status == Letter.Status.DRAFT:
            # Classification is a person's decision (DOMAIN.md §2): the suggested secrecy
            # is shown and confirmed, never applied to the draft by itself.
            for name, value in suggested.items():
                if name not in ("secrecy", "needs_review", "confident"):
                    setattr(letter, name, value)
            letter.document_number_canonical = thai.canonical_number(letter.document_number)
            letter.duplicate_of = find_duplicate(
                among=visible_to(viewer_for(letter.created_by)),
                number_canonical=letter.document_number_canonical, document_date=letter.document_date,
                sender=letter.issuing_office or letter.sender, exclude_id=letter.pk,
            )
        letter.save()
        record_event(actor=None, action="letter.read", target_type="letter", target_id=letter.pk,
                     pages=[{"source": p.source, "confidence": round(p.confidence, 3)} for p in reading.pages],
                     suggested=_jsonable(suggested))
        if letter.status == Letter.Status.REGISTERED:  # confirmed before the reading ended
            enqueue_index(letter.pk)
    return letter


def _suggestions_from(fields: dict[str, Any]) -> dict[str, Any]:
    """Map ``ocr`` fields onto the letter's fields (cleaned; unknown values dropped)."""
    out: dict[str, Any] = {}
    for name in ("document_number", "subject", "addressee", "issuing_office", "signer_name", "signer_position"):
        value = fields.get(name)
        if value:
            out[name] = _fit(name, str(value).strip())
    out["sender"] = out.get("issuing_office", "")
    if fields.get("document_type") in DocumentType.values:
        out["document_type"] = fields["document_type"]
    if fields.get("document_date"):
        try:
            out["document_date"] = dt.date.fromisoformat(fields["document_date"])
        except (TypeError, ValueError):
            pass
    out["references"] = list(fields.get("references") or [])[:limits.MAX_ITEMS]
    out["enclosures"] = list(fields.get("enclosures") or [])[:limits.MAX_ITEMS]
    out["urgency"] = fields.get("urgency") if fields.get("urgency") in Urgency.values else Urgency.NORMAL
    if fields.get("due_at"):
        try:
            out["due_at"] = _clean_due(fields["due_at"])
        except InvalidInput:
            pass
    out["secrecy"] = fields.get("secrecy") if fields.get("secrecy") in Secrecy.values else Secrecy.UNCLASSIFIED
    return out


def _fit(name: str, value: str) -> str:
    """``value`` cut to the field's limit (``saraban.core.limits``): a reading is a
    suggestion the clerk confirms, and OCR can run a line on."""
    return value[:limits.limit_of(FIELD_LIMITS[name][0])]


def _jsonable(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in fields.items()}


# --------------------------------------------------------------------------- confirmation


def clean_fields(raw: dict[str, Any]) -> dict[str, Any]:
    """Validate the header fields a clerk confirms and return them cleaned.

    Accepts DOMAIN.md §1 names; ``document_date`` as ISO (``2019-10-31``) or Thai
    (``๓๑ ต.ค. ๖๒``); urgency and secrecy as their English values. Unknown keys are
    ignored. Text fields are made one line with single spaces and must fit their limit
    (:data:`FIELD_LIMITS`, ``saraban.core.limits``): a subject up to 1,000 characters,
    ที่ up to 100, each อ้างถึง / สิ่งที่ส่งมาด้วย line up to 500 and at most 100 lines.
    Raises InvalidInput naming the field and what is wrong, in Thai (``too_long``,
    ``too_many_items``, ``invalid_date`` …).
    """
    out: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        if name in raw and raw[name] is not None:
            kind, label = FIELD_LIMITS[name]
            # Checked before the (slower) Thai normalisation, which never lengthens a text.
            text = limits.check_length(kind, " ".join(str(raw[name]).split()), field=name, label=label)
            out[name] = " ".join(thai.normalize(text).split())
    if "document_type" in raw and raw["document_type"]:
        if raw["document_type"] not in DocumentType.values:
            raise InvalidInput(f"ประเภทหนังสือ '{raw['document_type']}' ไม่ถูกต้อง", code="invalid_document_type")
        out["document_type"] = raw["document_type"]
    if "document_date" in raw:
        out["document_date"] = _clean_date(raw["document_date"])
    if "due_at" in raw:
        out["due_at"] = _clean_due(raw["due_at"])
    for name, values, label in (("urgency", Urgency.values, "ชั้นความเร็ว"), ("secrecy", Secrecy.values, "ชั้นความลับ")):
        if name in raw and raw[name]:
            if raw[name] not in values:
                raise InvalidInput(f"{label} '{raw[name]}' ไม่ถูกต้อง (ใช้ได้: {', '.join(values)})", code=f"invalid_{name}")
            out[name] = raw[name]
    if "references" in raw:
        out["references"] = _clean_references(raw["references"])
    if "enclosures" in raw:
        items = raw["enclosures"] or []
        if isinstance(items, str):
            items = [line for line in items.splitlines()]
        out["enclosures"] = limits.check_items("list_item", [" ".join(str(i).split()) for i in items if str(i).strip()],
                                               field="enclosures", label="สิ่งที่ส่งมาด้วย")
    return out


def _clean_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        parsed = dt.date.fromisoformat(text)
    except ValueError:
        parsed = thai.parse_thai_date(text)
    if parsed is None:
        raise InvalidInput(f"วันที่ '{text}' ไม่ถูกต้อง ใช้รูปแบบ ๓๑ ตุลาคม ๒๕๖๒ หรือ 2019-10-31", code="invalid_date")
    if parsed.year < 1900 or parsed > timezone.localdate() + dt.timedelta(days=366):
        raise InvalidInput(
            f"วันที่ของหนังสือ {thai.format_thai_date(parsed)} ไม่น่าเป็นไปได้ กรุณาตรวจสอบปี พ.ศ.", code="invalid_date"
        )
    return parsed


def _clean_due(value: Any) -> dt.datetime | None:
    """"ด่วนภายใน" (DOMAIN.md §2): an aware time, or a date meaning the end of that
    working day (``SARABAN_WORKDAY_END``). Raises InvalidInput on an unreadable value."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    text = str(value).strip()
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is not None and ("T" in text or " " in text):
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
    day = value if isinstance(value, dt.date) else (moment.date() if moment else thai.parse_thai_date(text))
    if day is None:
        raise InvalidInput(f"วันที่ด่วนภายใน '{text}' ไม่ถูกต้อง ใช้รูปแบบ ๓๑ ตุลาคม ๒๕๖๙ หรือ 2026-10-31",
                           code="invalid_due")
    end = dt.time.fromisoformat(settings.SARABAN_WORKDAY_END)
    return timezone.make_aware(dt.datetime.combine(day, end))


def _clean_references(value: Any) -> list[dict[str, Any]]:
    items = value or []
    if isinstance(items, str):
        items = [line for line in items.splitlines() if line.strip()]
    limits.check_count(len(items), field="references", label="อ้างถึง")
    out = []
    for n, item in enumerate(items, start=1):
        if isinstance(item, str):
            limits.check_length("list_item", " ".join(item.split()), field="references",
                                label=f"อ้างถึง รายการที่ {limits.number_text(n)}")
            dated = re.match(r"^(.*?)\s*(?:ลงวันที่|ลว\.)\s*(.+)$", item)
            item = {"number": dated.group(1), "date": dated.group(2)} if dated else {"number": item, "date": None}
        if not isinstance(item, dict):
            raise InvalidInput("อ้างถึงต้องเป็นรายการเลขที่หนังสือและวันที่", code="invalid_references")
        number = " ".join(str(item.get("number") or "").split())
        limits.check_length("list_item", number, field="references", label=f"อ้างถึง รายการที่ {limits.number_text(n)}")
        date = _clean_date(item.get("date")) if item.get("date") else None
        if number or date:
            out.append({"number": number, "date": date.isoformat() if date else None})
    return out


def confirm_letter(*, actor, letter_id: int, fields: dict[str, Any] | None = None,
                   register_code: str | None = None) -> Letter:
    """The clerk confirms (and may correct) a draft's fields; the receive number is issued.

    ``fields`` override the suggestions (DOMAIN.md §1 names). In one transaction: the
    fields are validated, a duplicate by number + date + sender is refused, the
    register is chosen (``register_code``, or by default the desk's own; the secret
    register for any secrecy class, DOMAIN.md §2), the
    next receive number of that register for the calendar year is issued, and the
    audit event records who confirmed what (suggested vs confirmed values).

    Raises NotFound (no such draft visible to the actor), Conflict (already
    registered), DuplicateLetter, InvalidInput (no subject, a wrong date…), NotAllowed
    (the actor keeps no registry). Nothing changes when it raises.
    """
    from saraban.registry.selectors import get_letter
    from saraban.routing.selectors import viewer_for

    cleaned = clean_fields(fields or {})
    with transaction.atomic():
        get_letter(viewer_for(actor), letter_id)  # NotFound when hidden
        letter = Letter.objects.select_for_update().get(pk=letter_id)
        if not keeps_registry(actor, letter.desk_unit_id):
            raise NotAllowed("เฉพาะเจ้าหน้าที่สารบรรณของโต๊ะรับนี้ยืนยันลงทะเบียนได้", code="not_a_clerk")
        if letter.status != Letter.Status.DRAFT:
            raise Conflict(f"หนังสือนี้ลงทะเบียนแล้ว ({_letter_label(letter)})", code="already_registered")
        if letter.reading_status in (Letter.ReadingStatus.QUEUED, Letter.ReadingStatus.RUNNING) and not fields:
            raise Conflict("ระบบยังอ่านเอกสารไม่เสร็จ กรุณารอสักครู่แล้วยืนยันอีกครั้ง", code="reading_in_progress")
        before = {name: getattr(letter, name) for name in FIELD_NAMES}
        if "secrecy" not in cleaned and letter.suggested.get("secrecy") in Secrecy.values:
            cleaned["secrecy"] = letter.suggested["secrecy"]  # confirming the suggestion as it stands
        for name, value in cleaned.items():
            setattr(letter, name, value)
        _register(actor=actor, letter=letter, action="letter.confirm", before=before, register_code=register_code)
    _stamp_after_registration(letter)
    return letter


def register_without_file(*, actor, fields: dict[str, Any], kind: str = Letter.Kind.LETTER,
                          received_at: dt.datetime | None = None, register_code: str | None = None) -> Letter:
    """Register a letter that has no file (a paper original, a sealed classified envelope).

    Same rules and errors as :func:`confirm_letter`; the letter is created and numbered
    in one transaction. A file can be attached later.
    """
    from saraban.routing.selectors import registry_desk_of

    cleaned = clean_fields(fields)
    desk = registry_desk_of(actor)
    with transaction.atomic():
        letter = Letter(kind=kind, desk_unit=desk, created_by=actor, received_at=received_at or timezone.now())
        for name, value in cleaned.items():
            setattr(letter, name, value)
        _register(actor=actor, letter=letter, action="letter.register_without_file", before={},
                  register_code=register_code)
    return letter


def _register(*, actor, letter: Letter, action: str, before: dict[str, Any], register_code: str | None) -> None:
    """Number ``letter`` in its register and write its book row; call inside the
    caller's transaction.

    Everything that does not need the number comes first, the duplicate check included
    (registrations of the same letter queue on their own lock, :func:`_same_letter_lock`);
    the register's counter is locked last (:func:`numbering.advance_statements`), and
    the number, the letter's row, its book row, the audit event and the outbox entry
    follow in the same round trip — registrations of one register queue only for that
    round trip and the commit. Raises Conflict ``book_closed`` when the year's book is
    closed.
    """
    if not letter.subject.strip():
        raise InvalidInput("กรุณากรอกเรื่อง (subject) ก่อนยืนยันลงทะเบียน", code="subject_required")
    for name, (kind, label) in FIELD_LIMITS.items():  # also what a draft held before limits existed
        limits.check_length(kind, getattr(letter, name), field=name, label=label)
    letter.document_number_canonical = thai.canonical_number(letter.document_number)
    register = register_for(actor=actor, desk=letter.desk_unit, secrecy=letter.secrecy, code=register_code)
    letter.desk_unit = register.desk_unit
    letter.duplicate_of = None
    _same_letter_lock(letter)
    _refuse_duplicate(actor=actor, letter=letter)
    letter.save()
    audit = {"register": register.code, "suggested": _jsonable(letter.suggested or {}),
             "before": _jsonable(before),
             "confirmed": _jsonable({name: getattr(letter, name) for name in FIELD_NAMES})}
    # From here to the commit the register's counter is locked: the number, the letter's
    # row, its book row, the audit event and the search outbox entry are written in one
    # round trip, the later statements reading the number from the counter row.
    year, statements = numbering.advance_statements(register, timezone.now())
    number = numbering.issued_value(register, year, "last_number")
    at = numbering.issued_value(register, year, "last_issued_at")
    try:
        row = execute_together(statements + [
            update_statement(Letter, letter.pk, dict(register=register, year=year, receive_number=number,
                                                     registered_at=at, registered_by=actor,
                                                     status=Letter.Status.REGISTERED)),
            insert_statement(RegisterEntry(register=register, year=year, number=number,
                                           state=RegisterEntry.State.ISSUED, entered_at=at, entered_by=actor,
                                           letter=letter, **_book_values(letter))),
            insert_statement(AuditEvent(actor_id=actor.pk, action=action, target_type="letter",
                                        target_id=str(letter.pk),
                                        data=json_with({**audit, "year": year}, receive_number=number))),
            outbox_statement(letter.pk),  # the search index follows once this commits, or never
        ])
    except IntegrityError as exc:
        if "number" in str(exc):  # the year's book was closed meanwhile: no number to write
            raise numbering.book_closed(register, year) from exc
        raise
    issued = numbering.issued_from(register, year, row)
    letter.register, letter.year, letter.receive_number = register, year, issued.number
    letter.registered_at, letter.registered_by, letter.status = issued.at, actor, Letter.Status.REGISTERED


def _same_letter_lock(letter: Letter) -> None:
    """Make registrations of the same letter (canonical number and date) queue, so that
    the second one's duplicate check sees the first once it commits.

    PostgreSQL: a transaction-scoped advisory lock on a 64-bit hash of the key; letters
    with other numbers never wait for it. SQLite runs one writing transaction at a time
    (IMMEDIATE), which already serialises them. Letters without a number or date have
    no duplicate key (DOMAIN.md §1) and take no lock.
    """
    if connection.vendor != "postgresql" or not letter.document_number_canonical or not letter.document_date:
        return
    key = f"{letter.document_number_canonical}|{letter.document_date.isoformat()}".encode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)",
                       [int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big", signed=True)])


def _book_values(letter: Letter) -> dict[str, Any]:
    """The columns of form 13 a letter fills: ที่, ลงวันที่, จาก, ถึง, เรื่อง, หมายเหตุ."""
    return dict(document_number=letter.document_number, document_date=letter.document_date,
                sender=letter.issuing_office or letter.sender, addressee=letter.addressee,
                subject=letter.subject, remarks=letter.remarks)


def _stamp_after_registration(letter: Letter) -> None:
    """Stamp right after the registration committed; a failure is recorded, never
    undoes the registration (the clerk can stamp again: :func:`stamp_letter`)."""
    try:
        stamp_letter(letter_id=letter.pk)
    except Exception as exc:  # the number is the record; the stamp can be put again
        log.warning("letter %s: receive stamp failed: %s", letter.pk, exc)
        with transaction.atomic():
            record_event(actor=None, action="letter.stamp_failed", target_type="letter", target_id=letter.pk,
                         error=str(exc)[:500])


def stamp_letter(*, letter_id: int, actor=None) -> LetterFile | None:
    """Put the receive stamp (form 12) on a registered letter's PDF; returns the
    ``stamped`` file, or None when the letter has no PDF to stamp (registered without
    a file, or an image not read yet).

    The stamped file is the source's bytes unchanged followed by the stamp as an
    incremental update (``registry.stamp``): a PDF original is stamped as received —
    its signatures stay valid for the revision they cover — an image original through
    its searchable PDF. Stamping again replaces the earlier stamped file. Raises
    Conflict for a draft, InvalidInput when the PDF cannot be stamped (encrypted,
    broken). ``actor``: who asked (None right after registration: the service).
    """
    from saraban.registry.stamp import stamp_receive

    letter = Letter.objects.select_related("register").prefetch_related("files").get(pk=letter_id)
    if letter.status != Letter.Status.REGISTERED:
        raise Conflict("ประทับตรารับได้เมื่อลงทะเบียนแล้ว", code="not_registered")
    source = letter.original if letter.original and letter.original.mime == "application/pdf" else letter.searchable
    if source is None:
        return None
    with source.file.open("rb") as fh:
        content = stamp_receive(fh.read(), agency_name=settings.SARABAN_AGENCY_NAME,
                                receive_number=f"{letter.receive_number}/{letter.year + 543}",
                                stamped_at=letter.registered_at, thai_digits=settings.SARABAN_THAI_DIGITS)
    stem = os.path.splitext(source.original_name)[0] or "letter"
    with transaction.atomic():
        earlier = list(letter.files.filter(role=LetterFile.Role.STAMPED))
        stamped = LetterFile(letter=letter, role=LetterFile.Role.STAMPED, original_name=f"{stem}-ตรารับ.pdf"[:255],
                             mime="application/pdf", size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                             pages=source.pages)
        stamped.file.save("stamped.pdf", ContentFile(content), save=False)
        stamped.save()
        for old in earlier:
            name, storage = old.file.name, old.file.storage
            old.delete()
            if name != stamped.file.name:
                transaction.on_commit(lambda n=name, st=storage: st.delete(n))
        record_event(actor=actor, action="letter.stamp", target_type="letter", target_id=letter.pk,
                     source=source.role, sha256=stamped.sha256, size=stamped.size)
    return stamped


def receive_slip(letter: Letter):
    """The receive slip (ใบรับหนังสือ) of a registered letter as
    ``saraban.documents.data.ReceiveSlip`` — for a paper original or a sealed envelope
    registered without a file (DOMAIN.md §3). A classified letter's slip carries its
    class and never its subject. Raises Conflict for a draft."""
    from saraban.documents.data import ReceiveSlip

    if letter.status != Letter.Status.REGISTERED:
        raise Conflict("ออกใบรับได้เมื่อลงทะเบียนแล้ว", code="not_registered")
    clerk = letter.registered_by
    return ReceiveSlip(
        agency_name=settings.SARABAN_AGENCY_NAME, register_name=letter.register.name,
        receive_number=f"{letter.receive_number}/{letter.year + 543}", received_at=letter.received_at,
        registered_at=letter.registered_at, document_number=letter.document_number,
        document_date=letter.document_date, sender=letter.issuing_office or letter.sender,
        addressee=letter.addressee, subject="" if letter.is_classified else letter.subject,
        secrecy_label=letter.get_secrecy_display() if letter.is_classified else "",
        clerk_name=(clerk.get_full_name() or clerk.username) if clerk else "",
        thai_digits=settings.SARABAN_THAI_DIGITS,
    )


def register_for(*, actor, desk, secrecy: str, code: str | None = None) -> Register:
    """The incoming register a letter of ``secrecy`` received at ``desk`` goes into.

    ``code`` names a register explicitly; the actor must keep it (clerk or secret
    registrar of its desk) and it must fit the class (a classified letter only in the
    secret register, an unclassified one never there). Otherwise: unclassified → the
    desk's own incoming register (created on first use); classified → the agency's
    secret register kept by the secret-document registrar (DOMAIN.md §2). Raises
    InvalidInput for an unknown or unfitting register, or when no secret register exists.
    """
    if code:
        register = Register.objects.filter(code=code, direction=Register.Direction.INCOMING,
                                           desk_unit__agency_id=desk.agency_id).first()
        if register is None:
            raise InvalidInput(f"ไม่พบทะเบียนรหัส {code}", code="unknown_register")
        if register.is_secret != (secrecy != Secrecy.UNCLASSIFIED):
            raise InvalidInput("หนังสือลับต้องลงทะเบียนหนังสือลับเท่านั้น และทะเบียนหนังสือลับรับเฉพาะหนังสือลับ",
                               code="register_class_mismatch")
        if not register.is_secret and not keeps_register(actor, register):
            raise InvalidInput(f"ท่านไม่ได้เป็นเจ้าหน้าที่ของทะเบียน {register.name}", code="not_register_keeper")
        return register
    if secrecy != Secrecy.UNCLASSIFIED:
        register = Register.objects.filter(is_secret=True, direction=Register.Direction.INCOMING,
                                           desk_unit__agency_id=desk.agency_id).first()
        if register is None:
            raise InvalidInput("ยังไม่ได้ตั้งทะเบียนหนังสือลับ กรุณาให้ผู้ดูแลระบบกำหนดนายทะเบียนข้อมูลข่าวสารลับ",
                               code="no_secret_register")
        return register
    return desk_register(desk=desk, direction=Register.Direction.INCOMING)


def desk_register(*, desk, direction: str, series: str = Register.Series.GENERAL, secret: bool = False) -> Register:
    """The register of ``desk`` for ``direction`` and ``series`` (created on first use).

    Codes: ``<desk>-IN``, ``<desk>-OUT``, ``<desk>-OUT-W`` (circulars), ``<desk>-ORDER``;
    the secret registers ``<agency>-SECRET-IN`` / ``-SECRET-OUT`` (one per agency, kept
    at ``desk``, the secret registrar's unit). New registers restart their numbers in
    ``SARABAN_REGISTER_YEAR_START_MONTH``; an outgoing one prints the agency's letter
    code before its numbers until an administrator sets the unit's digits.
    """
    incoming = direction == Register.Direction.INCOMING
    if secret:
        code = f"{desk.agency.code}-SECRET-{'IN' if incoming else 'OUT'}"
        name = f"{'ทะเบียนหนังสือรับ' if incoming else 'ทะเบียนหนังสือส่ง'} (ลับ) {desk.agency.short_name or desk.agency.name}"
    else:
        suffix = {Register.Series.GENERAL: "IN" if incoming else "OUT", Register.Series.CIRCULAR: "OUT-W",
                  Register.Series.ORDER: "ORDER"}[series]
        code = f"{desk.code}-{suffix}"
        title = {Register.Series.GENERAL: "ทะเบียนหนังสือรับ" if incoming else "ทะเบียนหนังสือส่ง",
                 Register.Series.CIRCULAR: "ทะเบียนหนังสือเวียน", Register.Series.ORDER: "ทะเบียนคำสั่ง"}[series]
        name = f"{title} {desk.name}"
    register = Register.objects.select_related("desk_unit").filter(code=code).first()
    if register is None:
        register, _ = Register.objects.get_or_create(code=code, defaults={
            "name": name, "desk_unit": desk, "direction": direction, "series": series, "is_secret": secret,
            "year_start_month": settings.SARABAN_REGISTER_YEAR_START_MONTH,
            "number_prefix": desk.agency.letter_code,
        })
    return register


def _refuse_duplicate(*, actor, letter: Letter) -> None:
    """Raise DuplicateLetter when ``letter`` was registered before (DOMAIN.md §5).

    Looks among the letters the actor may see — the earlier one is then named — and,
    for a classified letter, also in the secret register, where the earlier entry is
    not named: the person holds the letter, but not the right to see that register.
    """
    from saraban.routing.selectors import viewer_for

    if not (letter.document_number_canonical and letter.document_date):
        return  # no duplicate key (DOMAIN.md §1: number and date)
    if not (Letter.objects.filter(status=Letter.Status.REGISTERED, document_date=letter.document_date,
                                  document_number_canonical=letter.document_number_canonical)
            .exclude(pk=letter.pk).exists()):
        return  # the common case, asked without the access rule's costly plan
    key = dict(number_canonical=letter.document_number_canonical, document_date=letter.document_date,
               sender=letter.issuing_office or letter.sender, exclude_id=letter.pk)
    earlier = find_duplicate(among=visible_to(viewer_for(actor)), **key)
    if earlier is not None:
        raise DuplicateLetter(
            f"หนังสือที่ {letter.document_number} ลงวันที่ {thai.format_thai_date(letter.document_date)} "
            f"ลงทะเบียนไว้แล้ว ({_letter_label(earlier)})",
            duplicate_of=earlier.pk,
        )
    if letter.is_classified and find_duplicate(among=Letter.objects.filter(register__is_secret=True), **key):
        raise DuplicateLetter("หนังสือลับฉบับนี้ลงทะเบียนในทะเบียนหนังสือลับแล้ว กรุณาติดต่อนายทะเบียนข้อมูลข่าวสารลับ")


def ensure_secret_register(*, desk) -> Register:
    """Create (once) the agency's secret incoming and outgoing registers, kept at
    ``desk`` (the secret registrar's unit); returns the incoming one
    (``<agency code>-SECRET-IN``)."""
    desk_register(desk=desk, direction=Register.Direction.OUTGOING, secret=True)
    return desk_register(desk=desk, direction=Register.Direction.INCOMING, secret=True)


def discard_draft(*, actor, letter_id: int, reason: str) -> None:
    """Remove a draft that will not be registered (a duplicate, an unreadable scan),
    with its files. Registered letters are never discarded: raises Conflict; a
    ``reason`` over its limit (``saraban.core.limits`` ``reason``): InvalidInput
    ``too_long``. The audit event keeps the file's checksum and the reason."""
    limits.check_length("reason", reason, field="reason", label="เหตุที่ลบร่าง")
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter_id)
        if letter.status != Letter.Status.DRAFT:
            raise Conflict("ลบได้เฉพาะร่างที่ยังไม่ลงทะเบียน", code="not_a_draft")
        files = list(letter.files.all())
        record_event(actor=actor, action="letter.discard_draft", target_type="letter", target_id=letter.pk,
                     reason=reason, files=[{"name": f.original_name, "sha256": f.sha256} for f in files])
        names = [f.file.name for f in files]
        storage = files[0].file.storage if files else None
        letter.delete()
        if storage is not None:
            transaction.on_commit(lambda: [storage.delete(n) for n in names])


def keeps_registry(user, desk_unit_id: int) -> bool:
    """Whether ``user`` is a registry clerk or the secret registrar of that desk."""
    from saraban.routing.models import Membership

    return Membership.objects.filter(user=user, unit_id=desk_unit_id,
                                     role__in=[Role.REGISTRY_CLERK, Role.SECRET_REGISTRAR]).exists()


def may_register(user) -> bool:
    """Whether ``user`` keeps a registry (clerk or secret registrar)."""
    from saraban.routing.selectors import roles_of

    return bool(roles_of(user) & {Role.REGISTRY_CLERK, Role.SECRET_REGISTRAR})
