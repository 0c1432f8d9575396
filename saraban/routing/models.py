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


class Route(models.Model):
    """One hop of a letter: from a desk to a unit (or to a person by name), with an
    instruction; acknowledged separately by each receiving unit (DOMAIN.md §4)."""

    class Status(models.TextChoices):
        SENT = "sent", "ส่งแล้ว รอรับทราบ"
        ACKNOWLEDGED = "acknowledged", "รับทราบแล้ว"

    letter = models.ForeignKey("registry.Letter", on_delete=models.CASCADE, related_name="routes")
    from_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="routes_in")
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="routes_in"
    )
    instruction = models.TextField("คำสั่งการ/ข้อความ", blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SENT)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_unit__isnull=False) | models.Q(to_user__isnull=False), name="route_has_target"
            )
        ]

    def __str__(self) -> str:
        return f"{self.letter_id} → {self.to_unit or self.to_user}"
