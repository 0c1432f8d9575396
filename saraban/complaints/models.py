"""Complaints (เรื่องร้องเรียน / ร้องทุกข์): the complaint, its progress timeline and the
notices sent to the complainant.

Source: DOMAIN.md §5; the work manual of the Office of the Permanent Secretary, MSDHS
(FY 2567), process "การจัดการข้อร้องเรียนร้องทุกข์" of the Inspection Division (channels,
the eight steps) and "การบริหารจัดการข้อร้องเรียนทุจริต" of the anti-corruption centre;
the probation-office service standard (severities and their deadlines).

Personal data (the complainant's name, national ID, address, phone, e-mail; the
description of the matter; the accused party; working notes) is stored only as Fernet
tokens (``*_enc`` fields, see :mod:`saraban.complaints.crypto`); the ``*_index`` fields
are keyed blind indexes for duplicate detection. ``__str__`` shows the tracking code only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Channel(models.TextChoices):
    """ช่องทางการรับเรื่อง (work manual: จดหมาย, หนังสือราชการ, Web Portal www.111.go.th,
    Walk in, โทรศัพท์, E-mail, Facebook/Line, สายด่วน ๑๓๐๐)."""

    LETTER = "letter", "จดหมาย"
    OFFICIAL_LETTER = "official_letter", "หนังสือราชการ"
    WEB_PORTAL = "web_portal", "เว็บไซต์ (Web Portal)"
    WALK_IN = "walk_in", "ยื่นด้วยตนเอง (Walk in)"
    TELEPHONE = "telephone", "โทรศัพท์"
    EMAIL = "email", "ไปรษณีย์อิเล็กทรอนิกส์ (E-mail)"
    FACEBOOK = "facebook", "Facebook"
    LINE = "line", "LINE"
    HOTLINE = "hotline", "สายด่วน ๑๓๐๐"


class Category(models.TextChoices):
    """ประเภทเรื่อง (from the units' missions in the work manual)."""

    SOCIAL_WELFARE = "social_welfare", "ขอความช่วยเหลือด้านสวัสดิการสังคม"
    HUMAN_TRAFFICKING = "human_trafficking", "การค้ามนุษย์"
    OFFICIAL_CONDUCT = "official_conduct", "พฤติกรรมเจ้าหน้าที่"
    CORRUPTION = "corruption", "การทุจริตและประพฤติมิชอบ"
    SERVICE = "service", "การให้บริการของหน่วยงาน"
    OTHER = "other", "อื่น ๆ"


class Severity(models.TextChoices):
    """ระดับความรุนแรง (probation-office service standard): low 15 days, medium 7 days,
    high 24 hours, calendar time (``SARABAN_COMPLAINT_SEVERITY_HOURS``)."""

    LOW = "low", "รุนแรงเล็กน้อย (ปกติทั่วไป)"
    MEDIUM = "medium", "รุนแรงปานกลาง (สร้างความไม่พึงพอใจ)"
    HIGH = "high", "รุนแรงมาก (กระทบภาพลักษณ์ ต้องเสนอผู้บริหาร)"


class Status(models.TextChoices):
    """Where the complaint is in the flow (DOMAIN.md §5, work manual steps 1–8)."""

    REGISTERED = "registered", "ลงทะเบียนรับเรื่องแล้ว"
    ANALYSED = "analysed", "วิเคราะห์เรื่องแล้ว"
    PROPOSED = "proposed", "เสนอผู้บริหารพิจารณา"
    FORWARDED = "forwarded", "ส่งเรื่องให้หน่วยงานที่เกี่ยวข้องแล้ว"
    INVESTIGATING = "investigating", "อยู่ระหว่างตรวจสอบข้อเท็จจริง"
    REPORTED = "reported", "ได้รับรายงานผลจากหน่วยงานแล้ว"
    CHECKED = "checked", "ตรวจสอบรายงานครบถ้วนแล้ว"
    SUMMARISED = "summarised", "สรุปผลเสนอผู้บริหารแล้ว"
    CLOSED = "closed", "แจ้งผลผู้ร้องแล้ว / ยุติเรื่อง"


OPEN_STATUSES = [s for s in Status.values if s != Status.CLOSED]


class Complaint(models.Model):
    """One complaint. ``tracking_code`` (e.g. ``RC-2569-7KQ2-M9XD``, 40 random bits) is
    what the complainant follows it by; it carries no personal data."""

    tracking_code = models.CharField("รหัสติดตามเรื่อง", max_length=32, unique=True)
    channel = models.CharField("ช่องทาง", max_length=20, choices=Channel.choices)
    subject = models.CharField("เรื่อง", max_length=500)
    category = models.CharField("ประเภทเรื่อง", max_length=24, choices=Category.choices, db_index=True)
    severity = models.CharField("ระดับความรุนแรง", max_length=8, choices=Severity.choices)
    province = models.CharField("จังหวัด (ที่เกิดเหตุ)", max_length=64, blank=True, db_index=True)
    district = models.CharField("อำเภอ/เขต (ที่เกิดเหตุ)", max_length=128, blank=True)
    status = models.CharField("สถานะ", max_length=16, choices=Status.choices, default=Status.REGISTERED,
                              db_index=True)

    received_at = models.DateTimeField("วันที่รับเรื่อง", db_index=True)
    due_at = models.DateTimeField("กำหนดแล้วเสร็จ")
    proposed_at = models.DateTimeField(null=True, blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    summarised_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    registering_unit = models.ForeignKey("routing.Unit", on_delete=models.PROTECT, related_name="complaints_registered")
    handling_unit = models.ForeignKey("routing.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="complaints_handled")
    outside_agency = models.CharField("หน่วยงานภายนอก", max_length=255, blank=True)
    letter = models.ForeignKey("registry.Letter", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="complaints")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    # Encrypted (Fernet tokens) — never plain text in the database.
    complainant_enc = models.TextField(blank=True)  # JSON {name, national_id, address, phone, email}
    description_enc = models.TextField(blank=True)
    accused_enc = models.TextField(blank=True)
    # Keyed blind indexes (HMAC-SHA256) and term fingerprints, for duplicate detection.
    national_id_index = models.CharField(max_length=64, blank=True, db_index=True)
    contact_index = models.CharField(max_length=64, blank=True, db_index=True)
    accused_index = models.CharField(max_length=64, blank=True, db_index=True)
    matter_terms = models.JSONField(default=list, blank=True)
    has_email = models.BooleanField(default=False)

    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    #: [{complaint_id, tracking_code, reason, reason_label, unit, received_at, similarity}] — no personal data
    possible_duplicates = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["escalated_at", "closed_at", "due_at"], name="complaint_overdue")]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return self.closed_at is None and self.due_at < timezone.now()


class ComplaintStep(models.Model):
    """One step of the timeline. ``note`` is internal (encrypted: it may hold personal
    data); ``public_note`` is what the public status page shows beside the step."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", "ลงทะเบียนรับเรื่อง"
        ANALYSED = "analysed", "วิเคราะห์เรื่องและตรวจสอบเรื่องซ้ำ"
        PROPOSED = "proposed", "เสนอผู้บริหารพิจารณา"
        FORWARDED = "forwarded", "ส่งเรื่องให้หน่วยงานที่เกี่ยวข้องดำเนินการ"
        INFORMED_RECEIVED = "informed_received", "แจ้งผู้ร้องว่าได้รับเรื่องแล้ว"
        REPORTED = "reported", "หน่วยงานรายงานผลการตรวจสอบ"
        ASKED_AGAIN = "asked_again", "ขอข้อมูลเพิ่มเติมจากหน่วยงาน"
        CHECKED = "checked", "ตรวจสอบความครบถ้วนของรายงานแล้ว"
        SUMMARISED = "summarised", "สรุปผลเสนอผู้บริหาร"
        INFORMED_RESULT = "informed_result", "แจ้งผลการดำเนินการให้ผู้ร้องทราบ"
        CLOSED = "closed", "ยุติเรื่อง"
        ESCALATED = "escalated", "เกินกำหนด เร่งรัดการดำเนินการ"

    #: Step kinds shown on the public status page.
    PUBLIC_KINDS = frozenset(Kind.values) - {Kind.ESCALATED}

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    unit = models.ForeignKey("routing.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note_enc = models.TextField(blank=True)
    public_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.kind}"


class ComplaintNotice(models.Model):
    """What the complainant was told: by e-mail at once when they gave an address,
    otherwise recorded for an officer to send by post or telephone."""

    class Kind(models.TextChoices):
        RECEIVED = "received", "แจ้งรับเรื่อง"
        RESULT = "result", "แจ้งผลการดำเนินการ"

    class Via(models.TextChoices):
        EMAIL = "email", "ไปรษณีย์อิเล็กทรอนิกส์"
        POST = "post", "ไปรษณีย์"
        PHONE = "phone", "โทรศัพท์"

    class State(models.TextChoices):
        SENT = "sent", "ส่งแล้ว"
        TO_SEND = "to_send", "ต้องแจ้งทางไปรษณีย์/โทรศัพท์"
        FAILED = "failed", "ส่ง e-mail ไม่สำเร็จ ต้องแจ้งทางไปรษณีย์/โทรศัพท์"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Via.choices)
    state = models.CharField(max_length=8, choices=State.choices)
    text_enc = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.kind} ({self.state})"
