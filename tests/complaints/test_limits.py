"""Complaint texts have limits (issue 15): the subject, the description, the
complainant's details and every step's note. Over the limit the service refuses with a
Thai message before anything is written; the API answers the same problem document
(no longer DRF's generic "ข้อมูลไม่ถูกต้อง"), the intake page shows the message."""

from __future__ import annotations

import pytest
from django.test import Client

from saraban.complaints import services
from saraban.complaints.models import Complaint, ComplaintStep
from saraban.core.errors import InvalidInput
from tests.complaints.conftest import person

from tests.factories import api_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("thai_digits")]

FIELDS = {"channel": "web_portal", "subject": "ขอให้ตรวจสอบเงินอุดหนุนเด็กแรกเกิดล่าช้า", "description": "ยื่นคำขอแล้ว",
          "province": "ราชบุรี", "district": "บางแพ", "category": "social_welfare", "severity": "medium"}




def test_a_subject_over_five_hundred_characters_is_refused(people):
    with pytest.raises(InvalidInput) as error:
        services.file_complaint(actor=people["complaints_staff"], complainant=person(),
                                **{**FIELDS, "subject": "ก" * 501})
    assert error.value.code == "too_long"
    assert error.value.message == ("เรื่องที่ร้องเรียน ยาวเกินไป: ๕๐๑ ตัวอักษร รับได้ไม่เกิน ๕๐๐ ตัวอักษร "
                                   "กรุณาย่อ และใส่รายละเอียดในช่องรายละเอียด")
    assert not Complaint.objects.exists()
    taken = services.file_complaint(actor=people["complaints_staff"], complainant=person(),
                                    **{**FIELDS, "subject": "ก" * 500})
    assert len(taken.subject) == 500


def test_the_complainants_details_are_refused_not_cut(people):
    with pytest.raises(InvalidInput) as error:
        services.file_complaint(actor=people["complaints_staff"],
                                complainant={**person(), "address": "ก" * 501}, **FIELDS)
    assert error.value.extra["field"] == "complainant.address"
    assert error.value.message.startswith("ที่อยู่ของผู้ร้อง ยาวเกินไป")
    assert not Complaint.objects.exists()


def test_the_api_answers_in_thai_and_writes_nothing(people):
    desk = api_client(people["complaints_staff"])
    response = desk.post("/api/complaints", {**FIELDS, "complainant": person(), "description": "ก" * 20_001},
                         format="json")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "too_long" and body["field"] == "description" and body["limit"] == 20_000
    assert body["title"] == "รายละเอียด ยาวเกินไป: ๒๐,๐๐๑ ตัวอักษร รับได้ไม่เกิน ๒๐,๐๐๐ ตัวอักษร กรุณาย่อให้สั้นลง"
    assert not Complaint.objects.exists()


def test_a_steps_note_is_bounded_in_the_service_and_the_api(people, file):
    complaint = file()
    steps = ComplaintStep.objects.filter(complaint=complaint).count()
    with pytest.raises(InvalidInput) as error:
        services.analyse(actor=people["complaints_staff"], complaint_id=complaint.pk, note="ก" * 20_001)
    assert error.value.code == "too_long"
    response = api_client(people["complaints_staff"]).post(f"/api/complaints/{complaint.pk}/close",
                                                     {"reason": "ก" * 5001}, format="json")
    assert response.status_code == 400 and response.json()["title"].startswith("เหตุที่ยุติเรื่อง ยาวเกินไป")
    complaint.refresh_from_db()
    assert complaint.status == "registered" and ComplaintStep.objects.filter(complaint=complaint).count() == steps


def test_the_intake_page_shows_the_thai_error(people):
    client = Client()
    client.force_login(people["complaints_staff"])
    response = client.post("/complaints/new/", {**FIELDS, "subject": "ก" * 501,
                                                **{f"complainant_{k}": v for k, v in person().items()}})
    assert response.status_code == 200
    assert "เรื่องที่ร้องเรียน ยาวเกินไป: ๕๐๑ ตัวอักษร" in response.content.decode()
    assert not Complaint.objects.exists()
