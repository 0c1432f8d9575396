"""Outgoing letters: drafted from the regulation's templates, numbered in the right
series when sent (form 14), laid out to PDF in a Thai font."""

from __future__ import annotations


import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from saraban.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from saraban.registry import books, outgoing
from saraban.registry.models import OutgoingLetter, Register, RegisterEntry

from tests.conftest import pdf_text

# A fixed clock (tests/conftest.py): numbers restart each year and books, pages and
# assertions read today's date, so a run across midnight or the new year must not see two.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

LETTER = {"document_type": "external", "subject": "ขอเชิญประชุมคณะทำงาน", "addressee": "ผู้ว่าราชการจังหวัดราชบุรี",
          "body": "ด้วยกระทรวงกำหนดประชุมคณะทำงานในวันที่ ๕ ธันวาคม ๒๕๖๙\n\nจึงเรียนมาเพื่อโปรดพิจารณา",
          "signer_name": "นายประเสริฐ บริหารดี", "signer_position": "ปลัดกระทรวง", "urgency": "urgent"}


def test_sending_numbers_each_series_apart_and_stores_the_form(people):
    clerk = people["clerk"]
    first = outgoing.send_outgoing(actor=clerk, outgoing_id=outgoing.draft_outgoing(actor=clerk, fields=LETTER).pk)
    second = outgoing.send_outgoing(actor=clerk, outgoing_id=outgoing.draft_outgoing(actor=clerk, fields=LETTER).pk)
    circular = outgoing.send_outgoing(actor=clerk, outgoing_id=outgoing.draft_outgoing(
        actor=clerk, fields={**LETTER, "is_circular": True}).pk)
    order = outgoing.send_outgoing(actor=clerk, outgoing_id=outgoing.draft_outgoing(
        actor=clerk, fields={**LETTER, "document_type": "directive", "subject": "แต่งตั้งคณะทำงาน"}).pk)
    year_be = timezone.localdate().year + 543
    assert (first.send_number, second.send_number, circular.send_number, order.send_number) == (1, 2, 1, 1)
    assert first.document_number == "พม/1" and second.document_number == "พม/2"
    assert circular.document_number == "พม/ว 1"
    assert order.document_number == f"1/{year_be}"
    assert {first.register.series, circular.register.series, order.register.series} == {
        Register.Series.GENERAL, Register.Series.CIRCULAR, Register.Series.ORDER}
    assert first.document_date == timezone.localdate()
    text = pdf_text(first.file.read())
    for expected in ("ที่ พม/๑", "เรื่อง ขอเชิญประชุมคณะทำงาน", "เรียน ผู้ว่าราชการจังหวัดราชบุรี", "ขอแสดงความนับถือ",
                     "(นายประเสริฐ บริหารดี)", "ด่วน"):
        assert expected in text, expected
    assert "สั่ง ณ วันที่" in pdf_text(order.file.read())
    row = RegisterEntry.objects.get(outgoing=first)
    assert (row.number, row.document_number, row.subject) == (1, "พม/1", LETTER["subject"])
    with pytest.raises(Conflict):
        outgoing.send_outgoing(actor=clerk, outgoing_id=first.pk)
    with pytest.raises(Conflict):
        outgoing.update_draft(actor=clerk, outgoing_id=first.pk, fields={"subject": "แก้"})


def test_a_reserved_number_is_used_by_the_letter_and_form_14_shows_it(people):
    clerk = people["clerk"]
    draft = outgoing.draft_outgoing(actor=clerk, fields=LETTER)
    register = outgoing._register_of(draft)
    (reserved,) = books.reserve(actor=clerk, register_code=register.code, reserved_for="หนังสือเชิญประชุม")
    other = outgoing.send_outgoing(actor=clerk, outgoing_id=outgoing.draft_outgoing(actor=clerk, fields=LETTER).pk)
    assert other.send_number == 2  # the reserved 1 is not handed out
    sent = outgoing.send_outgoing(actor=clerk, outgoing_id=draft.pk, reservation_id=reserved.pk)
    assert sent.send_number == 1 and sent.document_number == "พม/1"
    reserved.refresh_from_db()
    assert reserved.state == RegisterEntry.State.ISSUED and reserved.outgoing_id == sent.pk
    third = outgoing.draft_outgoing(actor=clerk, fields=LETTER)
    with pytest.raises(Conflict) as used:
        outgoing.send_outgoing(actor=clerk, outgoing_id=third.pk, reservation_id=reserved.pk)
    assert used.value.code == "reservation_used"
    api = APIClient()
    api.force_authenticate(clerk)
    rows = api.get(f"/api/registers/{register.code}/book").json()["rows"]
    assert [(r["number"], r["state"]) for r in rows] == [(1, "issued"), (2, "issued")]
    pdf = api.get(f"/api/registers/{register.code}/book", {"export": "pdf"})
    assert "ทะเบียนหนังสือส่ง" in pdf_text(b"".join(pdf.streaming_content))


def test_drafts_through_the_api_preview_and_validation(people):
    api = APIClient()
    api.force_authenticate(people["clerk"])
    bad = api.post("/api/outgoing", {"document_type": "complaint", "subject": "x"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_document_type"
    assert api.post("/api/outgoing", {"document_type": "internal"}, format="json").json()["code"] == "subject_required"
    made = api.post("/api/outgoing", {**LETTER, "document_type": "internal"}, format="json")
    assert made.status_code == 201 and made.json()["status"] == "draft"
    pk = made.json()["id"]
    preview = api.get(f"/api/outgoing/{pk}/pdf")
    text = pdf_text(b"".join(preview.streaming_content))
    assert "บันทึกข้อความ" in text and "ร่าง" in text
    assert api.patch(f"/api/outgoing/{pk}", {"subject": "ขอเชิญประชุม (แก้ไข)"}, format="json").status_code == 200
    sent = api.post(f"/api/outgoing/{pk}/send", {}, format="json")
    assert sent.status_code == 200 and sent.json()["document_number"] == "พม/1"
    api.force_authenticate(people["ict_staff"])
    assert api.get(f"/api/outgoing/{pk}").status_code == 404


def test_a_classified_outgoing_letter_goes_to_the_secret_register(people):
    registrar, clerk = people["secret_registrar"], people["clerk"]
    draft = outgoing.draft_outgoing(actor=registrar, fields={**LETTER, "secrecy": "secret"})
    sent = outgoing.send_outgoing(actor=registrar, outgoing_id=draft.pk)
    assert sent.register.is_secret and sent.send_number == 1
    assert "ลับมาก" in pdf_text(sent.file.read())
    with pytest.raises(NotFound):
        outgoing.get_outgoing(clerk, sent.pk)
    assert OutgoingLetter.objects.filter(register__is_secret=False).count() == 0
    with pytest.raises(InvalidInput):
        outgoing.draft_outgoing(actor=clerk, fields={**LETTER, "secrecy": "very"})
    with pytest.raises(NotAllowed) as above:  # the clerk's clearance does not cover it
        outgoing.draft_outgoing(actor=clerk, fields={**LETTER, "secrecy": "confidential"})
    assert above.value.code == "above_clearance"
