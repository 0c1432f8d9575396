"""notify(): who gets a web row, who an e-mail, what a classified letter lets out."""

from __future__ import annotations

import json

import pytest
from django.core import mail

from saraban.core.models import AuditEvent
from saraban.notifications import events, services
from saraban.notifications.models import (
    Notification,
    Preference,
    Webhook,
    WebhookDelivery,
)
from saraban.notifications.selectors import (
    notifications_for,
    preferences_for,
    unread_count,
)
from tests.factories import registered_letter

pytestmark = pytest.mark.django_db

SECRET_SUBJECT = "การสอบสวนข้อเท็จจริงกรณีทุจริตจัดซื้อครุภัณฑ์"


def give_addresses(people, *names):
    for name in names:
        people[name].email = f"{name}@example.go.th"
        people[name].save(update_fields=["email"])


def test_notify_writes_one_web_row_per_person(people):
    gone = people["archive"]
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    rows = services.notify(event=events.ROUTE_RECEIVED,
                           recipients=[people["complaints_staff"], people["complaints_head"], people["complaints_staff"],
                                       gone],
                           title="หนังสือเลขรับ 12/2568 ขอความร่วมมือ", url="/letters/12/")
    assert sorted(r.recipient.username for r in rows) == ["complaints_head", "complaints_staff"]
    listed = list(notifications_for(people["complaints_staff"]))
    assert [(n.title, n.url, n.event_label) for n in listed] == [
        ("หนังสือเลขรับ 12/2568 ขอความร่วมมือ", "/letters/12/", "มีหนังสือส่งถึงหน่วยงานหรือถึงท่าน")]
    assert unread_count(people["complaints_staff"]) == 1 and unread_count(gone) == 0
    assert notifications_for(people["clerk"]).count() == 0


def test_an_unknown_event_is_a_programming_error(people):
    with pytest.raises(ValueError):
        services.notify(event="route.recieved", recipients=[people["clerk"]], title="x")


def test_defaults_urgent_events_go_by_email_at_once_others_in_the_digest(people):
    give_addresses(people, "executive")
    urgent = services.notify(event=events.PROPOSAL_AWAITING, recipients=[people["executive"]], title="เสนอ")
    routine = services.notify(event=events.LETTER_CLOSED, recipients=[people["executive"]], title="ปิดเรื่อง")
    no_address = services.notify(event=events.PROPOSAL_AWAITING, recipients=[people["clerk"]], title="เสนอ")
    assert urgent[0].email_state == "immediate" and routine[0].email_state == "daily"
    assert no_address[0].email_state == "none" and no_address[0].on_web  # web only
    prefs = {p["event"]: p for p in preferences_for(people["executive"])}
    assert prefs["deadline.overdue"]["email"] == "immediate" and prefs["route.received"]["email"] == "daily"
    assert all(p["web"] for p in prefs.values())


def test_preference_off_means_nothing_at_all(people):
    give_addresses(people, "ict_staff")
    services.set_preferences(actor=people["ict_staff"], prefs={"letter.closed": {"web": False, "email": "off"}})
    assert services.notify(event=events.LETTER_CLOSED, recipients=[people["ict_staff"]], title="ปิดเรื่อง") == []
    assert Notification.objects.filter(recipient=people["ict_staff"]).count() == 0
    services.deliver_pending()
    assert mail.outbox == []


def test_web_off_email_on_sends_the_email_but_lists_nothing(people):
    give_addresses(people, "ict_staff")
    services.set_preferences(actor=people["ict_staff"], prefs={"route.received": {"web": False, "email": "immediate"}})
    services.notify(event=events.ROUTE_RECEIVED, recipients=[people["ict_staff"]], title="หนังสือถึงศูนย์ ICT")
    assert notifications_for(people["ict_staff"]).count() == 0 and unread_count(people["ict_staff"]) == 0
    services.deliver_pending()
    assert [m.to for m in mail.outbox] == [["ict_staff@example.go.th"]]
    assert "หนังสือถึงศูนย์ ICT" in mail.outbox[0].subject


def test_set_preferences_validates_and_is_audited(people):
    from saraban.core.errors import InvalidInput

    user = people["complaints_head"]
    with pytest.raises(InvalidInput):
        services.set_preferences(actor=user, prefs={"no.such.event": {"web": True}})
    with pytest.raises(InvalidInput):
        services.set_preferences(actor=user, prefs={"route.received": {"email": "hourly"}})
    services.set_preferences(actor=user, prefs={"route.received": {"email": "off"}})
    services.set_preferences(actor=user, prefs={"route.received": {"web": False}})  # keeps the e-mail choice
    pref = Preference.objects.get(user=user, event="route.received")
    assert (pref.web, pref.email) == (False, "off")
    assert AuditEvent.objects.filter(action="notification.preferences", target_id=str(user.pk)).count() == 2


def test_classified_letter_never_leaves_by_email_or_webhook(people, receiver):
    give_addresses(people, "complaints_head", "complaints_staff")
    hook = services.create_webhook(actor=people["admin"], name="ระบบติดตามงาน", url=receiver.url,
                                   events=[events.ROUTE_RECEIVED])
    letter = registered_letter(people["secret_registrar"], secrecy="confidential", subject=SECRET_SUBJECT)
    assert letter.is_classified
    services.set_preferences(actor=people["complaints_head"], prefs={"route.received": {"email": "immediate"}})
    services.set_preferences(actor=people["complaints_staff"], prefs={"route.received": {"email": "immediate"}})
    services.notify(event=events.ROUTE_RECEIVED, recipients=[people["complaints_head"], people["complaints_staff"]],
                    title=f"หนังสือลับ: {SECRET_SUBJECT}", body=f"เรื่อง {SECRET_SUBJECT} โปรดดำเนินการ",
                    url=f"/letters/{letter.pk}/", letter=letter, payload={"subject": letter.subject})

    # On the web the named, cleared person sees the title; someone not cleared does not.
    assert notifications_for(people["complaints_head"]).get().title == f"หนังสือลับ: {SECRET_SUBJECT}"
    staff_row = notifications_for(people["complaints_staff"]).get()  # clearance: unclassified
    assert SECRET_SUBJECT not in staff_row.title + staff_row.body

    result = services.deliver_pending()
    assert result["emails"] == 2 and result["webhooks_delivered"] == 1
    for message in mail.outbox:
        text = message.subject + message.body
        assert SECRET_SUBJECT not in text and "สอบสวน" not in text
        assert services.CLASSIFIED_TITLE in text
        assert f"http://127.0.0.1:8000/letters/{letter.pk}/" in message.body
    (headers, body), = receiver.requests
    assert SECRET_SUBJECT.encode() not in body and "สอบสวน".encode() not in body
    sent = json.loads(body)
    assert sent["title"] == services.CLASSIFIED_TITLE and sent["letter_id"] == letter.pk and sent["payload"] == {}
    assert headers["X-Saraban-Signature"] == services.signature(hook.secret, body)


def test_an_unclassified_letter_and_payload_go_to_webhooks(people):
    hook = services.create_webhook(actor=people["admin"], name="แดชบอร์ด", url="http://127.0.0.1:9/x",
                                   events=[events.ROUTE_RECEIVED, events.DEADLINE_OVERDUE])
    services.create_webhook(actor=people["admin"], name="อื่น", url="http://127.0.0.1:9/y",
                            events=[events.LETTER_CLOSED])
    off = services.create_webhook(actor=people["admin"], name="ปิด", url="http://127.0.0.1:9/z",
                                  events=[events.ROUTE_RECEIVED], active=False)
    letter = registered_letter(people["clerk"], subject="ขอเชิญประชุมคณะทำงาน")
    services.notify(event=events.ROUTE_RECEIVED, recipients=[], title="ขอเชิญประชุมคณะทำงาน",
                    url=f"/letters/{letter.pk}/", letter=letter, payload={"units": ["OPS-ICT-SYS"]})
    delivery = WebhookDelivery.objects.get()
    assert delivery.webhook == hook and off.deliveries.count() == 0
    assert delivery.payload["title"] == "ขอเชิญประชุมคณะทำงาน"
    assert delivery.payload["payload"] == {"units": ["OPS-ICT-SYS"]}
    assert delivery.payload["url"] == f"http://127.0.0.1:8000/letters/{letter.pk}/"
    assert Webhook.objects.count() == 3


def test_notify_rolls_back_with_the_callers_transaction(people):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify(event=events.ROUTE_RECEIVED, recipients=[people["clerk"]], title="x")
        raise RuntimeError
    assert Notification.objects.count() == 0


def test_mark_read_own_only(people):
    from saraban.core.errors import NotFound

    mine = services.notify(event=events.ROUTE_RECEIVED, recipients=[people["clerk"]], title="a")
    services.notify(event=events.LETTER_CLOSED, recipients=[people["clerk"]], title="b")
    theirs = services.notify(event=events.ROUTE_RECEIVED, recipients=[people["ict_staff"]], title="c")
    with pytest.raises(NotFound):
        services.mark_read(actor=people["clerk"], notification_ids=[theirs[0].pk])
    assert services.mark_read(actor=people["clerk"], notification_ids=[mine[0].pk]) == 1
    assert unread_count(people["clerk"]) == 1
    assert services.mark_read(actor=people["clerk"]) == 1
    assert unread_count(people["clerk"]) == 0 and unread_count(people["ict_staff"]) == 1


def test_unit_members_give_the_recipients_of_a_unit_and_its_head(people):
    from saraban.core.classes import Role
    from saraban.notifications.selectors import unit_members
    from saraban.routing.models import Unit

    unit = Unit.objects.get(code="OPS-INSPECT-REGION")
    assert {u.username for u in unit_members([unit])} == {"complaints_staff", "complaints_head"}
    assert [u.username for u in unit_members([unit.pk], roles=[Role.UNIT_HEAD])] == ["complaints_head"]
    rows = services.notify(event=events.DEADLINE_OVERDUE, recipients=unit_members([unit], roles=[Role.UNIT_HEAD]),
                           title="เกินกำหนด")
    assert [r.recipient.username for r in rows] == ["complaints_head"]
