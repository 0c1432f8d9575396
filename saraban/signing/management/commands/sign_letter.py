"""``python manage.py sign_letter``: sign an endorsement or an outgoing letter from the
command line, as the signing page does (the same service and rules).

    sign_letter --user executive --outgoing 12 [--certificate 3] [--reason …] [--out signed.pdf]
    sign_letter --user gad_director --letter 40 --endorsement 7

The certificate's password or the token's PIN is asked at the prompt (never an
argument: it would land in the shell history); ``--password-env NAME`` reads it from
the environment variable ``NAME`` for scripts. A classified letter is refused like
everywhere else. Exit status 0 signed, 1 refused or failed (the Thai reason on stderr).
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from saraban.core.errors import DomainError
from saraban.core.models import User
from saraban.signing import selectors, services


class Command(BaseCommand):
    help = "ลงนามอิเล็กทรอนิกส์เกษียนหรือหนังสือส่ง (ถามรหัสผ่านหรือ PIN ทุกครั้ง) — หนังสือชั้นความลับลงนามไม่ได้"

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="ชื่อผู้ใช้ของผู้ลงนาม")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--letter", type=int, help="เลขประจำหนังสือรับ (id) ที่จะลงนามเกษียน")
        target.add_argument("--outgoing", type=int, help="เลขประจำหนังสือส่ง (id) ที่จะลงนาม")
        parser.add_argument("--endorsement", type=int, help="เกษียนที่จะลงนาม (กับ --letter)")
        parser.add_argument("--certificate", type=int, help="ใบรับรองที่ใช้ (ค่าเริ่มต้น: ใบล่าสุดที่ใช้ได้)")
        parser.add_argument("--reason", default="", help="เหตุผลการลงนาม")
        parser.add_argument("--password-env", help="อ่านรหัสผ่าน/PIN จากตัวแปรสภาพแวดล้อมนี้แทนการถาม")
        parser.add_argument("--out", help="เขียนฉบับที่ลงนามแล้วลงไฟล์นี้ด้วย")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"ไม่พบผู้ใช้ {options['user']}")
        certificate_id = options["certificate"] or next(
            (c.pk for c in selectors.my_certificates(user, usable_only=True)), None)
        if certificate_id is None:
            raise CommandError(f"{user.username} ยังไม่มีใบรับรองที่ใช้ได้ (นำเข้าที่หน้า /signing/ หรือ signing_ca)")
        if options["letter"] and not options["endorsement"]:
            raise CommandError("ระบุ --endorsement ของเกษียนที่จะลงนามด้วย")
        if options["password_env"]:
            secret = os.environ.get(options["password_env"], "")
        else:
            secret = getpass.getpass("รหัสผ่านของใบรับรองหรือ PIN: ")
        client = services.Client(via="command", address="localhost",
                                 user_agent=f"manage.py sign_letter (OS user {getpass.getuser()})")
        try:
            if options["outgoing"]:
                signature = services.sign_outgoing(actor=user, outgoing_id=options["outgoing"],
                                                   certificate_id=certificate_id, secret=secret,
                                                   reason=options["reason"], client=client)
                field_file = signature.outgoing.signed_file
            else:
                signature = services.sign_letter(actor=user, letter_id=options["letter"],
                                                 endorsement_id=options["endorsement"],
                                                 certificate_id=certificate_id, secret=secret,
                                                 reason=options["reason"], client=client)
                field_file = signature.letter.files.get(role="signed").file
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if options["out"]:
            with field_file.open("rb") as fh:
                Path(options["out"]).write_bytes(fh.read())
        written = f" → {options['out']}" if options["out"] else ""
        self.stdout.write(f"ลงนามแล้ว: {signature.field_name} ระดับ PAdES {signature.level} "
                          f"(SHA-256 {signature.sha256_after[:16]}…){written}")
