"""Fixtures of the complaint tests: people of the handling units, valid national IDs,
and a complaint filed through the service."""

from __future__ import annotations

import itertools

import pytest

from saraban.core.classes import Role

_serial = itertools.count(1)


def thai_id(first12: str) -> str:
    """A valid 13-digit Thai national ID from its first 12 digits (the check digit added)."""
    total = sum(int(d) * (13 - i) for i, d in enumerate(first12))
    return first12 + str((11 - total % 11) % 10)


def person(n: int | None = None) -> dict:
    """A complainant with distinctive personal data (nothing of it may leak)."""
    n = n or next(_serial)
    return {"name": f"นางสมหญิง ทดสอบลับ{n:03d}", "national_id": thai_id(f"31001{n:07d}"),
            "address": f"{n} หมู่ ๗ ตำบลบางแพ อำเภอบางแพ จังหวัดราชบุรี 70160",
            "phone": f"08{n:08d}", "email": f"somying{n}@example.org"}


@pytest.fixture
def make_user(db):
    """``make_user(username, unit_code, role=UNIT_STAFF)``: a person working in a unit."""
    from saraban.core.models import User
    from saraban.routing.models import Membership, Unit

    def make(username: str, unit_code: str, role: str = Role.UNIT_STAFF):
        user = User.objects.create_user(username=username, password="x", first_name=username, last_name="ทดสอบ")
        Membership.objects.create(user=user, unit=Unit.objects.get(code=unit_code), role=role)
        return user

    return make


@pytest.fixture
def welfare_staff(make_user):
    """Staff of ศูนย์ช่วยเหลือสังคม (OPS-INSPECT-SOCIALHELP), a handling unit."""
    return make_user("welfare_staff", "OPS-INSPECT-SOCIALHELP")


@pytest.fixture
def file(people):
    """``file(actor=complaints_staff, **fields)``: a complaint filed through the service."""
    from saraban.complaints import services

    def make(actor=None, **fields):
        data = {"channel": "web_portal", "complainant": person(), "subject": "ขอให้ตรวจสอบเงินอุดหนุนเด็กแรกเกิดล่าช้า",
                "description": "ยื่นคำขอตั้งแต่เดือนมกราคม ยังไม่ได้รับเงินอุดหนุน", "province": "ราชบุรี",
                "district": "บางแพ", "category": "social_welfare", "severity": "medium", **fields}
        return services.file_complaint(actor=actor or people["complaints_staff"], **data)

    return make
