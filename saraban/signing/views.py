"""Thai pages of signing: the executive's signing page (what waits for their
signature, their certificates, importing one) and the signing actions; the letter
page's signatures section (:func:`letter_signing_context`).

Thin: every action is a service call; errors come back as the page with the Thai
message. The password or PIN is asked in the signing form each time.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from saraban.core.errors import DomainError, InvalidInput, NotFound
from saraban.signing import selectors, services

LEVEL_TEXT = {"B-B": "PAdES B-B (ลายมือชื่อพื้นฐาน)", "B-T": "PAdES B-T (มีตราเวลา)",
              "B-LT": "PAdES B-LT (ฝังข้อมูลตรวจสอบระยะยาว)", "B-LTA": "PAdES B-LTA (ตรวจสอบระยะยาวพร้อมตราเวลาเอกสาร)"}


def letter_signing_context(user, letter) -> dict:
    """What the letter page shows of signing: the signatures on ``letter`` (visible to
    ``user`` already), whether it has a signed file, the user's unsigned endorsements on
    it and usable certificates, and whether it may be e-signed at all."""
    signatures = list(selectors.letter_signatures(letter))
    mine = [] if letter.is_classified else list(selectors.unsigned_endorsements(user, letter=letter))
    return {
        "signatures": [(s, LEVEL_TEXT.get(s.level, s.level)) for s in signatures],
        "signed_file": any(f.role == "signed" for f in letter.files.all()),
        "sign_endorsements": mine,
        "sign_certificates": list(selectors.my_certificates(user, usable_only=True)) if mine else [],
        "never_signed": letter.is_classified,
    }


def _home(request, *, error: DomainError | None = None, status: int = 200):
    context = {
        "pending": selectors.pending_for(request.user),
        "certificates": selectors.my_certificates(request.user),
        "usable": list(selectors.my_certificates(request.user, usable_only=True)),
        "recent": [(s, LEVEL_TEXT.get(s.level, s.level)) for s in selectors.recent_signatures(request.user)],
        "error": error.message if error else "",
        "posted": request.POST if error else {},
    }
    return render(request, "signing/home.html", context, status=status)


@login_required
def signing_home(request):
    """What waits for my signature, my certificates, my recent signatures."""
    return _home(request)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput("กรุณาเลือกรายการให้ครบ", code="invalid_choice") from None


@sensitive_post_parameters("password", "pin")
@login_required
@require_POST
def certificate_import(request):
    """Import a PKCS#12 file (``kind=pkcs12``) or register a token key (``kind=pkcs11``)."""
    try:
        if request.POST.get("kind") == "pkcs11":
            certificate = services.register_token_key(
                actor=request.user, token_label=request.POST.get("token_label", ""),
                key_label=request.POST.get("key_label", ""), pin=request.POST.get("pin", ""),
                label=request.POST.get("label", ""))
        else:
            upload = request.FILES.get("file")
            if upload is None:
                raise InvalidInput("กรุณาเลือกไฟล์ใบรับรอง (.p12 หรือ .pfx)", code="file_required")
            certificate = services.import_pkcs12(actor=request.user, data=upload.read(1024 * 1024 + 1),
                                                 password=request.POST.get("password", ""),
                                                 label=request.POST.get("label", ""))
    except DomainError as exc:
        return _home(request, error=exc, status=exc.status)
    messages.success(request, f"นำเข้าใบรับรองของ {certificate.subject_name} แล้ว "
                              "ระบบจะถามรหัสผ่านหรือ PIN ทุกครั้งที่ลงนาม")
    return redirect("signing:home")


@login_required
@require_POST
def certificate_deactivate(request, certificate_id: int):
    """Stop using one of my certificates."""
    try:
        services.deactivate_certificate(actor=request.user, certificate_id=certificate_id)
    except DomainError as exc:
        return _home(request, error=exc, status=exc.status)
    messages.success(request, "ยกเลิกการใช้ใบรับรองแล้ว")
    return redirect("signing:home")


def _signed(request, signature, back: str):
    note = LEVEL_TEXT.get(signature.level, signature.level)
    messages.success(request, f"ลงนามแล้ว ({note})")
    return redirect(back)


@sensitive_post_parameters("password", "pin")
@login_required
@require_POST
def sign_letter(request, letter_id: int):
    """Sign my endorsement on an incoming letter (from the letter page or my signing page)."""
    from django.urls import reverse

    from saraban.core.views import is_local

    back = request.POST.get("next")
    back = back if is_local(request, back) else reverse("signing:home")
    try:
        signature = services.sign_letter(
            actor=request.user, letter_id=letter_id, endorsement_id=_int(request.POST.get("endorsement_id")),
            certificate_id=_int(request.POST.get("certificate_id")), secret=request.POST.get("password", ""),
            reason=request.POST.get("reason", ""), client=services.Client.of(request, "page"))
    except DomainError as exc:
        if request.POST.get("next"):  # back to the letter page it came from, with the reason
            messages.error(request, exc.message)
            return redirect(back)
        return _home(request, error=exc, status=exc.status)
    return _signed(request, signature, back)


@sensitive_post_parameters("password", "pin")
@login_required
@require_POST
def sign_outgoing(request, outgoing_id: int):
    """Sign a sent outgoing letter."""
    try:
        signature = services.sign_outgoing(
            actor=request.user, outgoing_id=outgoing_id, certificate_id=_int(request.POST.get("certificate_id")),
            secret=request.POST.get("password", ""), reason=request.POST.get("reason", ""),
            client=services.Client.of(request, "page"))
    except DomainError as exc:
        return _home(request, error=exc, status=exc.status)
    return _signed(request, signature, "signing:home")


@login_required
def outgoing_signed_file(request, outgoing_id: int):
    """The newest signed PDF of an outgoing letter (else its sent PDF)."""
    try:
        outgoing = services.get_signable_outgoing(request.user, outgoing_id)
        file = outgoing.signed_file or outgoing.file
        if not file:
            raise NotFound("หนังสือนี้ยังไม่มีไฟล์ PDF")
        if outgoing.secrecy != "unclassified":  # every download of a classified letter is logged (DOMAIN.md §2)
            from saraban.core.audit import record_event

            record_event(actor=request.user, action="outgoing.download", target_type="outgoing",
                         target_id=outgoing.pk, via="page")
    except DomainError as exc:
        return render(request, "error.html", {"message": exc.message, "code": exc.code}, status=exc.status)
    return FileResponse(file.open("rb"), content_type="application/pdf",
                        filename=f"{'signed' if outgoing.signed_file else 'outgoing'}-{outgoing.pk}.pdf")
