"""Pages and API: the person's list, marking read, choices; webhooks for administrators only."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from saraban.core.models import AuditEvent
from saraban.notifications import events, services
from saraban.notifications.context import unread_count
from saraban.notifications.models import Notification, Preference, Webhook

pytestmark = pytest.mark.django_db


def note(user, title, event=events.ROUTE_RECEIVED, url="/letters/1/"):
    return services.notify(event=event, recipients=[user], title=title, url=url)[0]


def test_list_page_shows_unread_first_and_marks_read(client, people):
    clerk = people["clerk"]
    old = note(clerk, "เรื่องเก่าอ่านแล้ว")
    services.mark_read(actor=clerk, notification_ids=[old.pk])
    first = note(clerk, "เรื่องใหม่หนึ่ง")
    second = note(clerk, "เรื่องใหม่สอง", event=events.DEADLINE_OVERDUE)
    note(people["ict_staff"], "ของคนอื่น")
    client.force_login(clerk)
    page = client.get("/notifications/").content.decode()
    assert page.index("เรื่องใหม่สอง") < page.index("เรื่องใหม่หนึ่ง") < page.index("เรื่องเก่าอ่านแล้ว")
    assert "ของคนอื่น" not in page and "งานของหน่วยงานเกินกำหนดเวลา" in page and "ยังไม่อ่าน ๒" in page
    assert "เรื่องเก่าอ่านแล้ว" not in client.get("/notifications/?unread=1").content.decode()

    response = client.post("/notifications/read/", {"ids": [first.pk]}, follow=True)
    assert "ทำเครื่องหมายว่าอ่านแล้ว 1 รายการ" in response.content.decode()
    assert Notification.objects.get(pk=first.pk).read_at is not None
    assert Notification.objects.get(pk=second.pk).read_at is None
    client.post("/notifications/read/", {"all": "1"})
    assert not Notification.objects.filter(recipient=clerk, read_at__isnull=True).exists()


def test_opening_a_notification_marks_it_read_and_goes_to_the_letter(client, people):
    mine = note(people["clerk"], "หนังสือเข้า", url="/letters/42/")
    evil = note(people["clerk"], "ลิงก์ภายนอก", url="https://evil.example/steal")
    theirs = note(people["ict_staff"], "ของคนอื่น")
    client.force_login(people["clerk"])
    response = client.get(f"/notifications/{mine.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/letters/42/"
    assert Notification.objects.get(pk=mine.pk).read_at is not None
    assert client.get(f"/notifications/{evil.pk}/open/")["Location"] == "/notifications/"
    response = client.get(f"/notifications/{theirs.pk}/open/", follow=True)
    assert "ไม่พบการแจ้งเตือน" in response.content.decode()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_preferences_page_saves_the_table(client, people):
    user = people["complaints_staff"]
    client.force_login(user)
    page = client.get("/notifications/preferences/").content.decode()
    assert "มีหนังสือเสนอให้ท่านพิจารณาสั่งการ" in page and "สรุปรายวัน" in page and "ยังไม่มีที่อยู่อีเมล" in page
    form = {f"web-{e}": "on" for e in events.EVENTS if e != events.LETTER_CLOSED}
    form |= {f"email-{e}": "daily" for e in events.EVENTS}
    form["email-route.received"] = "immediate"
    form["email-letter.closed"] = "off"
    response = client.post("/notifications/preferences/", form, follow=True)
    assert "บันทึกการตั้งค่าการแจ้งเตือนแล้ว" in response.content.decode()
    assert Preference.objects.get(user=user, event="route.received").email == "immediate"
    closed = Preference.objects.get(user=user, event="letter.closed")
    assert (closed.web, closed.email) == (False, "off")
    assert services.notify(event=events.LETTER_CLOSED, recipients=[user], title="ปิด") == []
    form["email-route.received"] = "hourly"
    response = client.post("/notifications/preferences/", form)
    assert "ไม่ถูกต้อง" in response.content.decode()


def test_pages_need_login(client):
    assert client.get("/notifications/").status_code == 302
    assert client.get("/api/notifications").status_code == 403


def test_context_processor_counts_unread(people):
    note(people["clerk"], "a")
    note(people["clerk"], "b")
    request = RequestFactory().get("/")
    request.user = people["clerk"]
    assert unread_count(request) == {"unread_notifications": 2}
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert unread_count(request) == {"unread_notifications": 0}


def test_api_list_and_mark_read(client, people):
    clerk = people["clerk"]
    a = note(clerk, "หนึ่ง")
    b = note(clerk, "สอง")
    other = note(people["ict_staff"], "ของคนอื่น")
    client.force_login(clerk)
    listed = client.get("/api/notifications").json()
    assert [n["title"] for n in listed] == ["สอง", "หนึ่ง"] and listed[0]["unread"] is True
    assert listed[0]["event_label"] == "มีหนังสือส่งถึงหน่วยงานหรือถึงท่าน"
    assert client.post(f"/api/notifications/{a.pk}/read").json() == {"marked": 1, "unread": 1}
    assert [n["id"] for n in client.get("/api/notifications?unread=1").json()] == [b.pk]
    problem = client.post(f"/api/notifications/{other.pk}/read")
    assert problem.status_code == 404 and problem["Content-Type"] == "application/problem+json"
    assert client.post("/api/notifications/read", {}, content_type="application/json").json() == {"marked": 1,
                                                                                                 "unread": 0}
    assert AuditEvent.objects.filter(action="notification.read", actor=clerk).count() == 2


def test_api_preferences_get_and_put(client, people):
    client.force_login(people["ict_staff"])
    prefs = {p["event"]: p for p in client.get("/api/notification-preferences").json()}
    assert prefs["proposal.awaiting"] == {"event": "proposal.awaiting", "label": "มีหนังสือเสนอให้ท่านพิจารณาสั่งการ",
                                          "web": True, "email": "immediate", "urgent": True}
    response = client.put("/api/notification-preferences",
                          [{"event": "route.received", "web": False, "email": "off"}], content_type="application/json")
    assert response.status_code == 200
    assert {p["event"]: (p["web"], p["email"]) for p in response.json()}["route.received"] == (False, "off")
    bad = client.put("/api/notification-preferences", [{"event": "nope", "web": True, "email": "off"}],
                     content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "unknown_event"


def test_api_webhooks_are_for_administrators_only(client, people):
    client.force_login(people["clerk"])
    assert client.get("/api/notification-webhooks").status_code == 403
    assert client.post("/api/notification-webhooks", {"name": "x", "url": "http://127.0.0.1:9/", "events": [
        "route.received"]}, content_type="application/json").status_code == 403
    hook = services.create_webhook(actor=people["admin"], name="h", url="http://127.0.0.1:9/", events=["route.received"])
    assert client.get(f"/api/notification-webhooks/{hook.pk}").status_code == 403
    assert client.delete(f"/api/notification-webhooks/{hook.pk}").status_code == 403
    assert Webhook.objects.filter(pk=hook.pk).exists()


def test_api_webhooks_crud_by_an_administrator(client, people):
    client.force_login(people["admin"])
    created = client.post("/api/notification-webhooks", {
        "name": "ระบบติดตามงาน", "url": "https://tracker.example.go.th/hooks", "events": ["route.received",
                                                                                        "deadline.overdue"]},
        content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert len(body["secret"]) >= 32 and body["created_by"] == "admin"
    hook_id = body["id"]
    listed = client.get("/api/notification-webhooks").json()
    assert [h["name"] for h in listed] == ["ระบบติดตามงาน"] and "secret" not in listed[0]
    changed = client.patch(f"/api/notification-webhooks/{hook_id}", {"active": False, "events": ["letter.closed"]},
                           content_type="application/json")
    assert changed.status_code == 200 and changed.json()["active"] is False
    assert Webhook.objects.get(pk=hook_id).secret == body["secret"]  # kept
    bad = client.post("/api/notification-webhooks", {"name": "x", "url": "ftp://example/", "events": [
        "route.received"]}, content_type="application/json")
    assert bad.status_code == 400
    unknown = client.post("/api/notification-webhooks", {"name": "x", "url": "http://example.go.th/", "events": [
        "no.such"]}, content_type="application/json")
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_event"
    assert client.get(f"/api/notification-webhooks/{hook_id}/deliveries").json() == []
    assert client.delete(f"/api/notification-webhooks/{hook_id}").status_code == 204
    assert client.get(f"/api/notification-webhooks/{hook_id}").status_code == 404
    actions = list(AuditEvent.objects.filter(target_type="webhook").values_list("action", flat=True))
    assert actions == ["webhook.create", "webhook.update", "webhook.delete"]
    assert all("secret" not in e.data for e in AuditEvent.objects.filter(target_type="webhook"))


def test_admin_site_webhooks_go_through_the_service(client, people):
    client.force_login(people["admin"])
    response = client.post("/admin/notifications/webhook/add/", {
        "name": "ผ่านหน้าผู้ดูแล", "url": "http://127.0.0.1:9/a", "events": '["route.received"]',
        "secret": "a-long-enough-secret-value", "active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    hook = Webhook.objects.get(name="ผ่านหน้าผู้ดูแล")
    assert hook.created_by == people["admin"]
    assert AuditEvent.objects.filter(action="webhook.create", target_id=str(hook.pk)).exists()
    assert client.get("/admin/notifications/notification/").status_code == 404  # not shown


def test_admin_site_refuses_a_bad_webhook_with_a_message(client, people):
    client.force_login(people["admin"])
    response = client.post("/admin/notifications/webhook/add/", {
        "name": "ผิด", "url": "http://127.0.0.1:9/a", "events": '["no.such"]', "secret": "a-long-enough-secret-value"})
    assert response.status_code == 200 and "ไม่รู้จักเหตุการณ์ no.such" in response.content.decode()
    assert not Webhook.objects.exists()
    client.force_login(people["clerk"])
    assert client.get("/admin/notifications/webhook/").status_code in {302, 403}
