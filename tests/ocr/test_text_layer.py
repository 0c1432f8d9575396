"""The per-page text-layer decision: a PDF's own text is used when it is good and
shows what the page shows; otherwise the page is OCR'd (ocr.pages, ocr.pipeline)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

import ocr
from ocr.pages import pdf_page_text
from ocr.render import render_letter, render_letter_pages
from ocr.thai import canonical_number

from .textpdf import Run, letter_runs, text_pdf

pytestmark = pytest.mark.slow

HEADER = [
    "บันทึกข้อความ",
    "ส่วนราชการ กองกลาง สำนักงานปลัดกระทรวง โทร. ๐ ๒๖๕๙ ๖๑๔๔",
    "ที่ พม ๐๒๐๑/๑๒๓๔ วันที่ ๓ มีนาคม ๒๕๖๘",
    "เรื่อง ขอความอนุเคราะห์ส่งรายชื่อผู้เข้าร่วมประชุม",
    "เรียน ผู้อำนวยการกองทุกกอง",
    "ด้วยสำนักงานปลัดกระทรวงกำหนดจัดประชุมเชิงปฏิบัติการ จึงขอความอนุเคราะห์ส่งรายชื่อ",
]


def test_born_digital_page_uses_its_text_and_drops_invisible_words(tmp_path):
    runs = letter_runs(HEADER)
    # a drafting block left in the file, drawn in white: in the layer, not on the page
    runs.append(Run("ร่าง ตรวจ พิมพ์ ทาน ร่างหนังสือลับเฉพาะ", 85, 700, rgb=(255, 255, 255)))
    path = text_pdf(tmp_path / "born.pdf", [runs])
    assert "ร่างหนังสือลับเฉพาะ" in pdf_page_text(path, 0)[0]

    reading = ocr.read(path)
    page = reading.pages[0]
    assert page.source == "text_layer"
    assert "ขอความอนุเคราะห์ส่งรายชื่อผู้เข้าร่วมประชุม" in page.text
    assert "ร่างหนังสือลับเฉพาะ" not in page.text
    f = reading.fields
    assert canonical_number(f["document_number"]) == "พม0201/1234"
    assert f["document_date"] == "2025-03-03"
    assert f["subject"] == "ขอความอนุเคราะห์ส่งรายชื่อผู้เข้าร่วมประชุม"


def test_sara_am_mojibake_of_a_broken_font_is_repaired(tmp_path):
    # what a word processor's broken ToUnicode map gives: า read as ำ, and ำ as a
    # space (the lost nikhahit) then ำ
    broken = [
        "ส่วนรำชกำร กองกลำง ส ำนักงำนปลัดกระทรวง",
        "เรื่อง ขอให้ด ำเนินกำรน ำเสนอผลงำนประจ ำปีงบประมำณ",
        "ด้วยกองกลำงขอให้หน่วยงำนน ำเสนอผลกำรด ำเนินงำนภำยในวันที่ ๑๕ สิงหำคม",
    ]
    path = text_pdf(tmp_path / "mojibake.pdf", [letter_runs(broken)])
    text, runs, _ = pdf_page_text(path, 0)
    assert "ส่วนราชการ กองกลาง สำนักงานปลัดกระทรวง" in text
    assert "ขอให้ดำเนินการนำเสนอผลงานประจำปีงบประมาณ" in text
    # the words keep their boxes: "ด ำเนิน" is one word again
    assert "ขอให้ดำเนินการนำเสนอผลงานประจำปีงบประมาณ" in [r.text for r in runs]
    reading = ocr.read(path)
    assert reading.pages[0].source == "text_layer"
    assert "หน่วยงานนำเสนอผลการดำเนินงานภายในวันที่ ๑๕ สิงหาคม" in reading.text


def _image_page_with_layer(tmp_path, text_lines: list[str], *, seed: int = 1) -> bytes:
    """One PDF page: a scanned-looking rendered memo (image) with an invisible text
    layer (render mode 3, like a scanner's OCR) saying ``text_lines``."""
    img = render_letter_pages("\n".join(HEADER), seed=seed)[0].convert("RGB")
    buf = io.BytesIO()
    img.save(buf, format="PDF", resolution=300.0)
    base = PdfReader(io.BytesIO(buf.getvalue())).pages[0]
    layer_path = text_pdf(tmp_path / f"layer{seed}.pdf",
                          [[Run(t, 85, 90 + 26 * i, invisible=True) for i, t in enumerate(text_lines)]])
    layer = PdfReader(layer_path).pages[0]
    w = PdfWriter()
    page = w.add_page(base)
    page.merge_transformed_page(layer, [float(base.mediabox.width) / 595.0, 0, 0,
                                        float(base.mediabox.height) / 842.0, 0, 0])
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def test_garbage_scanner_layer_is_not_used_page_by_page(tmp_path):
    good = text_pdf(tmp_path / "good.pdf", [letter_runs(HEADER)])
    junk = _image_page_with_layer(tmp_path, ["Uu\u0e4d ii l1l1 ~~ ||| Il nmn", "xx !! zz",
                                             "\ufffd\ufffd\ufffd\ufffd qq ww ee rr tt yy uu"])
    w = PdfWriter()
    w.append(str(good))
    w.append(io.BytesIO(junk))
    path = tmp_path / "mixed.pdf"
    with open(path, "wb") as fh:
        w.write(fh)

    reading = ocr.read(path)
    assert [p.source for p in reading.pages] == ["text_layer", "ocr"]
    second = reading.pages[1].text
    assert "l1l1" not in second and "qq" not in second
    assert "๐๒๐๑/๑๒๓๔" in second and "มีนาคม" in second


def _latin_layer_pdf(tmp_path, text: str) -> Path:
    """A scan of ``text`` with the invisible layer a scanner's OCR writes when it reads
    without Thai: Tesseract's own PDF of the page image with ``-l eng``."""
    import subprocess

    image = tmp_path / "page.png"
    render_letter_pages(text, seed=4)[0].save(image, dpi=(300, 300))
    subprocess.run(["tesseract", str(image), str(tmp_path / "latin"), "-l", "eng", "pdf"], check=True,
                   capture_output=True, timeout=300)
    return tmp_path / "latin.pdf"


def test_a_latin_layer_over_thai_ink_is_refused_and_the_page_read(tmp_path):
    """Issue 16: a page whose scanner OCR'd it without Thai carries Latin gibberish
    (``NasWaUrNsAUUsENgA``) that scored like English; the ink is read instead."""
    path = _latin_layer_pdf(tmp_path, "\n".join(HEADER))
    layer, _runs, _rotation = pdf_page_text(path, 0)
    assert sum(c.isascii() and c.isalpha() for c in layer) > 100  # the gibberish is there
    page = ocr.read(path, searchable_pdf=False, workers=1).pages[0]
    assert page.source == "ocr"
    latin = sum(c.isascii() and c.isalpha() for c in page.text)
    thai = sum("\u0e01" <= c <= "\u0e4e" for c in page.text)
    assert thai > 10 * latin
    assert "ขอความอนุเคราะห์ส่งรายชื่อผู้เข้าร่วมประชุม" in page.text.replace(" ", "")


def test_an_english_page_keeps_its_layer(tmp_path):
    lines = ["Ministry of Social Development and Human Security", "Subject: Invitation to the meeting",
             "Dear Director, the Office will hold a workshop on electronic correspondence on",
             "15 December 2026 in Meeting Room 5. Please confirm your attendance by e-mail."]
    path = text_pdf(tmp_path / "english.pdf", [letter_runs(lines)])
    page = ocr.read(path, searchable_pdf=False, workers=1).pages[0]
    assert page.source == "text_layer" and "Invitation to the meeting" in page.text


def test_a_layer_in_a_legacy_thai_encoding_is_decoded(tmp_path):
    """A font of before Unicode (TIS-620 codes, no Unicode map) extracts as Latin-1:
    "¡ÃÁ¡ÒÃ»¡¤Ãͧ" for "กรมการปกครอง". Its bytes are decoded back to Thai."""
    legacy = [line.encode("tis-620").decode("latin-1") for line in HEADER]
    assert legacy[3].startswith("àÃ×èÍ§")
    path = text_pdf(tmp_path / "legacy.pdf", [[Run(t, 85, 90 + 26 * i, size=12, standard_font="Helvetica")
                                               for i, t in enumerate(legacy)]])
    page = ocr.read(path, searchable_pdf=False, workers=1).pages[0]
    assert page.source == "text_layer"
    assert "เรื่อง ขอความอนุเคราะห์ส่งรายชื่อผู้เข้าร่วมประชุม" in page.text
    assert "๐๒๐๑/๑๒๓๔" in page.text


def test_a_scanners_layer_is_told_from_born_digital_text(tmp_path):
    from ocr.pages import pdf_layer_is_scanners

    born = text_pdf(tmp_path / "born.pdf", [letter_runs(HEADER)])
    scanned = tmp_path / "scanned.pdf"
    scanned.write_bytes(_image_page_with_layer(tmp_path, HEADER))
    image_only = render_letter("\n".join(HEADER), tmp_path / "image.pdf", seed=2)
    assert pdf_layer_is_scanners(scanned, 0)      # invisible text over a page image: OCR, read again
    assert not pdf_layer_is_scanners(born, 0)     # drawn text: the words themselves, kept
    assert not pdf_layer_is_scanners(image_only, 0)
