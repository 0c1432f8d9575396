"""``python manage.py seed_demo_people``: demo people for every role."""

from django.core.management.base import BaseCommand

from saraban.routing.demo import DEMO_PASSWORD, seed_demo_people


class Command(BaseCommand):
    help = "สร้างผู้ใช้ตัวอย่างสำหรับทุกบทบาท"

    def handle(self, *args, **options):
        for user in seed_demo_people():
            roles = ", ".join(m.get_role_display() for m in user.memberships.all())
            self.stdout.write(f"{user.username:18} {DEMO_PASSWORD}  {user.display_name} — {roles}")
