"""The monthly statistics per province and district: counts, CSV, XLSX, PDF, the
command, and when the report is due."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from saraban.complaints import reports, services
from tests.complaints.conftest import person
from tests.conftest import pdf_text

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)  # ตุลาคม ๒๕๖๙


def at(day: int, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 10, day, hour, 0))


@pytest.fixture
def october(people, file):
    """Five complaints in October 2026 (two provinces), one in September, one in November."""
    staff = people["complaints_staff"]
    a = file(complainant=person(), province="ราชบุรี", district="บางแพ", channel="hotline", received_at=at(1, 0))
    file(complainant=person(), province="ราชบุรี", district="บางแพ", channel="web_portal", category="corruption",
         subject="เรียกรับเงินค่าดำเนินการ", received_at=at(5))
    file(complainant=person(), province="ราชบุรี", district="=HYPERLINK(\"http://x\")", channel="line",
         subject="อื่น ๆ", received_at=at(12))
    c = file(complainant=person(), province="เชียงใหม่", district="เมืองเชียงใหม่", severity="high",
             channel="walk_in", subject="เรื่องเร่งด่วน", received_at=at(31, 23))
    file(complainant=person(), province="", district="", channel="telephone", subject="ไม่ทราบสถานที่",
         received_at=at(20))
    file(complainant=person(), province="ราชบุรี", district="บางแพ", received_at=at(1) - dt.timedelta(days=2))
    file(complainant=person(), province="ราชบุรี", district="บางแพ", received_at=at(1) + dt.timedelta(days=32))
    services.close(actor=staff, complaint_id=a.pk, reason="ยุติ")  # closed (late: long after 7 days)
    return {"a": a, "c": c}


def test_counts_per_province_and_district(october):
    report = reports.monthly_report(month=OCT, now=at(31, 23) + dt.timedelta(hours=2))
    rows = {(r.province, r.district): r for r in report.rows}
    assert rows[("ราชบุรี", "บางแพ")].total == 2
    assert rows[("ราชบุรี", "รวมจังหวัดราชบุรี")].total == 3 and rows[("ราชบุรี", "รวมจังหวัดราชบุรี")].subtotal
    assert rows[("เชียงใหม่", "เมืองเชียงใหม่")].total == 1
    assert rows[("ไม่ระบุจังหวัด", "ไม่ระบุอำเภอ")].total == 1
    assert report.total.total == 5 and report.rows[-1].province == "รวมทั้งสิ้น"
    bangphae = rows[("ราชบุรี", "บางแพ")]
    categories = dict(zip(report.categories, bangphae.by_category))
    assert categories["การทุจริตและประพฤติมิชอบ"] == 1 and categories["ขอความช่วยเหลือด้านสวัสดิการสังคม"] == 1
    assert dict(zip(report.channels, bangphae.by_channel))["สายด่วน ๑๓๐๐"] == 1
    assert bangphae.by_state == (1, 0, 1)  # one not forwarded yet, one closed
    # As of 1 Nov 01:00: three open ones are past their 7 days, the high one (24 h from 31 Oct 23:00) is not.
    assert report.total.pending == 1 and report.total.within + report.total.late == 4
    assert report.due_on == dt.date(2026, 11, 1)
    corruption = reports.monthly_report(month=OCT, kind="corruption")
    assert corruption.total.total == 1 and corruption.due_on == dt.date(2026, 11, 10)


def test_csv_and_xlsx_are_text_and_never_formulas(october):
    report = reports.monthly_report(month=OCT)
    content = reports.FORMATS["csv"][1](report)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["จังหวัด", "อำเภอ/เขต", "รวม"]
    assert ["ราชบุรี", "บางแพ", "2"] in [r[:3] for r in rows]
    assert any(r[1] == "'=HYPERLINK(\"http://x\")" for r in rows)
    assert not any(cell[:1] in "=+-@" and cell for r in rows for cell in r)

    book = load_workbook(io.BytesIO(reports.FORMATS["xlsx"][1](report)))
    sheet = book.active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    texts = [v for v in values if isinstance(v, str)]
    assert not any(v[:1] in "=+-@" for v in texts)
    assert "ราชบุรี" in values and "บางแพ" in values and "รวมทั้งสิ้น" in values
    assert any("ตุลาคม" in v and "๒๕๖๙" in v for v in texts)
    # the counts are numbers a spreadsheet sums, shown in Thai digits
    bangphae = next(row for row in sheet.iter_rows(values_only=True) if row[1] == "บางแพ")
    assert bangphae[2] == 2 and all(isinstance(v, int) for v in bangphae[2:-1])
    assert next(c for c in sheet["C"] if c.value == 2).number_format == "[$-D00041E]0"


def test_pdf_has_thai_text(october):
    text = pdf_text(reports.FORMATS["pdf"][1](reports.monthly_report(month=OCT)))
    for word in ["รายงานสถิติเรื่องร้องเรียนร้องทุกข์", "ราชบุรี", "บางแพ", "เชียงใหม่", "ตุลาคม", "๒๕๖๙",
                 "รวมทั้งสิ้น", "สายด่วน"]:
        assert word in text, word


def test_report_api_page_and_command(people, october, tmp_path):
    client = Client()
    client.force_login(people["complaints_staff"])
    data = client.get("/api/complaint-reports", {"month": "2569-10"}).json()
    assert data["rows"][-1]["total"] == 5 and data["due_on"] == "2026-11-01"
    response = client.get("/api/complaint-reports", {"month": "2026-10", "export": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert client.get("/api/complaint-reports", {"month": "ตุลา"}).status_code == 400
    page = client.get("/complaints/reports/", {"month": "10", "year": "2569"}).content.decode()
    assert "ตุลาคม ๒๕๖๙" in page and "บางแพ" in page and "ดาวน์โหลด" in page
    pdf = client.get("/complaints/reports/download/", {"month": "10", "year": "2569", "format": "pdf"})
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    anonymous = Client().get("/api/complaint-reports", {"month": "2569-10"})
    assert anonymous.status_code in (401, 403)
    archive = Client()
    archive.force_login(people["archive"])
    assert archive.get("/api/complaint-reports", {"month": "2569-10"}).status_code == 403

    out = tmp_path / "oct.csv"
    call_command("complaint_report", "--month", "2569-10", "--format", "csv", "--output", str(out))
    assert "บางแพ" in out.read_bytes().decode("utf-8-sig")
    call_command("complaint_report", "--month", "2026-10", "--format", "pdf", "--output", str(tmp_path / "o.pdf"))
    assert (tmp_path / "o.pdf").read_bytes().startswith(b"%PDF")


def test_report_due_on_the_first_and_late_after(people, db):
    due = reports.report_due(dt.date(2026, 11, 1))
    assert due["state"] == "due" and due["month"] == OCT and "ตุลาคม" in due["message"]
    assert reports.report_due(dt.date(2026, 11, 2))["state"] == "late"
    assert reports.report_due(dt.date(2026, 11, 9), kind="corruption")["state"] == "due"
    assert reports.report_due(dt.date(2026, 11, 11), kind="corruption")["state"] == "late"
    reports.export_report(actor=people["complaints_staff"], month=OCT, fmt="csv")
    assert reports.report_due(dt.date(2026, 11, 2))["state"] == "done"
    assert reports.parse_month("10/2569") == OCT and reports.parse_month("2026-10") == OCT
