"""``python manage.py search_reindex``: rebuild the search index from the database."""

from django.core.management.base import BaseCommand

from saraban.search.services import reindex_all


class Command(BaseCommand):
    help = "สร้างดัชนีค้นหาใหม่จากฐานข้อมูล"

    def handle(self, *args, **options):
        self.stdout.write(f"จัดทำดัชนีแล้ว {reindex_all()} รายการ")
