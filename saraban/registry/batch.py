"""Registering files end to end without a person at the screen (commands, the demo).

Reads each file, confirms the suggestions as the given person and registers it —
the same services a clerk uses, one after the other. A file that fails leaves no
draft behind (it is discarded with an audit event), so running again is safe.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from saraban.core.classes import Secrecy
from saraban.core.errors import DomainError
from saraban.registry import services
from saraban.registry.models import Letter
from saraban.routing.suggestions import suggest_units

#: Field names reported for a registered letter (DOMAIN.md §1 plus the classes).
REPORTED_FIELDS = ("document_type", "document_number", "document_date", "subject", "addressee", "issuing_office",
                   "references", "enclosures", "signer_name", "signer_position", "urgency", "secrecy")
WORKER_WAIT_SECONDS = 900


def register_file(*, actor, path: Path, register_code: str | None = None, use_worker: bool = False,
                  progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Read, confirm and register one file; never raises for a bad file.

    Returns ``{"file", "status": "registered"|"duplicate"|"needs_review"|"error",
    "letter_id", "register", "year", "receive_number", "fields": {…}, "suggested_units":
    [{code, name, score, reason}], "duplicate_of", "error"}`` (``error`` a Thai message).
    ``needs_review``: the reading found a secrecy mark or was unsure of a mark; nothing
    is registered and the draft (``letter_id``) waits for a person (see
    :func:`_held_for_a_person`).
    With ``use_worker`` the reading is queued and awaited (up to 15 minutes);
    otherwise it runs in this process.
    """
    result: dict[str, Any] = {"file": str(path), "status": "error", "letter_id": None, "register": None,
                              "year": None, "receive_number": None, "fields": {}, "suggested_units": [],
                              "duplicate_of": None, "error": None}
    draft_id = None
    try:
        if not path.is_file():
            raise DomainError(f"ไม่พบไฟล์ {path}", code="file_not_found")
        with open(path, "rb") as fh:
            draft_id = services.intake_file(actor=actor, stream=fh, file_name=path.name, enqueue=use_worker).pk
        if use_worker:
            _wait_for_reading(draft_id)
        else:
            services.read_letter(letter_id=draft_id, progress=progress)
        held = _held_for_a_person(draft_id)
        if held:
            result.update(status="needs_review", letter_id=draft_id, error=held)
            return result
        letter = services.confirm_letter(actor=actor, letter_id=draft_id, register_code=register_code)
    except services.DuplicateLetter as exc:
        result.update(status="duplicate", duplicate_of=exc.extra.get("duplicate_of"), error=exc.message)
        _discard(actor, draft_id, "duplicate")
        return result
    except DomainError as exc:
        result["error"] = exc.message
        _discard(actor, draft_id, exc.code)
        return result
    except Exception as exc:  # an OCR crash: report it, keep nothing half-done
        result["error"] = f"อ่านเอกสารไม่สำเร็จ: {exc}"
        _discard(actor, draft_id, "read_failed")
        return result
    result.update(
        status="registered", letter_id=letter.pk, register=letter.register.code, year=letter.year,
        receive_number=letter.receive_number,
        fields={name: _plain(getattr(letter, name)) for name in REPORTED_FIELDS},
        suggested_units=[s.as_dict() for s in suggest_units(subject=letter.subject,
                                                            sender=letter.sender or letter.issuing_office)],
    )
    return result


def _held_for_a_person(draft_id: int) -> str:
    """Why a read draft must wait for a person instead of being confirmed here ("" when
    it need not): the reading found a secrecy mark, or was unsure of a mark.

    Classification is a person's decision (DOMAIN.md §2) and a classified letter goes to
    the secret register: a command confirming the suggestions must never register a
    letter marked ลับ in the ordinary register, nor decide an uncertain mark. The draft
    stays, with the suggestion, for the clerk (or the secret registrar) to confirm."""
    letter = Letter.objects.only("suggested").get(pk=draft_id)
    suggested = letter.suggested or {}
    secrecy = suggested.get("secrecy") or "unclassified"
    review = [name for name in suggested.get("needs_review") or [] if name in ("secrecy", "urgency")]
    if secrecy == "unclassified" and not review:
        return ""
    what = (f"พบเครื่องหมายชั้นความลับ ({Secrecy(secrecy).label})" if secrecy != "unclassified"
            else "เครื่องหมายชั้นความเร็วหรือชั้นความลับอ่านได้ไม่ชัด")
    return (f"{what} — ยังไม่ลงทะเบียน ต้องให้เจ้าหน้าที่ตรวจและยืนยันเองที่หน้าร่างหนังสือ "
            f"(ร่างเลขที่ {draft_id})")


def _wait_for_reading(letter_id: int) -> None:
    deadline = time.monotonic() + WORKER_WAIT_SECONDS
    while time.monotonic() < deadline:
        letter = Letter.objects.only("reading_status", "reading_error").get(pk=letter_id)
        if letter.reading_status == Letter.ReadingStatus.DONE:
            return
        if letter.reading_status == Letter.ReadingStatus.FAILED:
            raise DomainError(letter.reading_error or "อ่านเอกสารไม่สำเร็จ", code="read_failed")
        time.sleep(0.5)
    raise DomainError("ตัวประมวลผลงานเบื้องหลังอ่านเอกสารไม่เสร็จในเวลาที่กำหนด", code="read_timeout")


def _discard(actor, draft_id: int | None, reason: str) -> None:
    if draft_id is not None and Letter.objects.filter(pk=draft_id, status=Letter.Status.DRAFT).exists():
        services.discard_draft(actor=actor, letter_id=draft_id, reason=reason)


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def describe(result: dict[str, Any]) -> str:
    """One Thai line about a :func:`register_file` result, for people at a terminal."""
    if result["status"] == "registered":
        fields = result["fields"]
        units = ", ".join(s["name"] for s in result["suggested_units"][:1]) or "—"
        return (f"{result['file']}: ลงทะเบียนรับเลขที่ {result['receive_number']}/{result['year'] + 543} "
                f"({result['register']}) ที่ {fields['document_number'] or '—'} เรื่อง {fields['subject']} "
                f"→ แนะนำส่ง {units}")
    if result["status"] == "duplicate":
        return f"{result['file']}: ซ้ำ — {result['error']}"
    if result["status"] == "needs_review":
        return f"{result['file']}: รอเจ้าหน้าที่ตรวจ — {result['error']}"
    return f"{result['file']}: ผิดพลาด — {result['error']}"
