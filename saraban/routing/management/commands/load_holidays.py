"""``python manage.py load_holidays [--file F]``: load the holiday calendar (safe to run again)."""

from django.core.management.base import BaseCommand

from saraban.routing.deadlines import HOLIDAYS_FILE, load_holidays


class Command(BaseCommand):
    help = "โหลดปฏิทินวันหยุดราชการ (ค่าเริ่มต้น: วันหยุดราชการประจำปีตามมติคณะรัฐมนตรี 2568–2570)"

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(HOLIDAYS_FILE))

    def handle(self, *args, **options):
        created = load_holidays(path=options["file"])
        self.stdout.write(f"เพิ่มวันหยุด {created} วัน")
