"""Writes of notifications: :func:`notify` (called by other apps inside their own
transaction), the worker's :func:`deliver_pending` (e-mails, digests, webhooks), and the
person's and administrators' actions (read, preferences, webhooks).

Rules:
- Each person chooses per event: web on/off, e-mail off / immediate / daily digest
  (defaults in ``events``). Several immediate notifications waiting for one person go
  as ONE e-mail, and at most one immediate e-mail per person per
  ``SARABAN_NOTIFY_EMAIL_MIN_MINUTES`` (default 10); the daily digest goes once a local
  day at or after ``SARABAN_DIGEST_HOUR`` ("digests instead of floods", issue 6).
- A classified letter's subject and text never leave the service by e-mail or webhook:
  those carry :data:`CLASSIFIED_TITLE` and the link only (DOMAIN.md §2).
- Nothing personal or classified is logged: logs name ids and error kinds only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
from urllib.parse import urlparse

import urllib3
from django.conf import settings
from django.core.mail import EmailMessage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from saraban.core import limits
from saraban.core.audit import record_event
from saraban.core.classes import SECRECY_RANK
from saraban.core.errors import InvalidInput, NotFound
from saraban.core.models import User
from saraban.core.templatetags.thai import thai_date, thai_datetime
from saraban.notifications import events
from saraban.notifications.models import (
    EmailChoice,
    Mailbox,
    Notification,
    Preference,
    Webhook,
    WebhookDelivery,
)
from saraban.notifications.selectors import require_administrator

log = logging.getLogger(__name__)

CLASSIFIED_TITLE = "มีหนังสือชั้นความลับถึงท่าน โปรดเข้าระบบเพื่อดู"
#: Seconds to wait after failed attempt 1, 2, 3, 4; a failed attempt 5 gives up.
WEBHOOK_RETRY_DELAYS = (60, 5 * 60, 30 * 60, 2 * 60 * 60)
WEBHOOK_TIMEOUT_SECONDS = 5
WEBHOOK_BATCH = 100
EMAIL_PREFIX = "[สารบรรณ] "
_STATE_FOR_CHOICE = {EmailChoice.OFF: Notification.EmailState.NONE,
                     EmailChoice.IMMEDIATE: Notification.EmailState.IMMEDIATE,
                     EmailChoice.DAILY: Notification.EmailState.DAILY}


# --- notify: rows only, inside the caller's transaction ---------------------------------

def notify(*, event: str, recipients, title: str, body: str = "", url: str = "", letter=None,
           payload: dict | None = None) -> list[Notification]:
    """Notify ``recipients`` (an iterable of Users) of ``event``; returns the rows written.

    Call it inside the caller's transaction: it only writes rows (no network), so the
    notifications land with the change or not at all; the worker's
    :func:`deliver_pending` sends them. Recipients are deduplicated; inactive people
    and people who turned both web and e-mail off for the event get nothing; people
    without an e-mail address get the web only. ``url`` is a path in the service
    (``/letters/42/``). ``letter`` (optional: anything with ``pk``, ``is_classified``,
    ``subject``, and ideally ``secrecy``): for a classified letter e-mails and webhooks
    carry :data:`CLASSIFIED_TITLE` and the link only — never the subject, ``body`` or
    ``payload``; the web row shows ``title`` unless the recipient's clearance is below
    the letter's class. Also writes one delivery per active webhook subscribed to the
    event, payload ``{event, title, url (absolute), letter_id, occurred_at (ISO),
    payload}``. Raises ValueError for an unknown event (a programming error).
    """
    events.label(event)
    now = timezone.now()
    classified = bool(letter is not None and letter.is_classified)
    letter_id = letter.pk if letter is not None else None
    people: dict[int, User] = {}
    for user in recipients:
        if user is not None and user.is_active and user.pk not in people:
            people[user.pk] = user
    chosen = {p.user_id: p for p in Preference.objects.filter(user_id__in=list(people), event=event)}
    rows = []
    for user in people.values():
        pref = chosen.get(user.pk)
        web = pref.web if pref else True
        email = (pref.email if pref else events.default_email(event)) if user.email else EmailChoice.OFF
        if not web and email == EmailChoice.OFF:
            continue
        hidden = classified and not _cleared(user, letter)
        rows.append(Notification(
            recipient=user, event=event, title=(CLASSIFIED_TITLE if hidden else title)[:500],
            body="" if hidden else body, url=url[:500], letter_id=letter_id, classified=classified, on_web=web,
            created_at=now, email_state=_STATE_FOR_CHOICE[email],
        ))
    Notification.objects.bulk_create(rows)

    hooks = [h for h in Webhook.objects.filter(active=True) if event in (h.events or [])]
    if hooks:
        data = {"event": event, "title": CLASSIFIED_TITLE if classified else title, "url": _absolute(url),
                "letter_id": letter_id, "occurred_at": now.isoformat(),
                "payload": {} if classified else json.loads(json.dumps(payload or {}, cls=DjangoJSONEncoder))}
        WebhookDelivery.objects.bulk_create(
            [WebhookDelivery(webhook=h, event=event, payload=data, next_attempt_at=now) for h in hooks])
    return rows


def _cleared(user, letter) -> bool:
    """Whether ``user``'s clearance covers ``letter``'s class (True when the letter does
    not say its class: the caller named the recipient, DOMAIN.md §2)."""
    secrecy = getattr(letter, "secrecy", None)
    if secrecy not in SECRECY_RANK:
        return True
    return SECRECY_RANK.get(user.clearance, 0) >= SECRECY_RANK[secrecy]


def _absolute(path: str) -> str:
    """``path`` as an absolute link under ``SARABAN_BASE_URL`` (absolute links unchanged)."""
    if not path or urlparse(path).scheme:
        return path
    return settings.SARABAN_BASE_URL.rstrip("/") + "/" + path.lstrip("/")


# --- the worker's periodic job ------------------------------------------------------------

def deliver_pending(now: dt.datetime | None = None) -> dict:
    """Send what is due; the worker runs it every few seconds. Never raises.

    Three indexed queries when nothing is due. Returns counts
    ``{"emails": immediate e-mails sent, "digests": digests sent, "webhooks_delivered",
    "webhooks_failed": deliveries that failed this round (retried later or given up)}``.
    A failed e-mail stays pending and is tried again after the rate-limit gap (immediate)
    or the next day (digest).
    """
    now = now or timezone.now()
    counts = {"emails": 0, "digests": 0, "webhooks_delivered": 0, "webhooks_failed": 0}
    for name, step in (("emails", _send_immediate), ("digests", _send_digests)):
        try:
            counts[name] = step(now)
        except Exception as exc:  # the worker must go on; no personal data in the log
            log.error("notifications: %s step failed (%s)", name, type(exc).__name__)
    try:
        delivered, failed = _post_webhooks(now)
        counts.update(webhooks_delivered=delivered, webhooks_failed=failed)
    except Exception as exc:
        log.error("notifications: webhook step failed (%s)", type(exc).__name__)
    return counts


def _waiting(state: str, **exclude) -> list[int]:
    qs = Notification.objects.filter(email_state=state)
    if exclude:
        qs = qs.exclude(**exclude)
    return list(qs.order_by().values_list("recipient_id", flat=True).distinct())


def _send_immediate(now: dt.datetime) -> int:
    waiting = _waiting(Notification.EmailState.IMMEDIATE)
    if not waiting:
        return 0
    gap = dt.timedelta(minutes=getattr(settings, "SARABAN_NOTIFY_EMAIL_MIN_MINUTES", 10))
    sent = 0
    for user_id in waiting:
        box, _ = Mailbox.objects.get_or_create(user_id=user_id)
        # Claiming the person's slot is the rate limit, and keeps a second worker off.
        claimed = Mailbox.objects.filter(user_id=user_id).filter(
            Q(last_immediate_at__isnull=True) | Q(last_immediate_at__lte=now - gap)).update(last_immediate_at=now)
        if claimed:
            result = _mail_one(user_id, Notification.EmailState.IMMEDIATE, now)
            if result == 0:  # all read meanwhile: the slot was not used
                Mailbox.objects.filter(user_id=user_id, last_immediate_at=now).update(
                    last_immediate_at=box.last_immediate_at)
            sent += max(result, 0)
    return sent


def _send_digests(now: dt.datetime) -> int:
    local = timezone.localtime(now)
    if local.hour < settings.SARABAN_DIGEST_HOUR:
        return 0
    today = local.date()
    waiting = _waiting(Notification.EmailState.DAILY, recipient__notification_mailbox__last_digest_on=today)
    sent = 0
    for user_id in waiting:
        Mailbox.objects.get_or_create(user_id=user_id)
        if Mailbox.objects.filter(user_id=user_id).exclude(last_digest_on=today).update(last_digest_on=today):
            sent += max(_mail_one(user_id, Notification.EmailState.DAILY, now), 0)
    return sent


def _mail_one(user_id: int, state: str, now: dt.datetime) -> int:
    """E-mail ``user_id`` their notifications waiting in ``state`` as one message;
    those read on the web meanwhile (or with no address to send to) are skipped.
    Returns 1 when an e-mail went, 0 when there was nothing to send, -1 when sending
    failed (the notifications stay waiting)."""
    try:
        user = User.objects.get(pk=user_id)
        pending = list(Notification.objects.filter(recipient_id=user_id, email_state=state).order_by("created_at", "id"))
        unread = [n for n in pending if n.read_at is None] if user.email and user.is_active else []
        if unread:
            _message(user, unread, digest=state == Notification.EmailState.DAILY, now=now).send()
            Notification.objects.filter(pk__in=[n.pk for n in unread]).update(
                email_state=Notification.EmailState.SENT, emailed_at=now)
        sent_ids = {n.pk for n in unread}
        Notification.objects.filter(pk__in=[n.pk for n in pending if n.pk not in sent_ids]).update(
            email_state=Notification.EmailState.SKIPPED)
        return 1 if unread else 0
    except Exception as exc:
        log.error("notifications: e-mail to user %s failed (%s)", user_id, type(exc).__name__)
        return -1


def _message(user, items: list[Notification], *, digest: bool, now: dt.datetime) -> EmailMessage:
    """The one e-mail for ``items``: a line per notification with its link (no subject
    or text of a classified letter)."""
    if digest:
        subject = f"สรุปการแจ้งเตือนประจำวันที่ {thai_date(timezone.localtime(now))} ({len(items)} รายการ)"
    elif len(items) == 1:
        subject = _email_title(items[0])
    else:
        subject = f"มีการแจ้งเตือนใหม่ {len(items)} รายการ"
    lines = [f"เรียน {user.display_name}", ""]
    if len(items) > 1 or digest:
        lines += [f"ท่านมีการแจ้งเตือน {len(items)} รายการ ดังนี้", ""]
    for n in items:
        lines.append(f"• {events.EVENTS.get(n.event, n.event)}: {_email_title(n)}")
        if n.body and not n.classified:
            lines.append(f"  {n.body}")
        if n.url:
            lines.append(f"  {_absolute(n.url)}")
        lines += [f"  เมื่อ {thai_datetime(n.created_at)}", ""]
    lines += [f"ดูการแจ้งเตือนทั้งหมด: {_absolute(reverse('notifications:list'))}",
              f"เลือกการรับการแจ้งเตือน: {_absolute(reverse('notifications:preferences'))}"]
    return EmailMessage(subject=EMAIL_PREFIX + subject, body="\n".join(lines), to=[user.email])


def _email_title(n: Notification) -> str:
    return CLASSIFIED_TITLE if n.classified else n.title


_http: urllib3.PoolManager | None = None


def _post_webhooks(now: dt.datetime) -> tuple[int, int]:
    due = list(WebhookDelivery.objects.filter(state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now)
               .select_related("webhook").order_by("next_attempt_at", "id")[:WEBHOOK_BATCH])
    delivered = failed = 0
    for d in due:
        lease = now + dt.timedelta(seconds=3 * WEBHOOK_TIMEOUT_SECONDS)  # another worker skips it meanwhile
        if not WebhookDelivery.objects.filter(pk=d.pk, state=WebhookDelivery.State.PENDING,
                                              next_attempt_at=d.next_attempt_at).update(next_attempt_at=lease):
            continue
        error = _post(d) if d.webhook.active else "ปิดใช้งาน webhook แล้ว"
        d.attempts += 1
        d.last_error = error or ""
        if error is None:
            d.state, d.delivered_at, d.next_attempt_at = WebhookDelivery.State.DELIVERED, now, None
            delivered += 1
        else:
            failed += 1
            if d.attempts > len(WEBHOOK_RETRY_DELAYS) or not d.webhook.active:
                d.state, d.next_attempt_at = WebhookDelivery.State.FAILED, None
            else:
                d.next_attempt_at = now + dt.timedelta(seconds=WEBHOOK_RETRY_DELAYS[d.attempts - 1])
            log.warning("notifications: webhook %s delivery %s attempt %s failed (%s)", d.webhook_id, d.pk,
                        d.attempts, error)
        d.save(update_fields=["attempts", "last_error", "state", "delivered_at", "next_attempt_at"])
    return delivered, failed


def signature(secret: str, body: bytes) -> str:
    """The ``X-Saraban-Signature`` header value: ``sha256=<hex HMAC-SHA256 of body>``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _post(d: WebhookDelivery) -> str | None:
    """POST one delivery; None when the receiver answered 2xx, else the error kind."""
    global _http
    if _http is None:
        _http = urllib3.PoolManager(headers={"User-Agent": "Saraban-Webhook/1"})
    body = json.dumps(d.payload, ensure_ascii=False, sort_keys=True).encode()
    headers = {"Content-Type": "application/json; charset=utf-8", "X-Saraban-Event": d.event,
               "X-Saraban-Delivery": str(d.pk), "X-Saraban-Signature": signature(d.webhook.secret, body)}
    try:
        response = _http.request("POST", d.webhook.url, body=body, headers=headers, retries=False, redirect=False,
                                 timeout=urllib3.Timeout(total=WEBHOOK_TIMEOUT_SECONDS), preload_content=True)
    except Exception as exc:  # connection refused, timeout, TLS…
        return type(exc).__name__
    return None if 200 <= response.status < 300 else f"HTTP {response.status}"


# --- a person's actions ---------------------------------------------------------------------

def mark_read(*, actor, notification_ids=None) -> int:
    """Mark ``actor``'s notifications read: those in ``notification_ids``, or all when
    None. Returns how many changed (already-read ones count nothing). Raises NotFound
    when an id is not one of the actor's notifications."""
    with transaction.atomic():
        qs = Notification.objects.filter(recipient=actor)
        if notification_ids is not None:
            wanted = set(notification_ids)
            qs = qs.filter(pk__in=wanted)
            if len(wanted) != qs.count():
                raise NotFound("ไม่พบการแจ้งเตือนที่ต้องการ")
        changed = qs.filter(read_at__isnull=True).update(read_at=timezone.now())
        record_event(actor=actor, action="notification.read", target_type="user", target_id=actor.pk,
                     count=changed, all=notification_ids is None)
    return changed


def set_preferences(*, actor, prefs: dict) -> list[Preference]:
    """Save ``actor``'s choices: ``{event: {"web": bool, "email": "off|immediate|daily"}}``
    (either key may be left out: it keeps the current or default choice). Returns the
    saved rows. Raises InvalidInput for an unknown event or choice."""
    if not isinstance(prefs, dict):
        raise InvalidInput("รูปแบบการตั้งค่าไม่ถูกต้อง", code="invalid_preferences")
    for event, choice in prefs.items():
        if event not in events.EVENTS:
            raise InvalidInput(f"ไม่รู้จักเหตุการณ์ {event}", code="unknown_event")
        if not isinstance(choice, dict) or set(choice) - {"web", "email"} \
                or ("web" in choice and not isinstance(choice["web"], bool)) \
                or ("email" in choice and choice["email"] not in EmailChoice.values):
            raise InvalidInput(f"การตั้งค่าของ {events.EVENTS[event]} ไม่ถูกต้อง", code="invalid_preferences")
    saved = []
    with transaction.atomic():
        current = {p.event: p for p in Preference.objects.select_for_update().filter(user=actor, event__in=list(prefs))}
        for event, choice in prefs.items():
            pref = current.get(event) or Preference(user=actor, event=event, email=events.default_email(event))
            pref.web = choice.get("web", pref.web)
            pref.email = choice.get("email", pref.email)
            pref.save()
            saved.append(pref)
        record_event(actor=actor, action="notification.preferences", target_type="user", target_id=actor.pk,
                     prefs={p.event: {"web": p.web, "email": p.email} for p in saved})
    return saved


# --- webhooks (administrators) ----------------------------------------------------------------

def create_webhook(*, actor, name: str, url: str, events: list[str], secret: str = "",
                   active: bool = True) -> Webhook:
    """Add a webhook (administrators only). ``secret`` is generated when empty.
    Raises NotAllowed, or InvalidInput for a bad name, URL (http/https) or event list."""
    require_administrator(actor)
    hook = Webhook(name=name, url=url, events=events, secret=secret or secrets.token_urlsafe(32), active=active,
                   created_by=actor)
    check_webhook(hook)
    with transaction.atomic():
        hook.save()
        record_event(actor=actor, action="webhook.create", target_type="webhook", target_id=hook.pk,
                     name=hook.name, url=hook.url, events=hook.events, active=hook.active)
    return hook


def update_webhook(*, actor, webhook_id: int, name: str | None = None, url: str | None = None,
                   events: list[str] | None = None, secret: str | None = None, active: bool | None = None) -> Webhook:
    """Change the fields given (None keeps one). Raises NotAllowed, NotFound, InvalidInput."""
    require_administrator(actor)
    with transaction.atomic():
        hook = _webhook(webhook_id, lock=True)
        changes = {k: v for k, v in {"name": name, "url": url, "events": events, "secret": secret,
                                     "active": active}.items() if v is not None}
        for field, value in changes.items():
            setattr(hook, field, value)
        check_webhook(hook)
        hook.save()
        record_event(actor=actor, action="webhook.update", target_type="webhook", target_id=hook.pk,
                     **{k: v for k, v in changes.items() if k != "secret"}, secret_changed="secret" in changes)
    return hook


def delete_webhook(*, actor, webhook_id: int) -> None:
    """Delete a webhook and its deliveries. Raises NotAllowed, NotFound."""
    require_administrator(actor)
    with transaction.atomic():
        hook = _webhook(webhook_id, lock=True)
        record_event(actor=actor, action="webhook.delete", target_type="webhook", target_id=hook.pk, name=hook.name)
        hook.delete()


def _webhook(webhook_id, *, lock: bool = False) -> Webhook:
    qs = Webhook.objects.select_for_update() if lock else Webhook.objects.all()
    try:
        return qs.get(pk=webhook_id)
    except (Webhook.DoesNotExist, ValueError, TypeError):
        raise NotFound("ไม่พบ webhook ที่ต้องการ") from None


def check_webhook(hook: Webhook) -> None:
    """Raises InvalidInput unless ``hook`` has a name (up to 255 characters, else
    ``too_long``), an http(s) URL, a non-empty list of known events and a 16–128
    character secret; removes repeated events."""
    if not (hook.name or "").strip():
        raise InvalidInput("โปรดระบุชื่อ webhook", code="webhook_name_missing")
    limits.check_length("name", hook.name, field="name", label="ชื่อ webhook")
    parsed = urlparse(hook.url or "")
    if parsed.scheme not in {"http", "https"} or not parsed.hostname or len(hook.url) > 500:
        raise InvalidInput("ที่อยู่ webhook ต้องขึ้นต้นด้วย http:// หรือ https://", code="webhook_url_invalid")
    if not isinstance(hook.events, list) or not hook.events or not all(isinstance(e, str) for e in hook.events):
        raise InvalidInput("โปรดเลือกเหตุการณ์อย่างน้อยหนึ่งรายการ", code="webhook_events_missing")
    unknown = [e for e in hook.events if e not in events.EVENTS]
    if unknown:
        raise InvalidInput(f"ไม่รู้จักเหตุการณ์ {', '.join(unknown)}", code="unknown_event")
    hook.events = list(dict.fromkeys(hook.events))
    if not 16 <= len(hook.secret) <= 128:
        raise InvalidInput("รหัสลับของ webhook ต้องยาว 16 ถึง 128 ตัวอักษร", code="webhook_secret_short")
