"""Performance figures per unit and month, their CSV/XLSX exports, the dashboard page and API."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from saraban.routing.kpis import HEADERS, kpis_csv, kpis_xlsx, unit_month_kpis
from saraban.routing.models import Route, Unit
from tests.factories import registered_letter

# A fixed clock (tests/conftest.py): numbers restart each year and books, pages and
# assertions read today's date, so a run across midnight or the new year must not see two.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def at(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(text))


def hop(letter, unit, *, sent, due=None, purpose=Route.Purpose.ACTION, **times):
    """A hop created directly with explicit times (``sent_at`` is auto_now_add)."""
    route = Route.objects.create(letter=letter, to_unit=unit if isinstance(unit, Unit) else None,
                                 to_user=None if isinstance(unit, Unit) else unit, purpose=purpose,
                                 sent_by=letter.registered_by, from_unit=times.pop("from_unit", letter.desk_unit))
    Route.objects.filter(pk=route.pk).update(sent_at=at(sent), due_at=at(due) if due else None,
                                             **{k: at(v) if isinstance(v, str) and k.endswith("_at") else v
                                                for k, v in times.items()})
    return route


@pytest.fixture
def october(people):
    """October 2026 at two units, with known times."""
    clerk = people["clerk"]
    region, ict = Unit.objects.get(code="OPS-INSPECT-REGION"), Unit.objects.get(code="OPS-ICT-SYS")
    normal = registered_letter(clerk, subject="ขอข้อมูลผลการตรวจราชการ")
    urgent = registered_letter(clerk, subject="ขอให้ชี้แจงข้อเท็จจริง", urgency="urgent")
    most = registered_letter(clerk, subject="ด่วนที่สุด ขอรายงานเหตุ", urgency="most_urgent")
    very = registered_letter(clerk, subject="ขอปรับปรุงระบบ", urgency="very_urgent")
    # OPS-INSPECT-REGION: on time (first action after 30 min), late, open past due, pending, returned
    hop(normal, region, sent="2026-10-01T09:00", due="2026-10-12T16:30", status="done",
        received_at="2026-10-01T09:30", acknowledged_at="2026-10-01T10:00", done_at="2026-10-05T15:00")
    hop(urgent, region, sent="2026-10-05T09:00", due="2026-10-08T16:30", status="acknowledged",
        acknowledged_at="2026-10-09T09:00")
    hop(most, region, sent="2026-10-20T09:00", due="2026-10-20T16:30")
    hop(normal, region, sent="2026-10-28T10:00", due="2026-11-06T16:30")
    hop(normal, region, sent="2026-10-28T10:00", due="2026-11-06T16:30", status="returned",
        received_at="2026-10-28T10:10", returned_at="2026-10-28T11:00")
    hop(normal, region, sent="2026-10-02T09:00", purpose=Route.Purpose.INFORMATION)  # for information: not counted
    hop(normal, region, sent="2026-09-30T09:00", due="2026-10-09T16:30")  # September's
    # OPS-ICT-SYS: done on time; its first action is passing it on to an officer 90 minutes later
    hop(very, ict, sent="2026-10-02T09:00", due="2026-10-05T16:30", status="done", done_at="2026-10-02T11:00")
    hop(very, people["ict_staff"], sent="2026-10-02T10:30", purpose=Route.Purpose.INFORMATION, from_unit=ict)
    return {"region": region, "ict": ict}


NOW = at("2026-11-01T00:00")


def test_figures_per_unit_for_a_month(october):
    rows = {r.unit_code: r for r in unit_month_kpis(month=dt.date(2026, 10, 15), now=NOW)}
    assert list(rows) == ["OPS-ICT-SYS", "OPS-INSPECT-REGION"]

    region = rows["OPS-INSPECT-REGION"]
    assert (region.hops, region.handled, region.on_time, region.pending, region.returned) == (5, 2, 1, 1, 1)
    assert region.overdue_open == {"most_urgent": 1, "very_urgent": 0, "urgent": 0, "normal": 0}
    assert region.handled_late == {"most_urgent": 0, "very_urgent": 0, "urgent": 1, "normal": 0}
    assert region.overdue == {"most_urgent": 1, "very_urgent": 0, "urgent": 1, "normal": 0}
    assert region.decided == 3 and region.on_time_share == pytest.approx(1 / 3) and region.meets_target is False
    assert region.first_action_median_minutes == 30.0  # of 30 min, 4 days and 10 min
    assert region.first_action_mean_minutes == pytest.approx((30 + 4 * 1440 + 10) / 3, abs=0.1)

    ict = rows["OPS-ICT-SYS"]
    assert (ict.hops, ict.handled, ict.on_time, ict.on_time_share, ict.meets_target) == (1, 1, 1, 1.0, True)
    assert ict.first_action_median_minutes == 90.0

    only = unit_month_kpis(month=dt.date(2026, 10, 1), units=[october["ict"], Unit.objects.get(code="OPS")], now=NOW)
    assert [(r.unit_code, r.hops) for r in only] == [("OPS", 0), ("OPS-ICT-SYS", 1)]
    assert unit_month_kpis(month=dt.date(2026, 8, 1), now=NOW) == []


def test_the_registry_desk_is_measured_against_its_step_standards(people):
    from saraban.registry.services import register_without_file

    now = timezone.now()
    for minutes, n in ((4, 1), (20, 2)):  # receive 1 + check 1 + register 3 = 5 minutes
        register_without_file(actor=people["clerk"], received_at=now - dt.timedelta(minutes=minutes),
                              fields={"document_number": f"พม ๐๒๐๑/ท{n}", "document_date": "2026-11-02",
                                      "subject": f"เรื่องมาตรฐานเวลา {n}", "issuing_office": "กองกลาง"})
    desk = next(r for r in unit_month_kpis(month=timezone.localdate(now)) if r.unit_code == "OPS-GAD-ADM-SARABAN")
    assert (desk.hops, desk.registered, desk.registered_within_standard) == (0, 2, 1)
    assert desk.registration_standard_minutes == 5 and desk.registration_median_minutes == pytest.approx(12, abs=0.2)
    assert desk.registration_share == 0.5 and desk.on_time_share is None and desk.meets_target is None


def test_csv_and_xlsx_carry_the_figures_with_thai_headers(october):
    from openpyxl import load_workbook

    rows = unit_month_kpis(month=dt.date(2026, 10, 1), now=NOW)
    content = kpis_csv(rows)
    assert content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert table[0] == HEADERS and "ร้อยละทันกำหนด" in table[0]
    region = next(r for r in table if r[0] == "OPS-INSPECT-REGION")
    record = dict(zip(HEADERS, region))
    assert record["เดือน"] == "ตุลาคม 2569"
    assert (record["หนังสือเพื่อดำเนินการที่ได้รับ"], record["ทันกำหนด"], record["ร้อยละทันกำหนด"]) == ("5", "1", "33.3")
    assert record["ผ่านเป้าหมาย"] == "ไม่ผ่าน" and record["เกินกำหนด ด่วนที่สุด"] == "1" and record["เกินกำหนด ด่วน"] == "1"

    sheet = load_workbook(io.BytesIO(kpis_xlsx(rows))).active
    values = list(sheet.values)
    assert list(values[0]) == HEADERS
    by_code = {v[0]: dict(zip(HEADERS, v)) for v in values[1:]}
    assert by_code["OPS-ICT-SYS"]["ร้อยละทันกำหนด"] == 100.0
    assert by_code["OPS-INSPECT-REGION"]["หนังสือเพื่อดำเนินการที่ได้รับ"] == 5
    assert by_code["OPS-INSPECT-REGION"]["ลงทะเบียนรับ"] == 0
    # the month is a date a spreadsheet sorts, shown as "ตุลาคม ๒๕๖๙"
    assert by_code["OPS-INSPECT-REGION"]["เดือน"] == dt.datetime(2026, 10, 1)
    assert sheet["C2"].is_date and sheet["C2"].number_format == "[$-D07041E]mmmm yyyy"


def test_text_that_looks_like_a_formula_stays_text(people):
    from openpyxl import load_workbook

    region = Unit.objects.get(code="OPS-INSPECT-REGION")
    odd = Unit.objects.create(agency=region.agency, code="=1+1", name='=HYPERLINK("http://x","y")',
                              kind=Unit.Kind.GROUP, parent=region)
    rows = unit_month_kpis(month=dt.date(2026, 10, 1), units=[odd], now=NOW)
    line = kpis_csv(rows).decode("utf-8-sig").splitlines()[1]
    assert line.startswith("'=1+1,")
    cells = list(load_workbook(io.BytesIO(kpis_xlsx(rows))).active.iter_rows(min_row=2))[0]
    assert cells[1].value == '=HYPERLINK("http://x","y")' and cells[1].data_type == "s"
    assert cells[0].data_type == "s"


@pytest.fixture
def overdue(people):
    letter = registered_letter(people["clerk"], subject="ติดตามผลการดำเนินงานค้างนาน", urgency="very_urgent")
    return Route.objects.create(letter=letter, to_unit=Unit.objects.get(code="OPS-INSPECT-REGION"),
                                from_unit=letter.desk_unit, sent_by=people["clerk"],
                                due_at=timezone.now() - dt.timedelta(hours=2))


def test_the_dashboard_shows_the_unit_head_the_overdue_letter(client, people, overdue):
    client.force_login(people["complaints_head"])
    page = client.get("/dashboard/").content.decode()
    assert "ติดตามผลการดำเนินงานค้างนาน" in page and "เกินกำหนด" in page and "ด่วนมาก" in page
    assert "ร้อยละ ๙๐" in page
    this_month = timezone.localdate()
    assert f"{this_month.year + 543}-{this_month.month:02d}" in page  # month picker, Buddhist era
    assert "format=xlsx" in page and "format=csv" in page

    client.force_login(people["ict_staff"])
    assert "ติดตามผลการดำเนินงานค้างนาน" not in client.get("/dashboard/").content.decode()


def test_dashboard_month_picker_reads_buddhist_era_months(client, people, october):
    client.force_login(people["complaints_head"])
    page = client.get("/dashboard/", {"month": "2569-10"}).content.decode()
    assert "ตุลาคม ๒๕๖๙" in page and "กลุ่ม" in page
    assert "เดือนไม่ถูกต้อง" in client.get("/dashboard/", {"month": "October"}).content.decode()


def test_the_api_lists_overdue_hops_to_those_who_may_see_them(client, people, overdue):
    client.force_login(people["complaints_head"])
    data = client.get("/api/overdue").json()
    assert [(d["id"], d["subject"], d["urgency"], d["to_unit"]) for d in data] == [
        (overdue.pk, "ติดตามผลการดำเนินงานค้างนาน", "very_urgent", "OPS-INSPECT-REGION")]
    client.force_login(people["ict_staff"])
    assert client.get("/api/overdue").json() == []
    client.logout()
    assert client.get("/api/overdue").status_code in (401, 403)


def test_the_api_gives_the_figures_as_json_csv_and_xlsx(client, people, october):
    client.force_login(people["complaints_head"])
    data = client.get("/api/kpis", {"month": "2569-10"}).json()
    assert data["month"] == "2569-10" and data["target"] == 0.9
    region = next(r for r in data["rows"] if r["unit_code"] == "OPS-INSPECT-REGION")
    assert region["hops"] == 5 and region["on_time"] == 1 and region["overdue"]["urgent"] == 1

    response = client.get("/api/kpis", {"month": "2569-10", "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="kpis-2569-10.csv"' in response["Content-Disposition"]
    assert "OPS-INSPECT-REGION" in response.content.decode("utf-8-sig")
    response = client.get("/api/kpis", {"month": "2569-10", "format": "xlsx"})
    assert response.status_code == 200 and response.content[:2] == b"PK"

    bad = client.get("/api/kpis", {"month": "13-2569"})
    assert bad.status_code == 400 and bad.json()["code"] == "bad_month"
    assert client.get("/api/kpis", {"format": "pdf"}).status_code == 400
