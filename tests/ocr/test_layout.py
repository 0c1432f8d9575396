"""Page clean-up before recognition: dotted leaders and form rules (ocr.pages)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

import ocr
from ocr.pages import remove_leaders_and_rules
from ocr.render import render_line
from ocr.thai import canonical_number

HEADER = "ที่ พม ๐๒๐๑/๑๒๓๔ วันที่ ๓ มีนาคม ๒๕๖๘"


def _form_line(text: str, *, seed: int = 0) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """A header line of a memo form: the text sitting on a dotted leader that runs on to
    the right margin, a ruled line under it. Returns the page strip and the text box."""
    line = render_line(text, seed=seed)
    page = Image.new("L", (2480, 420), 255)
    page.paste(line, (300, 100))
    draw = ImageDraw.Draw(page)
    base = 100 + line.height - 14
    for x in range(300, 2300, 13):                     # leader dots, 5 px, 13 px apart
        draw.ellipse((x, base, x + 5, base + 5), fill=0)
    draw.rectangle((200, 360, 2300, 363), fill=0)      # a table rule
    return page, (300, 100, 300 + line.width, 100 + line.height)


def test_leaders_and_rules_are_whitened_and_the_text_kept():
    page, (l, t, r, b) = _form_line(HEADER)
    gray = np.array(page)
    clean = remove_leaders_and_rules(gray)
    assert clean is not gray and (gray < 128).sum() > (clean < 128).sum()
    # the leader past the text and the rule are gone
    assert (clean[t:b + 20, r + 30:2300] < 128).sum() == 0
    assert (clean[350:375, :] < 128).sum() == 0
    # the text itself is untouched (only dots under it may go)
    assert (clean[t:b - 20, l:r] < 128).sum() >= 0.97 * (gray[t:b - 20, l:r] < 128).sum()


def test_single_periods_and_thai_marks_are_not_leaders():
    line = np.array(render_line("พ.ศ. ๒๕๖๘ ที่ปรึกษา ผู้ที่ได้รับ จ.ส.อ. น้ำ"))
    clean = remove_leaders_and_rules(line)
    assert np.array_equal(clean, line)


@pytest.mark.slow
def test_header_line_over_a_dotted_leader_is_read(tmp_path):
    page, _ = _form_line(HEADER, seed=2)
    path = tmp_path / "header.png"
    page.save(path, dpi=(300, 300))
    reading = ocr.read(path)
    text = reading.text
    assert "๐๒๐๑/๑๒๓๔" in text and "มีนาคม" in text
    assert "....." not in text and "๑๑๑๑" not in text and "๐๐๐๐" not in text
    assert canonical_number(reading.fields["document_number"]) == "พม0201/1234"
    assert reading.fields["document_date"] == "2025-03-03"


def test_correct_sara_am_is_kept_and_mojibake_lines_are_repaired():
    from ocr.pages import repair_sara_am

    def chars(s):
        return [(c, None) for c in s]

    good = "สำนักงานปลัดกระทรวง จำนวน ๑ ฉบับ\nทำการแทน"
    assert "".join(c for c, _ in repair_sara_am(chars(good))) == good
    broken = "ส ำนักงำนปลัดกระทรวง จ ำนวน ๑ ฉบับ\nท ำกำรแทน"
    assert "".join(c for c, _ in repair_sara_am(chars(broken))) == good


def test_only_unsure_words_get_their_marks_repaired():
    from ocr.fields import Line, Word
    from ocr.pipeline import _repair_low_confidence

    words = [Word("หน้าที", (0, 0, 90, 60), conf=0.5),      # unsure: ่ restored
             Word("เรืองร้องเรียน", (100, 0, 300, 60), conf=0.99),  # sure: kept
             Word("บ", (310, 0, 330, 60), conf=0.3)]          # too short to judge
    line = Line.from_words(words)
    _repair_low_confidence([line], below=0.8)
    assert line.text == "หน้าที่ เรืองร้องเรียน บ"
