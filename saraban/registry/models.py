"""Letters, their files, and the registers that number them.

Source: DOMAIN.md §3 — the incoming register (ทะเบียนหนังสือรับ, form 13) of each
registry desk, the separate secret register, numbering from 1 each calendar year.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saraban.core.classes import DocumentType, Secrecy, Urgency


class Register(models.Model):
    """A register (book) kept by one registry desk; numbers run per calendar year.

    ``is_secret``: the secret register kept by the secret-document registrar, the only
    register a classified letter may enter.
    """

    class Direction(models.TextChoices):
        INCOMING = "incoming", "ทะเบียนหนังสือรับ"
        OUTGOING = "outgoing", "ทะเบียนหนังสือส่ง"

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=255)
    desk_unit = models.ForeignKey("routing.Unit", on_delete=models.PROTECT, related_name="registers")
    direction = models.CharField(max_length=16, choices=Direction.choices, default=Direction.INCOMING)
    is_secret = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class RegisterCounter(models.Model):
    """The last number issued in a register for a year (one row per register and year)."""

    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="counters")
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["register", "year"], name="counter_unique")]


class Letter(models.Model):
    """An incoming letter or complaint file: a draft until the clerk confirms it, then a
    register entry with its receive number.

    Field names follow DOMAIN.md §1. ``document_number`` is kept as printed;
    ``document_number_canonical`` (Thai digits folded, spaces and dots removed) is the
    form compared for duplicates and search. ``suggested`` holds what reading the file
    suggested (the same keys), ``field_confidence`` a 0..1 figure per field.
    """

    class Kind(models.TextChoices):
        LETTER = "letter", "หนังสือ"
        COMPLAINT = "complaint", "เรื่องร้องเรียน"

    class Status(models.TextChoices):
        DRAFT = "draft", "ร่าง (รอยืนยัน)"
        REGISTERED = "registered", "ลงทะเบียนรับแล้ว"

    class ReadingStatus(models.TextChoices):
        NONE = "none", "ไม่มีไฟล์"
        QUEUED = "queued", "รออ่านเอกสาร"
        RUNNING = "running", "กำลังอ่านเอกสาร"
        DONE = "done", "อ่านเสร็จแล้ว"
        FAILED = "failed", "อ่านไม่สำเร็จ"

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.LETTER)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    desk_unit = models.ForeignKey("routing.Unit", on_delete=models.PROTECT, related_name="desk_letters")

    document_type = models.CharField(max_length=16, choices=DocumentType.choices, blank=True)
    document_number = models.CharField("ที่", max_length=128, blank=True)
    document_number_canonical = models.CharField(max_length=128, blank=True, db_index=True)
    document_date = models.DateField("ลงวันที่", null=True, blank=True)
    subject = models.TextField("เรื่อง", blank=True)
    addressee = models.TextField("เรียน/ถึง", blank=True)
    sender = models.TextField("จาก", blank=True)
    issuing_office = models.TextField("ส่วนราชการ", blank=True)
    references = models.JSONField("อ้างถึง", default=list, blank=True)
    enclosures = models.JSONField("สิ่งที่ส่งมาด้วย", default=list, blank=True)
    signer_name = models.CharField(max_length=255, blank=True)
    signer_position = models.TextField(blank=True)
    urgency = models.CharField("ชั้นความเร็ว", max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    secrecy = models.CharField("ชั้นความลับ", max_length=16, choices=Secrecy.choices, default=Secrecy.UNCLASSIFIED)
    remarks = models.TextField("หมายเหตุ", blank=True)

    text = models.TextField(blank=True)
    suggested = models.JSONField(default=dict, blank=True)
    field_confidence = models.JSONField(default=dict, blank=True)
    reading_status = models.CharField(max_length=16, choices=ReadingStatus.choices, default=ReadingStatus.NONE)
    reading_progress = models.PositiveSmallIntegerField(default=0)
    reading_pages = models.PositiveSmallIntegerField(default=0)
    reading_error = models.TextField(blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    received_at = models.DateTimeField("เวลารับ")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    register = models.ForeignKey(Register, null=True, blank=True, on_delete=models.PROTECT, related_name="letters")
    year = models.PositiveIntegerField(null=True, blank=True)
    receive_number = models.PositiveIntegerField("เลขทะเบียนรับ", null=True, blank=True)
    registered_at = models.DateTimeField("เวลาลงทะเบียน", null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "year", "receive_number"],
                name="receive_number_once",
                condition=models.Q(receive_number__isnull=False),
            )
        ]

    def __str__(self) -> str:
        if self.receive_number:
            return f"{self.receive_number}/{self.year + 543} {self.subject[:60]}"
        return f"ร่าง #{self.pk} {self.subject[:60]}"

    @property
    def is_classified(self) -> bool:
        return self.secrecy != Secrecy.UNCLASSIFIED

    @property
    def original(self) -> "LetterFile | None":
        return next((f for f in self.files.all() if f.role == LetterFile.Role.ORIGINAL), None)

    @property
    def searchable(self) -> "LetterFile | None":
        return next((f for f in self.files.all() if f.role == LetterFile.Role.SEARCHABLE), None)


def _letter_file_path(instance: "LetterFile", filename: str) -> str:
    return f"letters/{instance.sha256[:2]}/{instance.sha256}/{instance.role}-{filename}"


class LetterFile(models.Model):
    """A file of a letter, stored byte for byte with its SHA-256.

    ``role``: ``original`` (what was received, never changed) or ``searchable`` (the
    original's images with an invisible OCR text layer).
    """

    class Role(models.TextChoices):
        ORIGINAL = "original", "ต้นฉบับ"
        SEARCHABLE = "searchable", "PDF ค้นหาได้"

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="files")
    role = models.CharField(max_length=16, choices=Role.choices)
    file = models.FileField(upload_to=_letter_file_path, max_length=255)
    original_name = models.CharField(max_length=255)
    mime = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    pages = models.PositiveSmallIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
