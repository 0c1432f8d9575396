"""ocr.thai: normalisation, digits, canonical numbers, Thai dates."""

from datetime import date

import pytest

from ocr.thai import (
    canonical_number,
    find_thai_dates,
    fold_digits,
    format_thai_date,
    match_month,
    normalize,
    parse_month,
    parse_thai_date,
    repair_marks,
    to_thai_digits,
    word_quality,
)

TODAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    "printed, canonical",
    [
        ("ยธ.๐๓๐๓/ว ๑๐๐", "ยธ0303/ว100"),
        ("ยธ ๐๓๐๓/ ก ๖", "ยธ0303/ก6"),
        ("ยธ ๐๓๐๓/ว.๑๓", "ยธ0303/ว13"),
        ("มท ๐๓๐๗.๒/ว ๒๕๕๖๒", "มท03072/ว25562"),
        ("รบ 0018/27258", "รบ0018/27258"),
        ("", ""),
    ],
)
def test_canonical_number(printed, canonical):
    assert canonical_number(printed) == canonical


def test_same_number_in_both_scripts_is_equal():
    assert canonical_number("รบ ๐๐๑๘/๒๗๒๕๘") == canonical_number("รบ 0018/27258")


def test_digits_fold_and_back():
    assert fold_digits("๐๑๒๓๔๕๖๗๘๙ ก") == "0123456789 ก"
    assert to_thai_digits("2562 ก.ค.") == "๒๕๖๒ ก.ค."


def test_normalize_sara_am_and_sara_ae():
    assert normalize("คํา") == "คำ"          # nikhahit + sara aa -> sara am
    assert normalize("น้ํา") == "น้ำ"         # tone mark kept before sara am
    assert normalize("นํ้า") == "น้ำ"
    assert normalize("เเละ") == "และ"         # two sara e -> sara ae
    assert normalize("ก\u200bข") == "กข"      # zero-width space dropped


def test_normalize_mark_order_and_split_marks():
    assert normalize("ก่ี") == "กี่"          # tone before vowel -> vowel first
    assert normalize("ตั ้ งแต่ ว ั นที ่") == "ตั้งแต่ วันที่"
    assert normalize(normalize("คํา")) == normalize("คํา")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("๓๑ ตุลาคม ๒๕๖๒", date(2019, 10, 31)),
        ("วันที่ ๒ ธันวาคม ๒๕๖๕", date(2022, 12, 2)),
        ("ลว. ๙ พ.ค. ๖๗", date(2024, 5, 9)),            # abbreviated month, 2-digit year
        ("ลงวันที่ ๑๗ ก.ย ๖๗", date(2024, 9, 17)),      # abbreviation without last dot
        ("17 ก.ย. 2567", date(2024, 9, 17)),            # Arabic digits
        ("๒๕ กันยายน พ.ศ. ๒๕๖๒", date(2019, 9, 25)),    # พ.ศ. before the year
        ("๕ มี.ค. ๖๗", date(2024, 3, 5)),
        ("๑ ม.ค. 99", date(1956, 1, 1)),                # 2599 would be in the future
        ("31 เม.ย. 2567", None),                         # April has 30 days
        ("ไม่มีวันที่", None),
    ],
)
def test_parse_thai_date(text, expected):
    assert parse_thai_date(text, today=TODAY) == expected


def test_find_thai_dates_gives_all_with_offsets():
    text = "ที่ รบ ๐๐๑๘/๒๔๗๗๑ ลงวันที่ ๒๕ กันยายน ๒๕๖๒ และ ลว. ๑ ต.ค. ๖๒"
    found = find_thai_dates(text, today=TODAY)
    assert [d for d, _, _ in found] == [date(2019, 9, 25), date(2019, 10, 1)]
    s, e = found[0][1], found[0][2]
    assert text[s:e] == "๒๕ กันยายน ๒๕๖๒"


def test_format_thai_date():
    d = date(2019, 10, 31)
    assert format_thai_date(d) == "๓๑ ตุลาคม ๒๕๖๒"
    assert format_thai_date(d, thai_digits=False) == "31 ตุลาคม 2562"
    assert format_thai_date(d, abbreviated=True) == "๓๑ ต.ค. ๒๕๖๒"
    assert parse_thai_date(format_thai_date(d, abbreviated=True), today=TODAY) == d


def test_match_month_tolerates_ocr_slips_in_full_names_only():
    assert match_month("ธันวาคม") == 12
    assert match_month("ธันวาดม") == 12
    assert match_month("ก.ย") == 9
    assert match_month("ก.ศ.") is None
    assert match_month("เรียน") is None


def test_word_quality_flags_mojibake():
    good = "คณะกรรมการจัดการความรู้ของหน่วยงานขอแจ้งผลการนำเสนอ"
    bad = good.replace("า", "ำ")
    assert word_quality(good) > 0.9
    assert word_quality(bad) < word_quality(good)


def test_repair_marks_restores_one_dropped_mark():
    assert repair_marks("กรมส่งเสริมการปกครองท้องถิน") == "กรมส่งเสริมการปกครองท้องถิ่น"
    assert repair_marks("ประจำปิงบประมาณ") == "ประจำปีงบประมาณ"
    assert repair_marks("นายอำเภอ ทุกอำเภอ") == "นายอำเภอ ทุกอำเภอ"


def test_normalize_turns_control_characters_into_spaces():
    assert normalize("ก\x00ข\x1fค\nง\tจ") == "ก ข ค\nง\tจ"


def test_a_typed_month_in_either_era_and_either_digits():
    november = date(2026, 11, 1)
    assert parse_month("2569-11") == parse_month("๒๕๖๙-๑๑") == parse_month("2026-11") == november
    assert parse_month("11/2569") == parse_month(" 11/2026 ") == november
    for wrong in ("", None, "2569-13", "2569-0", "1483-11", "พ.ย. 2569", "2569-11-05"):
        assert parse_month(wrong) is None, wrong
