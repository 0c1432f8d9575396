"""Organisation (agencies, units, people's roles) and routes of letters.

Units form a tree (ministry → department → division → group); a unit's chain of
command is its line of ancestors (work manual of the Office of the Permanent
Secretary, MSDHS, FY 2567: group head → division director → deputy permanent
secretary → permanent secretary).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saraban.core.classes import Role


class Agency(models.Model):
    """A government agency (ส่วนราชการ) that runs its own registry."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField("ชื่อส่วนราชการ", max_length=255)
    short_name = models.CharField("ชื่อย่อ", max_length=64, blank=True)
    letter_code = models.CharField("รหัสตัวพยัญชนะ", max_length=8, blank=True)

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """An organisation unit: department, division (กอง/สำนัก/ศูนย์) or group (กลุ่ม/ฝ่าย).

    ``duties`` (list of Thai sentences) are its responsibilities from the work manual;
    ``handles`` (list of short Thai phrases) the matters it owns, used by routing rules.
    """

    class Kind(models.TextChoices):
        MINISTRY = "ministry", "กระทรวง"
        DEPARTMENT = "department", "กรม/สำนักงานปลัด"
        DIVISION = "division", "กอง/สำนัก/ศูนย์"
        GROUP = "group", "กลุ่ม/ฝ่าย"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="units")
    code = models.CharField(max_length=64, unique=True)
    name = models.CharField("ชื่อหน่วยงาน", max_length=255)
    short_name = models.CharField("ชื่อย่อ", max_length=64, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    duties = models.JSONField("หน้าที่ความรับผิดชอบ", default=list, blank=True)
    handles = models.JSONField("เรื่องที่รับผิดชอบ", default=list, blank=True)
    head_title = models.CharField("ตำแหน่งหัวหน้าหน่วยงาน", max_length=255, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def chain_of_command(self) -> list["Unit"]:
        """This unit and its ancestors, nearest first (the line a matter is proposed up)."""
        chain, unit, seen = [], self, set()
        while unit is not None and unit.pk not in seen:
            chain.append(unit)
            seen.add(unit.pk)
            unit = unit.parent
        return chain


class Membership(models.Model):
    """A person's role in a unit. A person may hold several (clerk of one desk, staff of a group)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"


class Position(models.Model):
    """A post in a unit (ตำแหน่ง): the head of a division, a deputy permanent secretary.

    A matter is proposed to a post, and whoever holds it, or acts for it, decides
    (DOMAIN.md §4 step 5). ``holder`` may be empty while the post is vacant.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="positions")
    code = models.CharField(max_length=64, unique=True)
    title = models.CharField("ชื่อตำแหน่ง", max_length=255)
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="positions")
    is_head = models.BooleanField("หัวหน้าหน่วยงาน", default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title


class ChainStep(models.Model):
    """One level of a unit's line of command (configurable per unit): matters of
    ``unit`` are proposed to these posts in ``order`` (work manual: group head →
    division director → deputy permanent secretary → permanent secretary)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="chain_steps")
    order = models.PositiveSmallIntegerField()
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["unit", "order"]
        constraints = [models.UniqueConstraint(fields=["unit", "order"], name="chain_step_once")]


class ActingAssignment(models.Model):
    """A person who acts for a post for a period: รักษาราชการแทน (the post is vacant or
    its holder away) by an order of the competent official (Government Administration
    Act B.E. 2534, ss. 42–43 and 48–49)."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="acting")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="acting_for")
    starts_at = models.DateTimeField("ตั้งแต่")
    ends_at = models.DateTimeField("ถึง", null=True, blank=True)
    order_reference = models.CharField("คำสั่งที่", max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-starts_at"]


class Delegation(models.Model):
    """Delegated authority (มอบอำนาจ): the holder of ``to_position`` decides the matters
    named in ``powers`` for ``from_position``, signing ปฏิบัติราชการแทน (Government
    Administration Act B.E. 2534, s. 38)."""

    from_position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="delegations_out")
    to_position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="delegations_in")
    powers = models.JSONField("อำนาจที่มอบ (ข้อสั่งการ)", default=list,
                              help_text="endorsement choices this delegation covers, e.g. [\"approve\", \"reject\"]")
    starts_at = models.DateTimeField("ตั้งแต่")
    ends_at = models.DateTimeField("ถึง", null=True, blank=True)
    order_reference = models.CharField("คำสั่งมอบอำนาจที่", max_length=255, blank=True)

    class Meta:
        ordering = ["-starts_at"]


class Route(models.Model):
    """One hop of a letter (DOMAIN.md §4): sent to a unit, to a person by name, proposed
    to a post, or forwarded to an outside agency; received (with the receiving desk's
    own receive number when it keeps a register), acknowledged, returned with a reason,
    or done with the action taken. Each receiving unit has its own hop (circulation)."""

    class Kind(models.TextChoices):
        SEND = "send", "ส่ง"
        PROPOSE = "propose", "เสนอ"
        FORWARD_OUTSIDE = "forward_outside", "ส่งต่อหน่วยงานภายนอก"

    class Purpose(models.TextChoices):
        ACTION = "action", "เพื่อดำเนินการ"
        INFORMATION = "information", "เพื่อทราบ"

    class Status(models.TextChoices):
        SENT = "sent", "ส่งแล้ว รอรับ"
        RECEIVED = "received", "ลงรับแล้ว"
        ACKNOWLEDGED = "acknowledged", "รับทราบแล้ว"
        ENDORSED = "endorsed", "เกษียนแล้ว"
        RETURNED = "returned", "ส่งคืน"
        DONE = "done", "ดำเนินการแล้ว"

    OPEN = (Status.SENT, Status.RECEIVED, Status.ACKNOWLEDGED)

    letter = models.ForeignKey("registry.Letter", on_delete=models.CASCADE, related_name="routes")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SEND)
    purpose = models.CharField(max_length=16, choices=Purpose.choices, default=Purpose.ACTION)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    from_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="routes_in")
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="routes_in"
    )
    position = models.ForeignKey(Position, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    outside_agency = models.CharField("หน่วยงานภายนอก", max_length=255, blank=True)
    instruction = models.TextField("คำสั่งการ/ข้อความ", blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField("กำหนดเสร็จ", null=True, blank=True, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SENT)
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    receive_entry = models.ForeignKey("registry.RegisterEntry", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField("เหตุที่ส่งคืน", blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    action_taken = models.TextField("การปฏิบัติ", blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_unit__isnull=False) | models.Q(to_user__isnull=False)
                | ~models.Q(outside_agency=""), name="route_has_target"
            )
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="route_open_by_due")]

    def __str__(self) -> str:
        return f"{self.letter_id} → {self.to_unit or self.to_user or self.outside_agency}"

    @property
    def target_name(self) -> str:
        """Who the hop went to, in Thai: the unit, the post and person, or the outside agency."""
        if self.outside_agency:
            return self.outside_agency
        if self.position_id and self.to_user_id:
            return f"{self.position.title} ({self.to_user.display_name})"
        return str(self.to_unit or self.to_user.display_name)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class Endorsement(models.Model):
    """An executive's endorsement (เกษียนหนังสือ / ข้อสั่งการ) on a proposed letter.

    ``capacity`` records in what right it was written: as the post's holder, acting
    for it (รักษาราชการแทน), or by delegated authority (ปฏิบัติราชการแทน, for
    ``on_behalf_of``). ``recorded_by`` differs from ``endorsed_by`` when the registry
    clerk records an endorsement written on paper (DOMAIN.md §4 step 6).
    """

    class Choice(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", "ทราบ"
        ASSIGN = "assign", "มอบ … ดำเนินการ"
        CIRCULATE = "circulate", "เวียนแจ้ง"
        APPROVE = "approve", "อนุมัติ"
        REJECT = "reject", "ไม่อนุมัติ"
        OPINION = "opinion", "ความเห็น/เสนอต่อ"

    class Capacity(models.TextChoices):
        HOLDER = "holder", ""
        ACTING = "acting", "รักษาราชการแทน"
        DELEGATED = "delegated", "ปฏิบัติราชการแทน"

    letter = models.ForeignKey("registry.Letter", on_delete=models.CASCADE, related_name="endorsements")
    route = models.ForeignKey(Route, on_delete=models.PROTECT, related_name="endorsements")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(Position, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    capacity = models.CharField(max_length=16, choices=Capacity.choices, default=Capacity.HOLDER)
    choice = models.CharField(max_length=16, choices=Choice.choices)
    text = models.TextField("ข้อความเกษียน", blank=True)
    unit_codes = models.JSONField(default=list, blank=True)
    endorsed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    endorsed_at = models.DateTimeField()
    signature_line = models.TextField("ลงนาม", blank=True)

    class Meta:
        ordering = ["endorsed_at", "id"]


class Holiday(models.Model):
    """A day that is not a working day besides Saturdays and Sundays: Thai public
    holidays and the special holidays the cabinet declares (DOMAIN.md §5), editable by
    an administrator."""

    class Kind(models.TextChoices):
        PUBLIC = "public", "วันหยุดราชการประจำปี"
        SPECIAL = "special", "วันหยุดพิเศษ (มติคณะรัฐมนตรี)"

    date = models.DateField("วันที่", unique=True)
    name = models.CharField("ชื่อวันหยุด", max_length=255)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PUBLIC)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
