"""Reads of notifications: a person's own list and choices; webhooks for administrators."""

from __future__ import annotations

from django.db.models import F, QuerySet

from saraban.core.classes import Role
from saraban.core.errors import NotAllowed, NotFound
from saraban.notifications import events
from saraban.notifications.models import (
    Notification,
    Preference,
    Webhook,
    WebhookDelivery,
)


def notifications_for(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    """``user``'s web notifications, unread first, then newest first. Only the person's
    own: there is no way to read another person's notifications."""
    qs = Notification.objects.filter(recipient=user, on_web=True)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by(F("read_at").asc(nulls_first=True), "-created_at", "-id")


def unread_count(user) -> int:
    """How many of ``user``'s web notifications are unread (0 for anonymous)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, on_web=True, read_at__isnull=True).count()


def preferences_for(user) -> list[dict]:
    """Every event with ``user``'s choice (or the default):
    ``[{"event", "label", "web": bool, "email": "off|immediate|daily", "urgent": bool}]``."""
    chosen = {p.event: p for p in Preference.objects.filter(user=user)}
    rows = []
    for event, label in events.EVENTS.items():
        pref = chosen.get(event)
        rows.append({"event": event, "label": label, "web": pref.web if pref else True,
                     "email": pref.email if pref else events.default_email(event), "urgent": event in events.URGENT})
    return rows


def require_administrator(user) -> None:
    """Raises NotAllowed unless ``user`` holds Role.ADMINISTRATOR in some unit."""
    from saraban.routing.selectors import roles_of

    if Role.ADMINISTRATOR not in roles_of(user):
        raise NotAllowed("เฉพาะผู้ดูแลระบบเท่านั้นที่จัดการ webhook ได้", code="not_administrator")


def webhooks_for(user) -> QuerySet[Webhook]:
    """All webhooks, for administrators. Raises NotAllowed for anyone else."""
    require_administrator(user)
    return Webhook.objects.all()


def get_webhook(user, webhook_id: int) -> Webhook:
    """One webhook, for administrators. Raises NotAllowed, NotFound."""
    require_administrator(user)
    hook = Webhook.objects.filter(pk=webhook_id).first()
    if hook is None:
        raise NotFound("ไม่พบ webhook ที่ต้องการ")
    return hook


def recent_deliveries(user, webhook_id: int, *, limit: int = 50) -> list[WebhookDelivery]:
    """A webhook's latest deliveries, newest first, for administrators."""
    return list(get_webhook(user, webhook_id).deliveries.order_by("-id")[:limit])


def unit_members(units, *, roles=None):
    """Active people holding a role (any, or one of ``roles``) in ``units`` (Units or
    ids) — the recipients of a letter routed to a unit, or (``roles=[Role.UNIT_HEAD]``)
    of an escalation to its head. A QuerySet of Users, each once."""
    from saraban.core.models import User

    unit_ids = [getattr(u, "pk", u) for u in units]
    memberships = {"memberships__unit_id__in": unit_ids}
    if roles is not None:
        memberships["memberships__role__in"] = list(roles)
    return User.objects.filter(pk__in=User.objects.filter(**memberships).values("pk"), is_active=True).order_by("pk")
