"""``python manage.py search_reindex``: rebuild the search index from the database.

The backend builds a new index and swaps it in (Elasticsearch: a new index behind the
alias), so searches keep working throughout; changes made meanwhile are replayed.
"""

from django.core.management.base import BaseCommand, CommandError

from saraban.search.backends import SearchUnavailable
from saraban.search.services import reindex_all


class Command(BaseCommand):
    help = "สร้างดัชนีค้นหาใหม่จากฐานข้อมูล แล้วสลับมาใช้โดยไม่หยุดบริการค้นหา"

    def handle(self, *args, **options):
        def progress(n: int) -> None:
            self.stdout.write(f"  … {n:,} รายการ")

        try:
            count = reindex_all(progress=progress)
        except SearchUnavailable as exc:
            raise CommandError(f"สร้างดัชนีไม่สำเร็จ: ระบบค้นหาไม่พร้อม ({exc})") from exc
        self.stdout.write(f"จัดทำดัชนีใหม่แล้ว {count:,} รายการ")
