"""The complaint path end to end through the API, visibility, and the public status API."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from rest_framework.test import APIClient

from saraban.complaints.models import Complaint
from saraban.core.models import AuditEvent
from tests.complaints.conftest import person

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _post(client, url, data, status=200):
    response = client.post(url, data, format="json")
    assert response.status_code == status, response.content.decode()
    return response.json()


def test_intake_to_notified_complainant_through_the_api(people, welfare_staff, file):
    desk, head = api(people["complaints_staff"]), api(people["complaints_head"])
    handler = api(welfare_staff)
    p = person()
    earlier = file(actor=people["ict_staff"], complainant={"name": "ผู้ร้องรายอื่น", "national_id": p["national_id"]},
                   subject="เรื่องอื่น", province="")
    other_email = "someone.else@example.org"
    file(complainant={"name": "บุคคลอื่น", "email": other_email}, subject="ไม่เกี่ยวข้อง", province="")

    # 1–2. intake, duplicate check
    created = _post(desk, "/api/complaints", {
        "channel": "hotline", "complainant": p, "subject": "ขอความช่วยเหลือเงินสงเคราะห์ครอบครัวผู้มีรายได้น้อย",
        "description": "ครอบครัวเดือดร้อน บุตร ๓ คน ขาดรายได้", "province": "ราชบุรี", "district": "อำเภอโพธาราม",
        "category": "social_welfare", "severity": "medium"}, status=201)
    cid, code = created["id"], created["tracking_code"]
    assert created["status"] == "registered" and created["district"] == "โพธาราม"
    assert [(f["tracking_code"], f["reason"]) for f in created["possible_duplicates"]] == [
        (earlier.tracking_code, "same_complainant")]
    assert "personal_data" not in created and p["name"] not in json.dumps(created, ensure_ascii=False)

    # 2–3. analyse, propose
    _post(desk, f"/api/complaints/{cid}/analyse", {"note": "อยู่ในภารกิจ ศชส."})
    detail = _post(head, f"/api/complaints/{cid}/propose", {"note": "เห็นควรมอบ ศชส. ตรวจสอบ"})
    assert detail["status"] == "proposed"
    # The executive now sees it — without personal data.
    seen = api(people["executive"]).get(f"/api/complaints/{cid}").json()
    assert seen["personal_data"] is None and p["national_id"] not in json.dumps(seen, ensure_ascii=False)
    assert [s["note"] for s in seen["steps"] if s["kind"] == "proposed"] == ["เห็นควรมอบ ศชส. ตรวจสอบ"]

    # 4. forward to a unit; tell the complainant it was received (e-mail)
    assert api(welfare_staff).get(f"/api/complaints/{cid}").status_code == 404  # not yet theirs
    detail = _post(desk, f"/api/complaints/{cid}/forward", {"unit_code": "OPS-INSPECT-SOCIALHELP",
                                                             "instruction": "ตรวจสอบและรายงานภายใน ๑๕ วัน"})
    assert detail["status"] == "forwarded" and detail["handling_unit"] == "OPS-INSPECT-SOCIALHELP"
    mail.outbox.clear()
    detail = _post(desk, f"/api/complaints/{cid}/notify", {"kind": "received",
                                                            "text": "หน่วยงานได้รับเรื่องของท่านแล้ว"})
    assert detail["status"] == "investigating" and detail["notices"][0]["state"] == "sent"
    [message] = mail.outbox
    assert message.to == [p["email"]] and code in message.body and f"/complaints/track/{code}/" in message.body
    assert other_email not in message.body and "ผู้ร้องรายอื่น" not in message.body and "บุคคลอื่น" not in message.body

    # 5. the unit sees the personal data and reports back
    theirs = handler.get(f"/api/complaints/{cid}").json()
    assert theirs["personal_data"]["complainant"]["phone"] == p["phone"] and theirs["may"]["report"]
    assert _post(api(people["ict_staff"]), f"/api/complaints/{cid}/report", {"report_text": "x"}, status=404)
    assert _post(desk, f"/api/complaints/{cid}/report", {"report_text": "x"}, status=403)["code"] == "not_the_handler"
    _post(handler, f"/api/complaints/{cid}/report", {"report_text": "ลงพื้นที่แล้ว"})

    # 6. check: incomplete → asked again → complete
    detail = _post(desk, f"/api/complaints/{cid}/check", {"complete": False, "note": "ขอผลการประเมินความเสี่ยง"})
    assert detail["status"] == "investigating"
    _post(handler, f"/api/complaints/{cid}/report", {"report_text": "ประเมินแล้ว จ่ายเงินสงเคราะห์ ๓,๐๐๐ บาท"})
    assert _post(desk, f"/api/complaints/{cid}/check", {"complete": True, "note": "ครบถ้วน"})["status"] == "checked"

    # 7–8. summarise, tell the result
    assert _post(head, f"/api/complaints/{cid}/summarise", {"summary": "ช่วยเหลือแล้ว"})["status"] == "summarised"
    mail.outbox.clear()
    detail = _post(desk, f"/api/complaints/{cid}/notify", {"kind": "result",
                                                            "text": "หน่วยงานได้ให้ความช่วยเหลือเงินสงเคราะห์แล้ว"})
    assert detail["status"] == "closed" and detail["closed_at"]
    assert len(mail.outbox) == 1 and "ความช่วยเหลือเงินสงเคราะห์แล้ว" in mail.outbox[0].body

    # The public status API shows every step and nothing personal.
    response = api().get(f"/api/public/complaints/{code.lower()}")
    assert response.status_code == 200
    public = response.json()
    text = json.dumps(public, ensure_ascii=False)
    assert [s["kind"] for s in public["steps"]] == [
        "registered", "analysed", "proposed", "forwarded", "informed_received", "reported", "asked_again",
        "reported", "checked", "summarised", "informed_result"]
    assert public["status"] == "closed" and public["handling_agency"] == "ศูนย์ช่วยเหลือสังคม"
    for secret in [p["name"], "สมหญิง", p["national_id"], p["phone"], p["email"], p["address"], "หมู่ ๗",
                   "ครอบครัวเดือดร้อน", "ลงพื้นที่แล้ว", "ขอผลการประเมิน", "วิชัย", "มาลี",
                   people["complaints_staff"].username]:
        assert secret not in text
    actions = list(AuditEvent.objects.filter(target_id=str(cid), target_type="complaint")
                   .values_list("action", flat=True))
    assert "complaint.file" in actions and actions.count("complaint.notify") == 2
    assert p["national_id"] not in repr(list(AuditEvent.objects.values_list("data", flat=True)))


def test_who_sees_a_complaint_and_its_personal_data(people, welfare_staff, make_user, file):
    p = person()
    complaint = file(complainant=p)
    for outsider in (people["ict_staff"], people["clerk"], people["archive"], people["executive"]):
        response = api(outsider).get(f"/api/complaints/{complaint.pk}")
        assert response.status_code == 404, outsider.username
        assert complaint.pk not in [c["id"] for c in api(outsider).get("/api/complaints").json()]
    assert api().get(f"/api/complaints/{complaint.pk}").status_code in (401, 403)
    mine = api(people["complaints_head"]).get(f"/api/complaints/{complaint.pk}").json()
    assert mine["personal_data"]["complainant"]["national_id"] == p["national_id"] and mine["may"]["desk"]
    assert AuditEvent.objects.filter(action="complaint.personal_data.view", actor=people["complaints_head"],
                                     target_id=str(complaint.pk)).exists()
    # Forwarded to a division: its own people see it; its groups only once it is forwarded to them.
    services_forward = _post(api(people["complaints_staff"]), f"/api/complaints/{complaint.pk}/forward",
                             {"unit_code": "OPS-INSPECT", "instruction": "ดำเนินการ"})
    assert services_forward["handling_unit"] == "OPS-INSPECT"
    assert api(people["inspect_director"]).get(f"/api/complaints/{complaint.pk}").json()["personal_data"] is not None
    assert api(welfare_staff).get(f"/api/complaints/{complaint.pk}").status_code == 404
    from saraban.notifications.models import Notification  # told only if they may open it

    assert Notification.objects.filter(event="complaint.assigned", recipient=people["inspect_director"]).exists()
    assert not Notification.objects.filter(event="complaint.assigned", recipient=welfare_staff).exists()
    assert api(people["ict_staff"]).get(f"/api/complaints/{complaint.pk}").status_code == 404


def test_corruption_goes_to_the_anti_corruption_centre_and_high_severity_is_proposed_first(people, file):
    desk = api(people["complaints_staff"])
    complaint = file(complainant=person(), category="corruption", severity="high", accused="นายทุจริต นามสมมุติ")
    assert desk.get(f"/api/complaints/{complaint.pk}").json()["suggested_unit"] == "OPS-ACC"
    assert _post(desk, f"/api/complaints/{complaint.pk}/forward", {"unit_code": "OPS-ACC", "instruction": "x"},
                 status=409)["code"] == "propose_first"
    _post(desk, f"/api/complaints/{complaint.pk}/propose", {"note": "เรื่องทุจริต"})
    assert _post(desk, f"/api/complaints/{complaint.pk}/forward", {"unit_code": "OPS-PROV", "instruction": "x"},
                 status=400)["code"] == "corruption_goes_to_acc"
    assert _post(desk, f"/api/complaints/{complaint.pk}/forward", {"unit_code": "OPS-ACC-PREV", "instruction": "x"}
                 )["handling_unit"] == "OPS-ACC-PREV"
    outside = file(complainant=person(), category="other")
    detail = _post(desk, f"/api/complaints/{outside.pk}/forward", {"outside_agency": "กรมที่ดิน", "instruction": "x"})
    assert detail["outside_agency"] == "กรมที่ดิน" and detail["handling_unit"] is None
    # The desk records the outside agency's reply.
    assert _post(desk, f"/api/complaints/{outside.pk}/report", {"report_text": "กรมที่ดินตอบแล้ว"})["status"] == "reported"


def test_steps_out_of_order_are_refused(people, file):
    desk = api(people["complaints_staff"])
    complaint = file(complainant=person())
    assert _post(desk, f"/api/complaints/{complaint.pk}/summarise", {"summary": "x"}, status=409)["code"] == "wrong_status"
    assert _post(desk, f"/api/complaints/{complaint.pk}/notify", {"kind": "result", "text": "x"}, status=409)
    assert Complaint.objects.get(pk=complaint.pk).status == "registered"


def test_a_complainant_without_email_is_told_by_post(people, file):
    complaint = file(complainant={"name": "นายไม่มีอีเมล", "address": "๑ ถนนราชดำเนิน"})
    mail.outbox.clear()
    detail = _post(api(people["complaints_staff"]), f"/api/complaints/{complaint.pk}/notify",
                   {"kind": "received", "text": "ได้รับเรื่องแล้ว"})
    assert mail.outbox == []
    [notice] = detail["notices"]
    assert notice["state"] == "to_send" and notice["state_label"] == "ต้องแจ้งทางไปรษณีย์/โทรศัพท์"


def test_unknown_tracking_code_is_404_and_codes_are_unguessable(people, file):
    response = api().get("/api/public/complaints/RC-2569-AAAA-BBBB")
    assert response.status_code == 404 and response.json()["title"] == "ไม่พบเรื่องร้องเรียน"
    assert api().get("/api/public/complaints/1").status_code == 404
    codes = {file(complainant={}).tracking_code for _ in range(5)}
    assert len(codes) == 5
    for code in codes:
        prefix, year, a, b = code.split("-")
        assert prefix == "RC" and year.isdigit() and len(a + b) == 8  # 32^8 = 2^40 codes per year


def test_a_complaint_may_point_to_the_registered_letter_it_came_as(people, file):
    from saraban.core.errors import NotFound
    from tests.factories import registered_letter

    letter = registered_letter(people["clerk"], subject="หนังสือร้องเรียน")
    with pytest.raises(NotFound):  # the complaints desk cannot see the clerk's letter
        file(complainant=person(), letter_id=letter.pk)
    complaint = file(actor=people["clerk"], complainant=person(), letter_id=letter.pk)
    assert complaint.letter_id == letter.pk and complaint.registering_unit.code == "OPS-GAD-ADM-SARABAN"
