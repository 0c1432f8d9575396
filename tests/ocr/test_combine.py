"""Combining Tesseract's reading of a line with the recogniser's (ocr.combine)."""

from __future__ import annotations

from ocr.combine import combine, combine_words


def sure(text: str, p: float = 0.99) -> list[float]:
    return [p] * len(text)


def test_digits_come_from_the_recogniser_when_it_is_sure():
    got = combine("ที่ ๐๕ใ๒๕/๒๕๒ว๓", "ที่ ๐๔๒๘/๒๕๖๓", sure("ที่ ๐๔๒๘/๒๕๖๓"))
    assert got.text == "ที่ ๐๔๒๘/๒๕๖๓" and got.taken >= 1
    # an unsure recogniser leaves Tesseract's digits
    assert combine("ที่ ๐๕๒๘", "ที่ ๐๔๒๘", sure("ที่ ๐๔๒๘", 0.4)).text == "ที่ ๐๕๒๘"


def test_an_extra_digit_is_dropped_but_never_the_first_of_a_number():
    assert combine("กันยายน ๒๕๖๓๑ จึง", "กันยายน ๒๕๖๓ จึง", sure("กันยายน ๒๕๖๓ จึง")).text == "กันยายน ๒๕๖๓ จึง"
    assert combine("กห ๐๓๑๒/๒๒๕๙", "กห ๓๑๒/๒๒๕๙", sure("กห ๓๑๒/๒๒๕๙")).text == "กห ๐๓๑๒/๒๒๕๙"


def test_letters_go_to_the_reading_that_makes_dictionary_words():
    # the recogniser's ศึกษา is a word, Tesseract's ศีกษา is not
    assert combine("ปีการศีกษา", "ปีการศึกษา", sure("ปีการศึกษา", 0.6)).text == "ปีการศึกษา"
    # and the other way round: Tesseract's right word stays, however sure the recogniser is
    assert combine("ระดับชั้นมัธยม", "ระดับขันมัธยม", sure("ระดับขันมัธยม", 0.99)).text == "ระดับชั้นมัธยม"


def test_words_keep_their_own_text_back_with_the_combined_characters():
    words, taken, spans = combine_words(["ที่", "๐๕ใ๒๕", "/", "๒๕๒ว๓"], "ที่ ๐๔๒๘/๒๕๖๓", sure("ที่ ๐๔๒๘/๒๕๖๓"))
    assert len(words) == 4 and words[0] == "ที่" and "".join(words) == "ที่๐๔๒๘/๒๕๖๓"
    assert taken >= 1 and spans >= taken
    # nothing from the recogniser: the words as Tesseract read them
    assert combine_words(["เรื่อง", "ทดสอบ"], "", []) == (["เรื่อง", "ทดสอบ"], 0, 0)
    # a word Tesseract read twice comes back empty, for the caller to drop
    words, _, _ = combine_words(["เรียน", "ผู้", "ผู้อำนวยการ"], "เรียน ผู้อำนวยการ", sure("เรียน ผู้อำนวยการ", 0.8))
    assert words == ["เรียน", "", "ผู้อำนวยการ"]


def test_digits_both_readers_agree_on_carry_the_recogniser_s_confidence():
    support: list = []
    line = "ลงวันที่ ๒๔ ตุลาคม ๒๕๖๘"
    combine_words(["ลงวันที่", "๒๔", "ตุลาคม", "๒๕๖๖"], line, [0.9] * (len(line) - 1) + [0.3], support)
    assert support[0] is None and support[2] is None  # no digits
    assert support[1] == 0.9  # agreed, at the recogniser's confidence
    assert support[3] == 0.0  # the last digit is Tesseract's alone (the recogniser was unsure of its own)


def test_a_digit_at_the_end_of_the_line_is_not_dropped():
    assert combine("ที่ ขก ๐๐๑๗.๓/๑๘๔๗๐", "ที่ ขก ๐๐๑๗.๓/๑๘๔๗", sure("ที่ ขก ๐๐๑๗.๓/๑๘๔๗")).text == "ที่ ขก ๐๐๑๗.๓/๑๘๔๗๐"


def test_letters_tesseract_read_twice_are_read_once():
    words, _, _ = combine_words(["(พันเอก", "จิ", "จิราภรณ์"], "(พันเอก จิราภรณ์", sure("(พันเอก จิราภรณ์", 0.8))
    assert "".join(words) == "(พันเอกจิราภรณ์"
