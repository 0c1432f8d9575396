"""Thai web pages of the registry: upload, confirm beside the scan, letter detail, the
books (forms 13 and 14) with reservations, corrections and closing, outgoing letters,
and the yearly destruction lists (form 25)."""

from __future__ import annotations

import io
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from saraban.core.audit import record_classified_access
from saraban.core.classes import DocumentType, Role, Secrecy, Urgency
from saraban.core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotAllowed,
    NotFound,
)
from saraban.core.models import AuditEvent
from saraban.documents import render as render_documents
from saraban.registry import books, numbering, retention, selectors, services
from saraban.registry import outgoing as outgoing_services
from saraban.registry.models import (
    DestructionItem,
    DestructionList,
    Letter,
    LetterFile,
    OutgoingLetter,
    RegisterEntry,
)
from saraban.routing.selectors import registry_desk_of, roles_of, viewer_for
from saraban.routing.views import letter_routing_context
from saraban.signing.views import letter_signing_context

#: (field, Thai label, kind) in the order they appear on a letter (DOMAIN.md §1).
FORM_FIELDS = [
    ("urgency", "ชั้นความเร็ว", "urgency"),
    ("due_at", "ด่วนภายใน (วันที่ ถ้ามี)", "date"),
    ("secrecy", "ชั้นความลับ", "secrecy"),
    ("document_type", "ประเภทหนังสือ", "document_type"),
    ("document_number", "ที่ (เลขที่หนังสือ)", "text"),
    ("issuing_office", "ส่วนราชการ / ผู้ส่ง", "text"),
    ("document_date", "ลงวันที่", "date"),
    ("subject", "เรื่อง", "textarea"),
    ("addressee", "เรียน / ถึง", "text"),
    ("references", "อ้างถึง (บรรทัดละฉบับ)", "lines"),
    ("enclosures", "สิ่งที่ส่งมาด้วย (บรรทัดละรายการ)", "lines"),
    ("signer_name", "ผู้ลงนาม", "text"),
    ("signer_position", "ตำแหน่งผู้ลงนาม", "textarea"),
    ("remarks", "หมายเหตุ", "text"),
]
NO_WORKER_HINT = ("ยังไม่มีตัวประมวลผลงานเบื้องหลังทำงานอยู่ เอกสารจะถูกอ่านเมื่อเริ่มตัวประมวลผล "
                  "(make run หรือ python manage.py worker)")
CHOICES = {"urgency": Urgency.choices, "secrecy": Secrecy.choices, "document_type": DocumentType.choices}


def _page_error(request, exc: DomainError, *, status: int | None = None):
    return render(request, "error.html", {"message": exc.message, "code": exc.code}, status=status or exc.status)


@login_required
def intake(request):
    """Upload a scan (or go to registering without a file)."""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "กรุณาเลือกไฟล์หนังสือ (PDF, PNG, JPEG หรือ TIFF)")
            return redirect("registry:intake")
        kind = request.POST.get("kind") if request.POST.get("kind") in Letter.Kind.values else Letter.Kind.LETTER
        try:
            letter = services.intake_file(actor=request.user, stream=upload, file_name=upload.name, kind=kind)
        except services.DuplicateLetter as exc:
            messages.warning(request, exc.message)
            return redirect("registry:letter", letter_id=exc.extra["duplicate_of"])
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("registry:intake")
        messages.success(request, f"รับไฟล์ {upload.name} แล้ว ระบบกำลังอ่านเอกสาร")
        return redirect("registry:letter", letter_id=letter.pk)
    drafts = selectors.visible_letters(viewer_for(request.user)).filter(status=Letter.Status.DRAFT)[:50]
    return render(request, "registry/intake.html", {"drafts": drafts, "may_register": services.may_register(request.user)})


@login_required
def register_without_file(request):
    """A form for a paper original or a sealed classified envelope."""
    if request.method == "POST":
        try:
            letter = services.register_without_file(actor=request.user, fields=_form_fields(request.POST))
        except DomainError as exc:
            messages.error(request, exc.message)
            return render(request, "registry/no_file.html", {"fields": _rows(None, request.POST), "choices": CHOICES})
        messages.success(request, f"ลงทะเบียนรับเลขที่ {letter.receive_number}/{letter.year + 543} แล้ว")
        return redirect("registry:letter", letter_id=letter.pk)
    return render(request, "registry/no_file.html", {"fields": _rows(None, {}), "choices": CHOICES})


def _form_fields(post) -> dict:
    fields = {name: post.get(name, "") for name, _, _ in FORM_FIELDS if name in post}
    for name in ("references", "enclosures"):
        if name in fields:
            fields[name] = [line.strip() for line in fields[name].splitlines() if line.strip()]
    return fields


def _rows(letter: Letter | None, values) -> list[dict]:
    """The form's fields: posted ``values`` first, else the letter's (a draft's suggested
    secrecy, which is not applied until confirmed), each with its reading confidence and,
    on a draft, whether the reading was ``confident`` of it (calibrated: ocr.calibration;
    numbers and dates never are until a person confirms them) and whether a person must
    check it."""
    rows = []
    confidence = {}
    review = confident = set()
    if letter is not None and letter.status == Letter.Status.DRAFT:
        confidence = letter.field_confidence or {}
        review = set((letter.suggested or {}).get("needs_review") or [])
        confident = set((letter.suggested or {}).get("confident") or []) - review
    for name, label, kind in FORM_FIELDS:
        if name in values:
            value = values.get(name)
        elif letter is not None:
            value = getattr(letter, name)
            if name == "secrecy" and letter.status == Letter.Status.DRAFT:
                value = letter.suggested.get("secrecy") or value  # suggested, for the clerk to decide
            if name == "references":
                value = "\n".join(r.get("number", "") + (f" ลงวันที่ {r['date']}" if r.get("date") else "") for r in value)
            elif name == "enclosures":
                value = "\n".join(value)
            elif name == "document_date" and value:
                value = value.isoformat()
            elif name == "due_at" and value:
                value = timezone.localdate(value).isoformat()
        else:
            value = ""
        rows.append({"name": name, "label": label, "kind": kind, "value": value or "",
                     "confidence": confidence.get(name), "confident": name in confident,
                     "choices": CHOICES.get(name), "review": name in review})
    return rows


@login_required
def letter_detail(request, letter_id: int):
    """A letter: the draft form beside the scan, or the registered entry with its history."""
    viewer = viewer_for(request.user)
    try:
        letter = selectors.get_letter(viewer, letter_id)
    except NotFound as exc:
        return _page_error(request, exc)
    record_classified_access(actor=request.user, letter=letter, via="page")
    history = AuditEvent.objects.filter(target_type="letter", target_id=str(letter.pk)).select_related("actor")
    registered = letter.status == Letter.Status.REGISTERED and letter.register_id is not None
    due = retention.due_year(letter) if registered else None
    context = {
        "letter": letter, "fields": _rows(letter, {}), "history": history,
        **letter_routing_context(request.user, letter),
        **letter_signing_context(request.user, letter),
        "may_register": services.may_register(request.user),
        "pages": range(1, (letter.original.pages if letter.original else 0) + 1),
        "stamped": any(f.role == LetterFile.Role.STAMPED for f in letter.files.all()),
        "keeps": registered and books.keeps_register(request.user, letter.register),
        "retention_years": retention.retention_years(letter) if registered else None,
        "due_year_be": due + 543 if due else None,
    }
    return render(request, "registry/letter.html", context)


@login_required
@require_POST
def confirm(request, letter_id: int):
    """The clerk confirms the fields shown (as corrected) and the number is issued."""
    try:
        letter = services.confirm_letter(actor=request.user, letter_id=letter_id, fields=_form_fields(request.POST))
    except services.DuplicateLetter as exc:
        messages.error(request, exc.message)
        return redirect("registry:letter", letter_id=letter_id)
    except NotFound as exc:
        return _page_error(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("registry:letter", letter_id=letter_id)
    if not selectors.visible_letters(viewer_for(request.user)).filter(pk=letter.pk).exists():
        messages.success(request, "ลงทะเบียนในทะเบียนหนังสือลับแล้ว ส่งต่อให้นายทะเบียนข้อมูลข่าวสารลับ")
        return redirect("registry:intake")
    messages.success(request, f"ลงทะเบียนรับเลขที่ {letter.receive_number}/{letter.year + 543} แล้ว")
    return redirect("registry:letter", letter_id=letter.pk)


@login_required
def reading_status(request, letter_id: int):
    """JSON progress of the background reading, polled by the draft page."""
    try:
        letter = selectors.get_letter(viewer_for(request.user), letter_id)
    except NotFound:
        return JsonResponse({"error": "not_found"}, status=404)
    from saraban.core.workers import worker_running

    waiting = letter.reading_status == Letter.ReadingStatus.QUEUED
    return JsonResponse({"status": letter.reading_status, "label": letter.get_reading_status_display(),
                         "progress": letter.reading_progress, "pages": letter.reading_pages,
                         "error": letter.reading_error,
                         "hint": NO_WORKER_HINT if waiting and not worker_running() else ""})


@login_required
def page_image(request, letter_id: int, page: int):
    """PNG preview (about 1000 px wide) of page ``page`` of the letter's original file."""
    try:
        file = selectors.get_letter_file(viewer_for(request.user), letter_id, LetterFile.Role.ORIGINAL)
    except NotFound as exc:
        return _page_error(request, exc)
    image = _render_page(file, page)
    if image is not None:
        record_classified_access(actor=request.user, letter=file.letter, via="page_image", page=page)
    if image is None:
        return _page_error(request, NotFound("ไม่พบหน้านี้"))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return HttpResponse(buffer.getvalue(), content_type="image/png")


def _render_page(file: LetterFile, page: int):
    from PIL import Image

    index = page - 1
    if index < 0 or index >= max(file.pages, 1):
        return None
    if file.mime == "application/pdf":
        import pypdfium2

        pdf = pypdfium2.PdfDocument(file.file.path)
        try:
            pdf_page = pdf[index]
            scale = 1000 / max(pdf_page.get_width(), 1)
            return pdf_page.render(scale=scale).to_pil()
        finally:
            pdf.close()
    with Image.open(file.file.path) as image:
        image.seek(index)
        image = image.convert("RGB")
        image.thumbnail((1000, 1414))
        return image


@login_required
def letter_file(request, letter_id: int, role: str):
    """Download the original or the searchable PDF (classified downloads are logged)."""
    try:
        file = selectors.get_letter_file(viewer_for(request.user), letter_id, role)
    except NotFound as exc:
        return _page_error(request, exc)
    record_classified_access(actor=request.user, letter=file.letter, action="letter.download", role=role)
    return FileResponse(file.file.open("rb"), content_type=file.mime, filename=file.original_name)


@login_required
@require_POST
def stamp(request, letter_id: int):
    """A keeper of the letter's register puts the receive stamp on its PDF again."""
    try:
        letter = selectors.get_letter(viewer_for(request.user), letter_id)
    except NotFound as exc:
        return _page_error(request, exc)
    try:
        if letter.register is None or not books.keeps_register(request.user, letter.register):
            raise NotAllowed("เฉพาะเจ้าหน้าที่ของทะเบียนนี้ประทับตรารับได้", code="not_register_keeper")
        stamped = services.stamp_letter(letter_id=letter.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("registry:letter", letter_id=letter.pk)
    if stamped is None:
        messages.warning(request, "หนังสือนี้ไม่มีไฟล์ PDF ให้ประทับตรา (ลงทะเบียนโดยไม่มีไฟล์ หรือยังอ่านเอกสารไม่เสร็จ)")
    else:
        messages.success(request, f"ประทับตรารับเลขที่ {letter.receive_number}/{letter.year + 543} แล้ว")
    return redirect("registry:letter", letter_id=letter.pk)


@login_required
@require_POST
def set_retention(request, letter_id: int):
    """A keeper of the letter's register sets how long it is kept, or ห้ามทำลาย."""
    try:
        selectors.get_letter(viewer_for(request.user), letter_id)
    except NotFound as exc:
        return _page_error(request, exc)
    permanent = request.POST.get("permanent") in ("on", "1", "true")
    try:
        years = None if permanent else _int(request.POST.get("years"), "อายุการเก็บต้องเป็นจำนวนปี (1–100)")
        letter = retention.set_retention(actor=request.user, letter_id=letter_id, years=years, permanent=permanent)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("registry:letter", letter_id=letter_id)
    if letter.permanent:
        messages.success(request, "กำหนดให้หนังสือนี้ห้ามทำลายแล้ว")
    else:
        messages.success(request, f"กำหนดอายุการเก็บ {letter.retention_years} ปีแล้ว "
                                  f"(ครบกำหนด พ.ศ. {retention.due_year(letter) + 543})")
    return redirect("registry:letter", letter_id=letter_id)


_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def _int(value, message: str, *, required: bool = True) -> int | None:
    """``value`` (Arabic or Thai digits) as an int; InvalidInput with ``message`` otherwise."""
    text = (value or "").strip().translate(_THAI_DIGITS)
    if not text and not required:
        return None
    try:
        return int(text)
    except ValueError:
        raise InvalidInput(message, code="invalid_number") from None


# --------------------------------------------------------------------------- books (forms 13, 14)


def _default_register(user, registers):
    """The first incoming register the person keeps, else the first they may read."""
    for register in registers:
        if register.direction == register.Direction.INCOMING and books.keeps_register(user, register):
            return register
    return registers[0] if registers else None


def _book_url(code: str | None, values=None) -> str:
    """The book page of register ``code``, keeping the period of ``values`` (GET or POST)."""
    query = {"register": code} if code else {}
    for name in ("from", "to"):
        if values is not None and values.get(name):
            query[name] = values.get(name)
    url = reverse("registry:book")
    return f"{url}?{urlencode(query)}" if query else url


@login_required
def register_book(request):
    """A register's book (form 13 or 14) for a period, with the keepers' tools:
    reserving numbers, cancelling a reservation, correcting a row, closing a year."""
    from saraban.registry.api import _period

    user = request.user
    registers = books.readable_registers(user)
    code = (request.GET.get("register") or "").strip()
    if code:
        try:
            register = books.get_register(user, code)
        except DomainError as exc:
            return _page_error(request, exc)
    else:
        register = _default_register(user, registers)
    today = timezone.localdate()
    try:
        date_from, date_to = _period(request.GET)
    except DomainError as exc:
        messages.error(request, exc.message)
        date_from, date_to = today.replace(day=1), today
    context = {"registers": registers, "register": register, "date_from": date_from, "date_to": date_to,
               "lines": [], "keeps": False, "closed_note": "", "last_year_be": today.year - 1 + 543}
    if register is not None:
        try:
            lines = books.book_lines(register, date_from=date_from, date_to=date_to)
            context["lines"] = lines
            context["pdf_parts"] = _pdf_parts(render_documents.book_parts(
                books.as_document(register, date_from=date_from, date_to=date_to, lines=lines)))
        except DomainError as exc:
            messages.error(request, exc.message)
        context["keeps"] = books.keeps_register(user, register)
        context["closed_note"] = books.closed_note(register, date_from=date_from, date_to=date_to)
        context["outgoing"] = register.direction == register.Direction.OUTGOING
        context["year_label"] = numbering.year_label(register, numbering.register_year(register, timezone.now()))
        context["export_query"] = urlencode({"from": date_from.isoformat(), "to": date_to.isoformat()})
    return render(request, "registry/book.html", context)


def _pdf_parts(parts: int) -> dict:
    """What the page says of a PDF printed in ``parts`` parts: ``numbers`` to link
    (empty for a one-part document) and ``rows``, the most one part holds
    (``render.MAX_ROWS``, as printed: "๑,๐๐๐")."""
    from ocr.thai import to_thai_digits

    return {"numbers": list(range(1, parts + 1)) if parts > 1 else [],
            "rows": to_thai_digits(f"{render_documents.MAX_ROWS:,}")}


@login_required
@require_POST
def book_reserve(request, code: str):
    """Reserve (จองเลข) numbers of register ``code``."""
    back = _book_url(code, request.POST)
    try:
        count = _int(request.POST.get("count") or "1", "จำนวนเลขที่จองต้องเป็นตัวเลข")
        hours_text = (request.POST.get("hours") or "").strip().translate(_THAI_DIGITS)
        try:
            hours = float(hours_text) if hours_text else None
        except ValueError:
            raise InvalidInput("ระยะเวลาจองต้องเป็นจำนวนชั่วโมง", code="invalid_hours") from None
        entries = books.reserve(actor=request.user, register_code=code,
                                reserved_for=request.POST.get("reserved_for", ""), count=count, hours=hours)
    except NotFound as exc:
        return _page_error(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    register = entries[0].register
    numbers = ", ".join(books.number_text(register, e.number, e.year) for e in entries)
    messages.success(request, f"จองเลขที่ {numbers} ({numbering.year_label(register, entries[0].year)}) แล้ว "
                              f"ใช้ได้ถึง {_thai_datetime(entries[0].expires_at)}")
    return redirect(back)


def _thai_datetime(value) -> str:
    from saraban.core.templatetags.thai import thai_datetime

    return thai_datetime(value)


@login_required
@require_POST
def book_cancel(request, entry_id: int):
    """Cancel a reservation: the row stays in the book marked ยกเลิก."""
    back = _book_url(request.POST.get("register") or None, request.POST)
    try:
        entry = books.cancel(actor=request.user, entry_id=entry_id, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, f"ยกเลิกเลขที่จอง {books.number_text(entry.register, entry.number, entry.year)} "
                              f"({numbering.year_label(entry.register, entry.year)}) แล้ว")
    return redirect(_book_url(entry.register.code, request.POST))


def _kept_entry(user, entry_id: int) -> RegisterEntry:
    entry = (RegisterEntry.objects.select_related("register", "corrects").filter(pk=entry_id).first())
    if entry is None or not books.keeps_register(user, entry.register):
        raise NotFound("ไม่พบรายการนี้ในทะเบียนที่ท่านดูแล")
    return entry


#: (field, Thai label, input type) of a book row a correction may change (books.CORRECTABLE).
CORRECTION_FIELDS = [("document_number", "ที่", "text"), ("document_date", "ลงวันที่", "date"),
                     ("sender", "จาก", "text"), ("addressee", "ถึง", "text"), ("subject", "เรื่อง", "textarea")]


def _entry_value(entry: RegisterEntry, name: str) -> str:
    value = getattr(entry, name)
    if name == "document_date":
        return value.isoformat() if value else ""
    return value or ""


@login_required
def book_correct(request, entry_id: int):
    """Correct an issued row: the current ที่/ลงวันที่/จาก/ถึง/เรื่อง prefilled, a reason
    required; the correction is a new row with the next number, linked to this one."""
    try:
        entry = _kept_entry(request.user, entry_id)
    except NotFound as exc:
        return _page_error(request, exc)
    if entry.state != RegisterEntry.State.ISSUED:
        return _page_error(request, Conflict("แก้ไขได้เฉพาะรายการที่ลงทะเบียนแล้ว", code="not_issued"))
    values = {name: _entry_value(entry, name) for name, _, _ in CORRECTION_FIELDS}
    reason = ""
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        posted = {name: request.POST.get(name, "") for name, _, _ in CORRECTION_FIELDS}
        changed = {name: value for name, value in posted.items()
                   if " ".join(value.split()) != " ".join(values[name].split())}
        try:
            new = books.correct_entry(actor=request.user, entry_id=entry.pk, fields=changed, reason=reason)
        except DomainError as exc:
            messages.error(request, exc.message)
            values = posted
        else:
            messages.success(request, f"บันทึกรายการแก้ไขเลขที่ {books.number_text(new.register, new.number, new.year)} "
                                      f"(แก้ไขรายการเลขที่ {books.number_text(entry.register, entry.number, entry.year)}) แล้ว")
            return redirect(_book_url(entry.register.code, request.POST))
    fields = [{"name": name, "label": label, "kind": kind, "value": values[name]}
              for name, label, kind in CORRECTION_FIELDS]
    return render(request, "registry/book_correct.html", {
        "entry": entry, "number": books.number_text(entry.register, entry.number, entry.year), "fields": fields,
        "reason": reason, "from": request.GET.get("from") or request.POST.get("from") or "",
        "to": request.GET.get("to") or request.POST.get("to") or ""})


@login_required
@require_POST
def book_close(request, code: str):
    """Close register ``code``'s book of a year that has ended."""
    back = _book_url(code, request.POST)
    try:
        year = _int(request.POST.get("year"), "กรุณาระบุปี พ.ศ. ที่จะปิดทะเบียน")
        closed = books.close(actor=request.user, register_code=code, year=year)
    except NotFound as exc:
        return _page_error(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, f"ปิดทะเบียน {numbering.year_label(closed.register, closed.year)} แล้ว "
                              f"สิ้นสุดที่เลข {closed.last_number} (ลงทะเบียน {closed.issued} รายการ"
                              f"{f', ยกเลิกเลขที่จองค้าง {closed.cancelled_now} เลข' if closed.cancelled_now else ''})")
    return redirect(back)


# --------------------------------------------------------------------------- outgoing letters


#: (field, Thai label, kind) of an outgoing letter's draft (outgoing.DRAFT_FIELDS).
OUTGOING_FIELDS = [
    ("document_type", "ประเภทหนังสือ", "document_type"),
    ("is_circular", "หนังสือเวียน (ว)", "checkbox"),
    ("urgency", "ชั้นความเร็ว", "urgency"),
    ("secrecy", "ชั้นความลับ", "secrecy"),
    ("subject", "เรื่อง", "text"),
    ("addressee", "เรียน / ถึง", "text"),
    ("references", "อ้างถึง (บรรทัดละฉบับ)", "lines"),
    ("enclosures", "สิ่งที่ส่งมาด้วย (บรรทัดละรายการ)", "lines"),
    ("body", "ข้อความ", "body"),
    ("signer_name", "ผู้ลงนาม", "text"),
    ("signer_position", "ตำแหน่งผู้ลงนาม", "lines"),
    ("owner_unit", "ส่วนราชการเจ้าของเรื่อง", "text"),
    ("contact", "โทร. / โทรสาร / อีเมล", "text"),
]
OUTGOING_CHOICES = {
    "document_type": [(t.value, t.label) for t in OutgoingLetter.DRAFTABLE_TYPES],
    "urgency": Urgency.choices, "secrecy": Secrecy.choices,
}


def _outgoing_fields(post) -> dict:
    fields = {name: post.get(name, "") for name, _, kind in OUTGOING_FIELDS if kind != "checkbox"}
    fields["is_circular"] = post.get("is_circular") in ("on", "1", "true")
    for name in ("references", "enclosures"):
        fields[name] = [line.strip() for line in fields[name].splitlines() if line.strip()]
    return fields


def _outgoing_rows(letter: OutgoingLetter | None, post=None) -> list[dict]:
    rows = []
    for name, label, kind in OUTGOING_FIELDS:
        if post is not None:
            value = (post.get(name) in ("on", "1", "true")) if kind == "checkbox" else post.get(name, "")
        elif letter is not None:
            value = getattr(letter, name)
            if name in ("references", "enclosures"):
                value = "\n".join(value or [])
        else:
            value = {"document_type": DocumentType.EXTERNAL, "urgency": Urgency.NORMAL,
                     "secrecy": Secrecy.UNCLASSIFIED, "is_circular": False}.get(name, "")
        rows.append({"name": name, "label": label, "kind": kind, "value": value,
                     "choices": OUTGOING_CHOICES.get(name)})
    return rows


def _handles(user, letter: OutgoingLetter) -> bool:
    """Whether ``user`` keeps the book ``letter`` is (or will be) numbered in."""
    try:
        return books.keeps_register(user, letter.register or outgoing_services._register_of(letter))
    except DomainError:
        return False


def _outgoing_letters(user, desk) -> list[OutgoingLetter]:
    """The desk's outgoing letters (a classified one only for a keeper of its book); for
    the secret registrar also the agency's classified letters drafted at other desks."""
    from django.db.models import Q

    mine = Q(desk_unit=desk)
    if Role.SECRET_REGISTRAR in roles_of(user):
        mine |= Q(desk_unit__agency_id=desk.agency_id) & ~Q(secrecy=Secrecy.UNCLASSIFIED)
    letters = (OutgoingLetter.objects.filter(mine).select_related("register", "desk_unit__agency")
               .order_by("-created_at", "-id")[:300])
    return [o for o in letters
            if (o.secrecy == Secrecy.UNCLASSIFIED and o.desk_unit_id == desk.pk) or _handles(user, o)]


@login_required
def outgoing_list(request):
    """The desk's outgoing letters and a form to draft a new one."""
    try:
        desk = registry_desk_of(request.user)
    except DomainError as exc:
        return _page_error(request, exc)
    rows = _outgoing_rows(None)
    if request.method == "POST":
        try:
            letter = outgoing_services.draft_outgoing(actor=request.user, fields=_outgoing_fields(request.POST))
        except DomainError as exc:
            messages.error(request, exc.message)
            rows = _outgoing_rows(None, request.POST)
        else:
            if not _handles(request.user, letter):
                messages.success(request, "บันทึกร่างหนังสือลับแล้ว ร่างนี้อยู่ในความดูแลของนายทะเบียนข้อมูลข่าวสารลับ")
                return redirect("outgoing:list")
            messages.success(request, f"บันทึกร่างหนังสือส่ง เรื่อง {letter.subject} แล้ว")
            return redirect("outgoing:detail", outgoing_id=letter.pk)
    return render(request, "registry/outgoing_list.html",
                  {"desk": desk, "letters": _outgoing_letters(request.user, desk), "fields": rows})


@login_required
def outgoing_detail(request, outgoing_id: int):
    """One outgoing letter: its PDF, the draft form, and sending (optionally with a
    number reserved earlier)."""
    try:
        letter = outgoing_services.get_outgoing(request.user, outgoing_id)
    except DomainError as exc:
        return _page_error(request, exc)
    rows = _outgoing_rows(letter)
    if request.method == "POST":
        try:
            letter = outgoing_services.update_draft(actor=request.user, outgoing_id=letter.pk,
                                                    fields=_outgoing_fields(request.POST))
        except DomainError as exc:
            messages.error(request, exc.message)
            rows = _outgoing_rows(None, request.POST)
        else:
            if not _handles(request.user, letter):  # made classified: the secret registrar's now
                messages.success(request, "บันทึกการแก้ไขร่างแล้ว ร่างนี้อยู่ในความดูแลของนายทะเบียนข้อมูลข่าวสารลับ")
                return redirect("outgoing:list")
            messages.success(request, "บันทึกการแก้ไขร่างแล้ว")
            return redirect("outgoing:detail", outgoing_id=letter.pk)
    reservations, register, register_error = [], None, ""
    if letter.status == OutgoingLetter.Status.DRAFT:
        try:
            register = outgoing_services._register_of(letter)
        except DomainError as exc:
            register_error = exc.message
        else:
            reservations = (RegisterEntry.objects.filter(register=register, state=RegisterEntry.State.RESERVED)
                            .exclude(expires_at__lte=timezone.now()).order_by("year", "number"))
            reservations = [(e, books.number_text(register, e.number, e.year)) for e in reservations]
    return render(request, "registry/outgoing.html", {
        "o": letter, "fields": rows, "reservations": reservations, "book_register": letter.register or register,
        "register_error": register_error, "draft": letter.status == OutgoingLetter.Status.DRAFT,
    })


@login_required
@require_POST
def outgoing_send(request, outgoing_id: int):
    """Send a draft: its send number (or a reserved one), the book row, the PDF."""
    try:
        reservation = _int(request.POST.get("reservation_id"), "เลขที่จองไม่ถูกต้อง", required=False)
        letter = outgoing_services.send_outgoing(actor=request.user, outgoing_id=outgoing_id,
                                                 reservation_id=reservation)
    except NotFound as exc:
        return _page_error(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("outgoing:detail", outgoing_id=outgoing_id)
    from ocr import thai

    messages.success(request, f"ส่งหนังสือแล้ว ที่ {letter.document_number} "
                              f"ลงวันที่ {thai.format_thai_date(letter.document_date)}")
    return redirect("outgoing:detail", outgoing_id=letter.pk)


# --------------------------------------------------------------------------- retention (form 25)


def _visible_lists(user) -> list[DestructionList]:
    visible = []
    for lst in DestructionList.objects.select_related("desk_unit").order_by("-year", "-id")[:200]:
        try:
            visible.append(retention.get_list(user, lst.pk))
        except NotFound:
            continue
    return visible


@login_required
def retention_lists(request):
    """The destruction lists (form 25) the person makes or approves, and a form to
    propose the list of a year that has ended."""
    roles = roles_of(request.user)
    if request.method == "POST":
        secret = request.POST.get("secret") in ("on", "1", "true")
        try:
            year = _int(request.POST.get("year"), "กรุณาระบุปี พ.ศ. ของบัญชี")
            lst = retention.propose_list(actor=request.user, year=year, secret=secret)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("retention:list")
        messages.success(request, f"จัดทำบัญชีหนังสือขอทำลายประจำปี พ.ศ. {lst.year + 543} แล้ว "
                                  f"({lst.items.count()} รายการ) เสนอคณะกรรมการทำลายหนังสือ")
        return redirect("retention:detail", list_id=lst.pk)
    return render(request, "registry/retention_list.html", {
        "lists": _visible_lists(request.user),
        "may_propose": bool(roles & {Role.REGISTRY_CLERK, Role.SECRET_REGISTRAR}),
        "may_propose_secret": Role.SECRET_REGISTRAR in roles,
        "last_year_be": timezone.localdate().year - 1 + 543,
    })


def _decision_text(item: DestructionItem) -> str:
    if item.decision == DestructionItem.Decision.KEEP:
        return f"เก็บไว้ถึง พ.ศ. {(item.keep_until_year or 0) + 543}"
    return item.get_decision_display()


@login_required
def retention_detail(request, list_id: int):
    """A destruction list: its items and the committee's decisions; the executive
    records the approval, the clerk destroys what was approved."""
    try:
        lst = retention.get_list(request.user, list_id)
    except DomainError as exc:
        return _page_error(request, exc)
    roles = roles_of(request.user)
    items = [{"item": item, "letter": item.letter, "decision": _decision_text(item),
              "years": retention.retention_years(item.letter)}
             for item in lst.items.select_related("letter__register")]
    return render(request, "registry/retention.html", {
        "lst": lst, "items": items,
        "pdf_parts": _pdf_parts(render_documents.destruction_list_parts(retention.as_document(lst))),
        "may_approve": Role.EXECUTIVE in roles and lst.status == DestructionList.Status.PROPOSED,
        "may_destroy": lst.status == DestructionList.Status.APPROVED and bool(
            roles & ({Role.SECRET_REGISTRAR} if lst.secret else {Role.REGISTRY_CLERK})),
        "next_year_be": lst.year + 1 + 543,
    })


@login_required
@require_POST
def retention_approve(request, list_id: int):
    """The executive records the committee's decision per item and the approval."""
    try:
        lst = retention.get_list(request.user, list_id)
    except DomainError as exc:
        return _page_error(request, exc)
    decisions: dict[int, str] = {}
    try:
        for item in lst.items.all():
            choice = request.POST.get(f"decision-{item.letter_id}", "")
            if choice == DestructionItem.Decision.DESTROY:
                decisions[item.letter_id] = DestructionItem.Decision.DESTROY
            elif choice == DestructionItem.Decision.KEEP:
                until = _int(request.POST.get(f"keep-{item.letter_id}"), "ปีที่ให้เก็บไว้ต้องเป็นปี พ.ศ.",
                             required=False)
                decisions[item.letter_id] = str(until) if until else DestructionItem.Decision.KEEP
        lst = retention.approve_list(actor=request.user, list_id=lst.pk, decisions=decisions,
                                     committee=request.POST.get("committee", ""),
                                     approval_reference=request.POST.get("approval_reference", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("retention:detail", list_id=list_id)
    items = list(lst.items.all())
    destroy = sum(i.decision == DestructionItem.Decision.DESTROY for i in items)
    messages.success(request, f"บันทึกการอนุมัติแล้ว: ทำลาย {destroy} รายการ เก็บไว้ {len(items) - destroy} รายการ")
    return redirect("retention:detail", list_id=lst.pk)


@login_required
@require_POST
def retention_destroy(request, list_id: int):
    """The clerk destroys the letters the committee approved for destruction."""
    try:
        lst = retention.get_list(request.user, list_id)
    except DomainError as exc:
        return _page_error(request, exc)
    if request.POST.get("confirm") not in ("on", "1", "true"):
        messages.error(request, "กรุณายืนยันการทำลายหนังสือก่อน")
        return redirect("retention:detail", list_id=lst.pk)
    try:
        count = retention.destroy_approved(actor=request.user, list_id=lst.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("retention:detail", list_id=lst.pk)
    messages.success(request, f"ทำลายหนังสือตามที่คณะกรรมการอนุมัติแล้ว {count} รายการ "
                              "(รายการในทะเบียนยังคงอยู่)")
    return redirect("retention:detail", list_id=lst.pk)
