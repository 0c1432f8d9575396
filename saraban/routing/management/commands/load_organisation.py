"""``python manage.py load_organisation [FILE]``: load the units and their duties."""

from django.core.management.base import BaseCommand

from saraban.routing.services import ORGANISATION_FILE, load_organisation


class Command(BaseCommand):
    help = "โหลดโครงสร้างหน่วยงานและหน้าที่ (ค่าเริ่มต้น: สป.พม. จากคู่มือการปฏิบัติงาน)"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(ORGANISATION_FILE))

    def handle(self, *args, **options):
        result = load_organisation(path=options["file"])
        self.stdout.write(f"โหลดหน่วยงาน {result['units']} หน่วย (ใหม่ {result['created']})")
