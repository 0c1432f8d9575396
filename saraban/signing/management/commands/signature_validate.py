"""``python manage.py signature_validate FILE [--json]``

Checks every signature (and document timestamp) in a PDF, as the public page and
``POST /api/signatures/validate`` do (:func:`saraban.signing.validation.validate_pdf`,
trusted roots from ``SARABAN_SIGNING_TRUST_ROOTS``), and prints a Thai report, one
block per signature — signer, times in the Buddhist era, what changed after signing,
whether the certificate is trusted and why not, the PAdES level — or with ``--json``
the report as JSON (``Report.to_dict()``).

Exit status (``Report.exit_code``): ``0`` every signature intact and trusted; ``1`` one
is broken, or the file is not a readable PDF, or it has no signature at all; ``2`` all
intact but one is not trusted. A missing or unreadable FILE, or one larger than
``SARABAN_SIGNING_VALIDATE_MAX_MB``, is a Thai error on stderr with status ``1``.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ocr.thai import to_thai_digits
from saraban.signing.validation import (
    Report,
    SignatureReport,
    TimestampReport,
    msg_too_large,
    validate_pdf,
)


class Command(BaseCommand):
    help = "Validate the signatures in a PDF (exit 0 intact and trusted, 1 broken, 2 intact but untrusted)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the PDF to check")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, file, json: bool = False, **options):
        path = Path(file)
        limit = settings.SARABAN_SIGNING_VALIDATE_MAX_MB * 1024 * 1024
        try:
            if not path.is_file():
                raise CommandError(f"ไม่พบไฟล์ {file}", returncode=1)
            if path.stat().st_size > limit:
                raise CommandError(msg_too_large(limit), returncode=1)
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"อ่านไฟล์ {file} ไม่ได้ ({exc.strerror or exc})", returncode=1) from None
        with _quiet("pyhanko", "pyhanko_certvalidator"):  # their warnings carry English tracebacks
            report = validate_pdf(data)
        if json:
            self.stdout.write(_json_dumps(report.to_dict()))
        else:
            self.stdout.write("\n".join(report_lines(report, name=path.name)))
        self.stdout.flush()
        if report.exit_code:
            sys.exit(report.exit_code)


def _json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


class _quiet:
    """Raise the given loggers to ERROR for the duration of a block."""

    def __init__(self, *names):
        self.loggers = [logging.getLogger(n) for n in names]

    def __enter__(self):
        self.levels = [lg.level for lg in self.loggers]
        for lg in self.loggers:
            lg.setLevel(logging.ERROR)

    def __exit__(self, *exc):
        for lg, level in zip(self.loggers, self.levels):
            lg.setLevel(level)


def _yes_no(value: bool, yes: str, no: str) -> str:
    return yes if value else no


def _signature_lines(n: int, s: SignatureReport) -> list[str]:
    lines = [f"ลายมือชื่อที่ {to_thai_digits(str(n))} (ช่อง {s.field_name}): {s.status_text}",
             f"  ผู้ลงนาม: {s.signer_name or '—'}",
             f"  รายละเอียดใบรับรอง: {s.signer_subject or '—'}",
             f"  ผู้ออกใบรับรอง: {s.issuer or '—'}",
             f"  เลขประจำใบรับรอง: {s.serial or '—'}",
             f"  เวลาลงนาม (ตามที่ผู้ลงนามระบุ): {s.signing_time_text or 'ไม่ระบุ'}"]
    if s.timestamp_time:
        lines.append(f"  เวลาที่ประทับรับรองโดยหน่วยประทับเวลา: {s.timestamp_time_text}"
                     + (f" ({s.timestamp_authority})" if s.timestamp_authority else ""))
    if s.reason:
        lines.append(f"  เหตุผล: {s.reason}")
    lines += [f"  ข้อมูลที่ลงนาม: {_yes_no(s.intact and s.valid, 'ครบถ้วน ไม่ถูกแก้ไข', 'เสีย')}",
              f"  การเปลี่ยนแปลงหลังลงนาม: {s.changes_text}",
              "  ความน่าเชื่อถือของใบรับรอง: "
              + _yes_no(s.trusted, "เชื่อถือได้ (ต่อถึงใบรับรองหลักที่ระบบเชื่อถือ)", f"เชื่อถือไม่ได้ — {s.why_not}"),
              f"  ระดับ PAdES: {s.level}"]
    return lines


def _timestamp_lines(n: int, t: TimestampReport) -> list[str]:
    return [f"ตราประทับเวลาเอกสารที่ {to_thai_digits(str(n))} (ช่อง {t.field_name}): {t.status_text}",
            f"  เวลา: {t.time_text or '—'}" + (f" ({t.authority})" if t.authority else ""),
            f"  การเปลี่ยนแปลงหลังประทับเวลา: {t.changes_text}",
            "  ความน่าเชื่อถือ: " + _yes_no(t.trusted, "เชื่อถือได้", f"เชื่อถือไม่ได้ — {t.why_not}")]


def report_lines(report: Report, *, name: str = "") -> list[str]:
    """The Thai text report: a header, one block per signature and document timestamp,
    and the summary with the exit status."""
    lines = [f"ตรวจลายมือชื่ออิเล็กทรอนิกส์: {name}"] if name else []
    for n, s in enumerate(report.signatures, 1):
        lines += ["", *_signature_lines(n, s)]
    for n, t in enumerate(report.timestamps, 1):
        lines += ["", *_timestamp_lines(n, t)]
    lines += ["", f"สรุป: {report.summary} (รหัสผลลัพธ์ {report.exit_code})"]
    return lines
