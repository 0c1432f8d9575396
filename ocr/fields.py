"""Header fields of a Thai official letter, extracted from positioned text lines.

Input: :class:`Line` objects (from OCR, a PDF text layer, or OCR of red stamp regions),
each with its words, boxes and confidences and, for OCR lines, a :class:`RegionReader`
that can re-read a region of the page image (as digits, or as Thai text alone).

Output of :func:`extract_fields`: the fields of ``DOMAIN.md`` §1 with the values of §2:
``document_type``, ``document_number``, ``document_date`` (ISO, CE), ``subject``,
``addressee``, ``references`` (``[{"number", "date"}]``), ``enclosures`` (list of
strings), ``signer_name``, ``signer_position``, ``issuing_office``, ``urgency``,
``secrecy``; and a confidence 0..1 per field.

Rules and their sources:

* Layout of the letter types (external letter: ที่ + address block + date line +
  เรื่อง/เรียน/อ้างถึง/สิ่งที่ส่งมาด้วย + ขอแสดงความนับถือ + signature; memo:
  บันทึกข้อความ, ส่วนราชการ, ที่ … วันที่ …; stamped letter: ถึง, no signature;
  orders ``n/พ.ศ.``): ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ พ.ศ. 2526 and its
  appendices (forms 1–8), summarised in DOMAIN.md §1.
* Document-number grammar (2 Thai letters + unit digits with optional dots + ``/`` +
  optional series letter + running number; or ``n/พ.ศ.`` for orders): DOMAIN.md §1.
* Urgency and secrecy are *stamps* (red, ≥ 32 pt; urgency at the top, secrecy at the
  top and bottom centre): DOMAIN.md §2 and the Secrets Regulation B.E. 2544. So only
  red lines or lines ≥ :data:`STAMP_HEIGHT_RATIO` × the page's body text height in
  those places count; words in the body or on the อ้างถึง line never do.
* Field-guided repair: Tesseract's ``tha`` model confuses Thai digits (๘→๕, ๗→๓,
  ๖→๒, ๙→๕, ๔→๕, ๖→๐) and reads digits as Latin letters; a day must be 1–31 and
  valid for its month, a BE year is ≥ 2500 and ≤ this year + 1, and near the other
  years of the letter; implausible values are re-read from the image with the digit
  classifier (:mod:`ocr.digits`) or repaired through the confusion table.
"""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol, Sequence

from .thai import (
    _edit_distance,
    be_year,
    canonical_number,
    find_thai_dates,
    fold_digits,
    join_split_words,
    match_month,
    normalize,
    repair_marks,
)

__all__ = [
    "AGENCY_CODES",
    "Box",
    "Word",
    "Line",
    "RegionReader",
    "FIELD_NAMES",
    "STAMP_HEIGHT_RATIO",
    "extract_fields",
    "widen_box",
    "parse_document_number",
    "classify_urgency",
    "classify_secrecy",
    "holds_mark",
    "review_fields",
]

Box = tuple[int, int, int, int]
"""(left, top, right, bottom) in pixels of the 300-dpi page image, origin top-left."""

FIELD_NAMES = (
    "document_type", "document_number", "document_date", "subject", "addressee",
    "references", "enclosures", "signer_name", "signer_position", "issuing_office",
    "urgency", "secrecy", "due_at",
)

#: A line this many times taller than the page's median body line is a stamp candidate
#: (stamps are ≥ 32 pt against 16 pt body text: DOMAIN.md §2).
STAMP_HEIGHT_RATIO = 1.6
#: Line sources that hold marks only, never the letter's text: ``"stamp"`` (OCR of a red
#: region) and ``"mark"`` (a re-read of a page's top or bottom band).
MARK_SOURCES = ("stamp", "mark")
#: A character of the decoration around a mark: "- ลับ -", "(ลับ)", "* ลับ *".
MARK_DECORATION = r"[\s\-–—_()\[\]*•·.:|]"

_DIGIT = r"[0-9๐-๙]"
_COMBINING_RE = re.compile(r"[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


class RegionReader(Protocol):
    """Re-reads a region of the page a line came from (implemented by the pipeline)."""

    def read_digits(self, box: Box) -> tuple[str, float]:
        """Read ``box`` as digits/separators only: ``(text, confidence 0..1)``."""
        ...

    def read_text(self, box: Box, *, lang: str = "tha", psm: int = 7) -> tuple[str, float]:
        """OCR ``box`` alone (digits re-read by the classifier): ``(text, conf 0..1)``."""
        ...

    def read_line(self, box: Box, *, lang: str = "tha", psm: int = 7) -> "Line | None":
        """OCR ``box`` alone as one line (page coordinates), or None."""
        ...


@dataclass
class Word:
    """A space-delimited token with its box and confidence.

    Attributes:
        text: normalised text.
        box: (left, top, right, bottom), 300-dpi page pixels.
        conf: OCR confidence 0..1 (1.0 for text-layer words).
        digit_conf: minimum confidence of the digit classifier when it re-read the
            digits of this word, else None.
    """

    text: str
    box: Box
    conf: float = 1.0
    digit_conf: float | None = None


@dataclass
class Line:
    """One text line of a page.

    Attributes:
        text: the words joined by single spaces (normalised).
        box: union of the word boxes.
        words: the tokens, left to right.
        page: 0-based page number.
        page_size: (width, height) of the page image in pixels.
        conf: mean word confidence 0..1.
        source: ``"ocr"``, ``"text_layer"`` or ``"stamp"`` (OCR of a red region).
        red: the line was printed in red (stamp ink).
        reader: re-reads regions of this line's page, or None (text layer, tests).
        para: paragraph number within the page (lines of one paragraph share it).
    """

    text: str
    box: Box
    words: list[Word] = field(default_factory=list)
    page: int = 0
    page_size: tuple[int, int] = (2480, 3508)
    conf: float = 1.0
    source: str = "ocr"
    red: bool = False
    reader: RegionReader | None = None
    para: int = 0

    @classmethod
    def from_words(cls, words: list[Word], *, page: int = 0,
                   page_size: tuple[int, int] = (2480, 3508), source: str = "ocr",
                   red: bool = False, reader: RegionReader | None = None,
                   para: int = 0) -> "Line":
        """Build a line from its words (text, box and confidence derived from them)."""
        box = (min(w.box[0] for w in words), min(w.box[1] for w in words),
               max(w.box[2] for w in words), max(w.box[3] for w in words))
        total = sum(len(w.text) for w in words) or 1
        conf = sum(w.conf * len(w.text) for w in words) / total
        return cls(text=" ".join(w.text for w in words), box=box, words=list(words),
                   page=page, page_size=page_size, conf=conf, source=source, red=red,
                   reader=reader, para=para)

    @classmethod
    def from_text(cls, text: str, *, top: int = 0, left: int = 300, height: int = 60,
                  page: int = 0, page_size: tuple[int, int] = (2480, 3508),
                  char_width: int = 28, conf: float = 0.95, source: str = "text_layer",
                  red: bool = False) -> "Line":
        """A line from plain text with synthetic boxes (for text layers and tests).

        Words are split on whitespace; each gets ``char_width`` px per character and a
        one-character gap.
        """
        words: list[Word] = []
        x = left
        for tok in normalize(text).split():
            w = max(1, len(_COMBINING_RE.sub("", tok))) * char_width
            words.append(Word(text=tok, box=(x, top, x + w, top + height), conf=conf))
            x += w + char_width
        if not words:
            words = [Word(text="", box=(left, top, left + 1, top + height), conf=conf)]
        return cls.from_words(words, page=page, page_size=page_size, source=source, red=red)

    @property
    def height(self) -> int:
        """Box height in pixels."""
        return self.box[3] - self.box[1]

    @property
    def cx(self) -> float:
        """Horizontal centre as a fraction of the page width (0 = left edge)."""
        return (self.box[0] + self.box[2]) / 2 / max(1, self.page_size[0])

    @property
    def cy(self) -> float:
        """Vertical centre as a fraction of the page height (0 = top edge)."""
        return (self.box[1] + self.box[3]) / 2 / max(1, self.page_size[1])


# ------------------------------------------------------------------------ text helpers

def _skel(text: str) -> str:
    """Consonant skeleton: combining marks, spaces, dots and leader characters removed."""
    return re.sub(r"[\s.…:·_\-]", "", _COMBINING_RE.sub("", normalize(text)))


def _strip_leader(text: str) -> str:
    """Remove dotted leaders, colons and stray punctuation around a label's value."""
    t = re.sub(r"^[\s.…:·_\-,'\"|]+", "", text)
    t = re.sub(r"[\s.…·_|]{2,}$", "", t)
    t = re.sub(r"\.{3,}|…+", " ", t)
    return " ".join(t.split())


def _join_thai(a: str, b: str) -> str:
    """Join a wrapped line: no space between two Thai letters (Thai wraps without a
    space), one space otherwise."""
    if not a:
        return b
    if not b:
        return a
    if re.match(r"[\u0e01-\u0e4e]", a[-1]) and re.match(r"[\u0e01-\u0e2e\u0e40-\u0e44]", b[0]):
        return a + b
    return a + " " + b


_LABELS = {
    "subject": ("เรื่อง",),
    "addressee": ("เรียน", "เสนอ"),
    "reference": ("อ้างถึง",),
    "enclosure": ("สิ่งที่ส่งมาด้วย",),
    "office": ("ส่วนราชการ",),
    "date": ("วันที่",),
}


#: Junk OCR reads in front of a label (a speck or the margin read as ``1``, ``l``, ``|``):
#: up to three non-Thai characters followed by the label (``1เรียน``, ``l เรียน``).
_LEAD_JUNK = re.compile(r"^[\sA-Za-z0-9|!'\"().,:;\-_~`«»]{0,3}(?=[\u0e01-\u0e4e])")


def _label_match(line_text: str, label: str) -> tuple[str, int] | None:
    """``(rest, distance)`` when ``line_text`` starts with ``label``, else None.

    The label is compared on consonant skeletons (marks ignored, so ``เรืยน`` and
    ``เรยน`` are ``เรียน``), with one wrong, missing or extra letter tolerated for labels
    of 4+ consonants (``เรียบ``), and up to three junk non-Thai characters before it
    (``1เรียน``). The rest must start at a word boundary, except that OCR glues the
    value to เรียน / เสนอ / เรื่อง (``เรียนผู้อำนวยการ``): then the label must read
    exactly on its skeleton. ``distance`` is the edit distance of the skeletons
    (junk before the label counts one)."""
    t = normalize(line_text)
    lead = _LEAD_JUNK.match(t)
    junk = 0
    if lead and re.search(r"[A-Za-z0-9|!()]", lead.group(0)):
        junk = 1
    t = t[lead.end():] if lead else t.lstrip(" .:|'\"-")
    sk = _skel(label)
    allowed = 1 if len(sk) >= 4 else 0
    best: tuple[str, int] | None = None
    # windows of len(sk) - allowed .. len(sk) + allowed letters of the line
    for n in range(len(sk) - allowed, len(sk) + allowed + 1):
        count = 0
        cut = None
        for i, ch in enumerate(t):
            if _COMBINING_RE.match(ch) or ch in " .…:·_-":
                continue
            if not re.match(r"[\u0e01-\u0e2e\u0e30-\u0e33\u0e40-\u0e44]", ch):
                break
            count += 1
            if count == n:
                cut = i + 1
                break
        if cut is None:
            continue
        while cut < len(t) and _COMBINING_RE.match(t[cut]):
            cut += 1
        prefix = _skel(t[:cut])
        d = _edit_distance(prefix, sk, allowed)
        if d > allowed:
            continue
        rest = t[cut:]
        if rest and not re.match(r"[\s.…:·_\-,;]", rest):
            glued_ok = (label in ("เรียน", "เสนอ", "เรื่อง") and d == 0
                        and re.match(r"[\u0e01-\u0e2e\u0e40-\u0e44]", rest) is not None)
            if len(sk) < 6 and not glued_ok:
                continue
        if best is None or d < best[1]:
            best = (rest, d + junk)
    return best


def _label_rest(line_text: str, label: str) -> str | None:
    """If ``line_text`` starts with ``label`` (see :func:`_label_match`: OCR slips in its
    marks, one letter for labels of 4+ consonants, junk before it), return the text
    after it; else None."""
    m = _label_match(line_text, label)
    return m[0] if m else None


def _which_label(line_text: str) -> str | None:
    """The kind of label the line starts with (the closest label when two match, so
    ``เรีอน`` is เรียน, not เรื่อง), or None."""
    best: tuple[int, int, str] | None = None
    for order, (kind, labels) in enumerate(_LABELS.items()):
        for lab in labels:
            m = _label_match(line_text, lab)
            if m is not None and (best is None or (m[1], order) < best[:2]):
                best = (m[1], order, kind)
    if best is not None:
        return best[2]
    if re.match(r"^\s*ถึง[\s.:]", normalize(line_text)):
        return "addressee"
    return None


# ------------------------------------------------------------------ document numbers

_NUM_RE = re.compile(
    r"(?<![ก-ฮ])(?P<prefix>[ก-ฮ][ก-ฮ])\s*\.?\s*"
    r"(?P<unit>\d{2,}(?:\s?\.\s?\d+)*)\s*\.?\s*(?P<slash>/)?\s*"
    r"(?:(?P<series>[ก-ฮ])\s*\.?\s*)?"
    r"(?P<run>\d(?:\s?\d)*)"
)
_ORDER_RE = re.compile(r"(?<![\d/])(?P<run>\d{1,5})\s*/\s*(?P<year>25\d\d)(?!\d)")


@dataclass
class _NumberMatch:
    printed: str
    start: int
    end: int
    order: bool = False


def parse_document_number(text: str) -> _NumberMatch | None:
    """Find a document number in ``text`` by its grammar (DOMAIN.md §1).

    Grammar: two Thai letters (the agency code, optional dot), the unit's digits with
    optional dotted sub-units, ``/``, an optional series letter (``ว`` for circulars,
    other letters occur), the running number — e.g. ``รบ ๐๐๑๘/๒๗๒๕๘``,
    ``ยธ.๐๓๐๓/ว ๑๐๐``, ``มท ๐๓๐๗.๒/ว ๒๕๕๖๒`` — or, for orders, ``n/พ.ศ.``
    (``๑๐/๒๕๖๗``). Thai or Arabic digits. Vowel and tone marks that OCR attached to the
    agency letters are ignored; a slash OCR dropped before a series letter is restored
    (``มท ๐๒๑๙ว ๓๗๘๔`` → ``มท ๐๒๑๙/ว ๓๗๘๔``).

    Args:
        text: a line or part of a line.

    Returns:
        The first match (``printed`` = the number as printed, trimmed), or None.
    """
    t = normalize(text)
    # drop combining marks between letters of a number candidate ("ย์ธี.๐๓" -> "ยธ.๐๓")
    clean_chars: list[str] = []
    index_map: list[int] = []
    for i, ch in enumerate(t):
        if _COMBINING_RE.match(ch):
            continue
        clean_chars.append(ch)
        index_map.append(i)
    # a letter OCR put between a digit and ".digit" (๗ read as ๗ฒ) cannot be in a number
    for k in range(len(clean_chars) - 2, 0, -1):
        if (re.match(r"[ก-ฮ]", clean_chars[k]) and re.match(r"[0-9๐-๙]", clean_chars[k - 1])
                and clean_chars[k + 1] == "." and k + 2 < len(clean_chars)
                and re.match(r"[0-9๐-๙]", clean_chars[k + 2])):
            del clean_chars[k]
            del index_map[k]
    clean = fold_digits("".join(clean_chars))
    m = None
    for cand in _NUM_RE.finditer(clean):
        # the slash may only be missing (dropped by OCR) before a series letter
        if cand.group("slash") or cand.group("series"):
            m = cand
            break
    order = False
    if not m:
        m = _ORDER_RE.search(clean)
        order = m is not None
    if not m:
        return None
    s, e = index_map[m.start()], index_map[m.end() - 1] + 1
    printed = "".join(clean_chars[m.start():m.end()])
    # restore the original digit script of the printed text
    printed = "".join(t[index_map[m.start() + k]] if clean[m.start() + k].isdigit() else c
                      for k, c in enumerate(printed))
    if not order and not m.group("slash"):
        k = m.start("series") - m.start()
        printed = printed[:k].rstrip() + "/" + printed[k:]
    return _NumberMatch(printed=" ".join(printed.split()), start=s, end=e, order=order)


#: Letter codes (รหัสตัวพยัญชนะ) of ministries, independent agencies and provinces
#: that open document numbers: the appendix of the PM's Office Regulation on
#: Correspondence B.E. 2526 (as amended), the list agencies number their letters by.
#: Used only to repair an OCR'd code that is not in the list (``รป`` → ``รบ``).
AGENCY_CODES = frozenset("""
นร กห กค กต กก พม กษ คค ทส ดศ พน พณ มท ยธ รง วธ อว ศธ สธ อก
รล พว ตช ปช อส ศย ตผ ลต สผ สว
กท กบ กจ กส กพ ขก จบ ฉช ชบ ชน ชย ชพ ชร ชม ตง ตร ตก นย นฐ นพ นม นศ นว นบ นธ นน บก บร
ปท ปข ปจ ปน อย พย พง พท พจ พล พบ พช พร ภก มค มห มส ยส ยล รอ รน รย รบ ลบ ลป ลพ ลย
ศก สน สข สต สป สส สค สก สบ สห สท สพ สฎ สร นค นภ อท อจ อด อต อน อบ
""".split())

# Thai letters that Tesseract confuses with each other (shape pairs).
_LETTER_CONFUSION = {
    "บ": "ปษ", "ป": "บษ", "ษ": "บป", "ด": "ต", "ต": "ด", "ข": "ช", "ช": "ขซ", "ซ": "ช",
    "ถ": "ภ", "ภ": "ถ", "ผ": "พ", "พ": "ผ", "ฝ": "ฟ", "ฟ": "ฝ", "ฎ": "ฏฐ", "ฏ": "ฎ",
    "ธ": "ร", "ร": "ธ", "ล": "ส", "ส": "ล", "ท": "ห", "ห": "ท", "น": "ม", "ม": "น",
    "ค": "ศ", "ศ": "คส", "อ": "ฮ", "ฮ": "อ",
}


def _repair_code(code: str) -> str | None:
    """The one known agency code reachable from ``code`` by swapping one letter for a
    look-alike, or None (unknown and not repairable, or ambiguous)."""
    if len(code) != 2 or code in AGENCY_CODES:
        return None
    cands = set()
    for i, ch in enumerate(code):
        for alt in _LETTER_CONFUSION.get(ch, ""):
            c = code[:i] + alt + code[i + 1:]
            if c in AGENCY_CODES:
                cands.add(c)
    return cands.pop() if len(cands) == 1 else None


def _fix_unit(printed: str) -> tuple[str, bool]:
    """Drop the extra leading ๐ of a 5-digit unit code (``กค๐๐๔๐๕.๘`` → ``กค.๐๔๐๕.๘``).

    Unit codes are four digits (two for the department, two for the division; dotted
    sub-units after them: the correspondence regulation's appendix); OCR reads the dot
    after the agency letters, or a speck, as one more ``๐``. Returns (text, changed)."""
    m = re.match(r"^([ก-ฮ]{2})(\s*\.?\s*)([0๐])([0-9๐-๙]{4})(?=[./\s]|$)", printed)
    if not m:
        return printed, False
    sep = m.group(2) or "."
    return m.group(1) + sep + m.group(4) + printed[m.end():], True


def _fix_agency_code(printed: str) -> tuple[str, bool]:
    """Repair the agency code at the start of a printed number; (text, changed)."""
    m = re.match(r"^([ก-ฮ])()([ก-ฮ])", printed)
    if not m:
        return printed, False
    code = m.group(1) + m.group(3)
    fixed = _repair_code(code)
    if fixed is None:
        return printed, False
    return fixed[0] + m.group(2) + fixed[1] + printed[m.end():], True


# ----------------------------------------------------------------------- stamps

_URGENCY = (("ด่วนที่สุด", "most_urgent"), ("ด่วนมาก", "very_urgent"), ("ด่วน", "urgent"))
_SECRECY = (("ลับที่สุด", "top_secret"), ("ลับมาก", "secret"), ("ลับ", "confidential"),
            ("ปกปิด", "confidential"))


def _match_stamp(text: str, terms: Sequence[tuple[str, str]]) -> tuple[str, float] | None:
    sk = _skel(text)
    if not sk:
        return None
    best: tuple[str, float] | None = None
    for term, value in terms:
        tsk = _skel(term)
        allowed = 0 if len(tsk) <= 3 else 1
        # the stamp may be followed by a deadline ("ด่วนภายใน ...") or noise: compare the
        # start of the skeleton, and the whole for short terms
        if len(tsk) <= 3:
            d = _edit_distance(sk, tsk, allowed)
        else:  # one letter of noise before or after, or one letter lost, still match
            d = min(_edit_distance(sk[:n], tsk, allowed) for n in (len(tsk), len(tsk) + 1, len(tsk) - 1))
        if d <= allowed:
            if len(tsk) <= 3 and len(sk) > len(tsk):
                # short term: the rest must not be letters that make another word,
                # except the "ภายใน" deadline form of ด่วน
                if not sk[len(tsk):].startswith("ภายใน") and not re.fullmatch(r"[\d๐-๙/]*", sk[len(tsk):]):
                    continue
            score = 1.0 - 0.25 * d
            if best is None or len(tsk) > len(_skel([t for t, v in terms if v == best[0]][0])):
                best = (value, score)
    return best


def holds_mark(text: str) -> bool:
    """Whether a line's text, of at most four words once decoration ("- ลับ -") is
    dropped, has a run of words that is an urgency or secrecy term (a line of marks,
    possibly joined with other ink: "ที่สุด ลับที่สุด")."""
    words = re.sub(f"{MARK_DECORATION}+", " ", text).split()
    return 0 < len(words) <= 4 and any(
        classify_secrecy(run) or classify_urgency(run)
        for run in (" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)))


def classify_urgency(text: str) -> tuple[str, float] | None:
    """Urgency class of a stamp's text: ``(value, similarity)`` or None.

    ``ด่วนที่สุด`` → ``most_urgent``, ``ด่วนมาก`` → ``very_urgent``, ``ด่วน`` (also
    ``ด่วนภายใน …``) → ``urgent`` (DOMAIN.md §2). Marks are ignored and one wrong letter is
    tolerated for the longer terms.
    """
    return _match_stamp(text, _URGENCY)


def classify_secrecy(text: str) -> tuple[str, float] | None:
    """Secrecy class of a stamp's text: ``(value, similarity)`` or None.

    ``ลับที่สุด`` → ``top_secret``, ``ลับมาก`` → ``secret``, ``ลับ`` / ``ปกปิด`` →
    ``confidential`` (DOMAIN.md §2). The whole stamp text must be the term.
    """
    return _match_stamp(text, _SECRECY)


# ----------------------------------------------------------------------- dates

# Tesseract confusions of Thai digits, as observed value -> possible true values
# (measured on TH Sarabun-metric scans: ๘→๕, ๗→๓, ๖→๒, ๙→๕, ๔→๕, ๖→๐).
_CONFUSION = {
    "0": "06", "1": "1", "2": "26", "3": "37", "4": "4", "5": "5894",
    "6": "6", "7": "7", "8": "8", "9": "9",
}


def _digit_candidates(digits: str, limit: int = 4) -> list[tuple[str, int]]:
    """All readings of ``digits`` (Arabic) through the confusion table, with the
    number of substitutions; at most ``limit`` substitutions."""
    opts = [_CONFUSION.get(c, c) for c in digits]
    out = []
    for combo in itertools.product(*opts):
        subs = sum(1 for a, b in zip(combo, digits) if a != b)
        if subs <= limit:
            out.append(("".join(combo), subs))
    return out


def _only_digits(text: str) -> str | None:
    t = fold_digits(text).strip(" .,;:)(")
    return t if re.fullmatch(r"\d+", t) else None


@dataclass
class _DateParts:
    day_word: Word | None
    month: int
    year_word: Word | None
    year_text: str | None
    line: Line
    words: list[Word]


def _split_mixed(words: list[Word]) -> list[Word]:
    """Split words that glue digits to letters (``๒ธันวาคม``) into parts, boxes split in
    proportion to the characters."""
    out: list[Word] = []
    for w in words:
        parts = re.findall(r"[0-9๐-๙]+|[^0-9๐-๙]+", w.text)
        if len(parts) <= 1:
            out.append(w)
            continue
        lens = [max(1, len(_COMBINING_RE.sub("", p))) for p in parts]
        total = sum(lens)
        x = w.box[0]
        width = w.box[2] - w.box[0]
        for p, n in zip(parts, lens):
            x2 = x + width * n / total
            if p.strip():
                out.append(Word(text=p.strip(), box=(int(x), w.box[1], int(round(x2)), w.box[3]),
                                conf=w.conf, digit_conf=w.digit_conf))
            x = x2
    return out


def _find_month(words: list[Word]) -> tuple[int, int, int] | None:
    """(start index, end index exclusive, month) of the first month name in words;
    abbreviations split over up to three words (``ก. ย.``) are joined."""
    for i in range(len(words)):
        for span in (1, 2, 3):
            if i + span > len(words):
                break
            joined = "".join(w.text for w in words[i:i + span])
            if span > 1 and len(_skel(joined)) > 3:
                break
            m = match_month(joined)
            if m is not None and (span > 1 or len(_skel(joined)) >= 2):
                return i, i + span, m
    # OCR reads the dots of an abbreviation as marks below (ุ ู) and adds stray marks
    # (``ก.ุค.``, ``กุค``, ``กุย.`` for ก.ค. / ก.ย.): read ุ/ู as dots, drop the marks no
    # abbreviation has (all but ิ ี), and match exactly; only between a day and a year
    for i in range(len(words)):
        for span in (1, 2, 3):
            if i + span > len(words):
                break
            joined = "".join(w.text for w in words[i:i + span])
            if len(_skel(joined)) > 3 or not re.search(r"[.\u0e38\u0e39]", joined):
                continue
            cand = re.sub(r"[\u0e38\u0e39]", ".", joined)
            cand = re.sub(r"[\u0e31\u0e36\u0e37\u0e47-\u0e4e]", "", cand)
            cand = re.sub(r"\.+", ".", cand)
            if not re.fullmatch(r"[ก-ฮเ][\u0e34\u0e35]?\.?[ก-ฮ]\.?", cand):
                continue
            m = match_month(cand, max_distance=0)
            before = i >= 1 and _only_digits(words[i - 1].text) is not None
            after = i + span < len(words) and re.match(r"[0-9๐-๙]", words[i + span].text)
            if m is not None and before and after:
                return i, i + span, m
    return None


def _date_parts(line: Line, start_word: int = 0) -> _DateParts | None:
    words = _split_mixed(line.words[start_word:])
    found = _find_month(words)
    if not found:
        return None
    i, j, month = found
    day_word = words[i - 1] if i >= 1 else None
    year_word = None
    k = j
    # skip "พ.ศ." between month and year
    while k < len(words) and _skel(words[k].text) in ("พศ", "พ", "ศ"):
        k += 1
    if k < len(words):
        year_word = words[k]
    return _DateParts(day_word=day_word, month=month, year_word=year_word,
                      year_text=year_word.text if year_word else None, line=line, words=words)


class _Ctx:
    """Shared state of one extraction: today, reference years, repair notes."""

    def __init__(self, lines: list[Line], today: date | None) -> None:
        self.lines = lines
        self.today = today or date.today()
        self.now_be = be_year(self.today)
        self.years: list[int] = []  # plausible BE years seen in the letter
        for ln in lines:
            for m in re.finditer(r"(?<!\d)25\d\d(?!\d)", fold_digits(ln.text)):
                y = int(m.group())
                if 2500 <= y <= self.now_be + 1:
                    self.years.append(y)

    def ref_year(self) -> int:
        """Median of the recent plausible BE years in the letter, else this BE year."""
        recent = [y for y in self.years if y >= self.now_be - 30]
        return int(statistics.median(recent)) if recent else self.now_be


def widen_box(words: Sequence[Word], i: int, page_width: int) -> Box:
    """The box of ``words[i]`` widened sideways by up to half its height, without
    reaching into its neighbours' boxes (Tesseract's boxes of Thai digits often clip
    the first or last glyph)."""
    l, t, r, b = words[i].box
    h = max(1, b - t)
    left_lim = words[i - 1].box[2] + 2 if i > 0 else 0
    right_lim = words[i + 1].box[0] - 2 if i + 1 < len(words) else page_width
    l2 = max(left_lim, l - h // 2) if left_lim < l else l
    r2 = min(right_lim, r + h // 2) if right_lim > r else r
    return (max(0, l2), t, min(page_width, r2), b)


def _reread(line: Line, word: Word | None, words: Sequence[Word] | None = None) -> tuple[str, float] | None:
    """Re-read ``word`` of ``line`` as digits (None without a reader or on failure)."""
    if word is None or line.reader is None:
        return None
    box = word.box
    if words is not None:
        for i, w in enumerate(words):
            if w is word:
                box = widen_box(words, i, line.page_size[0])
                break
    # span the whole line's height: Tesseract's boxes of digits are often too short
    box = (box[0], min(box[1], line.box[1]), box[2], max(box[3], line.box[3]))
    try:
        return line.reader.read_digits(box)
    except Exception:
        return None


def _hybrid_junk(orig: Line, alt: Line) -> Line | None:
    """The original line with its junk words (Latin letters, or no Thai letter and no
    digit: ``NUN`` for ``ที่ ขก``) replaced by the re-read words under them; None when
    nothing was replaced."""
    out: list[Word] = []
    changed = False
    used: set[int] = set()
    for w in orig.words:
        junk = bool(re.search(r"[A-Za-z]", w.text)) or not re.search(r"[\u0e01-\u0e2e0-9๐-๙]", w.text)
        if not junk:
            out.append(w)
            continue
        repl = [a for a in alt.words if w.box[0] - 5 <= (a.box[0] + a.box[2]) / 2 <= w.box[2] + 5
                and id(a) not in used and not re.search(r"[0-9๐-๙]", a.text)]
        if repl:
            out.extend(repl)
            used.update(id(a) for a in repl)
            changed = True
        else:
            out.append(w)
    if not changed:
        return None
    return _with_words(orig, out)


def _with_words(orig: Line, words: list[Word]) -> Line:
    """A line like ``orig`` (page, source, reader, paragraph) made of ``words``, left to right."""
    return Line.from_words(sorted(words, key=lambda w: w.box[0]), page=orig.page, page_size=orig.page_size,
                           source=orig.source, reader=orig.reader, para=orig.para)


def _hybrid_month(orig: Line, alt: Line) -> Line | None:
    """The original line with its month word taken from a re-reading.

    Used when the page OCR garbled the month (``A.A.`` for ``ส.ค.``) but read the
    digits well (re-read by the classifier): the re-read month word replaces the
    original words it overlaps. None when the re-reading has no month either."""
    words = alt.words
    found = _find_month(_split_mixed(words))
    if not found:
        return None
    i, j, _ = found
    mwords = _split_mixed(words)[i:j]
    ml = min(w.box[0] for w in mwords)
    mr = max(w.box[2] for w in mwords)
    out: list[Word] = []
    placed = False
    for w in _split_mixed(orig.words):
        ov = min(w.box[2], mr) - max(w.box[0], ml)
        if ov > 0.5 * max(1, w.box[2] - w.box[0]) and not re.search(r"[0-9๐-๙]", w.text):
            if not placed:
                out.extend(mwords)
                placed = True
            continue
        out.append(w)
    if not placed:
        return None
    return _with_words(orig, out)


def _resolve_day(parts: _DateParts, ctx: _Ctx, year_ce: int | None) -> tuple[int | None, float, bool]:
    """(day, confidence, repaired)."""
    w = parts.day_word
    if w is None:
        return None, 0.0, False

    def valid(d: int) -> bool:
        if not 1 <= d <= 31:
            return False
        try:
            date(year_ce or 2000, parts.month, d)
            return True
        except ValueError:
            return False

    digits = _only_digits(w.text)
    base_conf = w.conf * (w.digit_conf if w.digit_conf is not None else 1.0)
    if digits and len(digits) <= 2 and valid(int(digits)):
        return int(digits), base_conf, False
    rr = _reread(parts.line, w, parts.words)
    if rr:
        d2 = _only_digits(rr[0])
        if d2 and len(d2) <= 2 and valid(int(d2)):
            return int(d2), 0.8 * rr[1], True
    if digits and len(digits) <= 2:
        cands = [(int(c), s) for c, s in _digit_candidates(digits, 2) if valid(int(c))]
        if cands:
            d, s = min(cands, key=lambda cs: cs[1])
            return d, 0.4, True
    return None, 0.0, False


def _resolve_year(parts: _DateParts, ctx: _Ctx) -> tuple[int | None, float, bool]:
    """(BE year, confidence, repaired)."""
    w = parts.year_word
    if w is None:
        return None, 0.0, False
    lo, hi = 2500, ctx.now_be + 1
    ref = ctx.ref_year()

    def to_be(d: str) -> int | None:
        if len(d) == 4:
            return int(d)
        if len(d) == 2:
            return 2500 + int(d)
        return None

    def plausible(y: int | None) -> bool:
        return y is not None and lo <= y <= hi

    digits = _only_digits(w.text)
    # two digits split off a longer word ("๒๕ออ" → "๒๕" + "ออ"): a damaged 4-digit
    # year, not a 2-digit one
    damaged = any(o is not w and 0 <= o.box[0] - w.box[2] <= 1 and o.box[1] == w.box[1]
                  and not re.search(r"[0-9๐-๙]", o.text) for o in parts.words)
    if digits and len(digits) == 2 and damaged:
        digits = None
    conf = w.conf * (w.digit_conf if w.digit_conf is not None else 1.0)
    y = to_be(digits) if digits else None
    trusted = w.digit_conf is not None and w.digit_conf >= 0.9
    if plausible(y) and (trusted or abs(y - ref) <= 15):
        return y, conf, False
    rr = _reread(parts.line, w, parts.words)
    if rr:
        d2 = _only_digits(rr[0])
        if d2 and len(d2) == 2 and (damaged or len(_COMBINING_RE.sub("", w.text)) >= 4):
            d2 = None  # "๒๕ออ": the re-read lost two glyphs; not a 2-digit year
        y2 = to_be(d2) if d2 else None
        if plausible(y2) and (rr[1] >= 0.9 or abs(y2 - ref) <= 15):
            return y2, 0.8 * rr[1], True
        if d2 and not digits:
            digits = d2
    variants: list[tuple[str, int]] = []
    if digits and len(digits) in (2, 4):
        variants = [(digits, 0)]
    elif digits and len(digits) == 5:
        # one glyph split in two or a stray mark read as a digit: drop one digit
        variants = [(digits[:k] + digits[k + 1:], 1) for k in range(5)]
    if variants:
        cands = []
        for v, extra in variants:
            for c, s in _digit_candidates(v, 3):
                yc = to_be(c)
                if plausible(yc):
                    cands.append(((s + extra) * 4 + abs(yc - ref) / 5.0, yc))
        if cands:
            _, yb = min(cands)
            return yb, 0.35, True
    if plausible(y):
        return y, conf * 0.5, False
    return None, 0.0, False


def _resolve_date(parts: _DateParts, ctx: _Ctx) -> tuple[date | None, float, bool]:
    y, yconf, yrep = _resolve_year(parts, ctx)
    if y is None:
        return None, 0.0, False
    d, dconf, drep = _resolve_day(parts, ctx, y - 543)
    if d is None:
        return None, 0.0, False
    try:
        dt = date(y - 543, parts.month, d)
    except ValueError:
        return None, 0.0, False
    return dt, min(yconf, dconf), yrep or drep


# ----------------------------------------------------------------------- the extractor

def _body_height(lines: list[Line]) -> float:
    hs = [ln.height for ln in lines if ln.source not in MARK_SOURCES and len(ln.words) >= 3]
    if not hs:
        hs = [ln.height for ln in lines if ln.source not in MARK_SOURCES] or [60]
    return float(statistics.median(hs))


def _words_conf(words: Sequence[Word]) -> float:
    if not words:
        return 0.0
    total = sum(max(1, len(w.text)) for w in words)
    c = sum(w.conf * max(1, len(w.text)) for w in words) / total
    dc = [w.digit_conf for w in words if w.digit_conf is not None]
    if dc:
        c *= min(dc)
    return max(0.0, min(1.0, c))


class _Extractor:
    def __init__(self, lines: list[Line], today: date | None) -> None:
        self.all = [ln for ln in lines if ln.text.strip()]
        self.stamps = [ln for ln in self.all if ln.source in MARK_SOURCES]
        self.lines = [ln for ln in self.all if ln.source not in MARK_SOURCES]
        #: the fields a person must check before confirming (see :meth:`marks`)
        self.needs_review: set[str] = set()
        self.ctx = _Ctx(self.lines, today)
        self.fields: dict = {k: None for k in FIELD_NAMES}
        self.conf: dict[str, float] = {k: 0.0 for k in FIELD_NAMES}
        self.heights = {p: _body_height([ln for ln in self.lines if ln.page == p])
                        for p in {ln.page for ln in self.all}}
        first_page = min((ln.page for ln in self.lines), default=0)
        self.page0 = [ln for ln in self.lines if ln.page == first_page]
        self.header_end = self._find_header_end()
        self._alt: dict[int, Line | None] = {}

    # -- header region: page-one lines up to the addressee (or the first 30 lines)
    def _find_header_end(self) -> int:
        for i, ln in enumerate(self.page0[:40]):
            if _which_label(ln.text) == "addressee":
                return i + 1
        return min(len(self.page0), 15)

    @property
    def header(self) -> list[Line]:
        """Page-one lines up to the addressee line (or the first 15 lines)."""
        return self.page0[: self.header_end]

    def _is_stamp_like(self, ln: Line) -> bool:
        h = self.heights.get(ln.page, 60)
        return ln.height >= STAMP_HEIGHT_RATIO * h and (
            classify_urgency(ln.text) is not None or classify_secrecy(ln.text) is not None)

    # -- re-reading a line ------------------------------------------------------------
    def alt(self, ln: Line) -> Line | None:
        """The line re-read alone with Thai only (cached), or None without a reader."""
        key = id(ln)
        if key not in self._alt:
            new = None
            if ln.reader is not None:
                try:
                    new = ln.reader.read_line(ln.box, lang="tha", psm=7)
                except Exception:
                    new = None
            self._alt[key] = new
        return self._alt[key]

    # -- document number ------------------------------------------------------------
    _NUM_LABEL = re.compile(r"^[\s|'\"]*ที[่]?(?=[\s.…:]|[ก-ฮ]{2}[\s.]*[0-9๐-๙])[\s.…:]*")
    _SLASH_NUM = re.compile(r"\d[\d\s.]*/\s*(?:[ก-ฮ]\s*\.?\s*)?\d")

    def _number_in(self, ln: Line, anywhere: bool = False) -> tuple[float, _NumberMatch | None, float]:
        """(score, match, confidence) of the document number on a header line.

        Score: 0 no number; 1 number-shaped text that fails the grammar; 2 grammar ok;
        3 grammar ok and a known agency code (or an order number)."""
        t = normalize(ln.text)
        m = self._NUM_LABEL.match(t)
        if m:
            rest = t[m.end():]
        elif self._SLASH_NUM.search(fold_digits(t)) and not t.startswith(("ที่ทำการ", "ทีทำการ")):
            rest = t
        else:
            return 0.0, None, 0.0
        if t.startswith(("ที่ทำการ", "ทีทำการ")):
            return 0.0, None, 0.0
        cut = re.search(r"(?:^|\s)(?:ว[ั]?น|วัน)ที[่]?(?=[\s.…:]|$|[0-9๐-๙])", rest)
        rest_num = rest[: cut.start()] if cut else rest
        found = parse_document_number(rest_num)
        if not found or (m is None and found.start > 12 and not anywhere):
            return (1.0 if rest_num.strip() else 0.0), None, 0.0
        canon = canonical_number(found.printed)
        words = [w for w in ln.words if canonical_number(w.text) and canonical_number(w.text) in canon]
        conf = _words_conf(words) if words else ln.conf
        prefix = re.sub(r"[\s.]", "", _COMBINING_RE.sub("", found.printed))[:2]
        known = found.order or prefix in AGENCY_CODES or _repair_code(prefix) is not None
        return (3.0 if known else 2.0), found, conf

    # a token mixing digits and Thai letters (``๕ฒ`` for ``๙๙``, ``๐๐๑๗๕/๐๖อ๐``), other
    # than the shapes numbers legitimately have: code + unit, unit + "/" + series
    # letter, series letter + running number
    _MIXED = re.compile(r"[0-9๐-๙][^\s]*[ก-ฮ]|[ก-ฮ][^\s]*[0-9๐-๙]")
    _MIXED_OK = re.compile(r"^(?:[ก-ฮ]{2}\.?[0-9๐-๙.]+/?|[0-9๐-๙.]+/\s*[ก-ฮ]\.?|[0-9๐-๙]{4}[0-9๐-๙.]*[ก-ฮ]\.?"
                           r"|[ก-ฮ]\.?[0-9๐-๙]+"
                           r"|[ก-ฮ]{2}\.?[0-9๐-๙.]+/?[ก-ฮ]\.?)$")

    def _reread_mixed(self, ln: Line) -> Line | None:
        """The line with its number tokens that mix digits and Thai letters re-read as
        digits by the classifier (:meth:`RegionReader.read_digits`), when it reads them
        as digits and separators only with confidence ≥ 0.85; None when nothing
        changed. Only the part before a "วันที่" is looked at."""
        if ln.reader is None:
            return None
        out: list[Word] = []
        changed = False
        for w in ln.words:
            if _skel(w.text) in ("วนท", "วนที") or _label_rest(w.text, "วันที่") is not None:
                out.extend(ln.words[len(out):])
                break
            t = _COMBINING_RE.sub("", w.text)
            if self._MIXED.search(t) and not self._MIXED_OK.match(t):
                rr = _reread(ln, w, ln.words)
                if (rr and rr[1] >= 0.85 and re.fullmatch(r"[0-9๐-๙][0-9๐-๙/.\s]*", rr[0].strip())
                        and len(re.findall(r"[0-9๐-๙]", rr[0])) >= len(re.findall(r"[0-9๐-๙]", t))):
                    out.append(Word(text=" ".join(rr[0].split()), box=w.box, conf=w.conf,
                                    digit_conf=rr[1]))
                    changed = True
                    continue
            out.append(w)
        if not changed:
            return None
        return Line.from_words(out, page=ln.page, page_size=ln.page_size, source=ln.source,
                               reader=ln.reader, para=ln.para)

    def best_number_line(self, ln: Line) -> Line:
        """The variant of a line holding a document number that parses best: the
        line, its Thai-only re-reading merged into its junk words, or the re-reading."""
        score, _, _ = self._number_in(ln, anywhere=True)
        fixed = self._reread_mixed(ln) if score >= 2 else None
        if fixed is not None and self._number_in(fixed, anywhere=True)[0] >= score:
            return fixed
        if score >= 3 or not self._SLASH_NUM.search(fold_digits(ln.text)):
            return ln
        alt = self.alt(ln)
        if alt is None:
            return ln
        best = ln
        for cand in (_hybrid_junk(ln, alt), alt):
            if cand is None:
                continue
            s2, _, _ = self._number_in(cand, anywhere=True)
            if s2 > score:
                best, score = cand, s2
        return best

    def number(self) -> None:
        """document_number: the "ที่" line of the header (memo: before "วันที่"), checked
        by the grammar of :func:`parse_document_number` and the agency codes
        (:data:`AGENCY_CODES`); garbled lines are re-read alone in Thai."""
        best: tuple[float, _NumberMatch | None, float] = (0.0, None, 0.0)
        for ln in self.header:
            if _which_label(ln.text) in ("subject", "addressee"):
                break
            score, found, conf = self._number_in(ln)
            if score < 3 and (score >= 1 or re.match(r"^\s*\S{1,4}\s", ln.text) and
                              self._SLASH_NUM.search(fold_digits(ln.text))):
                alt = self.alt(ln)
                if alt is not None:
                    # letters from the Thai-only re-reading, digits from the page
                    # reading (re-read by the classifier), then the re-reading alone
                    hyb = _hybrid_junk(ln, alt)
                    if hyb is not None:
                        s2, f2, c2 = self._number_in(hyb)
                        if s2 > score:
                            score, found, conf = s2, f2, c2 * 0.9
                    s2, f2, c2 = self._number_in(alt)
                    if s2 > score:
                        score, found, conf = s2, f2, c2 * 0.85
            if found is not None:
                fixed = self._reread_mixed(ln)
                if fixed is not None:
                    s2, f2, c2 = self._number_in(fixed)
                    if f2 is not None and s2 >= score:
                        score, found, conf = s2, f2, c2
            if score > best[0]:
                best = (score, found, conf)
            if score >= 3:
                break
        if best[1] is None:
            # no number-shaped text at all: the "ที่" line may be wholly garbled (Latin
            # junk); re-read the first lines with junk before the subject
            tried = 0
            for ln in self.header:
                if _which_label(ln.text) in ("subject", "addressee") or tried >= 3:
                    break
                if not re.search(r"[A-Za-z]{2,}", ln.text):
                    continue
                tried += 1
                alt = self.alt(ln)
                if alt is None:
                    continue
                for cand in (_hybrid_junk(ln, alt), alt):
                    if cand is None:
                        continue
                    s2, f2, c2 = self._number_in(cand)
                    if s2 > best[0]:
                        best = (s2, f2, c2 * 0.8)
        score, found, conf = best
        if found is None:
            return
        printed = found.printed
        if not found.order:
            printed, fixed = _fix_agency_code(printed)
            if fixed:
                conf *= 0.8
            printed, fixed = _fix_unit(printed)
            if fixed:
                conf *= 0.8
        self.fields["document_number"] = printed
        self.conf["document_number"] = conf * (1.0 if score >= 3 else 0.6)

    # -- date ------------------------------------------------------------------------
    def _date_in(self, ln: Line, memo_label: bool) -> tuple[date | None, float, bool]:
        start = 0
        if memo_label:
            for wi, w in enumerate(ln.words):
                if _label_rest(w.text, "วันที่") is not None or _skel(w.text) in ("วนท", "วนที"):
                    start = wi + 1
                    break
            else:
                return None, 0.0, False
        parts = _date_parts(ln, start)
        if not parts:
            return None, 0.0, False
        return _resolve_date(parts, self.ctx)

    def date(self) -> None:
        """document_date: the "วันที่" value of a memo, or the date line of an external
        letter (a header line made of day, month, year); implausible days/years are
        re-read from the image or repaired (see the module docstring)."""
        candidates: list[tuple[int, Line]] = []  # (priority, line)
        for ln in self.header:
            if _which_label(ln.text) in ("subject", "addressee"):
                break
            if any(_label_rest(w.text, "วันที่") is not None or _skel(w.text) in ("วนท", "วนที")
                   for w in ln.words):
                candidates.append((0, ln))
            elif _date_parts(ln) is not None and _date_parts(ln).day_word is not None and \
                    _date_parts(ln).year_word is not None:
                candidates.append((1, ln))
            elif len(ln.words) <= 6 and self._SLASH_NUM.search(fold_digits(ln.text)) is None and \
                    re.search(r"[0-9๐-๙]{2,}\s*$", ln.text) and ln.reader is not None:
                candidates.append((2, ln))  # a date whose month OCR lost: try re-reading
        best: tuple[float, date | None, bool] = (0.0, None, False)
        for prio, ln in sorted(candidates, key=lambda c: c[0]):
            dt, conf, repaired = self._date_in(ln, prio == 0)
            if dt is None or repaired or conf < 0.6:
                alt = self.alt(ln)
                hybrid = _hybrid_month(ln, alt) if alt is not None else None
                if hybrid is not None:
                    dt2, c2, r2 = self._date_in(hybrid, prio == 0)
                    if dt2 is not None and (dt is None or (c2 * (0.7 if r2 else 1)) > conf * (0.7 if repaired else 1)):
                        dt, conf, repaired = dt2, c2, r2
                if alt is not None and (dt is None or repaired or conf < 0.6):
                    dt2, c2, r2 = self._date_in(alt, prio == 0 and any(
                        _label_rest(w.text, "วันที่") is not None for w in alt.words))
                    if dt2 is None and prio == 0:
                        dt2, c2, r2 = self._date_in(alt, False)
                    c2 *= 0.9
                    if dt2 is not None and (dt is None or (c2 * (0.7 if r2 else 1)) > conf * (0.7 if repaired else 1)):
                        dt, conf, repaired = dt2, c2, r2
            if dt is not None:
                c = conf * (0.7 if repaired else 1.0)
                if c > best[0]:
                    best = (c, dt, repaired)
                if c >= 0.6:
                    break
        if best[1] is not None:
            self.fields["document_date"] = best[1].isoformat()
            self.conf["document_date"] = best[0]

    # -- subject / addressee -------------------------------------------------------------
    def better(self, ln: Line, label: str | None = None) -> Line:
        """The line or its Thai-only single-line re-reading, whichever Tesseract is
        surer of (Tesseract reads a line alone with more context than within a page
        of mixed layout); the re-reading must keep ``label`` and most of the text."""
        alt = self.alt(ln)
        if alt is None or alt.conf <= ln.conf + 0.02:
            return ln
        if len(_skel(alt.text)) < 0.8 * len(_skel(ln.text)):
            return ln
        if label is not None and _label_rest(alt.text, label) is None:
            return ln
        return alt

    def _junk_start(self, ln: Line) -> bool:
        """The line's first word has no Thai letter: a label OCR may have garbled."""
        return bool(ln.words) and not re.search(r"[\u0e01-\u0e2e]", ln.words[0].text)

    def _find_label(self, label: str, lines: list[Line]) -> tuple[int, Line] | None:
        """(index, line) of the first line starting with ``label``; when none does, the
        first line whose garbled first word reads as ``label`` when re-read alone."""
        for i, ln in enumerate(lines):
            if _label_rest(ln.text, label) is not None:
                return i, ln
        for i, ln in enumerate(lines):
            if self._junk_start(ln) and ln.reader is not None:
                alt = self.alt(ln)
                if alt is not None and _label_rest(alt.text, label) is not None:
                    return i, alt
        return None

    #: A wrapped subject never goes on with a numbered item (``๑.``, ``(๑)``) or a
    #: body opener: such a line is the body after an addressee OCR lost.
    _ITEM_START = re.compile(r"^\s*(?:[0-9๐-๙]{1,2}\s*[.)]|\(\s*[0-9๐-๙]{1,2}\s*\))")

    def _ends_header_block(self, ln: Line, alt: Line | None = None) -> bool:
        """The line cannot continue a subject: it starts with a label (in the page
        reading or its re-reading), a numbered item or a body opener."""
        for cand in (ln, alt):
            if cand is None:
                continue
            t = normalize(cand.text).strip()
            if _which_label(t) is not None or self._ITEM_START.match(t):
                return True
            if any(_skel(t).startswith(_skel(o)) for o in self._BODY_OPENERS):
                return True
        return False

    def subject(self) -> None:
        """subject: the "เรื่อง" line, continued on following unlabelled lines (not past
        a label, a numbered item or a body opener; see :meth:`_ends_header_block`)."""
        found = self._find_label("เรื่อง", self.header)
        if found is None:
            return
        i, ln = found
        best = self.better(ln, "เรื่อง") if ln in self.header else ln
        value = _strip_leader(_label_rest(best.text, "เรื่อง") or "")
        used = [best]
        prev = ln
        for nxt in self.page0[i + 1:i + 3]:
            if nxt.page != ln.page:
                break
            if nxt.box[1] - prev.box[3] > 1.5 * max(ln.height, 1):
                break
            b = self.better(nxt)
            if self._ends_header_block(nxt, b if b is not nxt else None):
                break
            if b is nxt and (self._junk_start(nxt) or self._ends_glued_label(nxt)):
                alt = self.alt(nxt)
                if alt is not None and self._ends_header_block(alt):
                    break
            value = _join_thai(value, _strip_leader(b.text))
            used.append(b)
            prev = nxt
        if value:
            self.fields["subject"] = value
            self.conf["subject"] = _words_conf([w for u in used for w in u.words[1:] or u.words])

    @staticmethod
    def _ends_glued_label(ln: Line) -> bool:
        """The line's first word is within two letters of an addressee label glued to
        its value (``เรียบผู้…``): worth re-reading alone before taking it as part of
        a subject."""
        sk = _skel(ln.words[0].text) if ln.words else ""
        return any(_edit_distance(sk[:len(_skel(lab))], _skel(lab), 2) <= 2
                   for lab in ("เรียน", "เสนอ"))

    def addressee(self) -> None:
        """addressee: the "เรียน" (also "เสนอ", and "ถึง" of stamped letters) line."""
        lines = list(self.header)
        if not any(_which_label(ln.text) == "addressee" for ln in lines):
            # the label may be garbled: try re-reading lines that start with junk
            # (or a misread label glued to its value: "เรียบผู้อำนวยการ")
            for i, ln in enumerate(lines):
                if (self._junk_start(ln) or self._ends_glued_label(ln)) and ln.reader is not None:
                    alt = self.alt(ln)
                    if alt is not None and _which_label(alt.text) == "addressee":
                        lines[i] = alt
                        break
        for ln in lines:
            t = normalize(ln.text)
            label = None
            for lab in ("เรียน", "เสนอ"):
                if _label_rest(t, lab) is not None:
                    label = lab
                    break
            if label is None:
                m = re.match(r"^\s*ถึง[\s.:]+", t)
                if m:
                    rest = t[m.end():]
                    self._salutation = "ถึง"
                    if _strip_leader(rest):
                        self.fields["addressee"] = _strip_leader(rest)
                        self.conf["addressee"] = _words_conf(ln.words[1:] or ln.words)
                        return
                continue
            best = self.better(ln, label)
            rest = _label_rest(best.text, label) or ""
            if _strip_leader(rest):
                self.fields["addressee"] = _strip_leader(rest)
                self.conf["addressee"] = _words_conf(best.words[1:] or best.words)
                return

    # -- references ----------------------------------------------------------------------
    def references(self) -> None:
        """references: the numbers (with their dates) on the "อ้างถึง" line(s) only."""
        for i, ln in enumerate(self.page0[:60]):
            rest = _label_rest(ln.text, "อ้างถึง")
            if rest is None:
                continue
            ln = self.best_number_line(ln)
            rest = _label_rest(ln.text, "อ้างถึง") or rest
            text = rest
            used = [ln]
            for nxt in self.page0[i + 1:i + 5]:
                if _which_label(nxt.text) is not None:
                    break
                if nxt.box[1] - used[-1].box[3] > 1.5 * max(ln.height, 1):
                    break
                # stop when the reference is complete and the next line is prose
                if self._refs_complete(text) and not re.match(r"^\s*[0-9๐-๙]{1,2}\s*\.", nxt.text):
                    break
                nxt = self.best_number_line(nxt)
                text = text + " " + nxt.text
                used.append(nxt)
            refs = []
            nums = []
            pos = 0
            while True:
                found = parse_document_number(text[pos:])
                if not found:
                    break
                nums.append((found, pos + found.start, pos + found.end))
                pos += found.end
            for k, (found, s, e) in enumerate(nums):
                nxt_s = nums[k + 1][1] if k + 1 < len(nums) else len(text)
                from .thai import find_thai_dates
                dates = find_thai_dates(text[e:nxt_s], today=self.ctx.today)
                d = dates[0][0] if dates else None
                if d is not None and not (2500 <= d.year + 543 <= self.ctx.now_be + 1):
                    d = None
                printed = found.printed if found.order else _fix_unit(_fix_agency_code(found.printed)[0])[0]
                refs.append({"number": printed, "date": d.isoformat() if d else None})
            if refs:
                self.fields["references"] = refs
                self.conf["references"] = _words_conf([w for u in used for w in u.words])
            return

    def _refs_complete(self, text: str) -> bool:
        found = parse_document_number(text)
        if not found:
            return False
        from .thai import find_thai_dates
        return bool(find_thai_dates(text[found.end:], today=self.ctx.today)) or bool(
            re.search(r"ลงวันที่\s*\S+\s+\S+\s+\S+", text[found.end:]))

    # -- enclosures ------------------------------------------------------------------------
    _BODY_OPENERS = ("ตามที่", "ด้วย", "เนื่องด้วย", "เนื่องจาก", "ตามหนังสือ", "อนุสนธิ",
                     "ตามคำสั่ง", "ตามประกาศ", "ตามระเบียบ", "ด้วยกรม", "ด้วยจังหวัด")
    _UNIT_END = re.compile(r"(ฉบับ|ชุด|เล่ม|แผ่น|แผ่นดิสก์|หน้า|แผ่นซีดี|ไฟล์|รายการ|อัน)\s*$")

    def enclosures(self) -> None:
        """enclosures: the numbered list after "สิ่งที่ส่งมาด้วย" (continuation lines
        joined) until the body begins."""
        for i, ln in enumerate(self.page0[:60]):
            rest = _label_rest(ln.text, "สิ่งที่ส่งมาด้วย")
            if rest is None:
                continue
            items: list[str] = []
            used = [ln]
            first = _strip_leader(rest)
            expect = 1
            m = re.match(r"^([0-9๐-๙]{1,2})\s*\.\s*(.*)$", first)
            if m:
                expect = int(fold_digits(m.group(1))) + 1
                first = m.group(2)
            items.append(first)
            cont = 0
            label_right = ln.words[0].box[2] if ln.words else ln.box[0]
            for nxt in self.page0[i + 1:i + 12]:
                if _which_label(nxt.text) is not None:
                    break
                if nxt.box[1] - used[-1].box[3] > 2.0 * max(ln.height, 1):
                    break
                t = normalize(nxt.text).strip()
                m = re.match(r"^([0-9๐-๙]{1,2})\s*\.\s*(.*)$", t)
                if m and int(fold_digits(m.group(1))) == expect and not any(
                        m.group(2).startswith(o) for o in self._BODY_OPENERS):
                    items.append(m.group(2))
                    expect += 1
                    cont = 0
                    used.append(nxt)
                    continue
                if any(t.startswith(o) for o in self._BODY_OPENERS):
                    break
                indented = nxt.box[0] >= label_right - 0.02 * nxt.page_size[0]
                if self._UNIT_END.search(items[-1]) and not indented:
                    break
                if cont >= 2 and not indented:
                    break
                items[-1] = _join_thai(items[-1], t)
                cont += 1
                used.append(nxt)
            items = [" ".join(x.split()) for x in items if x.strip()]
            if items:
                self.fields["enclosures"] = items
                self.conf["enclosures"] = _words_conf([w for u in used for w in u.words])
            return

    # -- signature -------------------------------------------------------------------------
    _CLOSINGS = ("ขอแสดงความนับถือ", "จึงเรียนมา", "จึงเสนอมา", "จึงแจ้งมา", "จึงเรียน",
                 "จึงเสนอ", "จึงขอ")
    _TITLES = re.compile(r"^(นาย|นาง|นางสาว|น\.ส\.|ว่าที่|ดร\.|พล|พ\.|ร\.|จ\.|ส\.|นาวา|เรือ|"
                         r"ศ\.|รศ\.|ผศ\.|หม่อม|ม\.ร\.ว\.|ม\.ล\.)")

    @staticmethod
    def _name_text(text: str) -> str | None:
        """The name inside a signature line ``(นาย… …)``, or None when the line is not
        one (OCR junk before/after the brackets is tolerated)."""
        t = normalize(text).strip().strip(".,'\"|:;-_ ")
        m = re.search(r"[(\[{]\s*([^()\[\]{}]+?)\s*[)\]}]", t)
        if m and re.search(r"[\u0e01-\u0e2e]", t[:m.start()] + t[m.end():]):
            m = None  # Thai words outside the brackets: not a signature line
        if m is None:
            m = re.match(r"^[(\[{]\s*([^()\[\]{}]+?)\s*[)\]}|1l]?$", t)
        if not m or len(t) > 70 or len(m.group(1)) < 4 or re.search(r"[0-9๐-๙]{3}", t):
            return None
        if not re.search(r"[\u0e01-\u0e2e]{2}", m.group(1)):
            return None
        toks = m.group(1).split()
        # OCR splits words ("นา ยประเสริฐ"): glue fragments of 1–2 letters without a dot
        # to the next part ("ณ" of surnames such as "ณ อยุธยา" excepted)
        out: list[str] = []
        for tok in toks:
            if out and len(_skel(out[-1])) <= 2 and "." not in out[-1] and out[-1] != "ณ" \
                    and len(toks) > 2:
                out[-1] += tok
            else:
                out.append(tok)
        return " ".join(out)

    def signature(self) -> None:
        """signer_name: the bracketed name after the closing (ขอแสดงความนับถือ /
        จึงเรียนมา…); signer_position: the lines under it (see :meth:`_position`)."""
        closing_idx = None
        for i, ln in enumerate(self.lines):
            sk = _skel(ln.text)
            if any(sk.startswith(_skel(c)) for c in self._CLOSINGS) or (
                    _edit_distance(sk[:14], _skel("ขอแสดงความนับถือ"), 2) <= 2):
                closing_idx = i
                if sk.startswith(_skel("ขอแสดงความนับถือ")):
                    break
        start = closing_idx + 1 if closing_idx is not None else 0
        name_idx = None
        for i in range(start, len(self.lines)):
            if closing_idx is not None and i > closing_idx + 10:
                break
            t = self._name_text(self.lines[i].text)
            if t is not None:
                name_idx = i
                break
        if name_idx is None:
            return
        ln = self.lines[name_idx]
        if re.search(r"[A-Za-z]", ln.text):
            alt = self.alt(ln)
            if alt is not None and self._name_text(alt.text) and \
                    len(re.findall(r"[A-Za-z]", alt.text)) < len(re.findall(r"[A-Za-z]", ln.text)):
                ln = alt
        else:
            ln = self.better(ln)
        name = self._name_text(ln.text) or self._name_text(self.lines[name_idx].text) or ""
        self.fields["signer_name"] = name
        self.conf["signer_name"] = _words_conf(ln.words)
        self._position(name_idx)

    _ACTING = re.compile(r"(ปฏิบัติราชการแทน|รักษาราชการแทน|ทำการแทน|รักษาการแทน|ปฏิบัติหน้าที่|"
                         r"รักษาการในตำแหน่ง|แทน)$")
    _ACTING_START = re.compile(r"^(ปฏิบัติราชการแทน|รักษาราชการแทน|ทำการแทน|รักษาการแทน|"
                               r"ปฏิบัติหน้าที่|รักษาการในตำแหน่ง)")
    _CONTACT = re.compile(r"^(ที่ทำการ|สำนักงาน|สำนัก|กลุ่มงาน|กลุ่ม|ฝ่าย|ส่วน|กอง|งาน|ศูนย์|โทร|"
                          r"โทรสาร|ไปรษณีย์|อีเมล|e-?mail|www\.|http)", re.I)

    def _position(self, name_idx: int) -> None:
        """Position lines under the signer's name: the first line, then more lines while
        an acting formula chains them (``… ปฏิบัติราชการแทน`` / ``ผู้ว่าราชการ…``), or
        while they stay centred under a centred name (a wrapped position); never the
        owner-unit / telephone block. The block may continue at the top of the next
        page when the name ends a page."""
        name = self.lines[name_idx]
        out: list[str] = []
        used: list[Line] = []
        prev = name
        for k in range(name_idx + 1, min(len(self.lines), name_idx + 8)):
            nxt = self.lines[k]
            t = normalize(nxt.text).strip().strip(".,'\"|:;-_ ")
            if len(_skel(t)) < 2:
                continue
            if nxt.page != prev.page:
                # continuation at the top of the next page: skip a page number line
                if re.fullmatch(r"[-–\s0-9๐-๙]+", t) or nxt.cy > 0.25:
                    continue
            elif nxt.box[1] - prev.box[3] > 1.6 * max(name.height, 1):
                break
            if self._CONTACT.match(t) or re.search(r"โทร\.?\s*[0-9๐-๙]", t):
                break
            if not out:
                if abs(nxt.cx - name.cx) > 0.2 and nxt.page == name.page:
                    break
                out.append(t)
                used.append(nxt)
                prev = nxt
                continue
            chained = bool(self._ACTING.search(out[-1]) or self._ACTING_START.match(t))
            wrapped = (nxt.page == name.page and name.cx > 0.4 and abs(nxt.cx - name.cx) < 0.04
                       and len(t) < 60)
            if not (chained or wrapped):
                break
            out.append(t)
            used.append(nxt)
            prev = nxt
        if out:
            self.fields["signer_position"] = " ".join(out)
            self.conf["signer_position"] = _words_conf([w for u in used for w in u.words])

    # -- issuing office ------------------------------------------------------------------------
    _ADDRESS = re.compile(r"^(ถนน|ถ\.|ตำบล|ต\.|แขวง|ซอย|ซ\.|หมู่|เลขที่|[0-9๐-๙])|[0-9๐-๙]{5}")

    # a telephone number (9–10 digits, maybe spaced or hyphenated) with the misread
    # "โทร." before it ("Ins. ๐ ๒๖๕๙ ๖๑๒๓")
    _PHONE = re.compile(r"(?:\s+[^\s\u0e01-\u0e2e]{1,6})?\s*[0-9๐-๙](?:[\s\-]?[0-9๐-๙]){7,}.*$")

    _NUM_SHAPE = re.compile(r"[0-9๐-๙][0-9๐-๙\s.]*/\s*(?:[ก-ฮ]\s*\.?\s*)?[0-9๐-๙]+")

    @staticmethod
    def _drop_lead_junk(text: str) -> str:
        """Drop leading tokens of at most two characters with at most one Thai letter
        and no vowel (a speck or the margin read as ``อ``, ``อ๐``, ``n``) before an
        office name; not a letter split from its vowel (``ส ำนักงาน``)."""
        toks = text.split()
        while (len(toks) > 1 and re.fullmatch(r"[^\u0e30-\u0e4e]{1,2}", toks[0])
               and len(re.findall(r"[\u0e01-\u0e2e]", toks[0])) <= 1
               and not re.match(r"[\u0e30-\u0e3a\u0e47-\u0e4e]", toks[1])):
            toks.pop(0)
        return " ".join(toks)

    def office(self) -> None:
        """issuing_office: the memo's "ส่วนราชการ" value up to "โทร", or the office
        lines of an external letter's address block (before the street address)."""
        for i, ln in enumerate(self.header):
            rest = _label_rest(ln.text, "ส่วนราชการ")
            if rest is None:
                continue
            value = rest
            used = [ln]
            if not re.search(r"โทร", value):
                for nxt in self.header[i + 1:i + 2]:
                    t = normalize(nxt.text)
                    if re.match(r"^\s*ที[่]?[\s.…:]", t) or _which_label(t) is not None:
                        break
                    value = _join_thai(value, t)
                    used.append(nxt)
            value = re.split(r"\s*โทร", value)[0]
            value = self._PHONE.split(value)[0]
            value = self._drop_lead_junk(_strip_leader(value))
            if value.count("(") > value.count(")"):
                value = value.rstrip(" (") + (")" if "(" in value.rstrip(" (") else "")
            if value:
                self.fields["issuing_office"] = value
                self.conf["issuing_office"] = _words_conf([w for u in used for w in u.words[1:] or u.words])
            return
        # external letter: the office lines of the address block, above the date line
        block: list[str] = []
        used = []
        for ln in self.header:
            t = normalize(ln.text).strip()
            if _which_label(t) is not None:
                break
            if self._is_stamp_like(ln) or classify_urgency(t) or classify_secrecy(t):
                continue
            num_shape = self._NUM_SHAPE.search(t) if not block else None
            if re.match(r"^\s*ที[่]?[\s.…:]", t) or num_shape is not None:
                # the "ที่" line (its label may be garbled): keep what follows the number
                found = parse_document_number(t)
                tail = t[found.end:].strip() if found else (t[num_shape.end():].strip() if num_shape else "")
                if tail and not self._ADDRESS.search(tail):
                    block.append(tail)
                continue
            if _date_parts(ln) is not None and len(ln.words) <= 6:
                break
            if block and self._ADDRESS.search(t):
                break
            if self._ADDRESS.search(t) and not block:
                # an address line before any office line: the office is unknown
                break
            if len(_skel(t)) < 3:
                continue
            block.append(self._drop_lead_junk(t) if not block else t)
            used.append(ln)
            if len(block) >= 2:
                break
        if block:
            self.fields["issuing_office"] = " ".join(block)
            self.conf["issuing_office"] = _words_conf([w for u in used for w in u.words]) or 0.5

    # -- urgency / secrecy -------------------------------------------------------------------
    _MARK_DECOR = re.compile(rf"^{MARK_DECORATION}+|{MARK_DECORATION}+$")

    def _mark_groups(self, ln: Line) -> list[tuple[str, Box, float]]:
        """``(text, box, height)`` of the line and of the word groups in it that may be a
        mark: OCR joins a mark and other ink on one line ("ด่วนมาก ลับ": urgency at the
        left margin, secrecy at the centre). A short line (≤ 4 words, as a line of marks
        is) gives every run of its words; a longer one only the groups its wide gaps
        (≥ 2 body heights) set apart, so a mark quoted in a sentence stays part of it.
        Decoration ("- ลับ -") is stripped."""
        words = list(ln.words)
        runs: list[list[Word]] = []
        if 1 < len(words) <= 4:
            runs = [words[i:j] for i in range(len(words)) for j in range(i + 1, len(words) + 1)
                    if j - i < len(words)]
        elif len(words) > 4:
            gap = max(2 * self.heights.get(ln.page, 60), 0.05 * ln.page_size[0])
            parts = [[words[0]]]
            for w in words[1:]:
                if w.box[0] - parts[-1][-1].box[2] >= gap:
                    parts.append([w])
                else:
                    parts[-1].append(w)
            runs = parts if len(parts) > 1 else []
        groups = [(ln.text, ln.box, ln.height)]
        for run in runs:
            box = _union([w.box for w in run])
            groups.append((" ".join(w.text for w in run), box, box[3] - box[1]))
        return [(self._MARK_DECOR.sub("", normalize(t)), box, h) for t, box, h in groups]

    def marks(self) -> None:
        """urgency / secrecy from the marks, found by what they are, in any ink.

        A mark is a short line, or a word group standing apart on its line, that is the
        term alone (decoration such as "- ลับ -" aside; DOMAIN.md §2): urgency in the top
        30 % of a page; secrecy in the top 20 % or bottom 15 %, centred (the Secrets
        Regulation B.E. 2544: top and bottom centre of every page). Red ink, a stamp
        region, a re-read of the top and bottom bands (``source="mark"``) or a size
        ≥ :data:`STAMP_HEIGHT_RATIO` × the body text weigh more; a black word of body size
        counts too (a word processor prints marks in black). A mark quoted in the text
        ("อ้างถึง … ด่วนที่สุด ที่ …") is never alone on its line and never counts.

        Secrecy errs on the side of caution: the highest class found is suggested, and
        ``secrecy`` goes into :attr:`needs_review` when the evidence is thin — a low
        confidence, a mark found only at the top or only at the bottom of its pages, or
        two classes. ``urgency`` goes there when its confidence is low.
        """
        urg: list[tuple[float, str]] = []
        sec: list[tuple[float, str, int, str]] = []  # (score, class, page, "top"/"bottom")
        for ln in self.all:
            body = self.heights.get(ln.page, 60)
            W, H = ln.page_size
            red = ln.source == "stamp" or ln.red
            for text, box, height in self._mark_groups(ln):
                if not text or len(text.split()) > 3:
                    continue
                cx, cy = (box[0] + box[2]) / 2 / max(1, W), (box[1] + box[3]) / 2 / max(1, H)
                weight = (1.0 if red else 0.95 if height >= STAMP_HEIGHT_RATIO * body
                          else 0.9 if ln.source == "mark" else 0.85)
                u = classify_urgency(text)
                if u and cy <= 0.3:
                    urg.append((u[1] * max(ln.conf, 0.3) * weight, u[0]))
                s = classify_secrecy(text)
                if s and (cy <= 0.2 or cy >= 0.85) and 0.25 <= cx <= 0.75:
                    sec.append((s[1] * max(ln.conf, 0.3) * weight, s[0], ln.page, "top" if cy <= 0.2 else "bottom"))
        rank_u = {"most_urgent": 3, "very_urgent": 2, "urgent": 1}
        rank_s = {"top_secret": 3, "secret": 2, "confidential": 1}
        due = self._due_within()
        if due is not None:
            self.fields["due_at"], self.conf["due_at"] = due.isoformat(), 0.8
            if not urg:
                urg.append((0.6, "urgent"))
        if urg:
            c, v = max(urg, key=lambda cv: (cv[0] >= 0.5, rank_u[cv[1]], cv[0]))
            self.fields["urgency"], self.conf["urgency"] = v, min(1.0, c)
            if c < 0.6:
                self.needs_review.add("urgency")
        else:
            self.fields["urgency"], self.conf["urgency"] = "normal", self._absent_conf()
        if sec:
            c, v = max(((c, v) for c, v, _p, _e in sec), key=lambda cv: (rank_s[cv[1]], cv[0]))
            self.fields["secrecy"], self.conf["secrecy"] = v, min(1.0, c)
            ends = {(p, e) for _c, _v, p, e in sec}
            both = any((p, "top") in ends and (p, "bottom") in ends for p, _e in ends)
            if c < 0.6 or not both or len({v for _c, v, _p, _e in sec}) > 1:
                self.needs_review.add("secrecy")
        else:
            self.fields["secrecy"], self.conf["secrecy"] = "unclassified", self._absent_conf()

    def _due_within(self) -> date | None:
        """The date of a "ด่วนภายใน <date>" mark near the top of page 1 (DOMAIN.md §2),
        read from its line and the next (the date is often printed below)."""
        first = min((ln.page for ln in self.all), default=0)
        lines = [ln for ln in self.all if ln.page == first and ln.cy <= 0.35]
        for i, ln in enumerate(lines):
            text = normalize(ln.text)
            at = text.find("ภายใน")
            if at < 0 or "ด่วน" not in text[max(0, at - 8):at]:
                continue
            rest = text[at + len("ภายใน"):] + " " + (normalize(lines[i + 1].text) if i + 1 < len(lines) else "")
            found = find_thai_dates(rest, today=self.ctx.today)
            if found:
                return found[0][0]
        return None

    def _absent_conf(self) -> float:
        # a colour scan was searched for red stamps: more sure than a grey one
        return 0.9 if self.stamps or getattr(self, "had_colour", False) else 0.75

    # -- document type ----------------------------------------------------------------------------
    def doc_type(self) -> None:
        """document_type from the title, the ส่วนราชการ label, complaint markers, the
        closing and the salutation (DOMAIN.md §1 table of letter types)."""
        top = [ln for ln in self.page0[:6] if not self._is_stamp_like(ln)][:4]
        body_text = " ".join(normalize(ln.text) for ln in self.lines)
        sk_all = _skel(body_text)
        conf = 0.6
        kind = None
        for ln in top[:3]:
            sk = _skel(ln.text)
            if not sk:
                continue
            if _edit_distance(sk[:11], _skel("บันทึกข้อความ"), 3) <= 3 and len(sk) <= 16:
                kind, conf = "internal", 0.9
                break
            if sk.startswith(_skel("คำสั่ง")) or sk.startswith(_skel("คําสั่ง")):
                kind, conf = "directive", 0.85
                break
            if sk.startswith(_skel("ระเบียบ")) or sk.startswith(_skel("ข้อบังคับ")):
                kind, conf = "directive", 0.8
                break
            if sk.startswith(_skel("ประกาศ")) or sk.startswith(_skel("แถลงการณ์")) or sk == _skel("ข่าว"):
                kind, conf = "announcement", 0.8
                break
        if kind is None and any(_label_rest(ln.text, "ส่วนราชการ") is not None for ln in self.header):
            kind, conf = "internal", 0.85
        number_ok = (self.fields.get("document_number") is not None and
                     parse_document_number(self.fields["document_number"] or "") is not None)
        subj = _skel(self.fields.get("subject") or "")
        complaint = (subj.startswith(_skel("ร้องเรียน")) or subj.startswith(_skel("ขอร้องเรียน"))
                     or subj.startswith(_skel("ร้องทุกข์")) or _skel("ขอความเป็นธรรม") in subj
                     or (_skel("ข้าพเจ้า") in sk_all and _skel("ร้องเรียน") in sk_all))
        if kind is None and complaint and not number_ok:
            kind, conf = "complaint", 0.6
        closing = _skel("ขอแสดงความนับถือ") in sk_all
        if kind is None and closing:
            kind, conf = "external", 0.85
        if kind is None and getattr(self, "_salutation", None) == "ถึง" and not self.fields.get("signer_name"):
            kind, conf = "stamped", 0.7
        if kind is None and number_ok and self.fields.get("addressee"):
            kind, conf = "external", 0.5
        if kind is None:
            kind, conf = "record", 0.4
        self.fields["document_type"] = kind
        self.conf["document_type"] = conf

    def run(self) -> tuple[dict, dict[str, float]]:
        """Run every extractor and return ``(fields, confidence)``."""
        self.number()
        self.date()
        self.subject()
        self.addressee()
        self.references()
        self.enclosures()
        self.signature()
        self.office()
        self.marks()
        for k in ("subject", "addressee", "signer_position", "issuing_office"):
            if isinstance(self.fields.get(k), str):
                # a lone Latin letter glued to Thai is OCR junk ("สงเคราะห์A")
                v = re.sub(r"(?<=[\u0e01-\u0e4e])[A-Za-z](?![A-Za-z])", "", self.fields[k])
                v = re.sub(r"(?<![A-Za-z])[A-Za-z](?=[\u0e01-\u0e4e])", "", v)
                self.fields[k] = repair_marks(join_split_words(" ".join(v.split())))
        if isinstance(self.fields.get("signer_name"), str):
            self.fields["signer_name"] = repair_marks(self.fields["signer_name"], names=True)
        self.doc_type()
        conf = {k: round(float(max(0.0, min(1.0, v))), 3) for k, v in self.conf.items()}
        for k in FIELD_NAMES:
            if self.fields.get(k) is None:
                conf[k] = 0.0
        return self.fields, conf


def _union(boxes: Sequence[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def extract_fields(lines: list[Line], *, today: date | None = None,
                   had_colour: bool = False) -> tuple[dict, dict[str, float]]:
    """Extract the header fields of a letter from its lines.

    Args:
        lines: all lines of the document in reading order, pages in order; stamp lines
            (``source="stamp"``, OCR of red regions) may be anywhere in the list.
        today: reference date for plausible years and 2-digit years (default today).
        had_colour: the pages were colour, so red stamps were looked for; raises the
            confidence of "normal"/"unclassified" when no stamp was found.

    Returns:
        ``(fields, confidence)``: ``fields`` has every key of :data:`FIELD_NAMES`
        (None when absent; ``urgency`` defaults to ``"normal"``, ``secrecy`` to
        ``"unclassified"``, ``document_type`` to ``"record"``); ``confidence`` maps the
        same keys to 0..1 (0 for absent fields).

    Never raises on odd input; a failing re-read is treated as no re-read.
    """
    fields, confidence, _review = review_fields(lines, today=today, had_colour=had_colour)
    return fields, confidence


def review_fields(lines: list[Line], *, today: date | None = None,
                  had_colour: bool = False) -> tuple[dict, dict[str, float], list[str]]:
    """:func:`extract_fields`, and the names of the fields a person must check before
    confirming them (``needs_review``, in :data:`FIELD_NAMES` order): an uncertain
    secrecy or urgency mark (see ``_Extractor.marks``)."""
    ex = _Extractor(lines, today)
    ex.had_colour = had_colour
    fields, confidence = ex.run()
    return fields, confidence, [name for name in FIELD_NAMES if name in ex.needs_review]

