"""``python manage.py search_status [--json]``: the search backend, its version, the
number of letters indexed and the outbox lag. Exit status 1 when the backend is down."""

import json

from django.core.management.base import BaseCommand

from saraban.search.backends import SearchUnavailable, get_backend
from saraban.search.services import outbox_lag


class Command(BaseCommand):
    help = "แสดงสถานะระบบค้นหา: ชนิด รุ่น จำนวนเอกสารในดัชนี และงานที่ยังค้างในคิว"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        lag = outbox_lag()
        report = {"backend": None, "version": None, "documents": None, "available": True, "error": "",
                  "outbox": lag}
        try:
            status = get_backend().status()
            report.update(backend=status.backend, version=status.version, documents=status.documents)
        except SearchUnavailable as exc:
            report.update(available=False, error=str(exc), backend=type(get_backend()).__name__)
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        else:
            self.stdout.write(f"ระบบค้นหา: {report['backend']} รุ่น {report['version']}")
            if report["available"]:
                self.stdout.write(f"เอกสารในดัชนี: {report['documents']:,} รายการ")
            else:
                self.stdout.write(f"ไม่พร้อมใช้งาน: {report['error']}")
            self.stdout.write(f"ค้างในคิว: {lag['pending']:,} รายการ (ลองใหม่ {lag['retrying']:,}), "
                              f"รายการเก่าสุดรอ {lag['oldest_seconds']:,} วินาที")
        if not report["available"]:
            raise SystemExit(1)
