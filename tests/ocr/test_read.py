"""End to end: ocr.read and ``python -m ocr`` on letters rendered by ocr.render."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import ocr
from ocr.render import render_letter
from ocr.thai import canonical_number

pytestmark = pytest.mark.slow

MEMO = """บันทึกข้อความ

ส่วนราชการ กองบริหารงานทั่วไป กลุ่มงานสารบรรณ โทร. ๐ ๒๒๒๑ ๔๕๖๗

ที่ มท ๐๒๑๙/ว ๓๗๘๔ วันที่ ๑๖ มิถุนายน ๒๕๖๘

เรื่อง ขอความร่วมมือตอบแบบสำรวจความพึงพอใจของผู้รับบริการ

เรียน ผู้อำนวยการกองทุกกอง

ด้วยกองบริหารงานทั่วไปได้จัดทำแบบสำรวจความพึงพอใจของผู้รับบริการ เพื่อนำผลไปปรับปรุงการให้บริการ จึงขอความร่วมมือจากหน่วยงานของท่านในการตอบแบบสำรวจภายในเวลาที่กำหนด

จึงเรียนมาเพื่อโปรดทราบและพิจารณาดำเนินการต่อไป


(นายประเสริฐ ทองคำ)
ผู้อำนวยการกองบริหารงานทั่วไป
"""

EXTERNAL = """ที่ ขก ๐๐๑๗.๓/๑๘๔๗๐

ศาลากลางจังหวัดขอนแก่น
ถนนศรีจันทร์ ขก ๔๐๐๐๐

๒๓ กรกฎาคม ๒๕๖๔

เรื่อง การจัดประชุมคณะกรรมการพัฒนาระบบราชการ

เรียน นายอำเภอ ทุกอำเภอ

อ้างถึง หนังสือจังหวัดขอนแก่น ด่วนที่สุด ที่ ขก ๐๐๑๗.๓/ว ๙๒๑ ลงวันที่ ๑ กรกฎาคม ๒๕๖๔

ด้วยจังหวัดขอนแก่นกำหนดจัดประชุมคณะกรรมการพัฒนาระบบราชการ เพื่อพิจารณาแนวทางการพัฒนาการให้บริการประชาชน จึงขอให้อำเภอแจ้งผู้เกี่ยวข้องเข้าร่วมประชุมตามวันและเวลาดังกล่าว

จึงเรียนมาเพื่อโปรดทราบ

ขอแสดงความนับถือ


(นายวิชัย แก้วมณี)
รองผู้ว่าราชการจังหวัด ปฏิบัติราชการแทน
ผู้ว่าราชการจังหวัดขอนแก่น
"""


@pytest.fixture(scope="module")
def memo_pdf(tmp_path_factory) -> Path:
    return render_letter(MEMO, tmp_path_factory.mktemp("read") / "memo.pdf", seed=3,
                         stamps=("ด่วนมาก",))


def test_read_memo_pdf(memo_pdf):
    calls = []
    reading = ocr.read(memo_pdf, progress=lambda done, total: calls.append((done, total)))
    f = reading.fields
    assert canonical_number(f["document_number"]) == "มท0219/ว3784"
    assert f["document_date"] == "2025-06-16"
    assert f["subject"].replace(" ", "") == "ขอความร่วมมือตอบแบบสำรวจความพึงพอใจของผู้รับบริการ"
    assert f["addressee"] == "ผู้อำนวยการกองทุกกอง"
    assert f["document_type"] == "internal"
    assert f["urgency"] == "very_urgent"            # the red stamp
    assert f["secrecy"] == "unclassified"
    assert f["signer_name"] == "นายประเสริฐ ทองคำ"
    assert calls == [(1, 1)]
    page = reading.pages[0]
    assert page.source == "ocr" and 0.5 < page.confidence <= 1.0
    assert "แบบสำรวจ" in page.text
    # the bold title whole (its upper marks are not cut off into a line of junk), and
    # the red stamp in the text where it stands, before the title
    assert "บันทึกข้อความ" in page.text
    assert page.text.index("ด่วนมาก") < page.text.index("บันทึกข้อความ")

    # the searchable PDF: the original page with invisible text
    from pypdf import PdfReader

    pdf = PdfReader(io.BytesIO(reading.searchable_pdf))
    assert len(pdf.pages) == 1
    layer = pdf.pages[0].extract_text().replace(" ", "")
    assert "แบบส" in layer
    # searchable as the reader's corrected text: whole words, composed sara am
    assert "แบบสำรวจความพึงพอใจ" in layer and "\u0e4d\u0e32" not in layer
    assert abs(float(pdf.pages[0].mediabox.width) - 595.3) < 2

    d = reading.to_dict()
    assert set(d) == {"text", "pages", "fields", "field_confidence", "needs_review", "confident"}
    assert d["confident"]["document_number"] is False  # numbers wait for a person
    assert d["needs_review"] == []  # a plain memo: nothing for a person to check
    assert set(d["fields"]) == set(ocr.pipeline.FIELD_NAMES) == set(d["field_confidence"])
    json.dumps(d, ensure_ascii=False)


def test_read_external_letter_tiff_pages_in_parallel(tmp_path):
    long_body = "\n\n".join([EXTERNAL.split("จึงเรียนมา")[0]] +
                            ["ทั้งนี้ ขอให้อำเภอรายงานผลการดำเนินการให้จังหวัดทราบภายในกำหนด "
                             "เพื่อจะได้รวบรวมเสนอผู้ว่าราชการจังหวัดต่อไป"] * 9 +
                            ["จึงเรียนมา" + EXTERNAL.split("จึงเรียนมา")[1]])
    path = render_letter(long_body, tmp_path / "letter.tiff", seed=5)
    calls = []
    reading = ocr.read(path, workers=2, progress=lambda d, t: calls.append((d, t)))
    assert len(reading.pages) == 2
    assert sorted(calls) == [(1, 2), (2, 2)]
    assert reading.text.count("\n\f\n") == 1
    f = reading.fields
    assert f["document_type"] == "external"
    assert canonical_number(f["document_number"]) == "ขก00173/18470"
    assert f["document_date"] == "2021-07-23"
    assert f["addressee"].replace(" ", "") == "นายอำเภอทุกอำเภอ"
    assert f["urgency"] == "normal"              # ด่วนที่สุด on the อ้างถึง line only
    assert f["references"][0]["date"] == "2021-07-01"
    assert f["signer_position"].replace(" ", "") == (
        "รองผู้ว่าราชการจังหวัดปฏิบัติราชการแทนผู้ว่าราชการจังหวัดขอนแก่น")


def test_cli_prints_json_and_writes_pdf(tmp_path):
    png = render_letter(MEMO, tmp_path / "memo.png", seed=7)
    out_pdf = tmp_path / "out.pdf"
    proc = subprocess.run([sys.executable, "-m", "ocr", str(png), "--json", "--pdf", str(out_pdf)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert d["pages"][0]["source"] == "ocr"
    assert set(d["fields"]) == set(ocr.pipeline.FIELD_NAMES)
    assert d["fields"]["document_date"] == "2025-06-16"
    assert out_pdf.read_bytes().startswith(b"%PDF-")


def test_cli_failure_is_json_with_status_1(tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    proc = subprocess.run([sys.executable, "-m", "ocr", str(empty)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 1
    assert set(json.loads(proc.stdout)) == {"error"}


def test_read_rejects_before_work(tmp_path):
    p = tmp_path / "note.pdf"
    p.write_text("not a pdf")
    with pytest.raises(ocr.InputError):
        ocr.read(p)


P_MEMO = """บันทึกข้อความ

ส่วนราชการ ศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร โทร. ๐ ๒๖๕๙ ๖๑๒๓

ที่ พม ๐๒๐๑/ว ๙๙ วันที่ ๓ มกราคม ๒๕๖๘

เรื่อง รายงานผลการดำเนินงานเรื่องร้องเรียนร้องทุกข์

เรียน ผู้อำนวยการกองกลาง

ตามที่ ศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร ได้ดำเนินการเรื่องดังกล่าวมาแล้วนั้น บัดนี้ได้ดำเนินการเสร็จเรียบร้อยแล้ว จึงขอรายงานผลการดำเนินงานมาเพื่อโปรดทราบ

จึงเรียนมาเพื่อโปรดทราบ


(นายสมชาย ใจดี)
ผู้อำนวยการศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร
"""


def test_read_memo_number_subject_addressee_generalise(tmp_path):
    # a render where OCR read ๙๙ as "๕ฒ", dropped the mai ek of เรื่อง and split ทุกข์
    pdf = render_letter(P_MEMO, tmp_path / "p.pdf", seed=2)
    f = ocr.read(pdf, workers=1, searchable_pdf=False).fields
    assert canonical_number(f["document_number"]) == "พม0201/ว99"
    assert f["document_date"] == "2025-01-03"
    assert f["subject"].replace(" ", "") == "รายงานผลการดำเนินงานเรื่องร้องเรียนร้องทุกข์"
    assert f["addressee"] == "ผู้อำนวยการกองกลาง"
    assert f["issuing_office"] == "ศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร"


def test_read_line_reads_a_rendered_line_with_thai_digits(tmp_path):
    import ocr
    from ocr.render import render_line

    path = tmp_path / "line.png"
    render_line("ที่ รบ ๐๐๑๘/๒๗๒๕๘ ลงวันที่ ๓๑ ตุลาคม ๒๕๖๒", noise=True, seed=4).save(path)
    text, confidence = ocr.read_line(path)
    assert "๐๐๑๘/๒๗๒๕๘" in text and "ตุลาคม" in text and "๒๕๖๒" in text
    assert 0 < confidence <= 1
