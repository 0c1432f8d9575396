"""The labels of a letter's header (เรื่อง, เรียน, อ้างถึง, สิ่งที่ส่งมาด้วย, ส่วนราชการ,
วันที่) matched the way OCR prints them, and the text helpers every field extractor uses.

* ``_skel`` — a text's consonant skeleton (marks, spaces and leaders dropped): the form
  labels and terms are compared in, so that OCR slips in the marks do not matter.
* ``_label_match`` / ``_label_rest`` / ``_which_label`` — whether a line starts with a
  label (one letter off for labels of 4+ consonants, junk before it tolerated), and
  the text after it.
* ``_strip_leader`` and ``_join_thai`` — a label's value without its dotted leader, and
  wrapped lines joined as Thai wraps.

Shared by :mod:`ocr.fields`, :mod:`ocr.numbers`, :mod:`ocr.dates` and :mod:`ocr.marks`;
it imports none of them.
"""

from __future__ import annotations

import re

from .layout import _COMBINING_RE
from .thai import _edit_distance, normalize


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
