"""Urgency and secrecy marks found by what they are, in any ink (issue 16): red as a
rubber stamp, or black as a word processor prints them, on colour, grayscale and
black-and-white scans; a mark quoted in the text is not a mark. Letters rendered here."""

from __future__ import annotations

import pytest

import ocr
from ocr.render import render_letter

pytestmark = pytest.mark.slow

MEMO = """บันทึกข้อความ

ส่วนราชการ กองกลาง สำนักงานปลัดกระทรวง โทร. ๐ ๒๖๕๙ ๖๑๔๔

ที่ พม ๐๒๐๑/๑๒๓๔ วันที่ ๓ มีนาคม ๒๕๖๘

เรื่อง รายงานผลการตรวจสอบข้อเท็จจริง

เรียน ผู้อำนวยการกองตรวจราชการ

อ้างถึง หนังสือจังหวัดราชบุรี ด่วนที่สุด ที่ รบ ๐๐๑๘/ว ๒๔๗๗๑ ลงวันที่ ๒๕ กันยายน ๒๕๖๗

ตามหนังสือที่อ้างถึง กองกลางได้ตรวจสอบข้อเท็จจริงแล้ว จึงขอรายงานผลตามเอกสารที่แนบ

จึงเรียนมาเพื่อโปรดทราบ

(นายสมชาย ใจดี)
ผู้อำนวยการกองกลาง
"""


@pytest.mark.parametrize("ink, scan, size, marks, urgency, secrecy", [
    ("red", "colour", 34, ("ด่วนมาก", "ลับ"), "very_urgent", "confidential"),
    ("red", "gray", 34, ("ด่วนที่สุด", "ลับมาก"), "most_urgent", "secret"),
    ("black", "colour", 18, ("ด่วนมาก",), "very_urgent", "unclassified"),
    ("black", "gray", 20, ("ด่วนที่สุด", "- ลับ -"), "most_urgent", "confidential"),
    ("black", "bitonal", 16, ("ด่วน", "ลับมาก"), "urgent", "secret"),
    ("black", "bitonal", 20, ("ลับที่สุด",), "normal", "top_secret"),
])
def test_marks_in_any_ink_and_any_scan(tmp_path, ink, scan, size, marks, urgency, secrecy):
    path = render_letter(MEMO, tmp_path / "marked.pdf", stamps=marks, stamp_ink=ink, stamp_pt=size, scan=scan,
                         seed=len(marks) * 31 + size)
    reading = ocr.read(path, searchable_pdf=False, workers=1)
    assert (reading.fields["urgency"], reading.fields["secrecy"]) == (urgency, secrecy)
    assert reading.to_dict()["needs_review"] == reading.needs_review


def test_a_mark_quoted_in_the_text_is_not_a_mark(tmp_path):
    """The อ้างถึง line cites a letter "ด่วนที่สุด": this memo is neither urgent nor secret."""
    reading = ocr.read(render_letter(MEMO, tmp_path / "plain.pdf", scan="bitonal", seed=5),
                       searchable_pdf=False, workers=1)
    assert (reading.fields["urgency"], reading.fields["secrecy"], reading.needs_review) == (
        "normal", "unclassified", [])
