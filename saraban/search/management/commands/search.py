"""``python manage.py search QUERY [--user USERNAME] [--limit N] [--json]``

Searches registered letters as USERNAME sees them (default: the demo archive reader).
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from saraban.core.models import User
from saraban.routing.selectors import viewer_for
from saraban.core.templatetags.thai import thai_date
from saraban.search.api import results_as_dict
from saraban.search.selectors import search_letters


class Command(BaseCommand):
    help = "ค้นหาหนังสือในทะเบียนตามสิทธิของผู้ใช้"

    def add_arguments(self, parser):
        parser.add_argument("query")
        parser.add_argument("--user", default="archive")
        parser.add_argument("--limit", type=int, default=20)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        try:
            user = User.objects.get(username=options["user"])
        except User.DoesNotExist:
            raise CommandError(f"ไม่พบผู้ใช้ {options['user']}") from None
        results = results_as_dict(search_letters(viewer_for(user), options["query"], limit=options["limit"]))
        if options["json"]:
            self.stdout.write(json.dumps(results, ensure_ascii=False))
            return
        found = f"พบ {results['total']} รายการ"
        if results["tolerant"]:
            found += " (ไม่พบคำตรงตัว จึงแสดงหนังสือที่มีคำใกล้เคียง เช่น คำที่อ่านจากภาพสแกนผิดเพี้ยน)"
        self.stdout.write(found)
        for hit in results["hits"]:
            self.stdout.write(f"- เลขรับ {hit['receive_number']} ที่ {hit['document_number']} "
                              f"ลงวันที่ {thai_date(hit['document_date'])} เรื่อง {hit['subject']}\n  {hit['snippet']}")
