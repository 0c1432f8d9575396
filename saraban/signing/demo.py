"""The signing part of ``make demo``: the test CA (``signing_ca``), its CRL/OCSP/TSA
responder on loopback for the run, and one outgoing letter signed by the permanent
secretary at the best level reachable (B-LTA), written to ``demo/signed-letter.pdf``
and validated as anyone would validate it."""

from __future__ import annotations

import contextlib
import urllib.parse
from pathlib import Path

from django.test import override_settings

from saraban.registry import outgoing as outgoing_services
from saraban.registry.models import OutgoingLetter
from saraban.routing.demo import DEMO_PASSWORD
from saraban.signing import responder, selectors, services, testca

LETTER = {"document_type": "external", "subject": "ขอเชิญประชุมคณะทำงานพัฒนาระบบสารบรรณอิเล็กทรอนิกส์",
          "addressee": "ผู้ว่าราชการจังหวัดราชบุรี",
          "body": "ด้วยกระทรวงกำหนดประชุมคณะทำงานพัฒนาระบบสารบรรณอิเล็กทรอนิกส์ "
                  "ในวันที่ ๕ ธันวาคม ๒๕๖๙ เวลา ๐๙.๓๐ น. ณ ห้องประชุม ๑ ชั้น ๖\n\n"
                  "จึงเรียนมาเพื่อโปรดพิจารณามอบผู้แทนเข้าร่วมประชุม",
          "signer_name": "ประเสริฐ บริหารดี", "signer_position": "ปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"}


def sign_demo_letter(out: Path, write) -> int:
    """Sign one sent outgoing letter as the demo executive (drafted and sent by the demo
    clerk when none is waiting), write it to ``out/signed-letter.pdf``, print what
    happened and the validation report through ``write``; returns the validation's
    exit status (0 intact and trusted)."""
    from saraban.core.models import User
    from saraban.signing.management.commands.signature_validate import report_lines
    from saraban.signing.validation import validate_pdf

    clerk, executive = User.objects.get(username="clerk"), User.objects.get(username="executive")
    authority, tsa, created = testca.ensure_authority()
    issued = [i for _, i in testca.issue_missing(authority, password=DEMO_PASSWORD) if i is not None]
    write(f"\nลงนามอิเล็กทรอนิกส์: CA ทดสอบ {'สร้างใหม่' if created else 'เดิม'}"
          + (f", ออกใบรับรองให้ {len(issued)} คน (รหัสผ่าน {DEMO_PASSWORD!r})" if issued else ""))
    letter = (OutgoingLetter.objects.filter(status=OutgoingLetter.Status.SENT, secrecy="unclassified",
                                            subject=LETTER["subject"]).exclude(signatures__signer=executive).first()
              or outgoing_services.send_outgoing(actor=clerk, outgoing_id=outgoing_services.draft_outgoing(
                  actor=clerk, fields=LETTER).pk))
    certificate = next(c for c in selectors.my_certificates(executive, usable_only=True)
                       if c.issuer_name == authority.name)
    with contextlib.ExitStack() as stack:
        parsed = urllib.parse.urlsplit(authority.base_url)
        try:
            running = stack.enter_context(responder.serving(authority, tsa=tsa, host=parsed.hostname or "127.0.0.1",
                                                            port=parsed.port or 80))
            tsa_url = f"{running.base_url}/tsa"
        except OSError as exc:
            write(f"   เปิดบริการ CRL/OCSP/TSA ทดสอบที่ {authority.base_url} ไม่ได้ ({exc.strerror}) "
                  "— ลงนามโดยไม่มีตราเวลา")
            tsa_url = ""
        stack.enter_context(override_settings(SARABAN_SIGNING_TSA_URL=tsa_url))
        signature = services.sign_outgoing(actor=executive, outgoing_id=letter.pk, certificate_id=certificate.pk,
                                           secret=DEMO_PASSWORD, reason="อนุมัติให้ส่งหนังสือ",
                                           client=services.Client(via="command", user_agent="manage.py demo"))
        letter.refresh_from_db()
        with letter.signed_file.open("rb") as fh:
            data = fh.read()
        target = out / "signed-letter.pdf"
        target.write_bytes(data)
        write(f"หนังสือส่ง {letter.document_number} ลงนามโดย {executive.display_name} ระดับ PAdES {signature.level}: "
              f"{target}")
        report = validate_pdf(data)
    for line in report_lines(report, name=target.name):
        write(f"   {line}")
    return report.exit_code
