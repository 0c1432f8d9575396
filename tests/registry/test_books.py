"""The books (forms 13 and 14) as the regulation says: numbers once, in order, without
gaps; years that restart; reservations that expire and stay cancelled; corrections as
new linked rows; rows nobody can edit or delete; the secret register apart.
On SQLite and on PostgreSQL (both passes of ``make test``)."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from saraban.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from saraban.core.models import AuditEvent
from saraban.registry import books, numbering, services
from saraban.registry.models import Letter, Register, RegisterEntry

from tests.conftest import pdf_text

# A fixed clock (tests/conftest.py): numbers restart each year and books, pages and
# assertions read today's date, so a run across midnight or the new year must not see two.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

FIELDS = {"document_number": "ยธ ๐๓๐๓/ว ๑๓", "document_date": "๑๔ มีนาคม ๒๕๖๕", "subject": "ระบบการยื่นคำร้องออนไลน์",
          "addressee": "หัวหน้าหน่วยงาน", "issuing_office": "กองพัฒนาการคุมประพฤติ"}
BANGKOK = timezone.get_fixed_timezone(7 * 60)


def register(clerk, n: int, **extra) -> Letter:
    return services.register_without_file(actor=clerk, fields={**FIELDS, "document_number": f"ยธ ๐๓๐๓/{n}",
                                                               **extra})


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BANGKOK)


def test_every_registration_is_one_row_of_the_book_in_order(people):
    clerk = people["clerk"]
    letters = [register(clerk, n) for n in range(5)]
    rows = list(RegisterEntry.objects.filter(register=letters[0].register).order_by("number"))
    assert [r.number for r in rows] == [1, 2, 3, 4, 5]
    assert [r.letter_id for r in rows] == [letter.pk for letter in letters]
    assert all(a.entered_at <= b.entered_at for a, b in zip(rows, rows[1:]))
    assert rows[0].subject == FIELDS["subject"] and rows[0].sender == FIELDS["issuing_office"]
    assert rows[0].entered_at == letters[0].registered_at


def test_numbers_restart_on_1_january_and_on_1_october_for_a_fiscal_register(people, settings):
    clerk = people["clerk"]
    with mock.patch("django.utils.timezone.now", return_value=at(2025, 12, 31, 23, 59)):
        last_of_year = [register(clerk, n) for n in range(3)][-1]
    with mock.patch("django.utils.timezone.now", return_value=at(2026, 1, 1, 0, 1)):
        first_of_year = register(clerk, 10)
    assert (last_of_year.year, last_of_year.receive_number) == (2025, 3)
    assert (first_of_year.year, first_of_year.receive_number) == (2026, 1)
    assert first_of_year.register == last_of_year.register

    fiscal = Register.objects.create(code="FISCAL-IN", name="ทะเบียนรับ (ปีงบประมาณ)", year_start_month=10,
                                     desk_unit=last_of_year.register.desk_unit)
    with mock.patch("django.utils.timezone.now", return_value=at(2026, 9, 30, 16, 0)):
        with transaction.atomic():
            september = numbering.issue_number(fiscal)
    with mock.patch("django.utils.timezone.now", return_value=at(2026, 10, 1, 8, 30)):
        with transaction.atomic():
            october = numbering.issue_number(fiscal)
    assert (september.year, september.number) == (2026, 1)  # fiscal year 2569 BE
    assert (october.year, october.number) == (2027, 1)  # fiscal year 2570 BE starts on 1 October
    assert numbering.year_label(fiscal, 2027) == "ปีงบประมาณ พ.ศ. 2570"


def test_a_number_keeps_the_year_of_its_time_and_times_never_go_backwards(people):
    clerk = people["clerk"]
    with mock.patch("django.utils.timezone.now", return_value=at(2025, 12, 31, 23, 59, 59)):
        last_of_2025 = register(clerk, 1)
    # a clerk whose request read the clock a moment earlier, but reached the counter later
    with mock.patch("django.utils.timezone.now", return_value=at(2025, 12, 31, 23, 59, 58)):
        late = register(clerk, 2)
    assert (late.year, late.receive_number) == (2025, 2)
    assert late.registered_at == last_of_2025.registered_at  # not earlier than number 1's
    with mock.patch("django.utils.timezone.now", return_value=at(2026, 1, 1, 0, 0, 1)):
        first_of_2026 = register(clerk, 3)
    assert (first_of_2026.year, first_of_2026.receive_number) == (2026, 1)
    rows = RegisterEntry.objects.filter(register=late.register, year=2025).order_by("number")
    assert [r.entered_at for r in rows] == [last_of_2025.registered_at, late.registered_at]


def test_a_reservation_is_used_once_and_an_expired_one_stays_cancelled(people):
    clerk = people["clerk"]
    first = register(clerk, 1)
    code = first.register.code
    reserved, spare = books.reserve(actor=clerk, register_code=code, reserved_for="หนังสือเชิญประชุม", count=2,
                                    hours=1)
    assert (reserved.number, spare.number) == (2, 3)
    assert reserved.state == RegisterEntry.State.RESERVED
    after = register(clerk, 4)
    assert after.receive_number == 4  # reserved numbers are skipped, never handed out again

    later = timezone.now() + dt.timedelta(hours=2)
    assert numbering.expire_reservations(now=later) == 2
    for entry in (reserved, spare):
        entry.refresh_from_db()
        assert entry.state == RegisterEntry.State.CANCELLED and entry.cancel_reason == "หมดเวลาจอง"
    with transaction.atomic(), pytest.raises(Conflict) as used:
        numbering.take_reservation(register=first.register, entry_id=reserved.pk)
    assert used.value.code == "reservation_cancelled"
    assert register(clerk, 5).receive_number == 5
    lines = books.book_lines(first.register, date_from=timezone.localdate(), date_to=timezone.localdate())
    assert [(line.number, line.cancelled) for line in lines] == [("1", False), ("2", True), ("3", True),
                                                                 ("4", False), ("5", False)]
    assert "หมดเวลาจอง" in lines[1].remarks and "หนังสือเชิญประชุม" in lines[1].remarks
    assert AuditEvent.objects.filter(action="register.reservation_expired").count() == 2


def test_cancelling_a_reservation_keeps_its_row(people):
    clerk = people["clerk"]
    code = register(clerk, 1).register.code
    (entry,) = books.reserve(actor=clerk, register_code=code, reserved_for="คำสั่งแต่งตั้ง")
    with pytest.raises(InvalidInput):
        books.cancel(actor=clerk, entry_id=entry.pk, reason=" ")
    cancelled = books.cancel(actor=clerk, entry_id=entry.pk, reason="ไม่ได้ออกหนังสือ")
    assert cancelled.state == RegisterEntry.State.CANCELLED and cancelled.cancelled_by == clerk
    with pytest.raises(Conflict):
        books.cancel(actor=clerk, entry_id=entry.pk, reason="ซ้ำ")
    with pytest.raises(NotFound):  # not a keeper of that register
        books.cancel(actor=people["ict_staff"], entry_id=entry.pk, reason="x")
    assert RegisterEntry.objects.filter(pk=entry.pk, state=RegisterEntry.State.CANCELLED).exists()


def test_a_correction_is_a_new_row_linked_to_the_old_and_both_show(people):
    clerk = people["clerk"]
    letter = register(clerk, 1)
    register(clerk, 2)
    old = letter.entries.get()
    new = books.correct_entry(actor=clerk, entry_id=old.pk, reason="พิมพ์ชื่อเรื่องผิด",
                              fields={"subject": "ระบบการยื่นคำร้องออนไลน์ (แก้ไข)", "document_date": "2022-03-15"})
    assert new.number == 3 and new.corrects == old and new.letter_id == letter.pk
    old.refresh_from_db()
    assert old.subject == FIELDS["subject"]  # the old row is untouched
    letter.refresh_from_db()
    assert letter.subject.endswith("(แก้ไข)") and letter.document_date == dt.date(2022, 3, 15)
    assert letter.receive_number == 1  # the number stamped on the paper stays the letter's
    lines = books.book_lines(letter.register, date_from=timezone.localdate(), date_to=timezone.localdate())
    by_number = {line.number: line for line in lines}
    assert "แก้ไขโดยรายการเลขที่ 3" in by_number["1"].remarks
    assert "แก้ไขรายการเลขที่ 1" in by_number["3"].remarks and "พิมพ์ชื่อเรื่องผิด" in by_number["3"].remarks
    with pytest.raises(InvalidInput):
        books.correct_entry(actor=clerk, entry_id=old.pk, reason="x", fields={"subject": FIELDS["subject"]})
    with pytest.raises(InvalidInput):
        books.correct_entry(actor=clerk, entry_id=old.pk, reason="x", fields={"urgency": "urgent"})
    with pytest.raises(NotFound):
        books.correct_entry(actor=people["ict_staff"], entry_id=old.pk, reason="x", fields={"subject": "y"})


def test_the_database_refuses_to_edit_or_delete_an_issued_row(people):
    clerk = people["clerk"]
    letter = register(clerk, 1)
    entry = letter.entries.get()
    for change in ({"subject": "แก้ในที่"}, {"number": 99}, {"entered_at": timezone.now()},
                   {"state": RegisterEntry.State.CANCELLED}):
        with pytest.raises(IntegrityError), transaction.atomic():
            RegisterEntry.objects.filter(pk=entry.pk).update(**change)
    with pytest.raises(IntegrityError), transaction.atomic():
        RegisterEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Letter.objects.filter(pk=letter.pk).update(receive_number=7)
    with pytest.raises(IntegrityError), transaction.atomic():
        Letter.objects.filter(pk=letter.pk).delete()
    RegisterEntry.objects.filter(pk=entry.pk).update(action="ส่ง กองกลาง", remarks="ต้นฉบับเก็บที่แฟ้ม 3")
    entry.refresh_from_db()
    assert entry.subject == FIELDS["subject"] and entry.action == "ส่ง กองกลาง"


def test_closing_a_year_stops_its_numbers_and_cancels_open_reservations(people):
    clerk = people["clerk"]
    with mock.patch("django.utils.timezone.now", return_value=at(2025, 12, 30, 10, 0)):
        first = register(clerk, 1)
        books.reserve(actor=clerk, register_code=first.register.code, reserved_for="ค้างไว้")
        with pytest.raises(InvalidInput) as early:
            books.close(actor=clerk, register_code=first.register.code, year=2568)
    assert early.value.code == "year_not_over"
    closed = books.close(actor=clerk, register_code=first.register.code, year=2568)  # BE
    assert (closed.year, closed.last_number, closed.issued, closed.cancelled_now) == (2025, 2, 1, 1)
    with pytest.raises(Conflict):
        books.close(actor=clerk, register_code=first.register.code, year=2025)
    with mock.patch("django.utils.timezone.now", return_value=at(2025, 12, 31, 10, 0)):
        with pytest.raises(Conflict) as late:
            register(clerk, 2)
    assert late.value.code == "book_closed"
    assert not Letter.objects.filter(document_number="ยธ ๐๓๐๓/2").exists()  # nothing half-registered
    note = books.closed_note(first.register, date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31))
    assert "ปิดทะเบียน พ.ศ. 2568 สิ้นสุดที่เลข 2" in note


def test_the_secret_register_has_its_own_numbers_and_is_hidden_from_others(people):
    clerk, registrar = people["clerk"], people["secret_registrar"]
    register(clerk, 1)
    secret = services.register_without_file(actor=registrar, fields={**FIELDS, "document_number": "กห ๐๒๐๑/๙",
                                                                     "secrecy": "secret", "subject": "แผนลับ"})
    assert secret.register.is_secret and secret.receive_number == 1
    code = secret.register.code
    with pytest.raises(NotFound):
        books.get_register(clerk, code)  # does not exist for the clerk
    with pytest.raises(NotFound):
        books.get_register(people["archive"], code)
    assert books.get_register(registrar, code) == secret.register
    assert code not in [r.code for r in books.readable_registers(clerk)]
    ordinary = books.get_register(clerk, f"{clerk.memberships.get().unit.code}-IN")
    today = timezone.localdate()
    assert "แผนลับ" not in [line.entry.subject for line in books.book_lines(ordinary, date_from=today, date_to=today)]
    with pytest.raises(NotAllowed):
        books.get_register(people["archive"], ordinary.code, keep=True)  # reads the book, does not write in it

    api = APIClient()
    api.force_authenticate(clerk)
    assert api.get(f"/api/registers/{code}/book").status_code == 404
    assert code not in [r["code"] for r in api.get("/api/registers").json()]
    api.force_authenticate(registrar)
    rows = api.get(f"/api/registers/{code}/book").json()["rows"]
    assert [r["subject"] for r in rows] == ["แผนลับ"]


def test_forms_13_exports_as_pdf_and_xlsx_with_thai_dates(people):
    clerk = people["clerk"]
    first = register(clerk, 1, subject="ขอเชิญประชุมคณะทำงานพัฒนาระบบ")
    register(clerk, 2)
    books.reserve(actor=clerk, register_code=first.register.code, reserved_for="หนังสือตอบ")
    books.cancel(actor=clerk, entry_id=RegisterEntry.objects.get(state="reserved").pk, reason="ไม่ใช้")
    api = APIClient()
    api.force_authenticate(clerk)
    today = timezone.localdate()
    pdf = api.get(f"/api/registers/{first.register.code}/book", {"from": today.isoformat(), "export": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(pdf.streaming_content))
    assert "ทะเบียนหนังสือรับ" in text and "ขอเชิญประชุมคณะทำงานพัฒนาระบบ" in text
    assert str(today.year + 543).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")) in text
    assert "ยกเลิก" in text
    xlsx = api.get(f"/api/registers/{first.register.code}/book", {"export": "xlsx"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = [[str(c.value or "") for c in row] for row in sheet.iter_rows()]
    flat = "\n".join(" | ".join(row) for row in values)
    assert "เลขทะเบียนรับ" in flat and "ขอเชิญประชุมคณะทำงานพัฒนาระบบ" in flat and "ยกเลิก" in flat
    assert sum(1 for row in values if FIELDS["subject"] in row) == 1
    bad = api.get(f"/api/registers/{first.register.code}/book", {"from": "2025-02-01", "to": "2025-01-01"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_period"


def test_registration_without_file_has_a_receive_slip_and_a_sealed_envelope_hides_its_subject(people):
    clerk, registrar = people["clerk"], people["secret_registrar"]
    received = timezone.now() - dt.timedelta(hours=3)
    paper = services.register_without_file(actor=clerk, fields=FIELDS, received_at=received)
    assert paper.received_at == received and paper.registered_at > received  # kept apart
    assert not paper.files.exists()
    api = APIClient()
    api.force_authenticate(clerk)
    slip = api.get(f"/api/letters/{paper.pk}/receive-slip")
    assert slip.status_code == 200
    text = pdf_text(b"".join(slip.streaming_content))
    assert "ใบรับหนังสือ" in text and FIELDS["subject"] in text
    envelope = services.register_without_file(actor=registrar, fields={
        "document_number": "กห ๐๒๐๑/๑๑", "issuing_office": "กระทรวงกลาโหม", "subject": "ซองลับ เรื่องภายใน",
        "secrecy": "top_secret"})
    api.force_authenticate(registrar)
    text = pdf_text(b"".join(api.get(f"/api/letters/{envelope.pk}/receive-slip").streaming_content))
    assert "ลับที่สุด" in text and "ซองลับ เรื่องภายใน" not in text
    api.force_authenticate(clerk)
    assert api.get(f"/api/letters/{envelope.pk}/receive-slip").status_code == 404


def test_a_registered_pdf_carries_the_receive_stamp_and_the_original_is_unchanged(people, rendered):
    from tests.conftest import memo_text

    clerk = people["clerk"]
    source = rendered(memo_text())
    with open(source, "rb") as fh:
        draft = services.intake_file(actor=clerk, stream=fh, file_name="memo.pdf", enqueue=False)
    letter = services.confirm_letter(actor=clerk, letter_id=draft.pk, fields=FIELDS)
    original = source.read_bytes()
    stamped_file = letter.files.get(role="stamped")
    stamped = stamped_file.file.read()
    assert stamped.startswith(original) and len(stamped) > len(original)  # an incremental update
    assert letter.original.file.read() == original
    api = APIClient()
    api.force_authenticate(clerk)
    download = api.get(f"/api/letters/{letter.pk}/files/stamped")
    assert download.status_code == 200
    text = pdf_text(b"".join(download.streaming_content))
    assert "เลขรับ" in text and f"{letter.receive_number}/{letter.year + 543}".translate(
        str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")) in text
    assert api.post(f"/api/letters/{letter.pk}/stamp").status_code == 200  # stamped again: one stamped file
    assert letter.files.filter(role="stamped").count() == 1
    api.force_authenticate(people["ict_staff"])
    assert api.get(f"/api/letters/{letter.pk}/files/stamped").status_code == 404


def test_a_long_book_prints_in_parts_through_the_api_and_the_page(people, monkeypatch):
    """No PDF holds more than ``render.MAX_ROWS`` rows (1,000; 3 here), so no print runs
    for minutes; the page links every part, the API says how many there are."""
    from django.test import Client

    from saraban.documents import render

    monkeypatch.setattr(render, "MAX_ROWS", 3)
    clerk = people["clerk"]
    code = register(clerk, 1).register.code
    for n in range(2, 8):
        register(clerk, n)
    api = APIClient()
    api.force_authenticate(clerk)
    assert api.get(f"/api/registers/{code}/book").json()["pdf_parts"] == 3
    last = api.get(f"/api/registers/{code}/book", {"export": "pdf", "part": "๓"})
    assert last.status_code == 200 and last["X-Parts"] == "3"
    text = pdf_text(b"".join(last.streaming_content))
    assert "ส่วนที่ ๓/๓" in text and "รายการที่ ๗–๗ จาก ๗ รายการ" in text and "ยธ ๐๓๐๓/7" in text
    beyond = api.get(f"/api/registers/{code}/book", {"export": "pdf", "part": "4"})
    assert beyond.status_code == 400 and beyond.json()["code"] == "invalid_part" and "๓ ส่วน" in beyond.json()["title"]
    page = Client()
    page.force_login(clerk)
    html = page.get("/letters/book/", {"register": code}).content.decode()
    assert "ทีละไม่เกิน ๓ รายการ" in html and "part=3" in html and "ส่วนที่ ๓" in html  # render.MAX_ROWS, patched
