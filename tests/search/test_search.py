"""The embedded search backend: Thai words, Thai/Arabic digits, phrases, ranking, odd input."""

from __future__ import annotations

import pytest

from saraban.routing.selectors import viewer_for
from saraban.search.selectors import search_letters
from tests.factories import registered_letter

pytestmark = pytest.mark.django_db

RATCHABURI = """ที่ รบ ๐๐๑๘/๒๗๒๕๘ ศาลากลางจังหวัดราชบุรี ๓๑ ตุลาคม ๒๕๖๒
เรื่อง ระบบรับเรื่องร้องเรียนร้องทุกข์ของศูนย์ดำรงธรรมอำเภอ เรียน นายอำเภอ ทุกอำเภอ
ตามที่จังหวัดแจ้งว่า กรมการปกครองได้จัดทำโครงการสนับสนุนการขับเคลื่อนภารกิจศูนย์ดำรงธรรมอำเภอเชิงรุก"""


@pytest.fixture
def letters(people):
    clerk = people["clerk"]
    return {
        "ratchaburi": registered_letter(clerk, document_number="รบ ๐๐๑๘/๒๗๒๕๘", document_date="2019-10-31",
                                        subject="ระบบรับเรื่องร้องเรียนร้องทุกข์ของศูนย์ดำรงธรรมอำเภอ",
                                        issuing_office="ศาลากลางจังหวัดราชบุรี", text=RATCHABURI),
        "probation": registered_letter(clerk, document_number="ยธ ๐๓๐๓/ว ๑๓", document_date="2022-03-14",
                                       subject="ระบบการยื่นคำร้องขอรับการสงเคราะห์ คุมประพฤติ",
                                       text="กองพัฒนาการคุมประพฤติ ได้รับการประสานจากศูนย์เทคโนโลยีสารสนเทศ"),
    }


def ids(results):
    return [h.letter_id for h in results.hits]


@pytest.mark.parametrize("query", ["ศูนย์ดำรงธรรม", "๒๗๒๕๘", "27258", "รบ 0018/27258", "รบ ๐๐๑๘/๒๗๒๕๘", "ราชบุรี",
                                   "ร้องเรียน"])
def test_finds_the_ratchaburi_letter(people, letters, query):
    results = search_letters(viewer_for(people["archive"]), query)
    assert ids(results)[:1] == [letters["ratchaburi"].pk]
    assert results.total == 1


def test_number_in_another_printed_form_matches(people, letters):
    assert ids(search_letters(viewer_for(people["archive"]), "ยธ.0303/ว.13")) == [letters["probation"].pk]


def test_snippet_shows_the_words_found(people, letters):
    hit = search_letters(viewer_for(people["archive"]), "ขับเคลื่อนภารกิจ").hits[0]
    assert "ขับเคลื่อน" in hit.snippet


@pytest.mark.parametrize("query", ['"', "AND OR NOT", "(((", "*", "a:b", "'; DROP TABLE x;--", "ก" * 500, "\x00"])
def test_odd_input_never_errors(people, letters, query):
    from django.test import Client

    client = Client()
    client.force_login(people["archive"])
    far = client.get("/api/search", {"q": query, "offset": "9" * 25})
    assert far.status_code == 200 and far.json()["hits"] == []  # past the last page
    assert client.get("/api/search", {"q": query, "limit": "x"}).status_code == 200
    assert client.get("/search/", {"q": query, "page": "9" * 25}).status_code == 200


def test_paging(people, letters):
    viewer = viewer_for(people["archive"])
    everything = search_letters(viewer, "ระบบ", limit=10)
    assert everything.total == 2
    first, second = search_letters(viewer, "ระบบ", limit=1), search_letters(viewer, "ระบบ", limit=1, offset=1)
    assert ids(first) + ids(second) == ids(everything)


def test_api_filters_facets_sort_and_marked_snippets(people, letters):
    from django.test import Client

    client = Client()
    client.force_login(people["archive"])
    both = client.get("/api/search", {"q": "ระบบ"}).json()
    assert both["total"] == 2 and both["tolerant"] is False
    assert sum(f["count"] for f in both["facets"]["year"]) == 2
    assert {f["label"] for f in both["facets"]["urgency"]} == {"ปกติ"}
    dated = client.get("/api/search", {"q": "ระบบ", "sort": "date"}).json()
    assert [h["letter_id"] for h in dated["hits"]] == [letters["probation"].pk, letters["ratchaburi"].pk]
    old_first = client.get("/api/search", {"q": "ระบบ", "sort": "-date"}).json()
    assert [h["letter_id"] for h in old_first["hits"]] == [letters["ratchaburi"].pk, letters["probation"].pk]
    in_2019 = client.get("/api/search", {"q": "ระบบ", "date_from": "2562-01-01", "date_to": "2562-12-31"}).json()
    assert [h["letter_id"] for h in in_2019["hits"]] == [letters["ratchaburi"].pk]  # Buddhist-era dates
    hit = client.get("/api/search", {"q": "ขับเคลื่อนภารกิจ"}).json()["hits"][0]
    assert "<mark>ขับเคลื่อน" in hit["snippet_html"] and "<mark>" not in hit["snippet"]
    none = client.get("/api/search", {"q": "ระบบ", "urgency": "most_urgent"}).json()
    assert none["total"] == 0 and none["hits"] == []


def test_a_word_misread_by_ocr_is_found_through_the_page(people):
    from django.test import Client

    letter = registered_letter(people["clerk"], subject="ขอเชิญประชุม", text="ณ ห้องประชุมกองทัพบกจังหวัดราชบูรี")
    client = Client()
    client.force_login(people["clerk"])
    page = client.get("/search/", {"q": "ราชบุรี"}).content.decode()
    assert f"/letters/{letter.pk}/" in page and "คำที่อ่านจากภาพสแกนผิดเพี้ยน" in page


def test_the_page_offers_filters_with_counts(people, letters):
    from django.test import Client

    registered_letter(people["clerk"], subject="ระบบด่วนที่สุด", urgency="most_urgent", text="ระบบ")
    client = Client()
    client.force_login(people["archive"])
    page = client.get("/search/", {"q": "ระบบ"}).content.decode()
    assert "ชั้นความเร็ว" in page and "ด่วนที่สุด (๑)" in page and "ปกติ (๒)" in page
    narrowed = client.get("/search/", {"q": "ระบบ", "urgency": "most_urgent"}).content.decode()
    assert "พบ ๑ รายการ" in narrowed and "ระบบด่วนที่สุด" in narrowed


def test_the_worker_sends_what_the_outbox_still_holds(people, settings):
    """A change whose send failed after its commit waits in the outbox; the worker's
    periodic jobs (``SARABAN_WORKER_PERIODIC``) send it."""
    from django.utils.module_loading import import_string

    from saraban.registry import services
    from saraban.search.models import OutboxEntry
    from saraban.search.services import outbox_lag

    letter = services.register_without_file(actor=people["clerk"], fields={
        "document_number": "พม ๐๒๐๑/๘๘๘", "document_date": "2025-06-17", "subject": "ขอรับการสนับสนุนรถพยาบาล",
        "issuing_office": "โรงพยาบาลชุมชน"})  # in a test transaction its on-commit send never runs
    assert OutboxEntry.objects.filter(letter_id=letter.pk, processed_at__isnull=True).exists()
    assert search_letters(viewer_for(people["clerk"]), "รถพยาบาล").total == 0
    for job in settings.SARABAN_WORKER_PERIODIC:
        import_string(job)()
    assert ids(search_letters(viewer_for(people["clerk"]), "รถพยาบาล")) == [letter.pk]
    assert outbox_lag()["pending"] == 0


def test_reindex_rebuilds_from_the_database_and_is_audited(people, letters, capsys):
    from django.core.management import call_command

    from saraban.core.models import AuditEvent
    from saraban.search.backends import get_backend

    get_backend().clear()
    assert search_letters(viewer_for(people["archive"]), "ศูนย์ดำรงธรรม").total == 0
    call_command("search_reindex")
    assert "จัดทำดัชนีใหม่แล้ว 2 รายการ" in capsys.readouterr().out
    assert ids(search_letters(viewer_for(people["archive"]), "ศูนย์ดำรงธรรม")) == [letters["ratchaburi"].pk]
    assert AuditEvent.objects.filter(action="search.reindex").get().data["letters"] == 2
