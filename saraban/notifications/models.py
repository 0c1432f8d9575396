"""Notifications to people (web, e-mail, digests), their choices, and webhooks.

A :class:`Notification` is one message to one person; it is shown on the web and, by
the person's :class:`Preference`, e-mailed at once (several at once become one e-mail)
or in the daily digest. A :class:`Webhook` lets another system receive events; each
event sent to it is a :class:`WebhookDelivery` retried with a growing delay.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class EmailChoice(models.TextChoices):
    """How a person wants an event by e-mail."""

    OFF = "off", "ไม่ส่งอีเมล"
    IMMEDIATE = "immediate", "ส่งทันที"
    DAILY = "daily", "สรุปรายวัน"


class Notification(models.Model):
    """One message to one person.

    ``email_state``: ``none`` (no e-mail), ``immediate`` / ``daily`` (waiting to be sent
    that way), ``sent`` (``emailed_at`` says when), ``skipped`` (read on the web first, or
    no address). ``classified`` marks a notification about a classified letter: its
    e-mails carry a generic title and the link only. ``on_web`` is False when the person
    turned the web off for the event (the row then only carries the e-mail).
    ``letter_id`` is a registry Letter's id (no foreign key: the app stays independent).
    """

    class EmailState(models.TextChoices):
        NONE = "none", "ไม่ส่ง"
        IMMEDIATE = "immediate", "รอส่งทันที"
        DAILY = "daily", "รอสรุปรายวัน"
        SENT = "sent", "ส่งแล้ว"
        SKIPPED = "skipped", "ไม่ต้องส่ง"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=64)
    title = models.CharField("เรื่อง", max_length=500)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    letter_id = models.BigIntegerField(null=True, blank=True)
    classified = models.BooleanField(default=False)
    on_web = models.BooleanField(default=True)
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(max_length=16, choices=EmailState.choices, default=EmailState.NONE)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["email_state", "recipient"]),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient_id} #{self.pk}"

    @property
    def event_label(self) -> str:
        """The Thai label of the event (the name itself for an event no longer registered)."""
        from saraban.notifications.events import EVENTS

        return EVENTS.get(self.event, self.event)


class Preference(models.Model):
    """A person's choice for one event; without a row the defaults apply (web on;
    e-mail ``immediate`` for urgent events, ``daily`` otherwise — see ``events``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences")
    event = models.CharField(max_length=64)
    web = models.BooleanField(default=True)
    email = models.CharField(max_length=16, choices=EmailChoice.choices, default=EmailChoice.DAILY)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="notification_preference_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.event} web={self.web} email={self.email}"


class Mailbox(models.Model):
    """When a person was last e-mailed: at most one immediate e-mail per
    ``SARABAN_NOTIFY_EMAIL_MIN_MINUTES``, one digest per local day."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="notification_mailbox")
    last_immediate_at = models.DateTimeField(null=True, blank=True)
    last_digest_on = models.DateField(null=True, blank=True)


class Webhook(models.Model):
    """Another system that receives events as signed JSON POSTs.

    ``events`` is a list of event names; ``secret`` keys the HMAC-SHA256 signature in
    the ``X-Saraban-Signature`` header. Managed by administrators only.
    """

    name = models.CharField("ชื่อ", max_length=255)
    url = models.URLField("ที่อยู่ปลายทาง", max_length=500)
    secret = models.CharField(max_length=128)
    events = models.JSONField("เหตุการณ์", default=list)
    active = models.BooleanField("ใช้งาน", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One event to send to one webhook; retried after 1 min, 5 min, 30 min, 2 h, then
    ``failed``. ``last_error`` holds the HTTP status or the network error, never the body."""

    class State(models.TextChoices):
        PENDING = "pending", "รอส่ง"
        DELIVERED = "delivered", "ส่งแล้ว"
        FAILED = "failed", "ส่งไม่สำเร็จ"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook_id} ({self.state})"
