"""Demo people: one for every role, in units of the organisation fixture.

Used by ``make demo`` and the tests. Passwords are the same demo password for all —
for a demonstration machine only.
"""

from __future__ import annotations

from django.db import transaction

from saraban.core.classes import Role, Secrecy
from saraban.core.models import User
from saraban.routing.models import Membership, Position, Unit

DEMO_PASSWORD = "saraban-demo"

#: username, first name, last name, position, clearance, [(unit code, role)]
DEMO_PEOPLE = [
    ("clerk", "สมศรี", "รับหนังสือ", "เจ้าพนักงานธุรการชำนาญงาน", Secrecy.UNCLASSIFIED,
     [("OPS-GAD-ADM-SARABAN", Role.REGISTRY_CLERK)]),
    ("complaints_staff", "วิชัย", "ใจดี", "นักวิเคราะห์นโยบายและแผนปฏิบัติการ", Secrecy.UNCLASSIFIED,
     [("OPS-INSPECT-REGION", Role.UNIT_STAFF)]),
    ("complaints_head", "มาลี", "ตรวจการ", "หัวหน้ากลุ่มสนับสนุนและประสานราชการส่วนภูมิภาค", Secrecy.CONFIDENTIAL,
     [("OPS-INSPECT-REGION", Role.UNIT_HEAD)]),
    ("ict_staff", "ธนา", "ระบบดี", "นักวิชาการคอมพิวเตอร์ชำนาญการ", Secrecy.UNCLASSIFIED,
     [("OPS-ICT-SYS", Role.UNIT_STAFF)]),
    ("executive", "ประเสริฐ", "บริหารดี", "ปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์", Secrecy.TOP_SECRET,
     [("OPS", Role.EXECUTIVE)]),
    ("secret_registrar", "รัตนา", "รักษาลับ", "นายทะเบียนข้อมูลข่าวสารลับ", Secrecy.TOP_SECRET,
     [("OPS-GAD-ADM", Role.SECRET_REGISTRAR)]),
    ("archive", "อรุณ", "ค้นคืน", "บรรณารักษ์", Secrecy.UNCLASSIFIED, [("OPS", Role.ARCHIVE_READER)]),
    ("admin", "ผู้ดูแล", "ระบบ", "ผู้ดูแลระบบ", Secrecy.UNCLASSIFIED, [("OPS", Role.ADMINISTRATOR)]),
    ("deputy", "วีระ", "ช่วยบริหาร", "รองปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์", Secrecy.TOP_SECRET,
     [("OPS", Role.EXECUTIVE)]),
    ("gad_director", "กมล", "กลางดี", "ผู้อำนวยการกองกลาง", Secrecy.SECRET, [("OPS-GAD", Role.UNIT_HEAD)]),
    ("inspect_director", "สุดา", "ตรวจดี", "ผู้อำนวยการกองตรวจราชการ", Secrecy.SECRET,
     [("OPS-INSPECT", Role.UNIT_HEAD)]),
    ("inspect_clerk", "ปรีชา", "รับเรื่อง", "เจ้าพนักงานธุรการปฏิบัติงาน", Secrecy.UNCLASSIFIED,
     [("OPS-INSPECT", Role.REGISTRY_CLERK)]),
]

#: Who holds which post (Position codes from the organisation fixture).
DEMO_POSTS = {"executive": "OPS-HEAD", "deputy": "OPS-DEPUTY-1", "gad_director": "OPS-GAD-HEAD",
              "inspect_director": "OPS-INSPECT-HEAD", "complaints_head": "OPS-INSPECT-REGION-HEAD"}


def seed_demo_people() -> list[User]:
    """Create (or refresh) the demo people and their memberships; safe to run again.

    Also makes them holders of their posts (DEMO_POSTS) and creates the secret
    register at the secret registrar's unit. Requires the
    organisation to be loaded (raises Unit.DoesNotExist otherwise).
    """
    from saraban.registry.services import ensure_secret_register

    people = []
    with transaction.atomic():
        for username, first, last, position, clearance, roles in DEMO_PEOPLE:
            user, created = User.objects.get_or_create(username=username)
            user.first_name, user.last_name, user.position, user.clearance = first, last, position, clearance
            user.is_staff = user.is_superuser = username == "admin"
            if created or not user.has_usable_password():
                user.set_password(DEMO_PASSWORD)
            user.save()
            for code, role in roles:
                unit = Unit.objects.get(code=code)
                Membership.objects.get_or_create(user=user, unit=unit, role=role)
                if role == Role.SECRET_REGISTRAR:
                    ensure_secret_register(desk=unit)
            people.append(user)
            if username in DEMO_POSTS:
                Position.objects.filter(code=DEMO_POSTS[username]).update(holder=user)
    return people
