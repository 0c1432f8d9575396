"""The search backend contract, run against every backend.

The embedded backend always; Elasticsearch when ``ELASTICSEARCH_URL`` is set (``make
test`` starts one and runs this suite against it — see scripts/test.sh). Documents
are given to the backends directly, so every rule of ``saraban.search.backends``
(matching, tolerance, filters, facets, sorting, paging, access scope, rebuild) is
checked the same way on each.
"""

from __future__ import annotations

import os
import uuid
from datetime import date

import pytest

from saraban.core.access import AccessScope
from saraban.search.analysis import MARK_END, MARK_START, plain
from saraban.search.backends import SearchDocument, SearchQuery

pytestmark = pytest.mark.django_db

BACKENDS = ["embedded"] + (["elasticsearch"] if os.environ.get("ELASTICSEARCH_URL") else [])

DESK, OTHER_DESK, ROUTED_UNIT = 10, 11, 12
CLERK, OFFICER, EXECUTIVE, OUTSIDER, REGISTRAR = 100, 101, 102, 103, 104


@pytest.fixture(params=BACKENDS)
def backend(request):
    if request.param == "elasticsearch":
        from saraban.search.backends.elasticsearch import ElasticsearchBackend

        instance = ElasticsearchBackend(url=os.environ["ELASTICSEARCH_URL"],
                                        index=f"saraban-contract-{uuid.uuid4().hex[:10]}")
    else:
        from saraban.search.backends.embedded import EmbeddedSearchBackend

        instance = EmbeddedSearchBackend()
    yield instance
    instance.clear()


def doc(letter_id: int, *, subject: str, body: str = "", number: str = "", references=(), units=("DESK",),
        secrecy: str = "unclassified", route_units=(), route_users=(), desk_unit: int = DESK, agency: int = 1,
        created_by: int = CLERK, **fields) -> SearchDocument:
    values = {"receive_number": letter_id, "year": 2025, "register": "central-in", "document_number": number,
              "document_date": "2025-06-17", "subject": subject, "sender": "กรมคุมประพฤติ", "urgency": "normal",
              "secrecy": secrecy, "status": "registered", "document_type": "internal", **fields}
    return SearchDocument(
        letter_id=letter_id, fields=values, header=f"{number} {subject}", body=body,
        numbers=[n for n in [number, *references] if n], units=list(units),
        access={"secrecy": secrecy, "desk_unit": desk_unit, "agency": agency, "created_by": created_by,
                "route_units": list(route_units), "route_users": list(route_users)},
    )


def scope(user_id: int, units=(), *, archive=(), classes=(), registrar=False) -> AccessScope:
    return AccessScope(nothing=False, user_id=user_id, unit_ids=frozenset(units), archive_agency_ids=frozenset(archive),
                       classified_classes=tuple(classes), all_classified=registrar)


CLERK_SCOPE = scope(CLERK, [DESK])

LETTERS = [
    doc(1, subject="ระบบรับเรื่องร้องเรียนร้องทุกข์ของศูนย์ดำรงธรรมอำเภอ", number="รบ ๐๐๑๘/๒๗๒๕๘",
        body="ตามที่จังหวัดแจ้งว่า กรมการปกครองได้จัดทำโครงการสนับสนุนการขับเคลื่อนภารกิจศูนย์ดำรงธรรมอำเภอเชิงรุก",
        urgency="most_urgent", document_date="2019-10-31", year=2019, units=("DESK", "OPS-ICT")),
    doc(2, subject="ระบบการยื่นคำร้องขอรับการสงเคราะห์", number="ยธ ๐๓๐๓/ว ๑๓", references=["ยธ ๐๓๐๓/ว ๑๐๐"],
        body="กองพัฒนาการคุมประพฤติ ได้รับการประสานจากศูนย์เทคโนโลยีสารสนเทศ เรื่องระบบร้องเรียน",
        urgency="urgent", document_date="2022-03-14", year=2022),
    doc(3, subject="ขอเชิญประชุมคณะทำงาน", number="พม ๐๒๐๑/๕๕",
        body="ด้วยจังหวัดราชบูรี ขอเชิญผู้แทนเข้าร่วมประชุม ณ ห้องประชุมทหำรบก",  # OCR misreadings
        document_date="2025-01-20", year=2025, document_type="external"),
    doc(4, subject="แผนการรักษาความปลอดภัยนกกระเรียน", number="กห ๐๒๐๑/๗๗", secrecy="secret",
        body="ระบบร้องเรียนลับ นกกระเรียน", route_users=[EXECUTIVE], document_date="2025-02-01", year=2025),
    doc(5, subject="รายงานระบบร้องเรียนของหน่วยอื่น", number="พม ๐๙๐๙/๑", desk_unit=OTHER_DESK, agency=2,
        created_by=OUTSIDER, units=("OTHER",), body="ระบบร้องเรียน", document_date="2024-05-05", year=2024),
]


@pytest.fixture
def indexed(backend):
    backend.update(LETTERS)
    return backend


def ids(results):
    return [h.letter_id for h in results.hits]


def search(backend, text="", who=CLERK_SCOPE, **kwargs):
    return backend.search(SearchQuery(text=text, **kwargs), scope=who)


@pytest.mark.parametrize("text", ["ศูนย์ดำรงธรรม", "๒๗๒๕๘", "27258", "รบ 0018/27258", "รบ ๐๐๑๘/๒๗๒๕๘", "รบ.0018/27258",
                                  "ขับเคลื่อนภารกิจ", "ร้องทุกข์"])
def test_words_and_numbers_in_either_digit_script(indexed, text):
    results = search(indexed, text)
    assert ids(results)[:1] == [1] and results.total == 1 and not results.tolerant


def test_a_number_matches_in_another_printed_form_and_as_a_reference(indexed):
    assert ids(search(indexed, "ยธ.0303/ว.13")) == [2]
    assert ids(search(indexed, "ยธ ๐๓๐๓/ว ๑๐๐")) == [2]  # cited on its อ้างถึง line


@pytest.mark.parametrize("text", ["ราชบุรี", "ทหาร"])
def test_a_word_misread_by_ocr_is_still_found(indexed, text):
    results = search(indexed, text)
    assert ids(results) == [3] and results.tolerant


def test_nothing_found_is_an_empty_answer(indexed):
    results = search(indexed, "ไม่มีคำนี้ในหนังสือใดเลย")
    assert results.total == 0 and results.hits == []


def test_snippets_mark_the_words_found(indexed):
    hit = search(indexed, "ขับเคลื่อนภารกิจ").hits[0]
    assert f"{MARK_START}ขับเคลื่อน" in hit.snippet and MARK_END in hit.snippet
    assert "ขับเคลื่อนภารกิจ" in plain(hit.snippet)
    assert hit.fields["subject"].startswith("ระบบรับเรื่องร้องเรียน") and hit.fields["document_number"] == "รบ ๐๐๑๘/๒๗๒๕๘"


def test_a_word_in_the_subject_ranks_above_the_same_word_in_the_text(backend):
    backend.update([doc(21, subject="เรื่องอื่น", body="การจัดซื้อครุภัณฑ์ " + "ข้อความทั่วไป " * 30),
                    doc(22, subject="การจัดซื้อครุภัณฑ์คอมพิวเตอร์", body="ข้อความทั่วไป " * 30)])
    assert ids(search(backend, "ครุภัณฑ์")) == [22, 21]


def test_filters_and_date_range(indexed):
    assert ids(search(indexed, "ระบบ", filters={"urgency": ["urgent"]})) == [2]
    assert ids(search(indexed, "ระบบ", filters={"units": ["OPS-ICT"]})) == [1]
    assert sorted(ids(search(indexed, "", filters={"year": ["2019", "2025"]}))) == [1, 3]
    assert ids(search(indexed, "", date_from=date(2022, 1, 1), date_to=date(2022, 12, 31))) == [2]
    assert ids(search(indexed, "ระบบ", filters={"urgency": ["urgent"], "year": ["2019"]})) == []


def test_facets_count_what_matches(indexed):
    results = search(indexed, "ระบบ")
    assert sorted(ids(results)) == [1, 2] and results.total == 2
    assert dict(results.facets["urgency"]) == {"most_urgent": 1, "urgent": 1}
    assert dict(results.facets["year"]) == {"2019": 1, "2022": 1}
    assert dict(results.facets["units"]) == {"DESK": 2, "OPS-ICT": 1}
    assert dict(results.facets["secrecy"]) == {"unclassified": 2}
    assert dict(results.facets["sender"]) == {"กรมคุมประพฤติ": 2}
    assert ids(search(indexed, "", filters={"sender": ["กรมคุมประพฤติ"]}, limit=50)) == [3, 2, 1]
    assert search(indexed, "", filters={"sender": ["กรมอื่น"]}).total == 0


def test_sort_by_date_and_paging(indexed):
    newest = ids(search(indexed, "", sort="date"))
    assert newest == [3, 2, 1]
    assert ids(search(indexed, "", sort="-date")) == [1, 2, 3]
    pages = [ids(search(indexed, "", sort="date", limit=1, offset=n)) for n in range(4)]
    assert pages == [[3], [2], [1], []]
    assert search(indexed, "", limit=1, offset=2).total == 3


@pytest.mark.parametrize("who, expected", [
    (scope(CLERK, [DESK]), {1, 2, 3}),                          # the registering desk
    (scope(OFFICER, [ROUTED_UNIT]), set()),                     # an unrelated unit
    (scope(OUTSIDER, [OTHER_DESK]), {5}),                       # another desk's own letter
    (scope(EXECUTIVE, [], classes=["confidential", "secret"]), {4}),  # named personally and cleared
    (scope(EXECUTIVE, [], classes=["confidential"]), set()),    # named, not cleared for secret
    (scope(REGISTRAR, [], registrar=True), {4}),                # the secret-document registrar
    (scope(OFFICER, [], archive=[1]), {1, 2, 3}),               # archive reader of agency 1
    (AccessScope(nothing=True), set()),                         # anonymous
])
def test_access_scope_inside_the_query(indexed, who, expected):
    results = search(indexed, "", who=who, limit=50)
    assert set(ids(results)) == expected and results.total == len(expected)
    assert sum(n for _, n in results.facets["secrecy"]) == len(expected)
    worded = search(indexed, "ร้องเรียน", who=who, limit=50)  # in letters 1, 2, 4 and 5
    assert set(ids(worded)) == expected & {1, 2, 4, 5} and worded.total == len(expected & {1, 2, 4, 5})


def test_a_classified_letter_is_seen_by_a_unit_only_through_a_personal_route(backend):
    backend.update([doc(31, subject="หนังสือลับถึงกอง", secrecy="confidential", route_units=[ROUTED_UNIT]),
                    doc(32, subject="หนังสือปกติถึงกอง", route_units=[ROUTED_UNIT])])
    who = scope(OFFICER, [ROUTED_UNIT], classes=["confidential"])
    results = search(backend, "หนังสือ", who=who)
    assert ids(results) == [32] and results.total == 1
    assert dict(results.facets["secrecy"]) == {"unclassified": 1}


def test_update_replaces_and_deletes(indexed):
    indexed.update([doc(3, subject="ขอเชิญประชุมคณะทำงาน", body="เปลี่ยนเนื้อหาเป็นเรื่องงบประมาณ")], deleted=[2, 999])
    assert ids(search(indexed, "งบประมาณ")) == [3]
    assert search(indexed, "ห้องประชุม").total == 0
    assert search(indexed, "ยธ.0303/ว.13").total == 0
    assert indexed.status().documents == 4


def test_rebuild_replaces_everything(indexed):
    assert indexed.rebuild(iter([doc(41, subject="หนังสือใหม่หลังสร้างดัชนี")])) == 1
    assert ids(search(indexed, "")) == [41]
    assert indexed.status().documents == 1


@pytest.mark.parametrize("text", ['"', "AND OR NOT", "(((", "*", "a:b", "'; DROP TABLE x;--", "ก" * 500, "\\",
                                  "title:(x OR y)^3", "/ว", "๐", "ยธ/"])
def test_odd_input_never_errors(indexed, text):
    results = search(indexed, text, limit=5)
    assert results.total >= 0


def test_a_part_of_a_compound_word_is_found(backend):
    """The dictionary keeps ``ผู้ประสบอุทกภัย`` and ``ศาลากลางจังหวัด`` whole; their parts
    are indexed too, so a search for ``อุทกภัย`` or ``ศาลากลาง`` finds them as typed."""
    backend.update([doc(51, subject="ขอรับการช่วยเหลือผู้ประสบอุทกภัย", body="ณ ศาลากลางจังหวัดสุโขทัย"),
                    doc(52, subject="ขอเชิญประชุม", body="ห้องประชุมชั้นสอง")])
    for text in ["อุทกภัย", "ผู้ประสบอุทกภัย", "ศาลากลาง"]:
        results = search(backend, text)
        assert ids(results) == [51] and not results.tolerant, text


def test_a_misread_word_the_segmenter_breaks_into_pieces_is_found(backend):
    """OCR read ``ศรีสัชนาลัย`` as ``ศรีสัชนาลั้ย``: not a dictionary word, segmented into
    short pieces; the word as typed is still matched by its skeleton, and the letter
    with the typed word in its subject ranks first among tolerant matches."""
    backend.update([doc(61, subject="โครงการอนุรักษ์โบราณสถาน", body="อุทยานประวัติศาสตร์ศรีสัชนาลั้ย จังหวัดสุโขทัย"),
                    doc(62, subject="รายงานการเดินทาง", body="อำเภอเมือง จังหวัดสุโขทัย")])
    results = search(backend, "ศรีสัชนาลัย")
    assert ids(results) == [61] and results.tolerant
