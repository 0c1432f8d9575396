"""``python manage.py register FILE... [--register CODE] [--user USERNAME] [--json]``

Reads each file, confirms the suggested fields as USERNAME (default: the demo
registry clerk) and registers it. The reading runs in a background worker when one
is running (``python manage.py worker``), otherwise in this process. A file whose
reading found a secrecy mark, or was unsure of a mark, is not registered: its draft
waits for a person (status ``needs_review``). Exit status 0 when every file was
registered or reported as a duplicate, 1 otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from saraban.core.models import User
from saraban.core.workers import worker_running
from saraban.registry.batch import describe, register_file


class Command(BaseCommand):
    help = "อ่าน ยืนยัน และลงทะเบียนรับไฟล์หนังสือ (PDF, PNG, JPEG, TIFF)"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+")
        parser.add_argument("--register", dest="register_code", default=None, help="รหัสทะเบียน (ค่าเริ่มต้น: ของโต๊ะรับ)")
        parser.add_argument("--user", default="clerk", help="ชื่อผู้ใช้ผู้ยืนยัน (ค่าเริ่มต้น: clerk)")
        parser.add_argument("--json", action="store_true", help="พิมพ์ JSON หนึ่งบรรทัดต่อไฟล์")

    def handle(self, *args, **options):
        try:
            user = User.objects.get(username=options["user"])
        except User.DoesNotExist:
            raise CommandError(f"ไม่พบผู้ใช้ {options['user']} (รัน make demo หรือ seed_demo_people ก่อน)") from None
        use_worker = worker_running()
        ok = True
        for name in options["files"]:
            path = Path(name)
            progress = None
            if options["verbosity"]:
                def progress(done: int, total: int, path=path) -> None:
                    self.stderr.write(f"{path.name}: อ่านแล้ว {done}/{total} หน้า")
            result = register_file(actor=user, path=path, register_code=options["register_code"],
                                   use_worker=use_worker, progress=progress)
            ok &= result["status"] in ("registered", "duplicate")
            self.stdout.write(json.dumps(result, ensure_ascii=False) if options["json"] else describe(result))
        if not ok:
            raise SystemExit(1)
