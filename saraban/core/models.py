"""Core models: people (the user account), audit events, worker heartbeats."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models

from saraban.core.classes import Secrecy


class User(AbstractUser):
    """A person who signs in. Roles and units live in ``routing.Membership``.

    ``clearance`` is the highest secrecy class the person may read (DOMAIN.md §2);
    ``position`` is their official position title (ตำแหน่ง), shown on routes.
    """

    clearance = models.CharField(
        "ชั้นความลับที่เข้าถึงได้", max_length=16, choices=Secrecy.choices, default=Secrecy.UNCLASSIFIED
    )
    position = models.CharField("ตำแหน่ง", max_length=255, blank=True)

    @property
    def display_name(self) -> str:
        """Full name, or the username when no name is recorded."""
        return self.get_full_name() or self.username


class AuditEvent(models.Model):
    """One action by one person (or the system when ``actor`` is null).

    Written in the same transaction as the change it records (ARCHITECTURE.md,
    "Writes as actions"). ``target_type``/``target_id`` name the object, e.g.
    ``("letter", "42")``; ``data`` holds the details (fields before/after, numbers).
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=32)
    target_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}:{self.target_id}"


class WorkerHeartbeat(models.Model):
    """A background worker's last sign of life; commands use it to decide whether to
    queue work or run it in-process."""

    worker_id = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField()
