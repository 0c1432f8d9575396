"""The Thai pages of the books (forms 13 and 14), the letter's slip, stamp and
retention, outgoing letters, and the destruction lists (form 25): what people see and
do through them."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from ocr import thai
from saraban.registry import services
from saraban.registry.models import (
    DestructionList,
    Letter,
    OutgoingLetter,
    Register,
    RegisterEntry,
)

# A fixed clock (tests/conftest.py): numbers restart each year and books, pages and
# assertions read today's date, so a run across midnight or the new year must not see two.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
BANGKOK = dt.timezone(dt.timedelta(hours=7))


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def register(clerk, n: int, **extra) -> Letter:
    fields = {"document_number": f"กค ๐๔๐๑/{n}", "document_date": "2025-01-02", "subject": f"ขอส่งรายงานการเงิน {n}",
              "issuing_office": "กรมบัญชีกลาง", **extra}
    return services.register_without_file(actor=clerk, fields=fields)


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def book_register(direction: str = "incoming") -> Register:
    return Register.objects.get(code=f"OPS-GAD-ADM-SARABAN-{'IN' if direction == 'incoming' else 'OUT'}")


def this_year_be() -> str:
    return thai.to_thai_digits(str(timezone.localdate().year + 543))


# --------------------------------------------------------------------------- books


def test_the_book_lists_the_registered_letters_as_form_13(people):
    letter = register(people["clerk"], 1)
    html = page(client_for(people["clerk"]).get("/letters/book/"))
    assert "ทะเบียนหนังสือรับ" in html
    for heading in ("เลขทะเบียนรับ", "ที่", "ลงวันที่", "จาก", "ถึง", "เรื่อง", "การปฏิบัติ", "หมายเหตุ"):
        assert f"<th>{heading}</th>" in html
    assert "ขอส่งรายงานการเงิน 1" in html and "กรมบัญชีกลาง" in html
    assert "๒ ม.ค. ๒๕๖๘" in html  # ลงวันที่ in the Buddhist era
    assert f"{this_year_be()} เวลา" in html  # the time of entry, Buddhist era
    assert f'href="/letters/{letter.pk}/"' in html
    code = book_register().code
    assert f"/api/registers/{code}/book?from=" in html and "export=pdf" in html and "export=xlsx" in html
    export = re.search(r'href="(/api/registers/[^"]+export=xlsx)"', html).group(1).replace("&amp;", "&")
    response = client_for(people["clerk"]).get(export)  # the export link works with the session
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    # an archive reader reads the book, without the keepers' forms
    archive = page(client_for(people["archive"]).get("/letters/book/", {"register": code}))
    assert "ขอส่งรายงานการเงิน 1" in archive and "จองเลข" not in archive and "แก้ไขรายการ" not in archive
    # a period outside the entries shows none; a reversed one is explained, not a 500
    past = page(client_for(people["clerk"]).get("/letters/book/", {"register": code, "from": "2020-01-01",
                                                                   "to": "2020-01-31"}))
    assert "ไม่มีรายการในช่วงวันที่นี้" in past
    reversed_period = page(client_for(people["clerk"]).get("/letters/book/", {"from": "2025-02-01",
                                                                              "to": "2025-01-01"}))
    assert "วันที่เริ่มต้องไม่หลังวันที่สิ้นสุด" in reversed_period


def test_reserving_and_cancelling_through_the_page(people):
    clerk = client_for(people["clerk"])
    register(people["clerk"], 1)
    code = book_register().code
    html = page(clerk.post(f"/letters/book/{code}/reserve/", {"reserved_for": "หนังสือเชิญประชุม", "count": "2"},
                           follow=True))
    assert "จองเลขที่ 2, 3" in html
    assert html.count("จองไว้ถึง") == 2 and "จองไว้สำหรับ หนังสือเชิญประชุม" in html
    reserved = RegisterEntry.objects.filter(register__code=code, state="reserved").order_by("number")
    assert [e.number for e in reserved] == [2, 3]
    html = page(clerk.post(f"/letters/book/{code}/reserve/", {"reserved_for": "", "count": "1"}, follow=True))
    assert "กรุณาระบุว่าจองเลขไว้สำหรับหนังสือเรื่องใด" in html
    html = page(clerk.post(f"/letters/book/entries/{reserved[0].pk}/cancel/", {"register": code, "reason": ""},
                           follow=True))
    assert "กรุณาระบุเหตุที่ยกเลิกเลขที่จอง" in html
    html = page(clerk.post(f"/letters/book/entries/{reserved[0].pk}/cancel/",
                           {"register": code, "reason": "ไม่ได้ใช้เลข"}, follow=True))
    assert "ยกเลิกเลขที่จอง 2" in html
    assert '<tr class="cancelled">' in html and "<b>ยกเลิก</b>" in html and "ไม่ได้ใช้เลข" in html
    assert html.count("จองไว้ถึง") == 1
    # someone who only reads the book cannot reserve in it
    archive = client_for(people["archive"]).post(f"/letters/book/{code}/reserve/", {"reserved_for": "x"},
                                                 follow=True)
    assert "ท่านไม่ได้เป็นเจ้าหน้าที่" in page(archive)
    assert RegisterEntry.objects.filter(register__code=code).count() == 3


def test_a_correction_adds_a_new_row_that_names_the_old_one(people):
    clerk = client_for(people["clerk"])
    letter = register(people["clerk"], 1)
    entry = RegisterEntry.objects.get(letter=letter)
    form = page(clerk.get(f"/letters/book/entries/{entry.pk}/correct/"))
    assert 'value="กค ๐๔๐๑/1"' in form and "ขอส่งรายงานการเงิน 1</textarea>" in form and 'value="2025-01-02"' in form
    unchanged = {"document_number": "กค ๐๔๐๑/1", "document_date": "2025-01-02", "sender": "กรมบัญชีกลาง",
                 "addressee": "", "subject": "ขอส่งรายงานการเงิน 1", "reason": "พิมพ์ผิด"}
    assert "ไม่มีช่องใดเปลี่ยนจากเดิม" in page(clerk.post(f"/letters/book/entries/{entry.pk}/correct/", unchanged))
    no_reason = page(clerk.post(f"/letters/book/entries/{entry.pk}/correct/",
                                {**unchanged, "subject": "แก้แล้ว", "reason": ""}))
    assert "กรุณาระบุเหตุที่แก้ไขรายการ" in no_reason and "แก้แล้ว</textarea>" in no_reason  # what was typed stays
    html = page(clerk.post(f"/letters/book/entries/{entry.pk}/correct/",
                           {**unchanged, "subject": "ขอส่งรายงานการเงินประจำไตรมาส", "reason": "เรื่องพิมพ์ผิด"},
                           follow=True))
    assert "บันทึกรายการแก้ไขเลขที่ 2 (แก้ไขรายการเลขที่ 1) แล้ว" in html
    assert "แก้ไขรายการเลขที่ ๑" in html and "แก้ไขโดยรายการเลขที่ ๒" in html
    new = RegisterEntry.objects.get(corrects=entry)
    assert new.subject == "ขอส่งรายงานการเงินประจำไตรมาส" and new.number == 2
    letter.refresh_from_db()
    assert letter.subject == "ขอส่งรายงานการเงินประจำไตรมาส"
    # a person who does not keep the book gets "not found"
    assert client_for(people["archive"]).get(f"/letters/book/entries/{entry.pk}/correct/").status_code == 404


def test_closing_a_year_through_the_page(people):
    clerk = client_for(people["clerk"])
    register(people["clerk"], 1)
    code = book_register().code
    now_be = timezone.localdate().year + 543
    assert "ยังไม่สิ้นปี" in page(clerk.post(f"/letters/book/{code}/close/", {"year": str(now_be)}, follow=True))
    html = page(clerk.post(f"/letters/book/{code}/close/", {"year": str(now_be - 1)}, follow=True))
    assert f"ปิดทะเบียน พ.ศ. {now_be - 1} แล้ว สิ้นสุดที่เลข 0" in html
    assert "ปิดทะเบียนไปแล้ว" in page(clerk.post(f"/letters/book/{code}/close/", {"year": str(now_be - 1)},
                                                 follow=True))


def test_the_secret_register_is_not_found_for_the_clerk_and_open_to_the_registrar(people):
    secret = Register.objects.get(is_secret=True, direction=Register.Direction.INCOMING)
    services.register_without_file(actor=people["secret_registrar"], fields={
        "subject": "รายงานการข่าว", "document_number": "ลับ ๑/๒๕๖๘", "document_date": "2025-01-02",
        "secrecy": "secret"})
    clerk = client_for(people["clerk"]).get("/letters/book/", {"register": secret.code})
    assert clerk.status_code == 404 and "รายงานการข่าว" not in clerk.content.decode()
    assert secret.code not in page(client_for(people["clerk"]).get("/letters/book/"))  # not in the chooser
    registrar = page(client_for(people["secret_registrar"]).get("/letters/book/"))  # their default register
    assert secret.name in registrar and "รายงานการข่าว" in registrar
    assert client_for(people["ict_staff"]).get("/letters/book/", {"register": "NO-SUCH"}).status_code == 404


# --------------------------------------------------------------------------- the letter page


def test_the_letter_page_offers_the_slip_the_stamp_and_the_retention(people):
    letter = register(people["clerk"], 1)
    clerk = client_for(people["clerk"])
    html = page(clerk.get(f"/letters/{letter.pk}/"))
    assert f'href="/api/letters/{letter.pk}/receive-slip"' in html and "ใบรับหนังสือ (PDF)" in html
    assert "ฉบับประทับตรารับ (PDF)" not in html  # no file, nothing stamped
    due_be = thai.to_thai_digits(str(timezone.localdate().year + 10 + 543))  # registered this year + 10
    assert f"อายุการเก็บ ๑๐ ปี (ครบกำหนด พ.ศ. {due_be})" in html
    assert "ประทับตรารับอีกครั้ง" in html
    slip = clerk.get(f"/api/letters/{letter.pk}/receive-slip")
    assert slip.status_code == 200 and slip["Content-Type"] == "application/pdf"
    html = page(clerk.post(f"/letters/{letter.pk}/stamp/", follow=True))
    assert "ไม่มีไฟล์ PDF ให้ประทับตรา" in html
    html = page(clerk.post(f"/letters/{letter.pk}/retention/", {"years": "0"}, follow=True))
    assert "อายุการเก็บต้องเป็น 1–100 ปี" in html
    html = page(clerk.post(f"/letters/{letter.pk}/retention/", {"years": "", "permanent": "on"}, follow=True))
    assert "กำหนดให้หนังสือนี้ห้ามทำลายแล้ว" in html and "<td>ห้ามทำลาย</td>" in html
    html = page(clerk.post(f"/letters/{letter.pk}/retention/", {"years": "๕"}, follow=True))
    assert "อายุการเก็บ ๕ ปี" in html
    # a reader of the letter who does not keep the register gets no forms
    from saraban.routing.services import route_letter

    route_letter(actor=people["clerk"], letter_id=letter.pk, unit_codes=["OPS-ICT-SYS"])
    staff = client_for(people["ict_staff"])
    html = page(staff.get(f"/letters/{letter.pk}/"))
    assert "ใบรับหนังสือ (PDF)" in html and "ประทับตรารับอีกครั้ง" not in html and "กำหนดอายุการเก็บ" not in html
    html = page(staff.post(f"/letters/{letter.pk}/stamp/", follow=True))
    assert "เฉพาะเจ้าหน้าที่ของทะเบียนนี้ประทับตรารับได้" in html


def test_a_stamped_letter_links_its_stamped_pdf(people, rendered):
    from tests.conftest import memo_text

    clerk = people["clerk"]
    with open(rendered(memo_text(subject="ขอเชิญประชุม")), "rb") as fh:
        draft = services.intake_file(actor=clerk, stream=fh, file_name="memo.pdf", enqueue=False)
    letter = services.confirm_letter(actor=clerk, letter_id=draft.pk, fields={"subject": "ขอเชิญประชุม"})
    client = client_for(clerk)
    html = page(client.get(f"/letters/{letter.pk}/"))
    assert "ฉบับประทับตรารับ (PDF)" in html and f"/letters/{letter.pk}/file/stamped/" in html
    response = client.get(f"/letters/{letter.pk}/file/stamped/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "ประทับตรารับเลขที่ 1/" in page(client.post(f"/letters/{letter.pk}/stamp/", follow=True))


# --------------------------------------------------------------------------- outgoing letters


DRAFT = {"document_type": "external", "subject": "ขอเชิญประชุมคณะทำงาน", "addressee": "ผู้ว่าราชการจังหวัดราชบุรี",
         "references": "", "enclosures": "กำหนดการประชุม\nแผนที่", "body": "ด้วยกระทรวงกำหนดประชุม",
         "signer_name": "นายประเสริฐ บริหารดี", "signer_position": "ปลัดกระทรวง", "owner_unit": "ฝ่ายสารบรรณ",
         "contact": "โทร. ๐ ๒๖๕๙ ๖๑๒๓", "urgency": "urgent", "secrecy": "unclassified"}


def test_an_outgoing_letter_drafted_and_sent_through_the_pages_gets_its_number(people):
    clerk = client_for(people["clerk"])
    html = page(clerk.get("/outgoing/"))
    assert "ร่างหนังสือใหม่" in html and "หนังสือภายนอก" in html and "หนังสือเวียน (ว)" in html
    assert "หนังสือที่เจ้าหน้าที่ทำขึ้น" not in html  # only the types drafted from templates
    assert "กรุณากรอกเรื่อง" in page(clerk.post("/outgoing/", {**DRAFT, "subject": ""}))
    response = clerk.post("/outgoing/", DRAFT)
    letter = OutgoingLetter.objects.get()
    assert response["Location"] == f"/outgoing/{letter.pk}/"
    assert letter.enclosures == ["กำหนดการประชุม", "แผนที่"] and not letter.is_circular
    html = page(clerk.get(f"/outgoing/{letter.pk}/"))
    assert "ร่างหนังสือส่ง" in html and f'href="/api/outgoing/{letter.pk}/pdf"' in html and "ส่งหนังสือ" in html
    html = page(clerk.post(f"/outgoing/{letter.pk}/", {**DRAFT, "subject": "ขอเชิญประชุมคณะทำงานครั้งที่ ๒"},
                           follow=True))
    assert "บันทึกการแก้ไขร่างแล้ว" in html and "ขอเชิญประชุมคณะทำงานครั้งที่ ๒" in html
    html = page(clerk.post(f"/outgoing/{letter.pk}/send/", {"reservation_id": ""}, follow=True))
    assert "ส่งหนังสือแล้ว ที่ พม/1" in html and "หนังสือฉบับส่ง (PDF)" in html
    letter.refresh_from_db()
    assert letter.status == "sent" and letter.document_number == "พม/1"
    assert "พม/1" in page(clerk.get("/outgoing/"))
    pdf = clerk.get(f"/api/outgoing/{letter.pk}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "หนังสือนี้ส่งแล้ว" in page(clerk.post(f"/outgoing/{letter.pk}/send/", follow=True))
    book = page(clerk.get("/letters/book/", {"register": book_register("outgoing").code}))
    assert "ทะเบียนหนังสือส่ง" in book and "<th>เลขทะเบียนส่ง</th>" in book and "พม/1" in book


def test_sending_with_a_reserved_number(people):
    clerk = client_for(people["clerk"])
    clerk.post("/outgoing/", DRAFT)
    letter = OutgoingLetter.objects.get()
    html = page(clerk.get(f"/outgoing/{letter.pk}/"))
    assert "เลขที่จอง" not in html
    code = "OPS-GAD-ADM-SARABAN-OUT"
    clerk.post(f"/letters/book/{code}/reserve/", {"reserved_for": "หนังสือเชิญประชุม", "count": "2"})
    _, second = RegisterEntry.objects.filter(register__code=code).order_by("number")
    html = page(clerk.get(f"/outgoing/{letter.pk}/"))
    assert f'<option value="{second.pk}">เลขที่จอง ๒/' in html
    html = page(clerk.post(f"/outgoing/{letter.pk}/send/", {"reservation_id": str(second.pk)}, follow=True))
    assert "ส่งหนังสือแล้ว ที่ พม/2" in html
    second.refresh_from_db()
    assert second.state == "issued" and second.outgoing_id == letter.pk


def test_outgoing_pages_are_for_the_registry(people):
    staff = client_for(people["ict_staff"])
    assert staff.get("/outgoing/").status_code == 403
    clerk = client_for(people["clerk"])
    clerk.post("/outgoing/", DRAFT)
    letter = OutgoingLetter.objects.get()
    assert staff.get(f"/outgoing/{letter.pk}/").status_code == 404
    assert staff.post(f"/outgoing/{letter.pk}/send/").status_code == 404
    assert OutgoingLetter.objects.get().status == "draft"
    # a class above the clerk's clearance is refused; the secret registrar drafts it
    html = page(clerk.post("/outgoing/", {**DRAFT, "subject": "รายงานลับ", "secrecy": "confidential"}, follow=True))
    assert "ไม่มีสิทธิ์ในชั้นความลับนี้" in html and not OutgoingLetter.objects.filter(subject="รายงานลับ").exists()
    registrar = client_for(people["secret_registrar"])
    registrar.post("/outgoing/", {**DRAFT, "subject": "รายงานลับ", "secrecy": "confidential"})
    assert "รายงานลับ" in page(registrar.get("/outgoing/"))
    assert "รายงานลับ" not in page(clerk.get("/outgoing/"))


# --------------------------------------------------------------------------- retention (form 25)


def test_the_clerk_proposes_the_executive_approves_the_clerk_destroys(people):
    clerk, executive = people["clerk"], people["executive"]
    with mock.patch("django.utils.timezone.now", return_value=dt.datetime(2014, 3, 2, 10, 0, tzinfo=BANGKOK)):
        old = register(clerk, 1, document_date="2014-03-01", subject="เรื่องเก่าปี ๒๕๕๗")
        kept = register(clerk, 2, document_date="2014-03-01", subject="เรื่องเก่าที่ควรเก็บ")
    register(clerk, 3, subject="เรื่องปีนี้")
    year_be = timezone.localdate().year - 1 + 543
    clerk_client = client_for(clerk)
    html = page(clerk_client.get("/retention/"))
    assert "จัดทำบัญชีหนังสือขอทำลาย" in html and "บัญชีหนังสือลับ" not in html
    assert "ได้เมื่อสิ้นปีแล้ว" in page(clerk_client.post("/retention/", {"year": str(year_be + 1)}, follow=True))
    response = clerk_client.post("/retention/", {"year": str(year_be)})
    lst = DestructionList.objects.get()
    assert response["Location"] == f"/retention/{lst.pk}/"
    html = page(clerk_client.get(response["Location"]))
    assert "เรื่องเก่าปี ๒๕๕๗" in html and "เรื่องเก่าที่ควรเก็บ" in html and "เรื่องปีนี้" not in html
    assert "๑/๒๕๕๗" in html and "เสนอคณะกรรมการ" in html and "ทำลายตามที่อนุมัติ" not in html
    assert f"/api/destruction-lists/{lst.pk}?export=pdf" in html and "export=xlsx" in html
    assert "จัดทำไว้แล้ว" in page(clerk_client.post("/retention/", {"year": str(year_be)}, follow=True))
    assert client_for(people["ict_staff"]).get(f"/retention/{lst.pk}/").status_code == 404
    # the executive records the committee's decisions
    boss = client_for(executive)
    html = page(boss.get(f"/retention/{lst.pk}/"))
    assert f'name="decision-{old.pk}"' in html and "บันทึกการอนุมัติ" in html
    approval = {"committee": "นายก นายข นายค", "approval_reference": "คำสั่ง สป. ที่ ๑/๒๕๖๙",
                f"decision-{old.pk}": "destroy"}
    html = page(boss.post(f"/retention/{lst.pk}/approve/", approval, follow=True))
    assert "ยังไม่ได้พิจารณาหนังสือเลขรับ 2/2557" in html
    html = page(boss.post(f"/retention/{lst.pk}/approve/",
                          {**approval, f"decision-{kept.pk}": "keep", f"keep-{kept.pk}": "๒๕๘๐"}, follow=True))
    assert "ทำลาย 1 รายการ เก็บไว้ 1 รายการ" in html and "เก็บไว้ถึง พ.ศ. 2580" in html
    assert "คณะกรรมการอนุมัติแล้ว" in html
    # the clerk destroys only what was approved, after confirming
    html = page(clerk_client.get(f"/retention/{lst.pk}/"))
    assert "ทำลายตามที่อนุมัติ" in html
    assert "กรุณายืนยัน" in page(clerk_client.post(f"/retention/{lst.pk}/destroy/", follow=True))
    html = page(clerk_client.post(f"/retention/{lst.pk}/destroy/", {"confirm": "on"}, follow=True))
    assert "ทำลายหนังสือตามที่คณะกรรมการอนุมัติแล้ว 1 รายการ" in html
    old.refresh_from_db()
    kept.refresh_from_db()
    assert old.destroyed_at is not None and kept.destroyed_at is None
    assert "บัญชีนี้ทำลายไปแล้ว" in page(clerk_client.post(f"/retention/{lst.pk}/destroy/", {"confirm": "on"},
                                                            follow=True))
    assert "ทำลายแล้ว" in page(clerk_client.get(f"/letters/{old.pk}/"))
