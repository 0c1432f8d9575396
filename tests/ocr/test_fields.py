"""ocr.fields on text lines (no OCR): memo vs external letter, stamps, repair."""

from __future__ import annotations

from datetime import date

import pytest

from ocr.fields import (
    FIELD_NAMES,
    Line,
    classify_secrecy,
    classify_urgency,
    extract_fields,
    review_fields,
    parse_document_number,
)
from ocr.thai import canonical_number

TODAY = date(2026, 11, 21)


def lines_of(rows, *, page=0, left=355, pitch=95, height=70, start=300):
    """Lines from (text) or (text, dict(left=…, height=…, red=…, top=…)) rows."""
    out = []
    top = start
    for row in rows:
        text, opts = (row, {}) if isinstance(row, str) else row
        if text:
            h = opts.get("height", height)
            t = opts.get("top", top)
            out.append(Line.from_text(text, top=t, left=opts.get("left", left), height=h,
                                      page=page, red=opts.get("red", False),
                                      source=opts.get("source", "ocr")))
            top = t + max(h, height) + (pitch - height)
        else:
            top += pitch // 2
    return out


MEMO = [
    ("บันทึกข้อความ", {"left": 900, "height": 120}),
    "ส่วนราชการ กองคลัง กลุ่มงานการเงินและบัญชี โทร. ๐ ๒๑๔๑ ๒๒๒๒",
    "ที่ ศธ ๐๒๐๑.๔/ว ๒๑๗ วันที่ ๑๔ กุมภาพันธ์ ๒๕๖๘",
    "เรื่อง ขอความร่วมมือตรวจสอบรายการเบิกจ่ายงบประมาณ ประจำปีงบ",
    "ประมาณ พ.ศ. ๒๕๖๘",
    "เรียน ผู้อำนวยการสำนักทุกสำนัก",
    "ด้วยกองคลังจะดำเนินการตรวจสอบรายการเบิกจ่ายงบประมาณ จึงขอความร่วมมือ",
    "จึงเรียนมาเพื่อโปรดทราบ",
    ("(นางสาวมาลี ศรีสวัสดิ์)", {"left": 1150}),
    ("ผู้อำนวยการกองคลัง", {"left": 1180}),
]

EXTERNAL = [
    "ที่ ชม ๐๐๑๗.๒/๑๕๔๓๒",
    "ศาลากลางจังหวัดเชียงใหม่",
    "ถนนโชตนา ชม ๕๐๓๐๐",
    ("๒๙ สิงหาคม ๒๕๖๗", {"left": 1300}),
    "เรื่อง ขอเชิญประชุมคณะกรรมการพัฒนาระบบราชการ",
    "เรียน นายอำเภอ ทุกอำเภอ",
    "อ้างถึง หนังสือจังหวัดเชียงใหม่ ด่วนที่สุด ที่ ชม ๐๐๑๗.๒/ว ๙๘๗ ลงวันที่",
    "๑ สิงหาคม ๒๕๖๗",
    "สิ่งที่ส่งมาด้วย ๑. กำหนดการประชุม จำนวน ๑ ฉบับ",
    "๒. แบบตอบรับ จำนวน ๑ ฉบับ",
    "ตามที่จังหวัดได้แจ้งให้อำเภอเตรียมความพร้อม นั้น",
    "จึงเรียนมาเพื่อโปรดทราบ",
    ("ขอแสดงความนับถือ", {"left": 1150}),
    ("(นายวิชัย ทองดี)", {"left": 1150}),
    ("รองผู้ว่าราชการจังหวัด ปฏิบัติราชการแทน", {"left": 1100}),
    ("ผู้ว่าราชการจังหวัดเชียงใหม่", {"left": 1120}),
    "ที่ทำการปกครองจังหวัด",
    "โทร. ๐ ๕๓๑๑ ๒๒๓๓",
]


def test_every_field_key_is_present():
    fields, conf = extract_fields([], today=TODAY)
    assert set(fields) == set(FIELD_NAMES) == set(conf)
    assert fields["urgency"] == "normal" and fields["secrecy"] == "unclassified"
    assert fields["document_number"] is None


def test_memo_fields():
    fields, conf = extract_fields(lines_of(MEMO), today=TODAY)
    assert fields["document_type"] == "internal"
    assert canonical_number(fields["document_number"]) == "ศธ02014/ว217"
    assert fields["document_date"] == "2025-02-14"
    assert fields["subject"] == "ขอความร่วมมือตรวจสอบรายการเบิกจ่ายงบประมาณ ประจำปีงบประมาณ พ.ศ. ๒๕๖๘"
    assert fields["addressee"] == "ผู้อำนวยการสำนักทุกสำนัก"
    assert fields["issuing_office"] == "กองคลัง กลุ่มงานการเงินและบัญชี"
    assert fields["signer_name"] == "นางสาวมาลี ศรีสวัสดิ์"
    assert fields["signer_position"] == "ผู้อำนวยการกองคลัง"
    assert fields["references"] is None
    assert all(0.0 <= c <= 1.0 for c in conf.values())
    assert conf["document_number"] > 0.5


def test_external_letter_fields():
    fields, _ = extract_fields(lines_of(EXTERNAL), today=TODAY)
    assert fields["document_type"] == "external"
    assert fields["document_number"] == "ชม ๐๐๑๗.๒/๑๕๔๓๒"
    assert fields["document_date"] == "2024-08-29"
    assert fields["subject"] == "ขอเชิญประชุมคณะกรรมการพัฒนาระบบราชการ"
    assert fields["addressee"] == "นายอำเภอ ทุกอำเภอ"
    assert fields["issuing_office"] == "ศาลากลางจังหวัดเชียงใหม่"
    assert fields["references"] == [{"number": "ชม ๐๐๑๗.๒/ว ๙๘๗", "date": "2024-08-01"}]
    assert fields["enclosures"] == ["กำหนดการประชุม จำนวน ๑ ฉบับ", "แบบตอบรับ จำนวน ๑ ฉบับ"]
    assert fields["signer_name"] == "นายวิชัย ทองดี"
    assert fields["signer_position"] == (
        "รองผู้ว่าราชการจังหวัด ปฏิบัติราชการแทน ผู้ว่าราชการจังหวัดเชียงใหม่")


def test_urgency_words_in_reference_line_are_not_a_stamp():
    # the อ้างถึง line cites "ด่วนที่สุด": the letter itself is normal
    fields, conf = extract_fields(lines_of(EXTERNAL), today=TODAY)
    assert fields["urgency"] == "normal"
    assert fields["secrecy"] == "unclassified"


def test_body_word_in_large_text_only_counts_at_the_top():
    rows = [("ด่วนที่สุด", {"height": 140, "top": 3000})] + EXTERNAL  # large, but at the bottom
    fields, _ = extract_fields(lines_of(rows), today=TODAY)
    assert fields["urgency"] == "normal"


def test_large_urgency_stamp_at_top():
    rows = [("ด่วนที่สุด", {"height": 150, "left": 360})] + EXTERNAL
    fields, conf = extract_fields(lines_of(rows), today=TODAY)
    assert fields["urgency"] == "most_urgent"
    assert conf["urgency"] > 0.5
    # the stamp does not disturb the header
    assert fields["document_number"] == "ชม ๐๐๑๗.๒/๑๕๔๓๒"


def test_red_stamps_urgency_and_secrecy():
    body = lines_of(MEMO)
    stamps = [
        Line.from_text("ด่วนมาก", top=120, left=360, height=90, source="stamp", red=True),
        Line.from_text("ลับ", top=120, left=1150, height=90, source="stamp", red=True),
        Line.from_text("ลับ", top=3300, left=1150, height=90, source="stamp", red=True),
    ]
    fields, _ = extract_fields(stamps + body, today=TODAY)
    assert fields["urgency"] == "very_urgent"
    assert fields["secrecy"] == "confidential"
    assert fields["document_type"] == "internal"


def test_a_due_within_stamp_gives_the_deadline_and_the_class():
    body = lines_of(MEMO)
    stamps = [Line.from_text("ด่วนภายใน ๓๐ กันยายน ๒๕๖๗", top=120, left=300, height=90, source="stamp", red=True)]
    fields, conf = extract_fields(stamps + body, today=TODAY)
    assert fields["due_at"] == "2024-09-30" and conf["due_at"] > 0.5
    assert fields["urgency"] == "urgent"
    plain, _ = extract_fields(body, today=TODAY)
    assert plain["due_at"] is None


@pytest.mark.parametrize(
    "text, urgency, secrecy",
    [
        ("ด่วนที่สุด", "most_urgent", None),
        ("ดวนทีสุด", "most_urgent", None),      # OCR lost the marks
        ("ด่วนมาก", "very_urgent", None),
        ("ด่วน", "urgent", None),
        ("ลับที่สุด", None, "top_secret"),
        ("ลับมาก", None, "secret"),
        ("ลับ", None, "confidential"),
        ("ปกปิด", None, "confidential"),
        ("ลับเฉพาะเรื่องนี้", None, None),       # a body phrase, not a stamp
    ],
)
def test_stamp_classes(text, urgency, secrecy):
    u = classify_urgency(text)
    s = classify_secrecy(text)
    assert (u[0] if u else None) == urgency
    assert (s[0] if s else None) == secrecy


@pytest.mark.parametrize(
    "text, printed",
    [
        ("ที่ รบ ๐๐๑๘/๒๗๒๕๘", "รบ ๐๐๑๘/๒๗๒๕๘"),
        ("ยธ.๐๓๐๓/ว ๑๐๐ วันที่ ๒ ธันวาคม", "ยธ.๐๓๐๓/ว ๑๐๐"),
        ("ยธ ๐๓๐๓/ ก ๖", "ยธ ๐๓๐๓/ ก ๖"),
        ("มท ๐๓๐๗.๒/ว ๒๕๕๖๒", "มท ๐๓๐๗.๒/ว ๒๕๕๖๒"),
        ("คำสั่ง ที่ ๑๐/๒๕๖๗", "๑๐/๒๕๖๗"),
        ("ไม่มีเลขที่หนังสือ", None),
    ],
)
def test_document_number_grammar(text, printed):
    m = parse_document_number(text)
    assert (m.printed if m else None) == printed


def test_unknown_agency_code_is_repaired_by_look_alike_letters():
    rows = ["ที่ รป ๐๐๑๘/๒๗๒๕๘"] + EXTERNAL[1:]
    fields, _ = extract_fields(lines_of(rows), today=TODAY)
    assert fields["document_number"] == "รบ ๐๐๑๘/๒๗๒๕๘"


class FakeReader:
    """Re-reads regions from a table keyed by the word text at that box."""

    def __init__(self, line: Line, answers: dict[str, str]):
        self.by_box = {w.box: answers[w.text] for w in line.words if w.text in answers}
        self.calls = []

    def read_digits(self, box):
        self.calls.append(box)
        for b, text in self.by_box.items():
            if b[0] >= box[0] - 1 and b[2] <= box[2] + 1:
                return text, 0.99
        return "", 0.0

    def read_text(self, box, *, lang="tha", psm=7):
        return "", 0.0

    def read_line(self, box, *, lang="tha", psm=7):
        return None


def test_garbled_day_is_reread_as_digits():
    rows = list(EXTERNAL)
    rows[3] = ("ene) ตุลาคม ๒๕๖๒", {"left": 1300})
    lines = lines_of(rows)
    date_line = lines[3]
    date_line.reader = FakeReader(date_line, {"ene)": "๓๑"})
    fields, conf = extract_fields(lines, today=TODAY)
    assert fields["document_date"] == "2019-10-31"
    assert conf["document_date"] < 0.9  # a repair lowers the confidence


def test_implausible_year_is_repaired():
    # ๒๕๒๒ (1979) is far from the other years of the letter (2567): re-read it
    rows = list(EXTERNAL)
    rows[3] = ("๒๙ สิงหาคม ๒๕๒๒", {"left": 1300})
    lines = lines_of(rows)
    lines[3].reader = FakeReader(lines[3], {"๒๕๒๒": "๒๕๖๗"})
    fields, _ = extract_fields(lines, today=TODAY)
    assert fields["document_date"] == "2024-08-29"


def test_implausible_year_without_reader_uses_digit_confusions():
    rows = list(EXTERNAL)
    rows[3] = ("๒๙ สิงหาคม ๒๕๒๗", {"left": 1300})  # ๖ read as ๒
    fields, conf = extract_fields(lines_of(rows), today=TODAY)
    assert fields["document_date"] == "2024-08-29"
    assert conf["document_date"] < 0.5


@pytest.mark.parametrize(
    "rows, kind",
    [
        (["คำสั่งกรมการปกครอง", "ที่ ๑๒๓/๒๕๖๗", "เรื่อง แต่งตั้งคณะทำงาน"], "directive"),
        (["ระเบียบกระทรวงมหาดไทย", "ว่าด้วยการจัดเก็บเอกสาร", "พ.ศ. ๒๕๖๗"], "directive"),
        (["ประกาศจังหวัดเชียงใหม่", "เรื่อง รับสมัครพนักงานราชการ"], "announcement"),
        (["เรื่อง ขอความเป็นธรรมกรณีถูกเลิกจ้าง", "เรียน ผู้ว่าราชการจังหวัด",
          "ข้าพเจ้า นายสมปอง ใจงาม ขอร้องเรียนว่า", "ขอแสดงความนับถือ", "(นายสมปอง ใจงาม)"],
         "complaint"),
        (["ที่ ชม ๐๐๑๗/ว ๑๒", "ถึง สำนักงานเขตทุกเขต", "ด้วยจังหวัดขอส่งสำเนาประกาศ",
          "ศาลากลางจังหวัดเชียงใหม่"], "stamped"),
        (["รายงานการประชุมคณะกรรมการ", "ครั้งที่ ๑/๒๕๖๗"], "record"),
    ],
)
def test_document_types(rows, kind):
    fields, _ = extract_fields(lines_of(rows), today=TODAY)
    assert fields["document_type"] == kind


def test_external_letter_with_complaint_subject_is_not_a_complaint():
    rows = list(EXTERNAL)
    rows[4] = "เรื่อง ระบบรับเรื่องร้องเรียนร้องทุกข์ของศูนย์ดำรงธรรม"
    fields, _ = extract_fields(lines_of(rows), today=TODAY)
    assert fields["document_type"] == "external"


# -- generalisation fixes (rendered-letter failures) -------------------------------------

P_MEMO = [
    ("บันทึกข้อความ", {"left": 900, "height": 120}),
    "ส่วนราชการ ศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร Ins. ๐ ๒๖๕๙ ๖๑๒๓",
    "ที่ พม ๐๒๐๑/ว ๗๘ วันที่ ๒ มกราคม ๒๕๖๘",
    "เรื่อง รายงานผลการดำเนินงานเรืองร้องเรียนร้องทุก ข์",
    "1เรียนผู้อำนวยการกองกลาง",
    "ตามที่ ศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร ได้ดำเนินการเรื่อง",
    "ดังกล่าวมาแล้วนั้น จึงเรียนมาเพื่อโปรดทราบ",
    ("(นายสมชาย ศรีสวัสดิ)", {"left": 1150}),
    ("ผู้อ้านวยการศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร", {"left": 1000}),
]


def test_addressee_label_with_junk_ends_the_subject_and_marks_are_repaired():
    fields, _ = extract_fields(lines_of(P_MEMO), today=TODAY)
    # "1เรียน…" is the addressee line, not a continuation of the subject; เรือง (a rare
    # word) becomes the common เรื่อง; the space OCR put inside ทุกข์ goes
    assert fields["subject"] == "รายงานผลการดำเนินงานเรื่องร้องเรียนร้องทุกข์"
    assert fields["addressee"] == "ผู้อำนวยการกองกลาง"
    assert fields["issuing_office"] == "ศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร"  # phone cut
    assert fields["signer_name"] == "นายสมชาย ศรีสวัสดิ์"       # a dropped mark restored
    assert fields["signer_position"] == "ผู้อำนวยการศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร"


@pytest.mark.parametrize("nxt", ["๑. ตรวจสอบการยื่นคำร้องผ่านระบบเป็นประจำทุกวัน",
                                 "ตามที่ ศูนย์เทคโนโลยีสารสนเทศได้ดำเนินการ"])
def test_subject_does_not_run_into_a_numbered_item_or_the_body(nxt):
    rows = [r for r in MEMO if not (isinstance(r, str) and r.startswith(("เรียน", "ประมาณ")))]
    k = next(i for i, r in enumerate(rows) if isinstance(r, str) and r.startswith("เรื่อง"))
    rows[k] = "เรื่อง เปิดระบบการยื่นคำร้องขอรับการสงเคราะห์"
    rows.insert(k + 1, nxt)
    fields, _ = extract_fields(lines_of(rows), today=TODAY)
    assert fields["subject"] == "เปิดระบบการยื่นคำร้องขอรับการสงเคราะห์"


def test_label_tolerates_mark_errors_and_junk():
    from ocr.labels import _label_rest, _which_label

    assert _label_rest("เรืยนผู้อำนวยการ", "เรียน") == "ผู้อำนวยการ"
    assert _label_rest("l เรียน ผู้อำนวยการ", "เรียน").strip() == "ผู้อำนวยการ"
    assert _which_label("เรียบ ผู้อำนวยการ") == "addressee"
    assert _which_label("เรือง ขอเชิญประชุม") == "subject"
    assert _which_label("เรียบร้อยแล้ว") is None


def test_extra_zero_in_unit_code_is_dropped():
    rows = list(EXTERNAL)
    rows[0] = "ที่ กค๐๐๔๐๕.๘/๘๐๘"
    fields, _ = extract_fields(lines_of(rows), today=TODAY)
    assert canonical_number(fields["document_number"]) == "กค04058/808"


def test_letter_misread_in_running_number_is_reread_as_digits():
    rows = list(MEMO)
    rows[2] = "ที่ พม ๐๒๐๑/ว ๕ฒ วันที่ ๓ มกราคม ๒๕๖๘"
    lines = lines_of(rows)
    lines[2].reader = FakeReader(lines[2], {"๕ฒ": "๙๙"})
    fields, _ = extract_fields(lines, today=TODAY)
    assert canonical_number(fields["document_number"]) == "พม0201/ว99"


@pytest.mark.parametrize("text, iso", [("๕ ก.ุค. ๒๕๖๘", "2025-07-05"), ("๒๑ กุค๒๕๖๗", "2024-07-21"),
                                       ("๕ กุย. ๒๕๖๓", "2020-09-05")])
def test_abbreviated_month_with_dots_read_as_marks(text, iso):
    rows = list(EXTERNAL)
    rows[3] = (text, {"left": 1300})
    fields, _ = extract_fields(lines_of(rows), today=TODAY)
    assert fields["document_date"] == iso


def test_garbled_number_line_is_not_the_issuing_office():
    rows = list(EXTERNAL)
    rows[0] = "NUS ๐๕๐๕.๕/๓๒๐"
    rows[1] = "อ ศาลากลางจังหวัดเชียงใหม่"
    fields, _ = extract_fields(lines_of(rows), today=TODAY)
    assert fields["issuing_office"] == "ศาลากลางจังหวัดเชียงใหม่"


# --------------------------------------------------------------------------- marks in any ink (issue 16)


def _line(text, *, top, left, height=70, source="ocr", gap=None):
    """A line whose words stand ``gap`` px apart (default: a normal space)."""
    from ocr.fields import Word

    words, x = [], left
    for w in text.split():
        width = 28 * len(w)
        words.append(Word(w, (x, top, x + width, top + height), 0.9))
        x += width + (gap if gap is not None else 20)
    return Line.from_words(words, source=source)


def test_black_marks_of_body_size_count_by_where_they_stand():
    """A word processor prints the marks in black, often no bigger than the text."""
    marks = [_line("ด่วนมาก", top=110, left=360), _line("- ลับ -", top=110, left=1150),
             _line("- ลับ -", top=3330, left=1150)]
    fields, conf, review = review_fields(marks + lines_of(MEMO), today=TODAY)
    assert (fields["urgency"], fields["secrecy"]) == ("very_urgent", "confidential")
    assert review == [] and conf["secrecy"] > 0.6


def test_a_mark_and_other_ink_read_as_one_line_are_told_apart():
    """OCR joins the urgency at the left margin and the secrecy at the centre."""
    top = _line("ด่วนที่สุด ลับมาก", top=110, left=360, gap=300)
    fields, _conf, _review = review_fields([top, _line("ลับมาก", top=3330, left=1150)] + lines_of(MEMO),
                                           today=TODAY)
    assert (fields["urgency"], fields["secrecy"]) == ("most_urgent", "secret")


def test_a_secrecy_mark_seen_once_is_suggested_and_sent_to_a_person():
    """Secrecy errs on the side of caution: a mark found at the top only is still the
    suggestion, and a person must check it."""
    fields, _conf, review = review_fields([_line("ลับ", top=110, left=1150)] + lines_of(MEMO), today=TODAY)
    assert fields["secrecy"] == "confidential" and review == ["secrecy"]


def test_two_secrecy_classes_suggest_the_higher_and_ask_a_person():
    marks = [_line("ลับ", top=110, left=1150), _line("ลับมาก", top=3330, left=1150)]
    fields, _conf, review = review_fields(marks + lines_of(MEMO), today=TODAY)
    assert fields["secrecy"] == "secret" and "secrecy" in review


def test_a_mark_quoted_in_a_sentence_near_the_top_is_not_a_mark():
    quoted = _line("อ้างถึง หนังสือจังหวัดราชบุรี ด่วนที่สุด ที่ รบ ๐๐๑๘/ว ๒๔๗๗๑", top=400, left=360)
    fields, _conf, review = review_fields([quoted] + lines_of(MEMO), today=TODAY)
    assert (fields["urgency"], fields["secrecy"], review) == ("normal", "unclassified", [])


def test_a_band_reread_mark_counts_and_never_joins_the_text():
    marks = [_line("ลับที่สุด", top=110, left=1100, source="mark"), _line("ลับที่สุด", top=3330, left=1100, source="mark")]
    fields, _conf, _review = review_fields(marks + lines_of(MEMO), today=TODAY)
    assert fields["secrecy"] == "top_secret"
    assert "ลับ" not in (fields["subject"] or "") and "ลับ" not in (fields["addressee"] or "")


@pytest.mark.parametrize("text, secrecy", [("คลับทีสุด", "top_secret"), ("ลับทีสุด", "top_secret"),
                                           ("สับมาก", "secret"), ("ความลับ", None)])
def test_a_mark_with_one_letter_of_noise_is_still_read(text, secrecy):
    s = classify_secrecy(text)
    assert (s[0] if s else None) == secrecy
