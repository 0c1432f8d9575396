"""The Thai pages: login, intake, register without a file, letter, inbox, search."""

from __future__ import annotations

import pytest
from django.test import Client

from saraban.routing.services import route_letter
from tests.factories import registered_letter

# A fixed clock (tests/conftest.py): numbers restart each year and books, pages and
# assertions read today's date, so a run across midnight or the new year must not see two.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def test_login_page_is_thai_and_logging_in_lands_on_the_work(people):
    client = Client()
    page = client.get("/login/").content.decode()
    assert "เข้าสู่ระบบ" in page and 'lang="th"' in page
    response = client.post("/login/", {"username": "clerk", "password": "saraban-demo"})
    assert response.status_code == 302
    assert client.get("/", follow=True).request["PATH_INFO"] == "/letters/"
    wrong = Client().post("/login/", {"username": "clerk", "password": "nope"}).content.decode()
    assert "ไม่ถูกต้อง" in wrong


def test_register_without_file_page_issues_a_number(people):
    client = Client()
    client.force_login(people["clerk"])
    response = client.post("/letters/no-file/", {"subject": "ซองหนังสือจากกรมบัญชีกลาง", "document_date": "๑ มี.ค. ๖๘",
                                                 "urgency": "urgent", "secrecy": "unclassified"}, follow=True)
    page = response.content.decode()
    assert "ลงทะเบียนรับเลขที่" in page and "ซองหนังสือจากกรมบัญชีกลาง" in page
    assert "๑ มีนาคม ๒๕๖๘" in page  # the date shown in the Buddhist era


def test_inbox_page_lists_and_acknowledges(people):
    letter = registered_letter(people["clerk"], subject="ขอข้อมูลระบบเครือข่าย")
    route_letter(actor=people["clerk"], letter_id=letter.pk, unit_codes=["OPS-ICT-SYS"], instruction="ดำเนินการ")
    client = Client()
    client.force_login(people["ict_staff"])
    page = client.get("/inbox/").content.decode()
    assert "ขอข้อมูลระบบเครือข่าย" in page and "รับทราบ" in page
    route_id = letter.routes.get().pk
    client.post(f"/routes/{route_id}/acknowledge/")
    assert "ขอข้อมูลระบบเครือข่าย" not in client.get("/inbox/").content.decode()
    detail = client.get(f"/letters/{letter.pk}/").content.decode()
    assert "รับทราบแล้ว" in detail and "route.acknowledge" in detail


def test_search_page(people):
    registered_letter(people["clerk"], subject="โครงการอบรมภาษาอังกฤษ", text="อบรมภาษาอังกฤษสำหรับข้าราชการ")
    client = Client()
    client.force_login(people["archive"])
    page = client.get("/search/", {"q": "ภาษาอังกฤษ"}).content.decode()
    assert "โครงการอบรมภาษาอังกฤษ" in page and "พบ ๑ รายการ" in page


def test_a_queued_reading_says_when_no_worker_is_running(people, rendered):
    from tests.conftest import memo_text

    client = Client()
    client.force_login(people["clerk"])
    with open(rendered(memo_text(subject="ทดสอบคิวงาน")), "rb") as fh:
        response = client.post("/letters/", {"file": fh})
    letter_url = response["Location"]
    status = client.get(f"{letter_url}reading/").json()
    assert status["status"] == "queued" and "worker" in status["hint"]
    from saraban.core.workers import beat

    beat("test-worker")
    assert client.get(f"{letter_url}reading/").json()["hint"] == ""


def test_acknowledging_never_redirects_to_another_site(people):
    letter = registered_letter(people["clerk"])
    route = route_letter(actor=people["clerk"], letter_id=letter.pk, unit_codes=["OPS-ICT-SYS"])[0]
    client = Client()
    client.force_login(people["ict_staff"])
    response = client.post(f"/routes/{route.pk}/acknowledge/", {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/inbox/"


def test_the_register_book_lists_entries_with_where_they_went(people):
    letter = registered_letter(people["clerk"], subject="ขอรับการสนับสนุนงบประมาณ")
    route_letter(actor=people["clerk"], letter_id=letter.pk, unit_codes=["OPS-ICT-SYS"])
    client = Client()
    client.force_login(people["clerk"])
    page = client.get("/letters/book/").content.decode()
    assert "ขอรับการสนับสนุนงบประมาณ" in page and "กพส." in page  # the unit, by its short name


def test_pages_bring_their_own_thai_font(client, people):
    """A browser without Thai fonts still shows the service's font: the pages name it
    through @font-face and the static files serve it (Laksaman, as WOFF2)."""
    import io

    from django.contrib.staticfiles import finders
    from fontTools.ttLib import TTFont

    client.force_login(people["clerk"])
    html = client.get("/", follow=True).content.decode()
    assert '@font-face{font-family:"Saraban Web";src:url("/static/fonts/saraban-web-regular.woff2")' in html
    assert 'font-family:"Saraban Web"' in html
    for style in ("regular", "bold"):
        with open(finders.find(f"fonts/saraban-web-{style}.woff2"), "rb") as fh:
            data = fh.read()
        assert data[:4] == b"wOF2"
        font = TTFont(io.BytesIO(data))
        assert ord("ก") in font.getBestCmap() and ord("๙") in font.getBestCmap()
        assert (font["OS/2"].usWeightClass >= 700) == (style == "bold")
