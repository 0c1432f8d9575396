"""The complaint path through the Thai pages, and the public status page."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from ocr.thai import to_thai_digits
from saraban.complaints.models import Complaint
from tests.complaints.conftest import person

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _step(client, complaint, step, **data):
    response = client.post(f"/complaints/{complaint.pk}/{step}/", data, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="msg error"' not in page, page[page.find('class="msg error"'):][:300]
    return page


def test_intake_to_notified_complainant_through_the_pages(people, welfare_staff):
    desk, handler = logged_in(people["complaints_staff"]), logged_in(welfare_staff)
    p = person()
    assert "รับเรื่องร้องเรียน" in desk.get("/complaints/new/").content.decode()
    response = desk.post("/complaints/new/", {
        "channel": "walk_in", "subject": "ขอความช่วยเหลือผู้สูงอายุถูกทอดทิ้ง", "description": "อาศัยอยู่ลำพัง ไม่มีผู้ดูแล",
        "category": "social_welfare", "severity": "high", "province": "ราชบุรี", "district": "บ้านโป่ง",
        **{f"complainant_{k}": v for k, v in p.items()}}, follow=True)
    page = response.content.decode()
    complaint = Complaint.objects.get(subject="ขอความช่วยเหลือผู้สูงอายุถูกทอดทิ้ง")
    assert complaint.tracking_code in page and p["national_id"] in page and "ไม่พบเรื่องซ้ำ" in page
    listing = desk.get("/complaints/").content.decode()
    assert complaint.tracking_code in listing and "รุนแรงมาก" in listing

    _step(desk, complaint, "analyse", note="ผู้สูงอายุเสี่ยง", severity="high", category="social_welfare")
    _step(desk, complaint, "propose", note="เสนอมอบ ศชส.")
    _step(desk, complaint, "forward", unit_code="OPS-INSPECT-SOCIALHELP", instruction="ลงพื้นที่ทันที",
          public_note="ส่งศูนย์ช่วยเหลือสังคมดำเนินการ")
    mail.outbox.clear()
    page = _step(desk, complaint, "notify", kind="received", text="ได้รับเรื่องแล้ว")
    assert "ส่งไปรษณีย์อิเล็กทรอนิกส์แจ้งผู้ร้องแล้ว" in page and mail.outbox[0].to == [p["email"]]

    page = handler.get(f"/complaints/{complaint.pk}/").content.decode()
    assert p["phone"] in page and "รายงานผลการตรวจสอบข้อเท็จจริง" in page
    _step(handler, complaint, "report", report_text="ลงพื้นที่แล้ว")
    _step(desk, complaint, "check", complete="0", note="ขอรายละเอียดการส่งต่อสถานคุ้มครอง")
    _step(handler, complaint, "report", report_text="ส่งเข้าสถานคุ้มครองแล้ว")
    _step(desk, complaint, "check", complete="1", note="ครบถ้วน")
    _step(desk, complaint, "summarise", summary="ให้การช่วยเหลือแล้ว")
    page = _step(desk, complaint, "notify", kind="result", text="ได้ให้ความช่วยเหลือผู้สูงอายุแล้ว")
    complaint.refresh_from_db()
    assert complaint.status == "closed" and len(mail.outbox) == 2

    public = Client().get(f"/complaints/track/{complaint.tracking_code}/")
    html = public.content.decode()
    assert public.status_code == 200
    # dates in the Buddhist era: the year it was received (not "๒๕๖…", which ends with 2569)
    received_be = to_thai_digits(str(timezone.localdate(complaint.received_at).year + 543))
    for label in ["ลงทะเบียนรับเรื่อง", "เสนอผู้บริหารพิจารณา", "ส่งเรื่องให้หน่วยงานที่เกี่ยวข้องดำเนินการ",
                  "แจ้งผู้ร้องว่าได้รับเรื่องแล้ว", "หน่วยงานรายงานผลการตรวจสอบ", "ขอข้อมูลเพิ่มเติมจากหน่วยงาน",
                  "ตรวจสอบความครบถ้วนของรายงานแล้ว", "สรุปผลเสนอผู้บริหาร", "แจ้งผลการดำเนินการให้ผู้ร้องทราบ",
                  "ส่งศูนย์ช่วยเหลือสังคมดำเนินการ", "ศูนย์ช่วยเหลือสังคม", received_be]:
        assert label in html, label
    for secret in [p["name"], "สมหญิง", p["national_id"], p["phone"], p["email"], p["address"], "หมู่ ๗",
                   "อาศัยอยู่ลำพัง", "ลงพื้นที่แล้ว", "สถานคุ้มครองแล้ว", "วิชัย", "ใจดี", "welfare_staff"]:
        assert secret not in html, secret


def test_people_outside_the_units_get_not_found(people, file):
    complaint = file(complainant=person())
    response = logged_in(people["ict_staff"]).get(f"/complaints/{complaint.pk}/")
    assert response.status_code == 404 and "สมหญิง" not in response.content.decode()
    response = logged_in(people["ict_staff"]).post(f"/complaints/{complaint.pk}/close/", {"reason": "x"})
    assert response.status_code == 404
    assert Complaint.objects.get(pk=complaint.pk).status == "registered"
    assert logged_in(people["complaints_staff"]).get("/complaints/track/").status_code == 200


def test_tracking_form_and_unknown_codes(people, file, settings):
    complaint = file(complainant=person())
    client = Client()
    assert client.get("/complaints/track/").status_code == 200
    response = client.get("/complaints/track/", {"code": complaint.tracking_code.lower().replace("-", " ")},
                          follow=True)
    assert response.status_code == 200 and "ลงทะเบียนรับเรื่องแล้ว" in response.content.decode()
    response = client.get("/complaints/track/RC-2569-ZZZZ-ZZZZ/")
    assert response.status_code == 404 and "ไม่พบเรื่องร้องเรียน" in response.content.decode()
    garbage = client.get("/complaints/track/%3Cscript%3E/")
    assert garbage.status_code == 404 and "<script>" not in garbage.content.decode()


def test_guessing_codes_is_refused_after_many_misses(file):
    from django.core.cache import cache

    from saraban.complaints import views

    cache.clear()
    client = Client()
    for i in range(views.PUBLIC_MISSES_ALLOWED):
        assert client.get(f"/complaints/track/RC-2569-AAAA-{i:04d}/").status_code == 404
    complaint = file(complainant=person())
    assert client.get(f"/complaints/track/{complaint.tracking_code}/").status_code == 429
    cache.clear()


def test_a_notice_waiting_for_post_is_marked_sent(people, file):
    complaint = file(complainant={"name": "นายไม่มีอีเมล"})
    desk = logged_in(people["complaints_staff"])
    page = _step(desk, complaint, "notify", kind="received", text="ได้รับเรื่องแล้ว")
    assert "ต้องแจ้งทางไปรษณีย์/โทรศัพท์" in page
    notice = complaint.notices.get()
    _step(desk, complaint, "notice-sent", notice_id=notice.pk, channel="post")
    notice.refresh_from_db()
    assert notice.state == "sent" and notice.channel == "post"
