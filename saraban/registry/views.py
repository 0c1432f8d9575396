"""Thai web pages of the registry: upload, confirm beside the scan, letter detail, register."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from saraban.core.audit import record_classified_access
from saraban.core.classes import DocumentType, Secrecy, Urgency
from saraban.core.errors import DomainError, NotFound
from saraban.core.models import AuditEvent
from saraban.registry import selectors, services
from saraban.registry.models import Letter, LetterFile
from saraban.routing.models import Unit
from saraban.routing.selectors import viewer_for
from saraban.routing.suggestions import suggest_units

#: (field, Thai label, kind) in the order they appear on a letter (DOMAIN.md §1).
FORM_FIELDS = [
    ("urgency", "ชั้นความเร็ว", "urgency"),
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
    secrecy, which is not applied until confirmed), each with its reading confidence."""
    rows = []
    confidence = letter.field_confidence if letter else {}
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
        else:
            value = ""
        rows.append({"name": name, "label": label, "kind": kind, "value": value or "",
                     "confidence": confidence.get(name), "choices": CHOICES.get(name)})
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
    routes = letter.routes.select_related("to_unit", "to_user", "from_unit", "sent_by", "acknowledged_by")
    history = AuditEvent.objects.filter(target_type="letter", target_id=str(letter.pk)).select_related("actor")
    suggestions = suggest_units(subject=letter.subject, sender=letter.sender or letter.issuing_office) if letter.subject else []
    context = {
        "letter": letter, "fields": _rows(letter, {}), "routes": routes, "history": history,
        "suggestions": suggestions, "units": Unit.objects.order_by("code").only("code", "name"),
        "may_register": services.may_register(request.user),
        "pages": range(1, (letter.original.pages if letter.original else 0) + 1),
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
def register_book(request):
    """The incoming register as the person may see it (newest first)."""
    letters = (selectors.registered_letters(viewer_for(request.user)).select_related("register")
               .prefetch_related("routes__to_unit", "routes__to_user")[:200])
    return render(request, "registry/book.html", {"letters": letters})
