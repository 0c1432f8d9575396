"""``python manage.py signing_ca``: the development test CA.

Creates the agency test CA and its timestamp authority (once, under
``SARABAN_SIGNING_CA_DIR``), makes the service trust it (the first
``SARABAN_SIGNING_TRUST_ROOTS`` directory) and issues certificates to the executives and
unit heads who have none from it yet, imported as their PKCS#12 certificates with the
given password (also written to ``people/<username>.p12``). ``--serve`` then answers its
CRL, OCSP and timestamp requests on the CA's URL until Ctrl+C.

Never for production: the CA key is stored unencrypted.
"""

from __future__ import annotations

import time
import urllib.parse

from django.core.management.base import BaseCommand, CommandError

from saraban.core.errors import DomainError
from saraban.routing.demo import DEMO_PASSWORD
from saraban.signing import responder, testca


class Command(BaseCommand):
    help = "สร้างผู้ออกใบรับรองทดสอบ (CA) และออกใบรับรองให้ผู้บริหาร — สำหรับทดสอบและสาธิตเท่านั้น"

    def add_arguments(self, parser):
        parser.add_argument("--people", nargs="*", help="ชื่อผู้ใช้ที่จะออกใบรับรองให้ (ค่าเริ่มต้น: ผู้บริหารและหัวหน้าหน่วยงานทุกคน)")
        parser.add_argument("--password", default=DEMO_PASSWORD, help="รหัสผ่านของใบรับรองที่ออกให้ (ค่าเริ่มต้น: รหัสผ่านสาธิต)")
        parser.add_argument("--url", default=testca.DEFAULT_URL, help="ที่อยู่ของบริการ CRL/OCSP/TSA ของ CA ทดสอบ")
        parser.add_argument("--serve", action="store_true", help="เปิดบริการ CRL/OCSP/TSA ทดสอบจนกด Ctrl+C")

    def handle(self, *args, **options):
        authority, tsa, created = testca.ensure_authority(url=options["url"])
        self.stdout.write(("สร้าง" if created else "ใช้") + f" CA ทดสอบ: {authority.name} "
                          f"(บริการ {authority.base_url}) — ห้ามใช้ในระบบจริง")
        try:
            results = testca.issue_missing(authority, password=options["password"], usernames=options["people"])
        except DomainError as exc:
            raise CommandError(f"ออกใบรับรองไม่ได้: {exc.message}") from exc
        for user, issued in results:
            self.stdout.write(f"   {user.username}: มีใบรับรองจาก CA นี้แล้ว" if issued is None else
                              f"   {user.username}: ออกใบรับรอง {issued.certificate.subject_name} "
                              f"(รหัสผ่าน {options['password']!r}) {issued.p12_path}")
        if options["serve"]:
            parsed = urllib.parse.urlsplit(authority.base_url)
            try:
                with responder.serving(authority, tsa=tsa, host=parsed.hostname or "127.0.0.1",
                                       port=parsed.port or 80) as server:
                    self.stdout.write(f"บริการ CRL/OCSP/TSA ทดสอบที่ {server.base_url} "
                                      f"(ตั้ง SARABAN_SIGNING_TSA_URL={server.base_url}/tsa) — กด Ctrl+C เพื่อหยุด")
                    while True:
                        time.sleep(3600)
            except OSError as exc:
                raise CommandError(f"เปิดบริการที่ {authority.base_url} ไม่ได้: {exc}") from exc
            except KeyboardInterrupt:
                self.stdout.write("หยุดบริการแล้ว")
