"""Letters, their files, and the registers that number them.

Source: DOMAIN.md §3 — the incoming register (ทะเบียนหนังสือรับ, form 13) of each
registry desk, the separate secret register, numbering from 1 each calendar year.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saraban.core.classes import DocumentType, Secrecy, Urgency


class Register(models.Model):
    """A register (book) kept by one registry desk, with its own number series.

    Source: DOMAIN.md §3. Each desk keeps an incoming and an outgoing book; circulars
    (``ว``) and orders (``n/พ.ศ.``) have series of their own; the secret register kept
    by the secret-document registrar (``is_secret``) is the only register a classified
    letter may enter. Numbers run from 1 through the register's year, which starts on
    1 January (``year_start_month`` 1) or, for agencies that number by the fiscal year,
    on 1 October (10; the year is then named by the year in which it ends).
    ``number_prefix`` is the unit's code printed before a send number (``พม 0201``).
    """

    class Direction(models.TextChoices):
        INCOMING = "incoming", "ทะเบียนหนังสือรับ"
        OUTGOING = "outgoing", "ทะเบียนหนังสือส่ง"

    class Series(models.TextChoices):
        GENERAL = "general", "หนังสือทั่วไป"
        CIRCULAR = "circular", "หนังสือเวียน (ว)"
        ORDER = "order", "คำสั่ง"

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=255)
    desk_unit = models.ForeignKey("routing.Unit", on_delete=models.PROTECT, related_name="registers")
    direction = models.CharField(max_length=16, choices=Direction.choices, default=Direction.INCOMING)
    series = models.CharField(max_length=16, choices=Series.choices, default=Series.GENERAL)
    is_secret = models.BooleanField(default=False)
    year_start_month = models.PositiveSmallIntegerField("เดือนเริ่มนับเลขใหม่", default=1)
    number_prefix = models.CharField("รหัสหน่วยงานหน้าเลขที่ส่ง", max_length=32, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class RegisterCounter(models.Model):
    """A register's year: the last number issued, and whether its book is closed.

    One row per register and year (the register's own year, see ``Register``). Locked
    while a number is issued; ``last_issued_at`` is the time given to the last number
    (a later number never gets an earlier time); once ``closed_at`` is set, no number
    of that year is issued again (closing the year's books, DOMAIN.md §3).
    """

    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="counters")
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)
    last_issued_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField("ปิดทะเบียนเมื่อ", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["register", "year"], name="counter_unique")]


class RegisterEntry(models.Model):
    """One row of a book (forms 13 and 14): a number of a register's year, issued once.

    ``state``: ``reserved`` (จองเลข: held for ``reserved_for`` until ``expires_at``),
    ``issued`` (the row of a registered or sent letter), ``cancelled`` (a reservation
    cancelled or expired: the row stays, marked ยกเลิก, its number never reused).
    Once issued, the number, the entry's time, the letter's number and date, from, to
    and subject never change — the database refuses it (triggers of migration 0004);
    a correction is a new entry whose ``corrects`` names the earlier one. Entries are
    never deleted. ``action`` (การปฏิบัติ) and ``remarks`` (หมายเหตุ) may be filled in later.
    """

    class State(models.TextChoices):
        RESERVED = "reserved", "จองเลขไว้"
        ISSUED = "issued", "ลงทะเบียนแล้ว"
        CANCELLED = "cancelled", "ยกเลิก"

    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="entries")
    year = models.PositiveIntegerField()
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=16, choices=State.choices)
    entered_at = models.DateTimeField("วันเวลาลงทะเบียน")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    letter = models.ForeignKey("Letter", null=True, blank=True, on_delete=models.PROTECT, related_name="entries")
    outgoing = models.ForeignKey("OutgoingLetter", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="entries")
    document_number = models.CharField("ที่", max_length=128, blank=True)
    document_date = models.DateField("ลงวันที่", null=True, blank=True)
    sender = models.TextField("จาก", blank=True)
    addressee = models.TextField("ถึง", blank=True)
    subject = models.TextField("เรื่อง", blank=True)
    action = models.TextField("การปฏิบัติ", blank=True)
    remarks = models.TextField("หมายเหตุ", blank=True)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections")
    reserved_for = models.TextField("จองไว้สำหรับ", blank=True)
    expires_at = models.DateTimeField("จองถึง", null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    cancel_reason = models.TextField("เหตุที่ยกเลิก", blank=True)

    class Meta:
        ordering = ["register", "year", "number"]
        constraints = [models.UniqueConstraint(fields=["register", "year", "number"], name="entry_number_once")]
        indexes = [models.Index(fields=["register", "entered_at"], name="entry_book_by_time"),
                   models.Index(fields=["state", "expires_at"], name="entry_reservations")]

    def __str__(self) -> str:
        return f"{self.register.code} {self.number}/{self.year + 543}"


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
    due_at = models.DateTimeField("ด่วนภายใน", null=True, blank=True)
    action_taken = models.TextField("การปฏิบัติ", blank=True)
    closed_at = models.DateTimeField("ปิดเรื่องเมื่อ", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")

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
    retention_years = models.PositiveSmallIntegerField("อายุการเก็บ (ปี)", null=True, blank=True)
    permanent = models.BooleanField("ห้ามทำลาย", default=False)
    destroyed_at = models.DateTimeField("ทำลายเมื่อ", null=True, blank=True)

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

    ``role``: ``original`` (what was received, never changed), ``searchable`` (the
    original's images with an invisible OCR text layer), ``stamped`` (the registered
    PDF: the original's bytes followed by the receive stamp as an incremental update) or
    ``signed`` (the newest signed version: the stamped file's bytes followed by each
    signature, one incremental update each; see ``saraban.signing``).
    """

    class Role(models.TextChoices):
        ORIGINAL = "original", "ต้นฉบับ"
        SEARCHABLE = "searchable", "PDF ค้นหาได้"
        STAMPED = "stamped", "ฉบับประทับตรารับ"
        SIGNED = "signed", "ฉบับลงนามอิเล็กทรอนิกส์"

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


def _outgoing_file_path(instance: "OutgoingLetter", filename: str) -> str:
    return f"outgoing/{instance.pk}/{filename}"


class OutgoingLetter(models.Model):
    """A letter the agency sends: a draft from a template, then sent with its send number.

    Source: DOMAIN.md §1 (document types) and §3 (outgoing register, form 14): the
    send number becomes the letter's ที่ — ``<unit code>/<number>``, ``<unit code>/ว
    <number>`` for a circular, ``<number>/<BE year>`` for an order. ``document_number``,
    ``year`` and ``send_number`` are set once, when it is sent; ``file`` is the PDF laid
    out as the regulation's form for its type.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "ร่าง"
        SENT = "sent", "ส่งแล้ว"

    #: The document types an agency drafts from templates (DOMAIN.md §1).
    DRAFTABLE_TYPES = (DocumentType.EXTERNAL, DocumentType.INTERNAL, DocumentType.STAMPED,
                       DocumentType.DIRECTIVE, DocumentType.ANNOUNCEMENT)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    desk_unit = models.ForeignKey("routing.Unit", on_delete=models.PROTECT, related_name="outgoing_letters")
    document_type = models.CharField(max_length=16, choices=DocumentType.choices)
    is_circular = models.BooleanField("หนังสือเวียน", default=False)
    subject = models.TextField("เรื่อง")
    addressee = models.TextField("เรียน/ถึง", blank=True)
    references = models.JSONField("อ้างถึง", default=list, blank=True)
    enclosures = models.JSONField("สิ่งที่ส่งมาด้วย", default=list, blank=True)
    body = models.TextField("ข้อความ", blank=True)
    signer_name = models.CharField(max_length=255, blank=True)
    signer_position = models.TextField(blank=True)
    owner_unit = models.TextField("ส่วนราชการเจ้าของเรื่อง", blank=True)
    contact = models.TextField("โทร./โทรสาร/อีเมล", blank=True)
    urgency = models.CharField(max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    secrecy = models.CharField(max_length=16, choices=Secrecy.choices, default=Secrecy.UNCLASSIFIED)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    register = models.ForeignKey(Register, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="outgoing_letters")
    year = models.PositiveIntegerField(null=True, blank=True)
    send_number = models.PositiveIntegerField("เลขทะเบียนส่ง", null=True, blank=True)
    document_number = models.CharField("ที่", max_length=128, blank=True)
    document_date = models.DateField("ลงวันที่", null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    file = models.FileField(upload_to=_outgoing_file_path, max_length=255, blank=True)
    #: the newest signed version: ``file``'s bytes followed by each signature (saraban.signing)
    signed_file = models.FileField(upload_to=_outgoing_file_path, max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.document_number or f"ร่างหนังสือส่ง #{self.pk}"


class DestructionList(models.Model):
    """The yearly list of letters whose retention has expired (form 25, บัญชีหนังสือขอทำลาย).

    Source: DOMAIN.md §7 and the regulation's chapter on destruction: within 60 days
    after the calendar year ends the registry lists the letters due; a destruction
    committee decides per item; only items the committee approved for destruction are
    destroyed (their files removed; the register rows stay). ``year`` is the CE year
    whose end the list is made for.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", "เสนอคณะกรรมการ"
        APPROVED = "approved", "คณะกรรมการอนุมัติแล้ว"
        DESTROYED = "destroyed", "ทำลายแล้ว"

    year = models.PositiveIntegerField()
    desk_unit = models.ForeignKey("routing.Unit", on_delete=models.PROTECT, related_name="+")
    secret = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    committee = models.TextField("คณะกรรมการทำลายหนังสือ", blank=True)
    approval_reference = models.TextField("หนังสืออนุมัติ", blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["year", "desk_unit", "secret"], name="one_list_per_year")]


class DestructionItem(models.Model):
    """One letter on a destruction list, with the committee's decision (``destroy`` or
    ``keep`` until ``keep_until_year``)."""

    class Decision(models.TextChoices):
        PENDING = "pending", "รอพิจารณา"
        DESTROY = "destroy", "ทำลาย"
        KEEP = "keep", "เก็บไว้"

    destruction_list = models.ForeignKey(DestructionList, on_delete=models.CASCADE, related_name="items")
    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.PENDING)
    keep_until_year = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["letter__year", "letter__receive_number"]
        constraints = [models.UniqueConstraint(fields=["destruction_list", "letter"], name="letter_once_per_list")]
