"""Typed fields have limits (issue 15): a subject of 1,001 characters is refused by the
service, the API and the page with a Thai message, and nothing is written — no letter,
no number used; exactly 1,000 is taken. Reservations, corrections, outgoing drafts and
the destruction committee are bounded the same way."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client

from saraban.core.errors import InvalidInput
from saraban.core.models import AuditEvent
from saraban.registry import books, outgoing, services
from saraban.registry.models import Letter, OutgoingLetter, RegisterCounter, RegisterEntry

from tests.factories import api_client

# A fixed clock: the numbers restart each year, and "the next number" must be that of one year.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock", "thai_digits")]

FIELDS = {"document_number": "ยธ ๐๓๐๓/ว ๑๓", "document_date": "๑๔ มีนาคม ๒๕๖๕", "issuing_office": "กองพัฒนาการคุมประพฤติ",
          "addressee": "หัวหน้าหน่วยงาน"}
TOO_LONG_SUBJECT = "เรื่อง ยาวเกินไป: ๑,๐๐๑ ตัวอักษร รับได้ไม่เกิน ๑,๐๐๐ ตัวอักษร กรุณาย่อให้สั้นลง"


def subject(n: int) -> str:
    """A Thai subject of exactly ``n`` characters, no spaces to collapse (deterministic)."""
    text = "ขอเชิญประชุมคณะทำงานพัฒนาระบบสารบรรณอิเล็กทรอนิกส์" * (n // 40 + 1)
    return text[:n]


@pytest.fixture
def clerk_client(people):
    client = Client()
    client.force_login(people["clerk"])
    return client


def _now():
    from django.utils import timezone

    return timezone.now()


def _next_number(clerk) -> tuple[int, int]:
    """Register one letter; returns (its register's id, its number)."""
    letter = services.register_without_file(actor=clerk, fields={**FIELDS, "subject": "เรื่องก่อนหน้า",
                                                                   "document_number": "ยธ ๐๓๐๓/ว ๑"})
    return letter.register_id, letter.receive_number


def test_a_subject_one_character_too_long_is_refused_and_nothing_is_written(people):
    clerk = people["clerk"]
    register_id, number = _next_number(clerk)
    letters, events = Letter.objects.count(), AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as error:
        services.register_without_file(actor=clerk, fields={**FIELDS, "subject": subject(1001)})
    assert error.value.code == "too_long"
    assert error.value.message == TOO_LONG_SUBJECT
    assert error.value.extra == {"field": "subject", "limit": 1000, "length": 1001}
    assert Letter.objects.count() == letters and AuditEvent.objects.count() == events
    assert RegisterCounter.objects.get(register_id=register_id).last_number == number  # no number used

    exact = services.register_without_file(actor=clerk, fields={**FIELDS, "subject": subject(1000)})
    assert len(exact.subject) == 1000
    assert exact.register_id == register_id and exact.receive_number == number + 1  # the next number, no gap


def test_confirming_a_draft_with_a_subject_too_long_leaves_it_a_draft(people):
    from saraban.routing.selectors import registry_desk_of

    clerk = people["clerk"]
    draft = Letter.objects.create(desk_unit=registry_desk_of(clerk), created_by=clerk, received_at=_now(),
                                  subject="ร่าง")
    with pytest.raises(InvalidInput) as error:
        services.confirm_letter(actor=clerk, letter_id=draft.pk, fields={**FIELDS, "subject": subject(1001)})
    assert error.value.code == "too_long"
    draft.refresh_from_db()
    assert draft.status == Letter.Status.DRAFT and draft.receive_number is None and draft.subject == "ร่าง"


def test_a_draft_that_held_an_over_long_subject_is_not_numbered(people):
    """A draft saved before the limits (or by any other way in) is refused at numbering."""
    from saraban.routing.selectors import registry_desk_of

    clerk = people["clerk"]
    draft = Letter.objects.create(desk_unit=registry_desk_of(clerk), created_by=clerk, received_at=_now(),
                                  subject=subject(5000), document_number="ยธ ๐๓๐๓/ว ๙")
    with pytest.raises(InvalidInput) as error:
        services.confirm_letter(actor=clerk, letter_id=draft.pk)
    assert error.value.code == "too_long" and error.value.extra["field"] == "subject"
    assert not RegisterEntry.objects.filter(letter=draft).exists()


def test_other_header_fields_have_their_limits(people):
    clerk = people["clerk"]
    cases = [("document_number", 101, "ที่"), ("issuing_office", 501, "ส่วนราชการ/ผู้ส่ง"),
             ("addressee", 501, "เรียน/ถึง"), ("signer_name", 201, "ผู้ลงนาม"),
             ("signer_position", 301, "ตำแหน่งผู้ลงนาม"), ("remarks", 1001, "หมายเหตุ")]
    for name, length, label in cases:
        with pytest.raises(InvalidInput) as error:
            services.register_without_file(actor=clerk, fields={**FIELDS, "subject": "เรื่อง", name: "ก" * length})
        assert error.value.code == "too_long" and error.value.extra["field"] == name
        assert error.value.message.startswith(f"{label} ยาวเกินไป")
    with pytest.raises(InvalidInput) as lines:
        services.register_without_file(actor=clerk, fields={**FIELDS, "subject": "เรื่อง",
                                                            "enclosures": [f"สำเนา {n}" for n in range(101)]})
    assert lines.value.code == "too_many_items"
    with pytest.raises(InvalidInput) as line:
        services.register_without_file(actor=clerk, fields={**FIELDS, "subject": "เรื่อง",
                                                            "references": ["พม ๐๒๐๑/๑", "ก" * 501]})
    assert line.value.code == "too_long" and "อ้างถึง รายการที่ ๒" in line.value.message
    assert Letter.objects.count() == 0


def test_the_api_refuses_with_a_thai_problem_document(clerk_client, people):
    register_id, number = _next_number(people["clerk"])
    response = clerk_client.post("/api/letters", {**FIELDS, "subject": subject(1001)}, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "too_long" and body["title"] == TOO_LONG_SUBJECT
    assert body["field"] == "subject" and body["limit"] == 1000 and body["length"] == 1001
    assert Letter.objects.count() == 1
    assert RegisterCounter.objects.get(register_id=register_id).last_number == number

    ok = clerk_client.post("/api/letters", {**FIELDS, "subject": subject(1000)}, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["receive_number"] == number + 1


def test_a_nine_megabyte_subject_is_refused_quickly(clerk_client):
    huge = "ก" * 3_000_000  # 9 MB in UTF-8
    started = time.monotonic()
    response = clerk_client.post("/api/letters", json.dumps({**FIELDS, "subject": huge}, ensure_ascii=False),
                                 content_type="application/json")
    elapsed = time.monotonic() - started
    assert response.status_code == 400 and response.json()["code"] == "too_long"
    assert response.json()["length"] == 3_000_000
    assert elapsed < 20, f"took {elapsed:.1f} s"  # measured about 1 s; rendering it never finished
    assert Letter.objects.count() == 0 and RegisterEntry.objects.count() == 0


def test_the_schema_shows_the_limits(clerk_client):
    schema = clerk_client.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    fields = schema["RegisterWithoutFile"]["properties"]
    assert fields["subject"]["maxLength"] == 1000 and fields["document_number"]["maxLength"] == 100
    assert schema["Outgoing"]["properties"]["body"]["maxLength"] == 50_000


def test_the_page_shows_the_thai_error_next_to_the_form(clerk_client):
    response = clerk_client.post("/letters/no-file/", {**FIELDS, "subject": subject(1001)})
    assert response.status_code == 200
    page = response.content.decode()
    assert TOO_LONG_SUBJECT in page
    assert 'name="subject"' in page  # the form is shown again, with what was typed
    assert Letter.objects.count() == 0


def test_reservations_and_cancellations_are_bounded(people):
    clerk = people["clerk"]
    register_id, number = _next_number(clerk)
    code = Letter.objects.get(receive_number=number).register.code
    with pytest.raises(InvalidInput) as error:
        books.reserve(actor=clerk, register_code=code, reserved_for=subject(1001))
    assert error.value.code == "too_long" and error.value.extra["field"] == "reserved_for"
    assert RegisterCounter.objects.get(register_id=register_id).last_number == number
    [entry] = books.reserve(actor=clerk, register_code=code, reserved_for=subject(1000))
    with pytest.raises(InvalidInput) as reason:
        books.cancel(actor=clerk, entry_id=entry.pk, reason="ก" * 1001)
    assert reason.value.code == "too_long" and reason.value.message.startswith("เหตุที่ยกเลิก ยาวเกินไป")
    assert RegisterEntry.objects.get(pk=entry.pk).state == RegisterEntry.State.RESERVED


def test_a_correction_too_long_writes_no_new_row(people, clerk_client):
    clerk = people["clerk"]
    _, number = _next_number(clerk)
    entry = RegisterEntry.objects.get(letter__receive_number=number, corrects__isnull=True)
    rows = RegisterEntry.objects.count()
    with pytest.raises(InvalidInput) as error:
        books.correct_entry(actor=clerk, entry_id=entry.pk, fields={"subject": subject(1001)}, reason="พิมพ์ผิด")
    assert error.value.code == "too_long"
    response = clerk_client.post(f"/api/register-entries/{entry.pk}/correct", {"sender": "ก" * 501, "reason": "ผิด"},
                                 content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "too_long"
    assert response.json()["title"].startswith("จาก ยาวเกินไป: ๕๐๑ ตัวอักษร")
    assert RegisterEntry.objects.count() == rows


def test_outgoing_drafts_are_bounded_in_the_service_and_the_api(people, clerk_client):
    clerk = people["clerk"]
    with pytest.raises(InvalidInput) as body:
        outgoing.draft_outgoing(actor=clerk, fields={"document_type": "internal", "subject": "ขอเชิญประชุม",
                                                     "body": "ก" * 50_001})
    assert body.value.code == "too_long" and body.value.message.startswith("ข้อความ ยาวเกินไป: ๕๐,๐๐๑ ตัวอักษร")
    draft = outgoing.draft_outgoing(actor=clerk, fields={"document_type": "internal", "subject": subject(1000),
                                                         "body": "ก" * 50_000})
    with pytest.raises(InvalidInput):
        outgoing.update_draft(actor=clerk, outgoing_id=draft.pk, fields={"subject": subject(1001)})
    assert OutgoingLetter.objects.get(pk=draft.pk).subject == subject(1000)
    response = clerk_client.post("/api/outgoing", {"document_type": "internal", "subject": subject(1001)},
                                 content_type="application/json")
    assert response.status_code == 400 and response.json()["title"] == TOO_LONG_SUBJECT
    assert OutgoingLetter.objects.count() == 1

    # a draft that holds an over-long subject (saved before the limits) is not numbered
    OutgoingLetter.objects.filter(pk=draft.pk).update(subject=subject(1001))
    with pytest.raises(InvalidInput):
        outgoing.send_outgoing(actor=clerk, outgoing_id=draft.pk)
    assert OutgoingLetter.objects.get(pk=draft.pk).status == OutgoingLetter.Status.DRAFT
    assert not RegisterEntry.objects.filter(outgoing_id=draft.pk).exists()


def test_the_outgoing_page_shows_the_thai_error(clerk_client):
    response = clerk_client.post("/outgoing/", {"document_type": "internal", "subject": subject(1001), "body": ""})
    assert response.status_code == 200 and TOO_LONG_SUBJECT in response.content.decode()
    assert OutgoingLetter.objects.count() == 0


def test_reservation_api_answers_in_thai(people, clerk_client):
    _, number = _next_number(people["clerk"])
    code = Letter.objects.get(receive_number=number).register.code
    response = clerk_client.post(f"/api/registers/{code}/reservations", {"reserved_for": subject(1001)},
                                 content_type="application/json")
    assert response.status_code == 400 and response.json()["title"].startswith("จองไว้สำหรับ ยาวเกินไป")
    assert not RegisterEntry.objects.filter(state=RegisterEntry.State.RESERVED).exists()


def test_the_destruction_committee_and_approval_are_bounded(people):
    from saraban.registry import retention
    from saraban.registry.models import DestructionList

    lst = retention.propose_list(actor=people["clerk"], year=2024)
    with pytest.raises(InvalidInput) as committee:
        retention.approve_list(actor=people["executive"], list_id=lst.pk, decisions={}, committee="ก" * 2001,
                               approval_reference="คำสั่ง ๑/๒๕๖๘")
    assert committee.value.code == "too_long" and committee.value.extra["field"] == "committee"
    response = api_client(people["executive"]).post(f"/api/destruction-lists/{lst.pk}/approve",
                        {"decisions": {}, "committee": "นายก นายข นายค", "approval_reference": "ก" * 501}, format="json")
    assert response.status_code == 400 and response.json()["title"].startswith("หนังสืออนุมัติ ยาวเกินไป")
    assert DestructionList.objects.get(pk=lst.pk).status == DestructionList.Status.PROPOSED
