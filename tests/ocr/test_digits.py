"""Tests of ocr.digits: segmentation, the glyph classifier and digit re-reading.

Inputs are rendered with ocr.render (no corpus files, no Django).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ocr import digits as D
from ocr.render import render_line

ROOT = Path(__file__).resolve().parents[2]


def crop(text: str, **kw) -> np.ndarray:
    """A rendered word/line crop as a 2-D uint8 array."""
    return np.asarray(render_line(text, **kw))


def test_model_file_is_plain_small_npz():
    assert D.MODEL_PATH.stat().st_size < 5_000_000
    with np.load(D.MODEL_PATH, allow_pickle=False) as z:
        assert z["W0"].shape[0] == D.N_FEATURES
    model = D.load_model()
    assert set(D.THAI_DIGITS) <= set(model.classes) and D.OTHER in model.classes


def test_no_django_import():
    code = "import sys, ocr.digits, ocr.render; assert 'django' not in sys.modules"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env)


def test_segment_glyphs_left_to_right_marks_merged():
    img = crop("ที่ ๒๕๖๒")
    boxes = D.segment_glyphs(img)
    assert len(boxes) == 5  # ที่ (consonant + vowel + tone mark) and four digits
    xs = [b[0] for b in boxes]
    assert xs == sorted(xs)
    H, W = img.shape
    assert all(0 <= x and 0 <= y and x + w <= W and y + h <= H for x, y, w, h in boxes)


@pytest.mark.parametrize("font", ["Laksaman", "Loma", "Norasi", "Waree"])
@pytest.mark.parametrize("noise", [False, True])
def test_read_number_reads_a_rendered_number_exactly(font, noise):
    text, conf = D.read_number(crop("๒๗๒๕๘", font=font, noise=noise, seed=2))
    assert text == "๒๗๒๕๘"
    assert conf >= 0.6


def test_read_number_separators_spaces_and_arabic():
    assert D.read_number(crop("๐๐๑๘/๒๗๒๕๘"))[0] == "๐๐๑๘/๒๗๒๕๘"
    assert D.read_number(crop("๐-๒๑๔๑-๔๘๘๓"))[0] == "๐-๒๑๔๑-๔๘๘๓"
    assert D.read_number(crop("๐๘ ๗๙๗๗ ๑๔๑๔"))[0] == "๐๘ ๗๙๗๗ ๑๔๑๔"
    assert D.read_number(crop("2019", font="Loma"))[0] == "2019"


def test_read_number_on_letters_finds_no_number():
    text, conf = D.read_number(crop("ตุลาคม"))
    assert text == "" or conf < 0.6


def test_classify_digit_and_letter():
    assert D.classify(crop("๘")) [0] == "๘"
    label, prob = D.classify(crop("ด"))
    assert label == D.OTHER and prob > 0.5
    assert D.classify(np.full((20, 20), 255, np.uint8)) == (D.OTHER, 0.0)


def test_reread_digits_fixes_tesseracts_digits():
    img = crop("รบ ๐๐๑๘/๒๗๒๕๘", noise=True, seed=4)
    text, conf = D.reread_digits(img, "รบ ๐๐๑๕/๒๓๒๕๕")  # stock Tesseract's reading
    assert text == "รบ ๐๐๑๘/๒๗๒๕๘"
    assert conf >= 0.6


def test_reread_digits_date_year():
    text, _ = D.reread_digits(crop("๓๑ ตุลาคม ๒๕๖๒"), "๓๑ ตุลาคม ๒๕๒๒")
    assert text == "๓๑ ตุลาคม ๒๕๖๒"


def test_reread_digits_never_turns_letters_into_digits():
    for word in ("ตุลาคม", "ที่", "อำเภอ", "ด่วนที่สุด"):
        assert D.reread_digits(crop(word), word) == (word, 1.0)
    # letters of the text stay letters even next to digits
    text, _ = D.reread_digits(crop("ยธ ๐๓๐๓/ว ๑๐๐"), "ยธ ๐๓๐๓/ว ๑๐๐")
    assert text == "ยธ ๐๓๐๓/ว ๑๐๐"


def test_reread_digits_unaligned_text_is_returned_unchanged():
    assert D.reread_digits(crop("๒๕๖๒"), "๒๕") == ("๒๕", 0.0)
    assert D.reread_digits(crop("๒๕๖๒"), "๒๕๒๐๕") == ("๒๕๒๐๕", 0.0)


def test_reread_digits_keeps_arabic_script_and_garbage_rule():
    assert D.reread_digits(crop("2019", font="Loma"), "2079")[0] == "2019"
    # Tesseract garbage for a day number ("ene)") is replaced by the number read
    assert D.reread_digits(crop("๓๑"), "ene)")[0] == "๓๑"
    # a real Latin word stays
    assert D.reread_digits(crop("DOPA", font="Loma"), "DOPA")[0] == "DOPA"


def _fake_tesseract(img: np.ndarray, words: list[str]) -> dict:
    """image_to_data-like dict: one line, one word per glyph box (like Thai output)."""
    boxes = D.segment_glyphs(img)
    assert len(boxes) == len(words), (len(boxes), words)
    data: dict[str, list] = {k: [] for k in ("level", "page_num", "block_num", "par_num", "line_num",
                                             "word_num", "left", "top", "width", "height", "conf", "text")}

    def add(level, n, box, text):
        for k, v in zip(("level", "page_num", "block_num", "par_num", "line_num", "word_num"),
                        (level, 1, 1, 1, 1, n)):
            data[k].append(v)
        for k, v in zip(("left", "top", "width", "height"), box):
            data[k].append(v)
        data["conf"].append(90)
        data["text"].append(text)

    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[0] + b[2] for b in boxes), max(b[1] + b[3] for b in boxes)
    add(4, 0, (x0, y0, x1 - x0, y1 - y0), "")
    for n, (b, w) in enumerate(zip(boxes, words), 1):
        add(5, n, b, w)
    return data


def test_reread_tesseract_data_per_character_words_and_split_digit():
    img = crop("ที่ ๒๕๖๕", noise=True, seed=7)
    # Tesseract-like words: glyph by glyph, with ๖ read as two digits "๒๐"
    words = ["ที่", "๒", "๕", "๒๐", "๕"]
    data = _fake_tesseract(img, words)
    texts, confs = D.reread_tesseract_data(img, data)
    assert "".join(texts) == "ที่๒๕๖๕"
    assert texts[0] == "" and texts[1] == "ที่" and confs[1] == 1.0  # non-digit words untouched
    assert min(c for t, c in zip(texts, confs) if t and t[0] in D.THAI_DIGITS) >= 0.9


def test_reread_tesseract_data_equal_counts():
    img = crop("ที่ รบ ๐๐๑๘/๒๗๒๕๘")
    words = ["ที่", "ร", "บ", "๐", "๐", "๑", "๕", "/", "๒", "๓", "๒", "๕", "๕"]
    if len(D.segment_glyphs(img)) != len(words):
        pytest.skip("segmentation differs from the assumed glyphs")
    texts, _ = D.reread_tesseract_data(img, _fake_tesseract(img, words))
    assert "".join(texts) == "ที่รบ๐๐๑๘/๒๗๒๕๘"
