"""The field's classes of a letter, shared by every app.

Source: DOMAIN.md §2 — urgency (ชั้นความเร็ว) and secrecy (ชั้นความลับ) from the
Prime Minister's Office Regulation on Correspondence B.E. 2526 and the Regulation on
Maintaining Official Secrets B.E. 2544.
"""

from __future__ import annotations

from django.db import models


class Urgency(models.TextChoices):
    """ชั้นความเร็ว. Values are DOMAIN.md's English names."""

    NORMAL = "normal", "ปกติ"
    URGENT = "urgent", "ด่วน"
    VERY_URGENT = "very_urgent", "ด่วนมาก"
    MOST_URGENT = "most_urgent", "ด่วนที่สุด"


class Secrecy(models.TextChoices):
    """ชั้นความลับ, also used as a person's clearance (the highest class they may read)."""

    UNCLASSIFIED = "unclassified", "ไม่มีชั้นความลับ"
    CONFIDENTIAL = "confidential", "ลับ"
    SECRET = "secret", "ลับมาก"
    TOP_SECRET = "top_secret", "ลับที่สุด"


SECRECY_RANK: dict[str, int] = {
    Secrecy.UNCLASSIFIED: 0,
    Secrecy.CONFIDENTIAL: 1,
    Secrecy.SECRET: 2,
    Secrecy.TOP_SECRET: 3,
}


def classes_up_to(clearance: str) -> list[str]:
    """Secrecy values a person with ``clearance`` may read, lowest first.

    Raises KeyError for an unknown clearance value.
    """
    rank = SECRECY_RANK[clearance]
    return [value for value, r in SECRECY_RANK.items() if r <= rank]


class DocumentType(models.TextChoices):
    """ประเภทหนังสือราชการ (DOMAIN.md §1)."""

    EXTERNAL = "external", "หนังสือภายนอก"
    INTERNAL = "internal", "หนังสือภายใน (บันทึกข้อความ)"
    STAMPED = "stamped", "หนังสือประทับตรา"
    DIRECTIVE = "directive", "หนังสือสั่งการ"
    ANNOUNCEMENT = "announcement", "หนังสือประชาสัมพันธ์"
    RECORD = "record", "หนังสือที่เจ้าหน้าที่ทำขึ้นหรือรับไว้เป็นหลักฐาน"
    COMPLAINT = "complaint", "เรื่องร้องเรียน/ร้องทุกข์"


class Role(models.TextChoices):
    """What a person does in the service; one person may hold several roles."""

    REGISTRY_CLERK = "registry_clerk", "เจ้าหน้าที่สารบรรณ (ทะเบียนรับ)"
    UNIT_STAFF = "unit_staff", "เจ้าหน้าที่หน่วยงาน"
    UNIT_HEAD = "unit_head", "หัวหน้าหน่วยงาน"
    EXECUTIVE = "executive", "ผู้บริหาร"
    SECRET_REGISTRAR = "secret_registrar", "นายทะเบียนข้อมูลข่าวสารลับ"
    ARCHIVE_READER = "archive_reader", "ผู้ค้นคืนเอกสาร (ทั้งหน่วยงาน)"
    ADMINISTRATOR = "administrator", "ผู้ดูแลระบบ"
