"""``manage.py routing_suggest --subject TEXT [--sender TEXT] [--json]``: the units a
letter should go to (rules blended with the learned model when one exists)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from saraban.routing.suggestions import suggest_units


class Command(BaseCommand):
    help = "แนะนำหน่วยงานที่ควรส่งหนังสือถึง จากเรื่องและผู้ส่ง"

    def add_arguments(self, parser):
        parser.add_argument("--subject", required=True, help="เรื่องของหนังสือ")
        parser.add_argument("--sender", default="", help="ส่วนราชการผู้ส่ง")
        parser.add_argument("--limit", type=int, default=3)
        parser.add_argument("--json", action="store_true", help='พิมพ์ {"units": [...]} เป็น JSON')

    def handle(self, *args, **options):
        if not options["subject"].strip():
            raise CommandError("กรุณาระบุเรื่อง (--subject)")
        units = [s.as_dict() for s in suggest_units(subject=options["subject"], sender=options["sender"],
                                                   limit=options["limit"])]
        if options["json"]:
            self.stdout.write(json.dumps({"units": units}, ensure_ascii=False))
            return
        if not units:
            self.stdout.write("ไม่พบหน่วยงานที่ตรงกับเรื่องนี้")
        for n, unit in enumerate(units, 1):
            self.stdout.write(f"{n}. {unit['name']} ({unit['code']})  คะแนน {unit['score']:.2f}\n   {unit['reason']}")
