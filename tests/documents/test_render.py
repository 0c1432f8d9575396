"""The printed forms as a user sees them: real WeasyPrint PDFs read back with pypdf,
real openpyxl workbooks. No database. Each document is rendered once per module."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from pypdf import PdfReader

from ocr.thai import normalize
from saraban.documents.data import (
    Book,
    BookRow,
    DestructionItem,
    DestructionList,
    OutgoingDocument,
    ReceiveSlip,
)
from saraban.documents.render import (
    book_parts,
    book_pdf,
    book_xlsx,
    destruction_list_parts,
    destruction_list_pdf,
    destruction_list_xlsx,
    outgoing_letter_pdf,
    receive_slip_pdf,
)

BKK = ZoneInfo("Asia/Bangkok")
T0 = datetime(2026, 11, 3, 10, 30, tzinfo=BKK)
A4 = (595.3, 841.9)  # points
A5 = (419.5, 595.3)
HOSTILE = "<script>alert(1)</script></td></tr><tr><td>แทรก"


def pages(pdf: bytes) -> list[str]:
    """Each page's text in content order, Thai-normalised (ํา → ำ, as the search index does)."""
    return [normalize(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]


def squash(text: str) -> str:
    """The text without whitespace (table headings wrap inside their cells)."""
    return re.sub(r"\s+", "", text)


def size(pdf: bytes) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return float(box.width), float(box.height)


def is_size(pdf: bytes, expected: tuple[float, float]) -> bool:
    w, h = size(pdf)
    return abs(w - expected[0]) < 2 and abs(h - expected[1]) < 2


def row(n: int, **kw) -> BookRow:
    values = {"number": str(n), "registered_at": T0 + timedelta(hours=n), "document_number": f"ยธ 0303/ว {100 + n}",
              "document_date": date(2026, 10, 28), "sender": "กรมคุมประพฤติ", "addressee": "ผู้อำนวยการกองกลาง",
              "subject": f"ขอเชิญประชุมคณะทำงานลำดับ {n}", "action": "เสนอ ผอ.กอง"}
    values.update(kw)
    return BookRow(**values)


def book(rows, **kw) -> Book:
    values = {"direction": "incoming", "register_name": "ทะเบียนกลาง", "agency_name": "กองกลาง สำนักงานปลัดกระทรวง",
              "date_from": date(2026, 11, 1), "date_to": date(2026, 11, 30), "rows": tuple(rows), "printed_at": T0}
    values.update(kw)
    return Book(**values)


SMALL_ROWS = (
    row(1),
    row(2, subject="ขอยืมพัสดุ", cancelled=True, remarks="จองเลขหมดอายุ"),
    row(3, registered_at=T0 + timedelta(days=1), subject="รายงานผลการดำเนินงาน", remarks="แก้ไขรายการเลขที่ 1"),
    row(4, registered_at=T0 + timedelta(days=1, hours=2), subject=HOSTILE, action="ส่งกลุ่มงานสารบรรณ"),
)


@pytest.fixture(scope="module")
def small_book():
    return book(SMALL_ROWS, closed_note="ปิดทะเบียนประจำเดือน")


@pytest.fixture(scope="module")
def small_book_pages(small_book):
    pdf = book_pdf(small_book)
    assert is_size(pdf, (A4[1], A4[0]))  # landscape
    return pages(pdf)


# --------------------------------------------------------------------------- books


def test_incoming_book_shows_form_13_heading_columns_and_rows(small_book_pages):
    assert len(small_book_pages) == 1
    text = small_book_pages[0]
    flat = squash(text)
    assert "ทะเบียนหนังสือรับ" in text
    assert "ทะเบียนกลาง" in text and "กองกลาง สำนักงานปลัดกระทรวง" in text
    assert "ตั้งแต่วันที่ ๑ พฤศจิกายน พ.ศ. ๒๕๖๙ ถึงวันที่ ๓๐ พฤศจิกายน พ.ศ. ๒๕๖๙" in text
    for heading in ("เลขทะเบียนรับ", "ที่", "ลงวันที่", "จาก", "ถึง", "เรื่อง", "การปฏิบัติ", "หมายเหตุ"):
        assert heading in flat
    # one heading per registration date, rows under it with their values
    assert "วันที่ ๓ พฤศจิกายน พ.ศ. ๒๕๖๙" in text and "วันที่ ๔ พฤศจิกายน พ.ศ. ๒๕๖๙" in text
    assert text.index("วันที่ ๓ พฤศจิกายน") < text.index("ขอเชิญประชุมคณะทำงานลำดับ 1") < text.index(
        "วันที่ ๔ พฤศจิกายน") < text.index("รายงานผลการดำเนินงาน")
    # cell values (they wrap inside their cells)
    assert "ยธ0303/ว101" in flat  # the letter's own number as typed
    assert "๒๘ต.ค.๒๕๖๙" in flat and "กรมคุมประพฤติ" in flat and "เสนอผอ.กอง" in flat
    assert "๑๑.๓๐น." in flat  # time registered
    assert "แก้ไขรายการเลขที่1" in flat
    assert "ปิดทะเบียนประจำเดือน" in text
    assert "หน้า ๑/๑" in text and "พิมพ์เมื่อ ๓ พฤศจิกายน พ.ศ. ๒๕๖๙ เวลา ๑๐.๓๐ น." in text


def test_cancelled_row_stays_marked_cancelled(small_book_pages):
    flat = squash(small_book_pages[0])
    assert "ขอยืมพัสดุ" in flat
    assert "ยกเลิกจองเลขหมดอายุ" in flat


def test_user_html_is_printed_literally_and_does_not_break_the_table(small_book_pages):
    flat = squash(small_book_pages[0])
    assert "<script>alert(1)</script></td></tr><tr><td>แทรก" in flat
    # the cell after the hostile subject is still there, right after it
    assert flat.index("แทรก") < flat.index("ส่งกลุ่มงานสารบรรณ") < flat.index("รวม๔รายการ")


def test_outgoing_book_is_form_14():
    text = pages(book_pdf(book(SMALL_ROWS[:1], direction="outgoing")))[0]
    assert "ทะเบียนหนังสือส่ง" in text and "เลขทะเบียนส่ง" in squash(text)
    assert "ทะเบียนหนังสือรับ" not in text


def test_book_in_arabic_digits():
    text = pages(book_pdf(book(SMALL_ROWS[:1], thai_digits=False)))[0]
    assert "วันที่ 3 พฤศจิกายน พ.ศ. 2569" in text and "28ต.ค.2569" in squash(text)
    assert "หน้า 1/1" in text and "11.30น." in squash(text)
    assert not re.search("[๐-๙]", text)


def test_long_book_runs_over_pages_with_the_header_on_each():
    long_subject = "ขอความร่วมมือประชาสัมพันธ์โครงการ " * 28 + "ท้ายเรื่องยาว"  # 985 characters: within the limit
    rows = [row(n, registered_at=T0 + timedelta(hours=6 * n)) for n in range(1, 81)]
    rows[10] = replace(rows[10], subject=long_subject)
    texts = pages(book_pdf(book(rows)))
    assert len(texts) >= 3
    for n, text in enumerate(texts, start=1):
        assert "เลขทะเบียนรับ" in squash(text)
        assert f"หน้า {n}/{len(texts)}".translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")) in text
    everything = squash("".join(texts))
    assert "ลำดับ1เสนอ" in everything and "ลำดับ80เสนอ" in everything
    assert everything.count("ขอความร่วมมือ") == everything.count("ประชาสัมพันธ์โครงการ") == 28
    assert "ท้ายเรื่องยาว" in everything  # wrapped over pages, never truncated


def test_book_rejects_unknown_direction_and_inverted_period():
    with pytest.raises(ValueError):
        book_pdf(book((), direction="sideways"))
    with pytest.raises(ValueError):
        book_xlsx(book((), date_from=date(2026, 12, 1)))


def test_book_xlsx_has_form_columns_rows_thai_dates_and_cancel_marker(small_book):
    wb = openpyxl.load_workbook(io.BytesIO(book_xlsx(small_book)))
    assert wb.sheetnames == ["ทะเบียนหนังสือรับ"]
    ws = wb.active
    assert "ทะเบียนหนังสือรับ" in ws["A1"].value and "ทะเบียนกลาง" in ws["A1"].value
    header = [c.value for c in ws[2]]
    assert header == ["เลขทะเบียนรับ", "วันที่ลงทะเบียน", "ที่", "ลงวันที่", "จาก", "ถึง", "เรื่อง", "การปฏิบัติ",
                      "หมายเหตุ"]
    assert all(c.font.b for c in ws[2])
    assert ws.freeze_panes == "A3"
    assert ws.column_dimensions["G"].width > ws.column_dimensions["A"].width
    entries = [[c.value for c in r] for r in ws.iter_rows(min_row=3, max_row=2 + len(SMALL_ROWS))]
    # numbers a spreadsheet can sort and sum, dates it can sort, shown in Thai digits and the Buddhist era
    assert [e[0] for e in entries] == [1, 2, 3, 4] and ws["A3"].number_format == "[$-D00041E]0"
    assert entries[0][1] == datetime(2026, 11, 3, 11, 30) and entries[0][3] == datetime(2026, 10, 28)
    assert ws["B3"].number_format == '[$-D07041E]d mmm yyyy hh.mm "น."' and ws["B3"].is_date
    assert ws["D3"].number_format == "[$-D07041E]d mmm yyyy" and ws["D3"].is_date
    assert entries[1][8].startswith("ยกเลิก") and ws.cell(row=4, column=7).font.strike
    assert entries[3][6] == HOSTILE
    assert ws.cell(row=3 + len(SMALL_ROWS), column=1).value is None  # nothing but the footer after the rows
    assert any("ปิดทะเบียนประจำเดือน" == (c.value or "") for c in ws["A"])


def test_book_xlsx_keeps_formula_like_text_as_text_and_follows_digits():
    wb = openpyxl.load_workbook(io.BytesIO(book_xlsx(book([row(1, subject="=HYPERLINK(\"http://x\")\x07")],
                                                         thai_digits=False))))
    cell = wb.active["G3"]
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"http://x\")"
    assert wb.active["B3"].number_format == '[$-107041E]d mmm yyyy hh.mm "น."'  # Arabic digits, still BE
    assert wb.active["A3"].value == 1 and wb.active["A3"].number_format == "0"


def test_book_xlsx_keeps_a_register_number_that_is_not_a_number_as_printed():
    wb = openpyxl.load_workbook(io.BytesIO(book_xlsx(book([row(1, number="ว 3"), row(2, number="5/2569")]))))
    assert [wb.active["A3"].value, wb.active["A4"].value] == ["ว 3", "5/2569"]


# --------------------------------------------------------------------------- receive slip

SLIP = ReceiveSlip(agency_name="กองกลาง สำนักงานปลัดกระทรวง", register_name="ทะเบียนกลาง", receive_number="124/2569",
                   received_at=T0, registered_at=T0 + timedelta(minutes=7), document_number="ยธ 0303/ว 100",
                   document_date=date(2026, 10, 28), sender="กรมคุมประพฤติ", addressee="ปลัดกระทรวง",
                   subject="ขอเชิญประชุมคณะทำงาน", clerk_name="นางสาวสมใจ ใจดี")


def test_receive_slip_shows_number_times_and_signature_line():
    pdf = receive_slip_pdf(SLIP)
    assert is_size(pdf, A5)
    text = pages(pdf)[0]
    assert "ใบรับหนังสือ" in text and "ทะเบียนกลาง" in text
    assert "๑๒๔/๒๕๖๙" in text
    assert "๓ พฤศจิกายน พ.ศ. ๒๕๖๙ เวลา ๑๐.๓๐ น." in text and "เวลา ๑๐.๓๗ น." in text
    assert "ยธ 0303/ว 100" in text and "๒๘ ตุลาคม ๒๕๖๙" in text and "กรมคุมประพฤติ" in text
    assert "ขอเชิญประชุมคณะทำงาน" in text
    assert "ผู้รับ ....." in text and "(นางสาวสมใจ ใจดี)" in text


def test_sealed_secret_envelope_slip_never_shows_the_subject():
    pdf = receive_slip_pdf(replace(SLIP, subject="แผนปฏิบัติการลับเฉพาะ", secrecy_label="ลับมาก"))
    text = pages(pdf)[0]
    assert "แผนปฏิบัติการลับเฉพาะ" not in text
    assert "แผนปฏิบัติการลับเฉพาะ" not in str(PdfReader(io.BytesIO(pdf)).metadata)
    assert "ลับมาก" in text and "รับซองปิดผนึก ไม่ได้เปิดซอง" in text
    assert "๑๒๔/๒๕๖๙" in text


# --------------------------------------------------------------------------- form 25

DESTRUCTION = DestructionList(
    agency_name="กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์\nกองกลาง", year_be=2568, printed_at=T0,
    items=tuple(DestructionItem(file_code="01-02", document_number=f"พม 0201/{n}", document_date=date(2015, 3, n),
                                subject=f"เรื่องครบกำหนดทำลาย {n}", decision="ทำลาย", remarks=f"รับที่ {n}/2558")
                for n in range(1, 4)) + (DestructionItem("", "พม 0201/9", None, HOSTILE),),
    approved_note="คณะกรรมการเห็นชอบเมื่อ ๒๐ มกราคม ๒๕๖๙")


def test_destruction_list_pdf_is_form_25():
    pdf = destruction_list_pdf(DESTRUCTION)
    assert is_size(pdf, (A4[1], A4[0]))
    text = pages(pdf)[0]
    assert "บัญชีหนังสือขอทำลาย ประจำปี พ.ศ. ๒๕๖๘" in text
    assert "กองกลาง" in text and "แผ่นที่ ๑/๑" in text
    flat = squash(text)
    for heading in ("ลำดับที่", "รหัสแฟ้ม", "ที่", "ลงวันที่", "เรื่อง", "การพิจารณา", "หมายเหตุ"):
        assert heading in flat
    assert "เรื่องครบกำหนดทำลาย3" in flat and "๓มี.ค.๒๕๕๘" in flat and "รับที่2/2558" in flat
    assert "<script>alert(1)</script></td></tr><tr><td>แทรก" in flat
    assert "ประธานกรรมการ" in text and text.count("กรรมการ") >= 3
    assert "คณะกรรมการเห็นชอบเมื่อ ๒๐ มกราคม ๒๕๖๙" in text


def test_destruction_list_xlsx():
    wb = openpyxl.load_workbook(io.BytesIO(destruction_list_xlsx(DESTRUCTION)))
    ws = wb["บัญชีหนังสือขอทำลาย"]
    assert "ประจำปี พ.ศ. ๒๕๖๘" in ws["A1"].value
    assert [c.value for c in ws[2]] == ["ลำดับที่", "รหัสแฟ้ม", "ที่", "ลงวันที่", "เรื่อง", "การพิจารณา", "หมายเหตุ"]
    assert [ws.cell(row=r, column=1).value for r in range(3, 7)] == [1, 2, 3, 4]
    assert ws["D3"].value == datetime(2015, 3, 1) and ws["D3"].number_format == "[$-D07041E]d mmm yyyy"
    assert ws["E6"].value == HOSTILE
    assert ws["A7"].value is None and ws["A8"].value == "คณะกรรมการเห็นชอบเมื่อ ๒๐ มกราคม ๒๕๖๙"


# --------------------------------------------------------------------------- outgoing letters

EXTERNAL = OutgoingDocument(
    document_type="external", agency_name="สำนักงานปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์",
    agency_address="1034 ถนนกรุงเกษม\nเขตป้อมปราบศัตรูพ่าย กรุงเทพฯ 10100", document_number="พม 0201/123",
    document_date=date(2026, 11, 3), subject="ขอเชิญประชุมคณะทำงาน", addressee="อธิบดีกรมกิจการเด็กและเยาวชน",
    references=("หนังสือกรมกิจการเด็กและเยาวชน ที่ ดย 0101/55 ลงวันที่ 1 ตุลาคม 2569",),
    enclosures=("กำหนดการประชุม", "แผนที่"),
    body="ด้วยกระทรวงจะจัดประชุมในวันที่ 10 พฤศจิกายน 2569 เวลา 09.30 น.\n\nจึงเรียนมาเพื่อโปรดพิจารณา " + HOSTILE,
    signer_name="นายสมชาย ใจดี", signer_position="ผู้อำนวยการกองกลาง\nปฏิบัติราชการแทนปลัดกระทรวง",
    owner_unit="กองกลาง", contact="โทร. 0 2659 6123\nไปรษณีย์อิเล็กทรอนิกส์ saraban2@m-society.go.th",
    urgency="most_urgent")


def test_external_letter_follows_form_1():
    pdf = outgoing_letter_pdf(EXTERNAL)
    assert is_size(pdf, A4)  # portrait
    text = "\n".join(pages(pdf))
    assert "ด่วนที่สุด" in text
    assert "ที่ พม ๐๒๐๑/๑๒๓" in text
    assert "๑๐๓๔ ถนนกรุงเกษม" in text and "กรุงเทพฯ ๑๐๑๐๐" in text
    assert "๓ พฤศจิกายน ๒๕๖๙" in text
    assert "เรื่อง ขอเชิญประชุมคณะทำงาน" in text and "เรียน อธิบดีกรมกิจการเด็กและเยาวชน" in text
    assert "อ้างถึง" in text and "ที่ ดย ๐๑๐๑/๕๕ ลงวันที่ ๑ ตุลาคม ๒๕๖๙" in text
    assert "สิ่งที่ส่งมาด้วย" in text and "๑. กำหนดการประชุม" in text and "๒. แผนที่" in text
    assert "วันที่ ๑๐ พฤศจิกายน ๒๕๖๙ เวลา ๐๙.๓๐ น." in text  # body digits Thai too
    assert "<script>alert(๑)</script></td></tr><tr><td>แทรก" in text  # literal, its digit Thai too
    assert "ขอแสดงความนับถือ" in text and "(นายสมชาย ใจดี)" in text
    assert "ปฏิบัติราชการแทนปลัดกระทรวง" in text
    assert "โทร. ๐ ๒๖๕๙ ๖๑๒๓" in text and "saraban2@m-society.go.th" in text  # e-mail as typed
    assert "ลับ" not in text.replace("กลับ", "")  # unclassified: no class marks
    assert PdfReader(io.BytesIO(pdf)).metadata.title == "หนังสือภายนอก"


def test_classified_letter_shows_its_class_on_every_page():
    long_body = "\n\n".join(["ด้วยคณะทำงานได้พิจารณาข้อเสนอของหน่วยงานแล้ว " * 12] * 8)
    pdf = outgoing_letter_pdf(replace(EXTERNAL, secrecy="secret", body=long_body))
    texts = pages(pdf)
    assert len(texts) >= 2
    for text in texts:
        assert text.count("ลับมาก") >= 2  # top and bottom centre
    assert "ด่วนที่สุด" in texts[0] and "ด่วนที่สุด" not in texts[1]
    assert "- ๒ -" in texts[1]


def test_letter_in_arabic_digits():
    text = pages(outgoing_letter_pdf(replace(EXTERNAL, thai_digits=False)))[0]
    assert "ที่ พม 0201/123" in text and "3 พฤศจิกายน 2569" in text
    assert not re.search("[๐-๙]", text)


def test_order_follows_form_4():
    order = OutgoingDocument(document_type="directive", agency_name="สำนักงานปลัดกระทรวง", document_number="12/2569",
                             document_date=date(2026, 11, 3), subject="แต่งตั้งคณะทำงานพัฒนาระบบสารบรรณ",
                             body="เพื่อให้การดำเนินงานเป็นไปด้วยความเรียบร้อย\n\nทั้งนี้ ตั้งแต่บัดนี้เป็นต้นไป",
                             signer_name="นายปลัด ใจดี", signer_position="ปลัดกระทรวง")
    text = pages(outgoing_letter_pdf(order))[0]
    assert "คำสั่งสำนักงานปลัดกระทรวง" in text and "ที่ ๑๒/๒๕๖๙" in text
    assert "เรื่อง แต่งตั้งคณะทำงานพัฒนาระบบสารบรรณ" in text
    assert "สั่ง ณ วันที่ ๓ พฤศจิกายน พ.ศ. ๒๕๖๙" in text and "(นายปลัด ใจดี)" in text


def test_draft_memo_has_dotted_blanks_and_watermark():
    memo = OutgoingDocument(document_type="internal", agency_name="กองกลาง", subject="ขออนุมัติจัดประชุม",
                            addressee="ปลัดกระทรวง", body="ตามที่ได้รับมอบหมาย", signer_name="นายก ใจดี",
                            urgency="very_urgent", draft=True)
    text = pages(outgoing_letter_pdf(memo))[0]
    assert "บันทึกข้อความ" in text and "ส่วนราชการ กองกลาง" in text
    assert re.search(r"ที่ \.{10,}", text) and re.search(r"วันที่ \.{10,}", text)
    assert "เรื่อง ขออนุมัติจัดประชุม" in text and "เรียน ปลัดกระทรวง" in text
    assert "ด่วนมาก" in text and "ร่าง" in text
    assert "ขอแสดงความนับถือ" not in text


def test_stamped_letter_and_announcement():
    stamped = OutgoingDocument(document_type="stamped", agency_name="กองกลาง", document_number="พม 0201/ว 12",
                               document_date=date(2026, 11, 3), addressee="ผู้ว่าราชการจังหวัด ทุกจังหวัด",
                               body="ส่งสำเนาระเบียบมาเพื่อทราบ", owner_unit="กลุ่มงานสารบรรณ")
    text = pages(outgoing_letter_pdf(stamped))[0]
    assert "ถึง ผู้ว่าราชการจังหวัด ทุกจังหวัด" in text and "ตราชื่อส่วนราชการ" in text
    assert "ที่ พม ๐๒๐๑/ว ๑๒" in text and "กลุ่มงานสารบรรณ" in text
    announcement = OutgoingDocument(document_type="announcement", agency_name="สำนักงานปลัดกระทรวง",
                                    subject="รับสมัครบุคคล", body="ด้วยสำนักงานประสงค์จะรับสมัคร",
                                    signer_name="นายปลัด ใจดี")
    text = pages(outgoing_letter_pdf(announcement))[0]
    assert "ประกาศสำนักงานปลัดกระทรวง" in text and "เรื่อง รับสมัครบุคคล" in text
    assert re.search(r"ประกาศ ณ วันที่ \.{10,}", text)


@pytest.mark.parametrize("field, value", [("document_type", "memo"), ("urgency", "fast"), ("secrecy", "hidden")])
def test_letter_rejects_unknown_classes(field, value):
    with pytest.raises(ValueError, match=field):
        outgoing_letter_pdf(replace(EXTERNAL, **{field: value}))


def test_text_layer_reads_sara_aa_and_sara_am_apart():
    """WeasyPrint alone maps the SARA AA glyph to ำ after the first ำ (กองกลาง → กองกลำง)."""
    pdf = receive_slip_pdf(replace(SLIP, agency_name="สำนักงาน", sender="กองกลาง"))
    raw = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "กองกลาง" in raw and "กลำง" not in raw
    assert "สํานักงาน" in raw  # ำ as NIKHAHIT + SARA AA, which normalize() composes


# --------------------------------------------------------------------------- bounds


def test_a_row_stored_before_the_limits_prints_cut_with_a_visible_mark():
    """A 9 MB subject once registered: its book and slip hung for minutes. Book rows
    cannot be deleted, so it prints, cut at the subject's limit, saying so."""
    huge = "ขอเชิญประชุมคณะทำงาน " * 430_000  # about 9 MB in UTF-8
    text = squash(normalize(" ".join(pages(book_pdf(book([row(1, subject=huge), row(2)]))))))
    assert "ตัดข้อความส่วนที่เกิน:แสดง๑,๐๐๐จาก๙,๐๓๐,๐๐๐ตัวอักษร" in text
    assert "ลำดับ2" in text  # the next row is there
    slip = pages(receive_slip_pdf(replace(SLIP, subject=huge)))
    assert "ตัดข้อความส่วนที่เกิน" in squash(" ".join(slip)) and len(slip) <= 2  # A5: a 1,000-character subject
    wb = openpyxl.load_workbook(io.BytesIO(book_xlsx(book([row(1, subject=huge)]))))
    assert len(wb.active["G3"].value) < 1_100 and "ตัดข้อความส่วนที่เกิน" in wb.active["G3"].value


def test_a_long_book_prints_in_parts_that_say_which_rows_they_hold(monkeypatch):
    from saraban.documents import render

    monkeypatch.setattr(render, "MAX_ROWS", 5)
    long_book = book([row(n) for n in range(1, 13)])
    assert book_parts(long_book) == 3
    second = squash(" ".join(pages(book_pdf(long_book, part=2))))
    assert "ส่วนที่๒/๓·รายการที่๖–๑๐จาก๑๒รายการ" in second
    assert "ลำดับ6" in second and "ลำดับ10" in second and "ลำดับ5" not in second and "ลำดับ11" not in second
    assert "รวม๕รายการในส่วนนี้(ทั้งหมด๑๒รายการ)" in second
    with pytest.raises(ValueError):
        book_pdf(long_book, part=4)
    assert "ส่วนที่" not in squash(" ".join(pages(book_pdf(book([row(1)])))))  # one part: no note


def test_a_part_also_ends_at_its_share_of_text(monkeypatch):
    from saraban.documents import render

    monkeypatch.setattr(render, "MAX_TEXT", 2_500)
    rows = [row(n, subject="ข" * 900) for n in range(1, 6)]  # about 1,000 characters a row
    assert book_parts(book(rows)) == 3


def test_a_long_destruction_list_prints_in_parts_numbered_on(monkeypatch):
    from saraban.documents import render

    monkeypatch.setattr(render, "MAX_ROWS", 2)
    text = squash(" ".join(pages(destruction_list_pdf(DESTRUCTION, part=2))))
    assert destruction_list_parts(DESTRUCTION) == 2
    assert "ส่วนที่๒/๒·รายการที่๓–๔จาก๔รายการ" in text
    assert "๓01-02" in text and "ประธานกรรมการ" in text  # numbered on from part 1; signed on every part


def test_an_outgoing_letter_lists_at_most_a_hundred_references():
    doc = replace(EXTERNAL, references=tuple(f"หนังสือที่ {n} ฉบับ" for n in range(1, 151)))
    text = squash(" ".join(pages(outgoing_letter_pdf(doc))))
    assert "หนังสือที่๑๐๐ฉบับ" in text and "หนังสือที่๑๐๑ฉบับ" not in text and "ตัดรายการส่วนที่เกิน:อีก๕๐รายการ" in text


# --------------------------------------------------------------------------- the regulation's geometry


def _line_boxes(pdf: bytes) -> list[tuple[float, float, float, str]]:
    """Page 1's text lines as poppler sees them: (top, left, right) in cm and the text."""
    import subprocess

    xml = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox-layout", "-", "-"], input=pdf,
                         capture_output=True, check=True).stdout.decode()
    cm = 2.54 / 72
    return [(float(y0) * cm, float(x0) * cm, float(x1) * cm, normalize(" ".join(re.findall(r">([^<]+)</word>", body))))
            for x0, y0, x1, body in re.findall(
                r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</line>', xml, re.S)]


def test_a_memo_falls_where_the_regulations_form_puts_it():
    """Measured against the memo of the regulation's forms (Word, TH SarabunPSK 16 pt):
    margins 3 cm and 2 cm, lines 0.74 cm apart (Word's single spacing for TH Sarabun),
    a 1.5-line gap before the addressee, the references, the enclosures and the text,
    the name 3½ lines under the last line and centred near the form's."""
    body = ("๑. ตามที่กองกลางได้ขอให้ศูนย์เทคโนโลยีสารสนเทศและการสื่อสารพิจารณาให้ความเห็นชอบในการจัดหา"
            "ครุภัณฑ์คอมพิวเตอร์สำหรับงานสารบรรณ จำนวน ๑๐ เครื่อง รายละเอียดตามอ้างถึง นั้น\n\n"
            "จึงเรียนมาเพื่อโปรดพิจารณา")
    memo = OutgoingDocument(document_type="internal", agency_name="สำนักงานปลัดกระทรวง", owner_unit="กองกลาง",
                            contact="โทร. ๐ ๒๖๕๙ ๖๑๒๓", document_number="พม ๐๒๐๑/๒๑๔", document_date=date(2026, 1, 30),
                            subject="ขอความเห็นชอบจัดหาครุภัณฑ์คอมพิวเตอร์", addressee="ผู้อำนวยการกองกลาง",
                            references=("หนังสือกองกลาง ที่ พม ๐๒๐๑/๑๖๐ ลงวันที่ ๒๕ มกราคม ๒๕๖๙",), body=body,
                            signer_name="นายสมชาย ใจดี", signer_position="ผู้อำนวยการศูนย์เทคโนโลยีสารสนเทศ")
    lines = _line_boxes(outgoing_letter_pdf(memo))
    top = {text.split()[0]: y for y, _x0, _x1, text in lines}
    assert min(x0 for _y, x0, _x1, _t in lines) == pytest.approx(3.0, abs=0.05)  # left margin 3 cm
    assert max(x1 for _y, _x0, x1, _t in lines) <= 19.0 + 0.05  # right margin 2 cm
    paragraph = next(i for i, (_y, _x0, _x1, text) in enumerate(lines) if text.startswith("๑. ตามที่"))
    assert lines[paragraph][1] == pytest.approx(5.5, abs=0.05)  # first-line indent 2.5 cm
    assert lines[paragraph + 1][0] - lines[paragraph][0] == pytest.approx(0.74, abs=0.02)  # single: 20.96 pt
    assert top["อ้างถึง"] - top["เรียน"] == pytest.approx(1.11, abs=0.03)  # "๑.๕ เท่า"
    last = max(y for y, _x0, _x1, text in lines if text.startswith("จึงเรียน"))
    name = next((y, x0, x1) for y, x0, x1, text in lines if text.startswith("(นายสมชาย"))
    assert name[0] - last == pytest.approx(2.59, abs=0.05)  # 3½ lines, as the form's example
    assert (name[1] + name[2]) / 2 == pytest.approx(13.8, abs=0.1)  # the form's example: 14.1–14.2 cm


def test_a_machine_without_the_font_is_told_at_start(monkeypatch):
    """``manage.py check`` (and every server start) names the missing package instead
    of letting the first print fail."""
    from saraban.documents import fonts
    from saraban.registry.checks import print_fonts

    assert print_fonts() == []

    def missing(style="regular"):
        raise FileNotFoundError("the Laksaman font (fonts-thai-tlwg) is not installed")

    monkeypatch.setattr(fonts, "laksaman_path", missing)
    problems = print_fonts()
    assert [p.id for p in problems] == ["saraban.E001", "saraban.E001"] and "fonts-thai-tlwg" in problems[0].hint
