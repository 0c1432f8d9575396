"""Tests of ocr.render: A4 layout, formats, stamps, determinism, Thai readability.

No Django and no files outside the repository: every input is rendered here, outputs
go to pytest's tmp_path.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from PIL import Image

from ocr.render import (
    MEMO_TITLE,
    load_font,
    render_letter,
    render_letter_pages,
    render_line,
    wrap_line,
)

LETTER = """ที่ รบ ๐๐๑๘/๒๗๒๕๘

ศาลากลางจังหวัดราชบุรี
ถนนอำเภอ รบ ๗๐๐๐๐

๓๑ ตุลาคม ๒๕๖๒

เรื่อง ระบบรับเรื่องร้องเรียนร้องทุกข์ของศูนย์ดำรงธรรมอำเภอ

เรียน นายอำเภอ ทุกอำเภอ

ตามที่จังหวัดแจ้งว่า กรมการปกครองได้จัดทำโครงการสนับสนุนการขับเคลื่อนภารกิจศูนย์ดำรงธรรมอำเภอเชิงรุก และให้อำเภอแจ้งรายชื่อเจ้าหน้าที่ผู้รับผิดชอบงานศูนย์ดำรงธรรม นั้น
"""

DPI = 100  # small pages keep the tests fast; A4 at 100 dpi is 827 x 1169 px


def _ink_bbox(img: Image.Image, thr: int = 128):
    a = np.asarray(img.convert("L"))
    ys, xs = np.where(a < thr)
    return xs.min(), ys.min(), xs.max(), ys.max()


def test_a4_page_size_mode_and_margins():
    (page,) = render_letter_pages(LETTER, dpi=DPI, noise=False)
    assert page.size == (827, 1169)
    assert page.mode == "L"
    x0, y0, x1, y1 = _ink_bbox(page)
    cm = DPI / 2.54
    assert abs(x0 - 3.0 * cm) < 0.3 * cm  # left margin 3 cm
    assert x1 <= page.size[0] - 2.0 * cm + 2  # right margin 2 cm
    assert y0 >= 2.5 * cm - 0.5 * cm  # top margin 2.5 cm (marks may rise a little)


def test_wrap_line_fits_and_keeps_the_text():
    font = load_font("Laksaman", 67)
    para = LETTER.strip().splitlines()[-1]
    lines = wrap_line(para, font, 1500)
    assert len(lines) >= 2
    assert all(font.getlength(line) <= 1500 for line in lines)
    assert "".join(lines).replace(" ", "") == para.replace(" ", "")


def test_long_text_makes_several_pages_and_pdf_has_them(tmp_path):
    text = "\n".join([LETTER] * 6)
    pages = render_letter_pages(text, dpi=DPI, noise=False)
    assert len(pages) >= 2
    out = render_letter(text, tmp_path / "long.pdf", dpi=DPI, noise=False)
    assert out.exists() and out.read_bytes()[:5] == b"%PDF-"
    from pypdf import PdfReader

    reader = PdfReader(str(out))
    assert len(reader.pages) == len(pages)
    w, h = (float(v) for v in reader.pages[0].mediabox[2:])
    assert abs(w - 595.3) < 2 and abs(h - 841.9) < 2  # A4 in points
    assert not (reader.pages[0].extract_text() or "").strip()  # image only, no text layer


def test_formats_png_jpeg_tiff_and_fmt(tmp_path):
    text = "\n".join([LETTER] * 6)
    png = render_letter(text, tmp_path / "a.png", dpi=DPI, noise=False)
    assert Image.open(png).size == (827, 1169)
    jpg = render_letter(text, tmp_path / "a.jpg", dpi=DPI)
    assert Image.open(jpg).format == "JPEG"
    tif = render_letter(text, tmp_path / "a.tiff", dpi=DPI, noise=False)
    n_pages = len(render_letter_pages(text, dpi=DPI, noise=False))
    assert Image.open(tif).n_frames == n_pages >= 2
    odd = render_letter(LETTER, tmp_path / "scan.bin", dpi=DPI, fmt="pdf")
    assert odd.read_bytes()[:5] == b"%PDF-"
    with pytest.raises(ValueError):
        render_letter(LETTER, tmp_path / "a.docx", dpi=DPI)


def test_memo_title_is_bold_large_and_centred():
    (page,) = render_letter_pages(MEMO_TITLE + "\n\nส่วนราชการ กองพัฒนาการคุมประพฤติ", dpi=DPI, noise=False)
    a = np.asarray(page) < 128
    rows = np.where(a.any(axis=1))[0]
    # the title: the ink within one 29-pt line height of the first inked row
    title_px = 29 * DPI / 72
    title = a[rows[0]:int(rows[0] + 1.1 * title_px)]
    body = a[int(rows[0] + 1.3 * title_px):]
    body_rows = np.where(body.any(axis=1))[0]
    xs = np.where(title.any(axis=0))[0]
    centre = (xs.min() + xs.max()) / 2
    assert abs(centre - page.size[0] / 2) < 0.02 * page.size[0]
    title_rows = np.where(title.any(axis=1))[0]
    assert title_rows.max() - title_rows.min() > 0.6 * title_px  # 29 pt tall
    assert body_rows.size and np.where(body.any(axis=0))[0].min() < xs.min()  # body starts left of it
    # bold: thicker strokes than the body text (ink per inked column)
    line = body[body_rows[0]: body_rows[0] + int(1.2 * 16 * DPI / 72)]
    assert title.sum() / title.any(axis=0).sum() > 1.5 * line.sum() / line.any(axis=0).sum()


def test_stamps_are_red_at_top_left_and_top_bottom_centre():
    (page,) = render_letter_pages(LETTER, dpi=DPI, noise=True, stamps=["ด่วนที่สุด", "ลับ"])
    assert page.mode == "RGB"
    a = np.asarray(page).astype(int)
    red = (a[..., 0] > 150) & (a[..., 1] < 110) & (a[..., 2] < 110)
    H, W = red.shape
    top, bottom = red[: int(0.1 * H)], red[int(0.92 * H):]
    assert top[:, : W // 3].sum() > 200  # urgency, top-left
    assert top[:, int(0.4 * W): int(0.6 * W)].sum() > 50  # secrecy, top centre
    assert bottom[:, int(0.4 * W): int(0.6 * W)].sum() > 50  # secrecy, bottom centre
    # ≥ 32 pt: the urgency word is at least as tall as 32 pt Thai capitals
    ys = np.where(top[:, : W // 3].any(axis=1))[0]
    assert ys.max() - ys.min() > 0.5 * 32 * DPI / 72


def test_noise_is_deterministic_and_grey():
    a = np.asarray(render_letter_pages(LETTER, dpi=DPI, seed=5)[0])
    b = np.asarray(render_letter_pages(LETTER, dpi=DPI, seed=5)[0])
    c = np.asarray(render_letter_pages(LETTER, dpi=DPI, seed=6)[0])
    clean = np.asarray(render_letter_pages(LETTER, dpi=DPI, noise=False)[0])
    assert a.ndim == 2
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    assert not np.array_equal(a, clean)


def test_render_line_is_a_tight_crop():
    im = render_line("๒๗๒๕๘", dpi=300)
    assert im.mode == "L"
    assert 60 < im.size[1] < 200  # about the text height plus a margin
    with pytest.raises(ValueError):
        render_line("  ")


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_tesseract_reads_the_rendered_thai():
    pytesseract = pytest.importorskip("pytesseract")
    im = render_line("เรื่อง ระบบรับเรื่องร้องเรียนร้องทุกข์", dpi=300, noise=True, seed=1)
    text = pytesseract.image_to_string(im, lang="tha", config="--psm 7").replace(" ", "")
    assert "ระบบ" in text and "ร้องเรียน" in text
