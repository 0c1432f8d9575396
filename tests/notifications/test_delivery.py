"""deliver_pending(): e-mails batched and rate-limited, daily digests, webhooks with
retries — through a real SMTP server and a real HTTP receiver on loopback."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.utils import timezone

from saraban.notifications import events, services
from saraban.notifications.models import Notification, WebhookDelivery

pytestmark = pytest.mark.django_db


def give_addresses(people, *names):
    for name in names:
        people[name].email = f"{name}@example.go.th"
        people[name].save(update_fields=["email"])


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def test_several_immediate_notifications_become_one_email_and_are_rate_limited(people, settings):
    settings.SARABAN_NOTIFY_EMAIL_MIN_MINUTES = 10
    give_addresses(people, "executive", "complaints_head")
    for n in range(3):
        services.notify(event=events.PROPOSAL_AWAITING, recipients=[people["executive"]],
                        title=f"เสนอหนังสือเลขรับ {n + 1}/2568", url=f"/letters/{n + 1}/")
    services.notify(event=events.DEADLINE_OVERDUE, recipients=[people["complaints_head"]], title="เกินกำหนด")
    now = timezone.now()
    assert services.deliver_pending(now=now)["emails"] == 2
    to_exec = [m for m in mail.outbox if m.to == ["executive@example.go.th"]]
    assert len(to_exec) == 1 and "3 รายการ" in to_exec[0].subject
    assert all(f"เสนอหนังสือเลขรับ {n}/2568" in to_exec[0].body for n in (1, 2, 3))
    assert "http://127.0.0.1:8000/letters/2/" in to_exec[0].body

    # Two more within ten minutes wait, then go together as one e-mail.
    services.notify(event=events.PROPOSAL_AWAITING, recipients=[people["executive"]], title="เสนอเรื่องที่ 4")
    services.notify(event=events.DEADLINE_OVERDUE, recipients=[people["executive"]], title="เกินกำหนดเรื่องที่ 5")
    assert services.deliver_pending(now=now + dt.timedelta(minutes=1))["emails"] == 0
    assert services.deliver_pending(now=now + dt.timedelta(minutes=9))["emails"] == 0
    assert len(mail.outbox) == 2
    assert services.deliver_pending(now=now + dt.timedelta(minutes=10, seconds=1))["emails"] == 1
    last = mail.outbox[-1]
    assert last.to == ["executive@example.go.th"] and "เสนอเรื่องที่ 4" in last.body and "เกินกำหนดเรื่องที่ 5" in last.body
    assert services.deliver_pending(now=now + dt.timedelta(minutes=30))["emails"] == 0  # nothing left
    assert not Notification.objects.filter(email_state="immediate").exists()


def test_read_on_the_web_before_the_email_is_not_emailed(people):
    give_addresses(people, "executive")
    first = services.notify(event=events.PROPOSAL_AWAITING, recipients=[people["executive"]], title="อ่านแล้ว")
    services.mark_read(actor=people["executive"], notification_ids=[first[0].pk])
    now = timezone.now()
    assert services.deliver_pending(now=now)["emails"] == 0 and mail.outbox == []
    assert Notification.objects.get(pk=first[0].pk).email_state == "skipped"
    # Nothing went, so the next one is not held back by the rate limit.
    services.notify(event=events.PROPOSAL_AWAITING, recipients=[people["executive"]], title="เรื่องถัดมา")
    assert services.deliver_pending(now=now + dt.timedelta(seconds=5))["emails"] == 1


def test_daily_digest_once_a_day_at_or_after_the_hour(people, settings):
    settings.SARABAN_DIGEST_HOUR = 16
    give_addresses(people, "ict_staff")
    today = timezone.localdate()
    services.notify(event=events.ROUTE_RECEIVED, recipients=[people["ict_staff"]], title="หนังสือเรื่องแรก")
    read = services.notify(event=events.LETTER_CLOSED, recipients=[people["ict_staff"]], title="อ่านแล้วบนเว็บ")
    services.notify(event=events.DEADLINE_DUE_SOON, recipients=[people["ict_staff"]], title="ใกล้ครบกำหนด")
    services.mark_read(actor=people["ict_staff"], notification_ids=[read[0].pk])

    assert services.deliver_pending(now=local(today, 15, 59))["digests"] == 0
    assert services.deliver_pending(now=local(today, 16, 0))["digests"] == 1
    digest, = mail.outbox
    assert "สรุปการแจ้งเตือนประจำวัน" in digest.subject and "2 รายการ" in digest.subject
    assert "หนังสือเรื่องแรก" in digest.body and "ใกล้ครบกำหนด" in digest.body and "อ่านแล้วบนเว็บ" not in digest.body

    services.notify(event=events.ROUTE_RECEIVED, recipients=[people["ict_staff"]], title="มาถึงตอนเย็น")
    assert services.deliver_pending(now=local(today, 17, 0))["digests"] == 0  # once a day
    assert services.deliver_pending(now=local(today, 23, 59))["digests"] == 0
    tomorrow = today + dt.timedelta(days=1)
    assert services.deliver_pending(now=local(tomorrow, 9, 0))["digests"] == 0
    assert services.deliver_pending(now=local(tomorrow, 16, 30))["digests"] == 1
    assert len(mail.outbox) == 2 and "มาถึงตอนเย็น" in mail.outbox[1].body and "หนังสือเรื่องแรก" not in mail.outbox[1].body


def test_email_through_a_real_smtp_server(people, smtp_server):
    give_addresses(people, "executive")
    services.notify(event=events.PROPOSAL_AWAITING, recipients=[people["executive"]],
                    title="เสนอเพื่อโปรดพิจารณาสั่งการ เรื่องขอเชิญประชุม", url="/letters/7/")
    assert services.deliver_pending()["emails"] == 1
    message, = smtp_server
    assert message["To"] == "executive@example.go.th" and message["From"] == "saraban@localhost"
    assert "เรื่องขอเชิญประชุม" in message["Subject"]
    body = message.get_content()
    assert "เรียน ประเสริฐ บริหารดี" in body and "http://127.0.0.1:8000/letters/7/" in body
    assert Notification.objects.get().emailed_at is not None


def test_a_mail_server_outage_keeps_the_email_for_later(people, settings):
    import socket

    # A port nobody listens on: held (bound, not listening) while it is used, so that no
    # other program can take it meanwhile and answer; connecting to it is refused.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed.getsockname()[1], 2
        give_addresses(people, "executive")
        services.notify(event=events.PROPOSAL_AWAITING, recipients=[people["executive"]], title="เสนอ")
        now = timezone.now()
        assert services.deliver_pending(now=now)["emails"] == 0  # did not raise
    assert Notification.objects.get().email_state == "immediate"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.deliver_pending(now=now + dt.timedelta(minutes=11))["emails"] == 1
    assert len(mail.outbox) == 1


def test_nothing_to_do_is_cheap(django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert services.deliver_pending() == {"emails": 0, "digests": 0, "webhooks_delivered": 0,
                                              "webhooks_failed": 0}


def test_webhook_delivered_signed_to_a_real_receiver(people, receiver):
    import hashlib
    import hmac

    hook = services.create_webhook(actor=people["admin"], name="ระบบติดตามงาน", url=receiver.url,
                                   events=[events.DEADLINE_OVERDUE], secret="s3cret-shared-with-the-receiver")
    services.notify(event=events.DEADLINE_OVERDUE, recipients=[people["complaints_head"]],
                    title="หนังสือเลขรับ 9/2568 เกินกำหนด", url="/letters/9/", payload={"unit": "OPS-INSPECT-REGION"})
    assert services.deliver_pending()["webhooks_delivered"] == 1
    (headers, body), = receiver.requests
    expected = hmac.new(b"s3cret-shared-with-the-receiver", body, hashlib.sha256).hexdigest()
    assert headers["X-Saraban-Signature"] == f"sha256={expected}"
    assert headers["X-Saraban-Event"] == "deadline.overdue"
    assert headers["Content-Type"].startswith("application/json")
    sent = json.loads(body)
    assert sent["event"] == "deadline.overdue" and sent["title"] == "หนังสือเลขรับ 9/2568 เกินกำหนด"
    assert sent["url"] == "http://127.0.0.1:8000/letters/9/" and sent["payload"] == {"unit": "OPS-INSPECT-REGION"}
    assert dt.datetime.fromisoformat(sent["occurred_at"]).tzinfo is not None
    delivery = hook.deliveries.get()
    assert delivery.state == "delivered" and delivery.attempts == 1
    assert services.deliver_pending()["webhooks_delivered"] == 0 and len(receiver.requests) == 1


def test_webhook_retried_after_a_500_then_delivered(people, receiver):
    services.create_webhook(actor=people["admin"], name="ระบบติดตามงาน", url=receiver.url,
                            events=[events.ROUTE_RECEIVED])
    receiver.statuses = [500]
    services.notify(event=events.ROUTE_RECEIVED, recipients=[], title="หนังสือถึงหน่วยงาน")
    now = timezone.now()
    assert services.deliver_pending(now=now) == {"emails": 0, "digests": 0, "webhooks_delivered": 0,
                                                 "webhooks_failed": 1}
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "pending" and delivery.last_error == "HTTP 500"
    assert delivery.next_attempt_at == now + dt.timedelta(minutes=1)
    assert services.deliver_pending(now=now + dt.timedelta(seconds=30))["webhooks_delivered"] == 0  # not yet due
    assert services.deliver_pending(now=now + dt.timedelta(seconds=61))["webhooks_delivered"] == 1
    delivery.refresh_from_db()
    assert delivery.state == "delivered" and delivery.attempts == 2 and len(receiver.requests) == 2
    assert receiver.requests[0][1] == receiver.requests[1][1]  # the same body both times


def test_webhook_given_up_after_the_last_attempt(people, receiver):
    services.create_webhook(actor=people["admin"], name="ระบบติดตามงาน", url=receiver.url,
                            events=[events.ROUTE_RECEIVED])
    receiver.statuses = [503] * 10
    services.notify(event=events.ROUTE_RECEIVED, recipients=[], title="หนังสือถึงหน่วยงาน")
    at = timezone.now()
    for wait in (0, 60, 5 * 60, 30 * 60, 2 * 60 * 60):
        at += dt.timedelta(seconds=wait)
        assert services.deliver_pending(now=at)["webhooks_failed"] == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "failed" and delivery.attempts == 5 and delivery.next_attempt_at is None
    assert services.deliver_pending(now=at + dt.timedelta(days=1))["webhooks_failed"] == 0
    assert len(receiver.requests) == 5


def test_an_unreachable_webhook_does_not_stop_the_worker(people):
    import socket

    with socket.socket() as closed:  # bound, not listening, for the whole test: refused, and nobody else's
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        services.create_webhook(actor=people["admin"], name="ปิดอยู่", url=f"http://127.0.0.1:{port}/",
                                events=[events.ROUTE_RECEIVED])
        services.notify(event=events.ROUTE_RECEIVED, recipients=[], title="x")
        assert services.deliver_pending()["webhooks_failed"] == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "pending" and delivery.last_error  # the error kind, retried later
