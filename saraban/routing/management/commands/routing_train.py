"""``manage.py routing_train [--no-routes]``: train the routing model from the training
file, the units' rules and the routes clerks sent, and write the signed model file."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from saraban.routing import learning


class Command(BaseCommand):
    help = "ฝึกโมเดลแนะนำหน่วยงานจากเรื่องที่เคยส่ง และบันทึกไฟล์โมเดลที่ลงลายมือชื่อ"

    def add_arguments(self, parser):
        parser.add_argument("--no-routes", action="store_true", help="ไม่ใช้รายการส่งหนังสือในฐานข้อมูล")

    def handle(self, *args, **options):
        meta = learning.train(include_routes=not options["no_routes"])
        self.stdout.write(f"บันทึกโมเดลที่ {learning.model_path()}")
        self.stdout.write(json.dumps(meta, ensure_ascii=False))
