"""Duplicate detection across units, severity deadlines, overdue escalation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from saraban.complaints import selectors, services
from saraban.complaints.models import Complaint, ComplaintStep
from saraban.core.errors import InvalidInput
from saraban.core.models import AuditEvent
from tests.complaints.conftest import person, thai_id

pytestmark = pytest.mark.django_db


def test_same_national_id_filed_by_another_unit_is_found_without_revealing_its_data(people, file):
    first_person = person()
    earlier = file(actor=people["ict_staff"], complainant=first_person, subject="เว็บไซต์ของหน่วยงานใช้งานไม่ได้",
                   description="เข้าเว็บไซต์ไม่ได้หลายวัน", province="เชียงใหม่", district="เมืองเชียงใหม่",
                   category="service")
    # The same person, the ID typed with Thai digits and dashes, another matter, another desk.
    digits = first_person["national_id"].translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    typed = f"{digits[0]}-{digits[1:5]}-{digits[5:10]}-{digits[10:12]}-{digits[12]}"
    later = file(complainant={"name": "ชื่ออื่น", "national_id": typed})
    assert later.duplicate_of_id == earlier.pk
    [finding] = later.possible_duplicates
    assert finding["reason"] == "same_complainant" and finding["reason_label"] == "ผู้ร้องรายเดียวกัน"
    assert finding["tracking_code"] == earlier.tracking_code and finding["unit"] == earlier.registering_unit.name
    assert first_person["name"] not in repr(later.possible_duplicates)
    # The complaints desk still cannot open the other unit's complaint.
    with pytest.raises(selectors.NotFound):
        selectors.get_complaint(people["complaints_staff"], earlier.pk)


def test_same_name_and_phone_is_the_same_complainant(people, file):
    p = person()
    earlier = file(complainant={"name": p["name"], "phone": p["phone"]})
    later = file(complainant={"name": "  " + p["name"].replace(" ", "  "), "phone": "+66" + p["phone"][1:]},
                 subject="เรื่องอื่นโดยสิ้นเชิง", description="", province="")
    assert [f["complaint_id"] for f in later.possible_duplicates] == [earlier.pk]


def test_same_matter_reworded_is_found_and_an_unrelated_one_is_not(people, file):
    earlier = file(complainant=person(), subject="ขอให้ตรวจสอบการจ่ายเงินอุดหนุนเด็กแรกเกิดล่าช้า",
                   description="ผู้ร้องยื่นคำขอตั้งแต่เดือนมกราคม แต่ยังไม่ได้รับเงิน ที่ตำบลบางแพ อำเภอบางแพ")
    same = file(actor=people["ict_staff"], complainant=person(),
                subject="ร้องเรียนเงินอุดหนุนเพื่อการเลี้ยงดูเด็กแรกเกิดยังไม่ได้รับ",
                description="ยื่นคำขอตั้งแต่มกราคม ที่ตำบลบางแพ อำเภอบางแพ ขอให้ตรวจสอบ")
    [finding] = same.possible_duplicates
    assert finding["complaint_id"] == earlier.pk and finding["reason"] == "same_matter"
    assert finding["similarity"] >= selectors.SAME_MATTER_THRESHOLD
    unrelated = file(complainant=person(), subject="ขอความช่วยเหลือผู้สูงอายุถูกทอดทิ้ง",
                     description="อาศัยอยู่ลำพัง ไม่มีผู้ดูแล")
    assert unrelated.possible_duplicates == []
    elsewhere = file(complainant=person(), subject=earlier.subject, province="เชียงใหม่", district="")
    assert elsewhere.possible_duplicates == []  # the same words about another place


def test_same_accused_party_and_place_is_the_same_matter(people, file):
    earlier = file(complainant=person(), category="official_conduct", accused="นายสมปอง ผู้ถูกร้อง",
                   subject="เจ้าหน้าที่พูดจาไม่สุภาพ")
    later = file(complainant=person(), category="official_conduct", accused="สมปอง  ผู้ถูกร้อง",
                 subject="ขอร้องเรียนพฤติกรรมการให้บริการ", description="")
    assert [f["complaint_id"] for f in later.possible_duplicates] == [earlier.pk]


def test_old_complaints_about_the_same_matter_are_outside_the_window(people, file, settings):
    long_ago = timezone.now() - dt.timedelta(days=settings.SARABAN_COMPLAINT_DUPLICATE_DAYS + 5)
    file(complainant=person(), received_at=long_ago)
    assert file(complainant=person()).possible_duplicates == []


@pytest.mark.parametrize("severity,hours", [("high", 24), ("medium", 7 * 24), ("low", 15 * 24)])
def test_severity_sets_the_deadline_in_calendar_time(file, severity, hours):
    received = timezone.make_aware(dt.datetime(2026, 4, 10, 16, 0))  # a Friday before Songkran
    complaint = file(complainant=person(), severity=severity, received_at=received)
    assert complaint.due_at - complaint.received_at == dt.timedelta(hours=hours)


def test_analysis_may_correct_the_severity_and_the_deadline_follows(people, file):
    complaint = file(complainant=person(), severity="low")
    services.analyse(actor=people["complaints_staff"], complaint_id=complaint.pk, note="กระทบภาพลักษณ์",
                     severity="high")
    complaint.refresh_from_db()
    assert complaint.due_at - complaint.received_at == dt.timedelta(hours=24)


def test_overdue_complaints_are_escalated_once(people, file):
    complaint = file(complainant=person(), severity="high",
                     received_at=timezone.now() - dt.timedelta(hours=30))
    on_time = file(complainant=person(), severity="low")
    closed = file(complainant=person(), severity="high", received_at=timezone.now() - dt.timedelta(hours=30))
    services.close(actor=people["complaints_staff"], complaint_id=closed.pk, reason="ผู้ร้องขอถอนเรื่อง")
    assert list(selectors.overdue_complaints()) == [complaint]
    assert services.escalate_overdue() == 1
    assert services.escalate_overdue() == 0
    complaint.refresh_from_db()
    assert complaint.escalated_at is not None and complaint.is_overdue and not on_time.is_overdue
    assert complaint.steps.filter(kind=ComplaintStep.Kind.ESCALATED).count() == 1
    assert AuditEvent.objects.filter(action="complaint.escalate", target_id=str(complaint.pk)).count() == 1
    assert "เร่งรัด" not in repr(selectors.public_status(complaint.tracking_code))  # internal


def test_filing_checks_its_input(people, file):
    with pytest.raises(InvalidInput) as err:
        file(complainant=person(), province="แอตแลนติส")
    assert err.value.code == "unknown_province"
    with pytest.raises(InvalidInput) as err:
        file(complainant={"national_id": "1234567890123"})
    assert err.value.code == "invalid_national_id"
    with pytest.raises(InvalidInput):
        file(complainant=person(), channel="pigeon")
    ok = file(complainant={"national_id": thai_id("110170020345")}, province="จังหวัดกรุงเทพฯ", district="เขตบางรัก")
    assert (ok.province, ok.district) == ("กรุงเทพมหานคร", "บางรัก")
    anonymous = file(complainant={})
    assert Complaint.objects.get(pk=anonymous.pk).complainant_enc == ""


def test_staff_are_notified_of_assignment_and_overdue_without_personal_data(people, welfare_staff, file):
    notifications = pytest.importorskip("saraban.notifications.models")
    p = person()
    complaint = file(complainant=p, severity="high", received_at=timezone.now() - dt.timedelta(hours=2))
    services.propose_to_executive(actor=people["complaints_staff"], complaint_id=complaint.pk, note="")
    services.forward(actor=people["complaints_staff"], complaint_id=complaint.pk,
                     unit_code="OPS-INSPECT-SOCIALHELP", instruction="ด่วน")
    assigned = notifications.Notification.objects.filter(event="complaint.assigned")
    assert [n.recipient for n in assigned] == [welfare_staff]
    assert services.escalate_overdue(now=timezone.now() + dt.timedelta(days=1)) == 1
    overdue = notifications.Notification.objects.filter(event="complaint.overdue")
    assert {n.recipient.username for n in overdue} == {"complaints_staff", "complaints_head", "welfare_staff"}
    text = repr(list(notifications.Notification.objects.values_list("title", "body", "url")))
    assert f"เลขที่ {complaint.pk}" in text
    assert complaint.tracking_code not in text  # the complainant's key to the public page stays with them
    for secret in (p["name"], p["national_id"], p["phone"], p["email"]):
        assert secret not in text
